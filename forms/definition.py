"""The form definition: fields, labels, limits and the paper layout, read from data.

The definition is a JSON file under ``forms/data`` named after the form id
(``xiangtan-beian/2024`` → ``xiangtan-beian-2024.json``). Code reads labels,
required-ness, lengths and layout from here and never repeats them.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_FORM_ID = "xiangtan-beian/2024"

# Field types and the JSON type each takes in the interchange format.
SCALAR_TYPES = {
    "text",
    "multiline",
    "person_name",
    "phone",
    "cert_no",
    "uscc",
    "datetime",
    "choice",
    "uuid",
    "form_id",
}
JSON_TYPE_NAMES = {"str": "文本", "int": "整数", "list": "列表", "dict": "对象"}


@dataclass(frozen=True)
class FieldDef:
    """One field (or group, or repeat group) of the form."""

    id: str
    path: str  # "leader.name"; repeat members use "inspectors[].name"
    label: str
    type: str
    required: bool = False
    max_length: int | None = None
    min_items: int = 0
    max_items: int | None = None
    choices: str | None = None  # name of a mapping in the definition
    only_for_kind: str | None = None
    expected: bool = False  # not required, but its absence is a warning
    meta: bool = False  # record bookkeeping, not shown on the form
    section: str | None = None
    placeholder: str = ""
    fields: tuple[FieldDef, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_group(self) -> bool:
        return self.type == "group"

    @property
    def is_repeat(self) -> bool:
        return self.type == "repeat"

    @property
    def json_type(self) -> builtins.type:
        if self.type == "group":
            return dict
        if self.type in ("repeat", "text_list"):
            return list
        if self.type == "revision":
            return int
        return str

    def child(self, field_id: str) -> FieldDef:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(f"{self.path} has no field {field_id!r}")


def _build_field(raw: dict[str, Any], prefix: str) -> FieldDef:
    path = f"{prefix}{raw['id']}"
    member_prefix = f"{path}[]." if raw["type"] == "repeat" else f"{path}."
    children = tuple(_build_field(r, member_prefix) for r in raw.get("fields", ()))
    return FieldDef(
        id=raw["id"],
        path=path,
        label=raw["label"],
        type=raw["type"],
        required=bool(raw.get("required", False)),
        max_length=raw.get("max_length"),
        min_items=int(raw.get("min_items", 0)),
        max_items=raw.get("max_items"),
        choices=raw.get("choices"),
        only_for_kind=raw.get("only_for_kind"),
        expected=bool(raw.get("expected", False)),
        meta=bool(raw.get("meta", False)),
        section=raw.get("section"),
        placeholder=raw.get("placeholder", ""),
        fields=children,
        raw=raw,
    )


_INDEX = re.compile(r"\[\d*\]")


class FormDefinition:
    """A loaded form definition. Treat as read-only."""

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        self.id: str = raw["id"]
        self.title: str = raw["title"]
        self.timezone: str = raw.get("timezone", "Asia/Shanghai")
        self.kinds: dict[str, str] = dict(raw["kinds"])
        self.post_hoc_reasons: dict[str, str] = dict(raw["post_hoc_reasons"])
        self.post_hoc_deadline_working_days: int = int(raw["post_hoc_deadline_working_days"])
        self.min_certified_officers: int = int(raw["min_certified_officers"])
        self.exempt_notice: str = raw.get("exempt_notice", "")
        self.paper: dict[str, Any] = raw["paper"]
        self.fields: tuple[FieldDef, ...] = tuple(_build_field(r, "") for r in raw["fields"])
        self._by_path = {f.path: f for f in self.walk()}

    def walk(self) -> Iterator[FieldDef]:
        """Every field, groups before their members, in paper order."""

        def visit(fields: tuple[FieldDef, ...]) -> Iterator[FieldDef]:
            for f in fields:
                yield f
                yield from visit(f.fields)

        return visit(self.fields)

    def field(self, path: str) -> FieldDef:
        """The field at an interchange path; indexes are ignored (``inspectors[1].name``)."""
        return self._by_path[_INDEX.sub("[]", path)]

    def label(self, path: str) -> str:
        return self.field(path).label

    def choices(self, f: FieldDef) -> dict[str, str]:
        return dict(self.raw[f.choices]) if f.choices else {}

    @property
    def top_level_keys(self) -> set[str]:
        return {f.id for f in self.fields}

    def __repr__(self) -> str:
        return f"FormDefinition({self.id!r})"


def _file_name(form_id: str) -> str:
    return form_id.replace("/", "-") + ".json"


def known_form_ids() -> list[str]:
    ids = []
    for entry in resources.files("forms").joinpath("data").iterdir():
        if entry.name.endswith(".json"):
            head = json.loads(entry.read_text("utf-8"))
            if isinstance(head, dict) and "fields" in head and "id" in head:
                ids.append(head["id"])
    return sorted(ids)


@cache
def load_definition(form_id: str = DEFAULT_FORM_ID) -> FormDefinition:
    """Load a bundled definition by id. Raises KeyError for an unknown id."""
    if not re.fullmatch(r"[a-z0-9-]+/[0-9A-Za-z.-]+", form_id or ""):
        raise KeyError(form_id)
    entry = resources.files("forms").joinpath("data", _file_name(form_id))
    if not entry.is_file():
        raise KeyError(form_id)
    return FormDefinition(json.loads(entry.read_text("utf-8")))
