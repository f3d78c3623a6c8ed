"""The right value a problem can offer, so the clerk fixes it with one click.

- A certificate number that the roster gives to another officer
  (``cert_other_officer``): the number the roster has for the officer named in the same
  row, when the roster knows exactly one officer of that name.
- A credit code whose check character is wrong (``uscc_check``): the code of the
  directory entry with the enterprise's name, when there is one with a valid code.

Plain Python, no Qt: the editor words the offer and applies it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from forms import identifiers, normalize


class _Problem(Protocol):
    @property
    def field(self) -> str: ...
    @property
    def code(self) -> str: ...


@dataclass(frozen=True)
class Fix:
    path: str  # the field the value goes into
    value: str
    owner: str  # whose value it is: the officer's or the enterprise's name
    source: str  # where it comes from: "roster" or "directory"


def _value_at(filing: Mapping[str, Any], path: str) -> Any:
    value: Any = filing
    for step in path.replace("]", "").replace("[", ".").split("."):
        if isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def _sibling(path: str, key: str) -> str:
    """``inspectors[1].cert_no`` → ``inspectors[1].name``."""
    return f"{path.rsplit('.', 1)[0]}.{key}" if "." in path else key


def offered_fixes(
    problems: Iterable[_Problem],
    filing: Mapping[str, Any],
    *,
    officers_named: Callable[[str], list[Any]],
    enterprise_named: Callable[[str], Any],
) -> dict[str, Fix]:
    """One fix per field path, for the problems that have one."""
    fixes: dict[str, Fix] = {}
    for p in problems:
        if p.field in fixes:
            continue
        current = _value_at(filing, p.field)
        current = current if isinstance(current, str) else ""
        if p.code == "cert_other_officer":
            name = _value_at(filing, _sibling(p.field, "name"))
            found = officers_named(name) if isinstance(name, str) and name.strip() else []
            if len(found) == 1 and normalize.code(found[0].cert_no) != normalize.code(current):
                fixes[p.field] = Fix(p.field, found[0].cert_no, found[0].name, "roster")
        elif p.code == "uscc_check":
            name = _value_at(filing, _sibling(p.field, "name"))
            entry = enterprise_named(name) if isinstance(name, str) and name.strip() else None
            code = normalize.uscc(str(getattr(entry, "uscc", "") or "")) if entry else ""
            if (
                entry
                and code
                and identifiers.check_uscc(code) is None
                and code != normalize.uscc(current)
            ):
                fixes[p.field] = Fix(p.field, code, entry.name, "directory")
    return fixes
