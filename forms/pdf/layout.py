"""What the paper says: the definition's ``paper`` section filled with a filing's values.

This module knows nothing about PDF drawing. It turns the layout data (sections,
rows, cells with ``label`` or ``text`` templates, repeats, ``only_if``) and a filing
into plain strings that the renderer places. Every label and fixed text comes from
the definition.

Templates: ``{path}`` is replaced by the value at that interchange path
(``leader.name``; ``inspectors[].name`` inside a ``repeat`` section). A template line
whose placeholders are all empty is left out. Choices print their Chinese label,
datetimes the definition's ``datetime_format``, lists are joined with
``list_separator``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from forms.definition import FieldDef, FormDefinition
from forms.display import datetime_text
from forms.record import BadTimestamp, parse_timestamp

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# Values longer than this are cut (a mark says so): the rules refuse them long before,
# and a runaway draft must not turn into a thousand pages.
MAX_VALUE_CHARS = 20_000


@dataclass(frozen=True)
class Cell:
    kind: str  # "label" or "text"
    text: str
    span: int = 1
    min_height_mm: float = 0.0
    signature: str = ""


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Section:
    label: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class CopySpec:
    number: int
    label: str
    keeper: str
    notice: tuple[str, ...] = ()
    park_reply: bool = False  # the unit's copy: prints the park committee's reply, if any


@dataclass(frozen=True)
class Paper:
    """Everything printed on each copy, as text."""

    title: str
    sections: tuple[Section, ...]
    footer: str
    copies: tuple[CopySpec, ...]
    column_widths: tuple[float, ...]
    margins_mm: dict[str, float]
    marks: dict[str, str] = field(default_factory=dict)

    def texts(self) -> list[str]:
        """Every string that goes on paper (for font coverage)."""
        out = [self.title, self.footer, *self.marks.values()]
        for section in self.sections:
            out.append(section.label)
            for row in section.rows:
                for cell in row.cells:
                    out += [cell.text, cell.signature]
        for copy in self.copies:
            out += [copy.label, copy.keeper, *copy.notice]
        return out


# ---------------------------------------------------------------------------------
# Values as printed


def printable(text: str) -> str:
    """Text as it is drawn: line breaks kept, tabs as spaces, invisible controls
    (and variation selectors, which our fonts cannot apply) dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    out = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Zl", "Zp") or _is_variation_selector(ch):
            continue
        out.append(ch)
    lines = [line.rstrip() for line in "".join(out).split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines).strip()


def _is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


