"""The interchange format as a JSON Schema (draft 2020-12), generated from the form
definition so that it can never drift from what the desk writes and the office reads.

The schema says what the structure check (``forms.record``) says — every key known,
every value of its JSON type, ``null`` for a field that is not given — plus what can be
said without the rules: the choices, the maximum lengths and counts, that a required
field is present and not blank, and that a post-hoc filing names its reason. A filing
that passes the schema can still have errors only the rules find (a credit code's check
character, a certificate number in the roster, dates, working days): the office answers
those with 422 and the problem list. Lengths count the characters as sent; the rules
count after normalisation (trimming, folding white space), so send values trimmed.
"""

from __future__ import annotations

from typing import Any

from forms.definition import FieldDef, FormDefinition

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Not blank: the rules count a value of only white space as missing.
NOT_BLANK = r"\S"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# ISO 8601 with an offset: the rules never guess a time zone.
TIMESTAMP_PATTERN = r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})\s*$"


def json_schema(definition: FormDefinition) -> dict[str, Any]:
    """The JSON Schema of a filing of ``definition``'s form."""
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"{definition.title}（{definition.id}）",
        "description": (
            "涉企行政执法检查备案的交换格式，由表单定义生成。"
            "通过本结构检查的备案表仍须通过备案规则（如信用代码校验位、执法证号、日期）。"
        ),
        **_object(definition, definition.fields),
    }
    post_hoc = [f.id for f in definition.fields if f.only_for_kind and f.required]
    kinds = {f.only_for_kind for f in definition.fields if f.only_for_kind}
    if post_hoc and kinds:
        schema["allOf"] = [
            {
                "if": {
                    "properties": {"kind": {"const": kind}},
                    "required": ["kind"],
                },
                "then": {
                    "required": [f.id for f in definition.fields if f.only_for_kind == kind],
                    "properties": {
                        f.id: _scalar(definition, f, required=True)
                        for f in definition.fields
                        if f.only_for_kind == kind and f.required
                    },
                },
            }
            for kind in sorted(kinds)
        ]
    return schema


def _object(definition: FormDefinition, fields: tuple[FieldDef, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.id: _field(definition, f) for f in fields},
        "required": [f.id for f in fields if f.required and not f.only_for_kind],
        "additionalProperties": False,
    }


def _described(f: FieldDef, schema: dict[str, Any]) -> dict[str, Any]:
    schema = {"title": f.label, **schema}
    if f.placeholder:
        schema["description"] = f.placeholder
    return schema


def _nullable(f: FieldDef, schema: dict[str, Any]) -> dict[str, Any]:
    """null means "not given": allowed wherever leaving the field out is allowed."""
    if f.meta or (f.required and not f.only_for_kind):
        return schema
    notes: dict[str, Any] = {k: schema.pop(k) for k in ("title", "description") if k in schema}
    return {**notes, "anyOf": [schema, {"type": "null"}]}


def _field(definition: FormDefinition, f: FieldDef) -> dict[str, Any]:
    if f.is_group:
        return _nullable(f, _described(f, _object(definition, f.fields)))
    if f.is_repeat:
        rows: dict[str, Any] = {"type": "array", "items": _object(definition, f.fields)}
        if f.required:
            rows["minItems"] = max(f.min_items, 1)
        if f.max_items is not None:
            rows["maxItems"] = f.max_items
        return _nullable(f, _described(f, rows))
    if f.type == "text_list":
        items: dict[str, Any] = {"type": "string"}
        if f.max_length is not None:
            items["maxLength"] = f.max_length
        listed: dict[str, Any] = {"type": "array", "items": items}
        if f.max_items is not None:
            listed["maxItems"] = f.max_items
        return _nullable(f, _described(f, listed))
    if f.type == "revision":
        return _described(f, {"type": "integer", "minimum": 1})
    if f.type == "form_id":
        return _described(f, {"type": "string", "const": definition.id})
    required = f.required and not f.only_for_kind
    return _nullable(f, _described(f, _scalar(definition, f, required=required)))


def _scalar(definition: FormDefinition, f: FieldDef, *, required: bool) -> dict[str, Any]:
    if f.type == "choice":
        keys = list(definition.choices(f))
        return {"type": "string", "enum": keys if required else [*keys, ""]}
    schema: dict[str, Any] = {"type": "string"}
    if f.type == "uuid":
        schema["format"] = "uuid"
        schema["pattern"] = UUID_PATTERN
    elif f.type == "datetime":
        schema["format"] = "date-time"
        schema["pattern"] = TIMESTAMP_PATTERN if required else f"^$|{TIMESTAMP_PATTERN}"
    elif required:
        schema["pattern"] = NOT_BLANK
    if f.max_length is not None:
        schema["maxLength"] = f.max_length
    return schema
