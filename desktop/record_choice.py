"""What choosing a record (an officer from the roster, an enterprise from the directory)
does to the fields it describes, and what undoing it restores.

A choice is the clerk saying "this one": every field the record provides takes the
record's value, whether the old value was copied from another filing, filled in earlier
or typed. When the fields described another record before (a value the new record
provides differs from a value already there), a field the new record does not provide is
emptied too: it held the previous record's data (the old officer's phone, the old
enterprise's park), which must not reach an official form. When they described no record
yet, what the clerk typed in such a field stays.

Plain Python: the editor's widgets apply the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    key: str
    before: str
    after: str


@dataclass(frozen=True)
class ChoiceFill:
    """The fields a choice changes, each with its value before and after."""

    changes: tuple[Change, ...] = ()
    replaced_other: bool = False  # the fields described another record before

    def __bool__(self) -> bool:
        return bool(self.changes)

    def after(self) -> dict[str, str]:
        return {c.key: c.after for c in self.changes}

    def undo(self, current: Mapping[str, str]) -> dict[str, str]:
        """What undoing restores: each changed field that still holds what the choice put
        there goes back to its value before. A field the clerk has typed into since is
        theirs and stays."""
        return {c.key: c.before for c in self.changes if current.get(c.key, "") == c.after}

    def can_undo(self, current: Mapping[str, str]) -> bool:
        return bool(self.undo(current))

    def replaced(self, picked: str) -> tuple[Change, ...]:
        """The changes worth announcing: a value that was there, other than in the field
        the clerk chose by (``picked``), now replaced or emptied. Filling empty fields is
        what the clerk expects of a choice and is not announced."""
        return tuple(c for c in self.changes if c.key != picked and c.before.strip())


def _same(a: str, b: str, key: Callable[[str], str]) -> bool:
    return key(a) == key(b)


def choose(
    current: Mapping[str, str],
    provided: Mapping[str, str],
    *,
    same: Callable[[str], str] = str.strip,
) -> ChoiceFill:
    """The fill for choosing a record.

    ``current``: the fields' values now. ``provided``: for every field of the set the
    record kind covers, the record's value ("" where this record has none). ``same``
    maps a value to what counts as equal (the editor passes normalisation, so a
    full-width copy of the same number is not "another record").
    """
    replaced_other = any(
        value.strip()
        and current.get(key, "").strip()
        and not _same(current.get(key, ""), value, same)
        for key, value in provided.items()
    )
    changes: list[Change] = []
    for key, value in provided.items():
        before = current.get(key, "")
        if value.strip():
            after = value
        elif replaced_other:
            after = ""
        else:
            continue
        if before != after and not (after and _same(before, after, same)):
            changes.append(Change(key, before, after))
    return ChoiceFill(tuple(changes), replaced_other)
