"""The editor's sections in paper order, read from the definition's ``paper`` layout.

Pure Python: which top-level fields go in which section, in the order the printed
table shows them. Fields the paper does not show (such as the filing kind) are placed
after the field that precedes them in the definition, each in a section of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from forms.definition import FieldDef, FormDefinition

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_TOP = re.compile(r"^[A-Za-z0-9_]+")


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[FieldDef, ...]


def _cell_texts(rows: list[dict[str, Any]]):
    for row in rows:
        for cell in row.get("cells", ()):
            if "text" in cell:
                yield cell["text"]
        yield from _cell_texts(row.get("rows", ()))


def paper_sections(definition: FormDefinition) -> list[tuple[str, list[str]]]:
    """(section title, top-level field ids in order of first appearance) per paper section."""
    out = []
    for section in definition.paper.get("rows", ()):
        ids: list[str] = []
        for text in _cell_texts(section.get("rows", ())):
            for placeholder in _PLACEHOLDER.findall(text):
                m = _TOP.match(placeholder)
                if m and m.group(0) not in ids:
                    ids.append(m.group(0))
        out.append((section.get("section", ""), ids))
    return out


def editor_sections(definition: FormDefinition) -> list[Section]:
    """Every non-meta field exactly once, grouped and ordered like the paper form."""
    by_id = {f.id: f for f in definition.fields if not f.meta}
    placed: set[str] = set()
    sections: list[Section] = []
    for title, ids in paper_sections(definition):
        fields = tuple(by_id[i] for i in ids if i in by_id and i not in placed)
        placed.update(f.id for f in fields)
        if fields:
            sections.append(Section(title or fields[0].label, fields))

    # Unplaced fields go right after the section holding their predecessor.
    previous: str | None = None
    for f in definition.fields:
        if f.meta:
            continue
        if f.id not in placed:
            index = 0
            if previous is not None:
                index = 1 + next(
                    i for i, s in enumerate(sections) if any(x.id == previous for x in s.fields)
                )
            sections.insert(index, Section(f.label, (f,)))
            placed.add(f.id)
        previous = f.id
    return sections


def paper_order(definition: FormDefinition) -> list[FieldDef]:
    """Top-level fields in the order the editor shows them."""
    return [f for s in editor_sections(definition) for f in s.fields]
