"""The published contract: the interchange format's JSON Schema for each form the office
knows (bundled with ``forms`` or loaded as reference data), and its place in the OpenAPI
document as the body of ``POST /api/v1/filings``."""

from __future__ import annotations

from typing import Any

from forms.definition import DEFAULT_FORM_ID, FormDefinition, load_definition
from forms.json_schema import json_schema
from office.reference import Reference

FILING_COMPONENT = "Filing"
FILING_REF = f"#/components/schemas/{FILING_COMPONENT}"


def definition(ref: Reference, form_id: str) -> FormDefinition | None:
    """The definition of ``form_id``: a bundled one, else one of the reference data's."""
    try:
        return load_definition(form_id)
    except KeyError:
        pass
    for item in ref.data.get("forms", []):
        if item.get("id") == form_id:
            return FormDefinition(item["definition"])
    return None


def form_schema(ref: Reference, form_id: str) -> dict[str, Any] | None:
    """The JSON Schema served at ``/api/v1/forms/{form}/schema``, or None if unknown."""
    found = definition(ref, form_id)
    return json_schema(found) if found is not None else None


def with_filing_schema(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the default form's schema as the ``Filing`` component."""
    schema = dict(json_schema(load_definition(DEFAULT_FORM_ID)))
    schema.pop("$schema")  # OpenAPI 3.1 schemas are 2020-12 already
    document.setdefault("components", {}).setdefault("schemas", {})[FILING_COMPONENT] = schema
    return document
