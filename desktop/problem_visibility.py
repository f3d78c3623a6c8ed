"""When the editor shows a problem: the rule, without the widgets.

- A field's problems show once the clerk has left it. A loaded filing counts every field
  that holds a value as left: a reopened draft shows what is wrong with what it holds at
  once, while the fields still blank wait (a new filing does not open covered in
  "required").
- Problems of a whole group or row (too few officers, an empty row) show once one of its
  fields was left and the cursor is outside it.
- While the clerk types, messages only go away: a fixed value clears its message at
  once, a new message waits until the field is left.
- After 保存并检查 (``reveal_everything``) every problem shows, until the next load.

Paths are the rules' (``inspectors[1].cert_no``). Plain Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class _Problem(Protocol):
    @property
    def field(self) -> str: ...
    @property
    def code(self) -> str: ...


P = TypeVar("P", bound=_Problem)


def moved_path(path: str, rows_path: str, removed: int) -> str | None:
    """Where ``path`` is after row ``removed`` of ``rows_path`` went: later rows move up
    by one; the removed row's paths are gone (None); other paths stay."""
    prefix = f"{rows_path}["
    if not path.startswith(prefix):
        return path
    index_text, rest = path[len(prefix) :].split("]", 1)
    index = int(index_text)
    if index == removed:
        return None
    return f"{prefix}{index - 1 if index > removed else index}]{rest}"


class ProblemVisibility:
    """Which problems are on show for one filing in the editor."""

    def __init__(self) -> None:
        self.revealed: set[str] = set()
        self.reveal_all = False
        self.shown: set[tuple[str, str]] = set()

    def load(self, filled_paths: Iterable[str] = (), *, reveal_all: bool = False) -> None:
        """A filing was loaded: the fields holding a value count as left."""
        self.revealed = set(filled_paths)
        self.reveal_all = reveal_all
        self.shown = set()

    def left(self, path: str) -> None:
        self.revealed.add(path)

    def reveal_everything(self) -> None:
        self.reveal_all = True

    def is_revealed(self, path: str, focus_path: str | None) -> bool:
        if self.reveal_all or path in self.revealed:
            return True
        inside = (f"{path}.", f"{path}[")
        if any(r.startswith(inside) for r in self.revealed):
            return not (focus_path is not None and focus_path.startswith(inside))
        return False

    def select(self, problems: Iterable[P], focus_path: str | None, *, only_clear: bool) -> list[P]:
        """The problems to show now (and remember as shown). ``only_clear``: the clerk is
        typing, so nothing new appears."""
        out = [p for p in problems if self.is_revealed(p.field, focus_path)]
        if only_clear:
            out = [p for p in out if (p.field, p.code) in self.shown]
        self.shown = {(p.field, p.code) for p in out}
        return out

    def row_removed(self, rows_path: str, removed: int) -> None:
        """Row ``removed`` is gone: the shown and left paths move with their rows."""
        self.revealed = {
            m for p in self.revealed if (m := moved_path(p, rows_path, removed)) is not None
        }
        self.shown = {
            (m, c) for p, c in self.shown if (m := moved_path(p, rows_path, removed)) is not None
        }
