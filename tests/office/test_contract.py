"""The published contract: the interchange format's JSON Schema, generated from the form
definition, checked with the ``jsonschema`` library, served by a real office process and
referenced by the OpenAPI document as the filing body."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest

from forms.definition import DEFAULT_FORM_ID, load_definition
from forms.json_schema import json_schema
from tests.support.office import OfficeServer, valid_filing

DATA = Path(__file__).resolve().parents[1] / "data"
SCHEMA = json_schema(load_definition(DEFAULT_FORM_ID))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def sample_filings() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(DATA.glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        if "form" in data:
            out.append((path.name, data))
        else:  # a document holding filings (legacy_nfkc_filing.json)
            out += [(f"{path.name}:{k}", v) for k, v in data.items() if isinstance(v, dict)]
    return out


def errors(filing: dict) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(filing)]


def test_the_schema_is_a_valid_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_there_are_sample_filings_of_both_kinds():
    kinds = {filing["kind"] for _, filing in sample_filings()}
    assert kinds == {"prior", "post_hoc"}


@pytest.mark.parametrize("name,filing", sample_filings(), ids=[n for n, _ in sample_filings()])
def test_every_sample_filing_validates(name, filing):
    assert errors(filing) == []


def test_a_filing_with_nulls_for_optional_fields_validates(good_filing):
    good_filing["enterprise"]["park"] = None
    good_filing["plan_ref"] = None
    good_filing["joint_units"] = None
    assert errors(good_filing) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.update(nickname="小王"),  # unknown key at the top
        lambda f: f["leader"].update(nickname="小王"),  # unknown key in a group
        lambda f: f["inspectors"][0].update(phone="13807321234"),  # unknown key in a row
        lambda f: f.update(revision="1"),  # wrong type
        lambda f: f.update(revision=0),
        lambda f: f.update(lead_unit=42),
        lambda f: f.update(joint_units="湘潭市应急管理局"),
        lambda f: f.update(inspectors={"name": "易桐"}),
        lambda f: f.update(kind="later"),  # not one of the choices
        lambda f: f.update(form="xiangtan-beian/1999"),
        lambda f: f.update(id="not-a-uuid"),
        lambda f: f.update(lead_unit="  "),  # required, blank
        lambda f: f.update(lead_unit=None),  # required: null is missing
        lambda f: f.pop("items"),
        lambda f: f.update(inspection_start="2026-12-03T09:00:00"),  # no offset
        lambda f: f.update(lead_unit="局" * 51),
        lambda f: f.update(kind="post_hoc"),  # post-hoc without its reason
    ],
)
def test_a_filing_the_structure_check_refuses_does_not_validate(good_filing, change):
    filing = copy.deepcopy(good_filing)
    change(filing)
    assert errors(filing) != []


def test_the_schema_comes_from_the_definition():
    """Changing a limit in the definition changes the schema: nothing is written twice."""
    raw = copy.deepcopy(load_definition().raw)
    raw["fields"][[f["id"] for f in raw["fields"]].index("lead_unit")]["max_length"] = 12
    from forms.definition import FormDefinition

    changed = json_schema(FormDefinition(raw))
    assert changed["properties"]["lead_unit"]["maxLength"] == 12
    assert SCHEMA["properties"]["lead_unit"]["maxLength"] == 50
    assert set(SCHEMA["properties"]) == {f["id"] for f in raw["fields"]}


# --- served by the office -----------------------------------------------------------------


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory):
    # --api-docs: /openapi.json is served only when asked for.
    folder = tmp_path_factory.mktemp("contract-office")
    with OfficeServer.start(folder, extra_args=["--api-docs"]) as server:
        yield server


@pytest.mark.parametrize("spelled", [DEFAULT_FORM_ID, quote(DEFAULT_FORM_ID, safe="")])
def test_the_office_serves_the_schema_without_a_token(office: OfficeServer, spelled):
    with office.client() as anonymous:
        r = anonymous.get(f"/api/v1/forms/{spelled}/schema")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/schema+json")
    assert r.json() == SCHEMA


def test_an_unknown_form_is_404_in_chinese(office: OfficeServer):
    with office.client() as anonymous:
        r = anonymous.get("/api/v1/forms/xiangtan-beian/1999/schema")
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"
    assert "表单版本" in r.json()["message"]


def test_a_form_loaded_as_reference_data_has_its_schema(office: OfficeServer, tmp_path):
    raw = copy.deepcopy(load_definition().raw)
    raw["id"] = "xiangtan-beian/2027"
    raw["fields"][[f["id"] for f in raw["fields"]].index("items")]["max_length"] = 800
    path = tmp_path / "reference.json"
    path.write_text(
        json.dumps({"forms": [{"id": raw["id"], "definition": raw}]}, ensure_ascii=False), "utf-8"
    )
    office.cli("reference", "load", str(path))
    with office.client() as anonymous:
        r = anonymous.get("/api/v1/forms/xiangtan-beian/2027/schema")
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["form"]["const"] == "xiangtan-beian/2027"
    assert r.json()["properties"]["items"]["maxLength"] == 800


def test_what_the_schema_accepts_the_office_accepts(office: OfficeServer):
    token = office.create_token()
    filing = valid_filing()
    filing["enterprise"]["park"] = None
    with office.client() as anonymous:
        served = anonymous.get(f"/api/v1/forms/{DEFAULT_FORM_ID}/schema").json()
    assert list(jsonschema.Draft202012Validator(served).iter_errors(filing)) == []
    with office.client(token) as http:
        assert http.post("/api/v1/filings", json=filing).status_code == 201


def test_the_openapi_document_uses_the_schema_for_the_filing_body(office: OfficeServer):
    with office.client() as anonymous:
        document = anonymous.get("/openapi.json").json()
    body = document["paths"]["/api/v1/filings"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/Filing"
    component = document["components"]["schemas"]["Filing"]
    assert component == {k: v for k, v in SCHEMA.items() if k != "$schema"}
    assert "/api/v1/forms/{form}/schema" in document["paths"]