class Values:
    """Reads values of one filing by interchange path, formatted for paper."""

    def __init__(self, filing: dict[str, Any], definition: FormDefinition, truncated: str = ""):
        self.filing = filing
        self.definition = definition
        self.paper = definition.paper
        self.truncated = truncated

    def raw(self, path: str, index: int | None = None) -> Any:
        value: Any = self.filing
        for part in path.split("."):
            repeated = part.endswith("[]")
            key = part[:-2] if repeated else part
            value = value.get(key) if isinstance(value, dict) else None
            if repeated:
                if not isinstance(value, list) or index is None or index >= len(value):
                    return None
                value = value[index]
        return value

    def text(self, path: str, index: int | None = None) -> str:
        try:
            f = self.definition.field(path)
        except KeyError:
            raise ValueError(f"paper layout names an unknown field: {path}") from None
        return self.format(f, self.raw(path, index))

    def format(self, f: FieldDef, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            parts = [self.format(f, v) if not isinstance(v, list) else "" for v in value]
            sep = str(self.paper.get("list_separator", "、"))
            return sep.join(p for p in parts if p)
        if isinstance(value, dict):
            return ""  # a group where a value belongs: nothing sensible to print
        if isinstance(value, bool):
            value = str(value).lower()
        text = value if isinstance(value, str) else str(value)
        if len(text) > MAX_VALUE_CHARS:
            text = text[:MAX_VALUE_CHARS] + self.truncated
        if f.type == "choice":
            label = self.definition.choices(f).get(text.strip())
            if label:
                return str(label)
        if f.type == "datetime":
            try:
                return datetime_text(parse_timestamp(text.strip()), self.definition)
            except BadTimestamp:
                pass  # print what was typed; the rules report the problem
        return printable(text)


def fill(template: str, lookup: Callable[[str], str]) -> str:
    """Fill ``{path}`` placeholders; drop template lines whose placeholders are all empty."""
    lines = []
    for line in template.split("\n"):
        names = _PLACEHOLDER.findall(line)
        values = {name: lookup(name) for name in names}
        if names and not any(v.strip() for v in values.values()):
            continue
        lines.append(_PLACEHOLDER.sub(functools.partial(_placeholder_value, values), line))
    return "\n".join(lines)


def _placeholder_value(values: dict[str, str], match: re.Match[str]) -> str:
    return values[match.group(1)]


def format_datetime(value: datetime, definition: FormDefinition) -> str:
    return datetime_text(value, definition)


# ---------------------------------------------------------------------------------
# Building the paper


def _cell(raw: dict[str, Any], lookup: Callable[[str], str]) -> Cell:
    if "label" in raw:
        return Cell("label", raw["label"], int(raw.get("span", 1)))
    return Cell(
        "text",
        fill(raw.get("text", ""), lookup),
        int(raw.get("span", 1)),
        float(raw.get("min_height_mm", 0)),
        raw.get("signature", ""),
    )


def build_paper(filing: dict[str, Any], definition: FormDefinition) -> Paper:
    paper = definition.paper
    marks = dict(paper.get("marks", {}))
    values = Values(filing, definition, marks.get("truncated", ""))
    sections = []
    for raw_section in paper["rows"]:
        only_if = raw_section.get("only_if")
        if only_if and not values.text(only_if).strip():
            continue
        rows: list[Row] = []
        repeat = raw_section.get("repeat")
        if repeat:
            items = values.raw(repeat)
            count = len(items) if isinstance(items, list) else 0
            count = max(count, int(raw_section.get("min_rows", 0)))
            for i in range(count):
                for raw_row in raw_section["rows"]:

                    def lookup(path: str, i: int = i) -> str:
                        return values.text(path, i)

                    rows.append(Row(tuple(_cell(c, lookup) for c in raw_row["cells"])))
        else:
            for raw_row in raw_section["rows"]:
                rows.append(Row(tuple(_cell(c, values.text) for c in raw_row["cells"])))
        sections.append(Section(raw_section["section"], tuple(rows)))
    copies = tuple(
        CopySpec(
            int(c["number"]),
            c["label"],
            c.get("keeper", ""),
            tuple(c.get("notice", ())),
            bool(c.get("park_reply", False)),
        )
        for c in paper["copies"]
    )
    return Paper(
        title=paper.get("title", definition.title),
        sections=tuple(sections),
        footer=paper.get("footer", ""),
        copies=copies,
        column_widths=tuple(float(w) for w in paper["column_widths"]),
        margins_mm={k: float(v) for k, v in paper["margins_mm"].items()},
        marks=marks,
    )


def static_texts(definition: FormDefinition) -> list[str]:
    """Every fixed string of the paper layout (for preparing fonts before any filing)."""
    paper = definition.paper
    out = [paper.get("title", ""), paper.get("footer", ""), *paper.get("marks", {}).values()]
    out += list(definition.kinds.values()) + list(definition.post_hoc_reasons.values())
    for section in paper["rows"]:
        out.append(section["section"])
        for row in section["rows"]:
            for cell in row["cells"]:
                out += [cell.get("label", ""), _PLACEHOLDER.sub("", cell.get("text", ""))]
                out.append(cell.get("signature", ""))
    for copy in paper["copies"]:
        out += [copy["label"], copy.get("keeper", ""), *copy.get("notice", ())]
    out.append("0123456789年月日时分:")
    return out
