"""JSON null for a field means the field was not given: accepted everywhere, never a
wrong type, and a required field given as null is simply missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from forms import record, rules
from forms.pdf import render_pdf
from forms.record import content_digest

AT = "2026-11-27T10:00:00+08:00"


def with_nulls(filing: dict) -> dict:
    filing["enterprise"]["park"] = None
    filing["enterprise"]["address"] = None
    filing["plan_ref"] = None
    filing["head_opinion"] = None
    filing["joint_units"] = None
    return filing


def test_null_optional_fields_parse_as_absent(good_filing):
    filing, problems = record.load(json.dumps(with_nulls(good_filing), ensure_ascii=False))
    assert problems == []
    assert "park" not in filing["enterprise"] and "address" not in filing["enterprise"]
    assert not {"plan_ref", "head_opinion", "joint_units"} & set(filing)


def test_null_in_a_dict_is_not_a_wrong_type(good_filing, at):
    filing = with_nulls(good_filing)
    assert record.structure_problems(filing) == []
    report = rules.validate(filing, at=at)
    assert report.problems == []
    assert report.normalized["enterprise"]["park"] == ""


def test_null_for_a_required_field_is_missing_not_wrong_type(good_filing, at):
    good_filing["items"] = None
    good_filing["leader"]["phone"] = None
    good_filing["inspectors"][0]["cert_no"] = None
    filing, problems = record.load(json.dumps(good_filing, ensure_ascii=False))
    assert problems == []
    found = {(p.field, p.code) for p in rules.validate(filing, at=at).errors}
    assert {("items", "required"), ("leader.phone", "required")} <= found
    assert not any(code == "wrong_type" for _, code in found)


@pytest.mark.parametrize("key", ["id", "revision", "form"])
def test_null_meta_fields_are_still_refused(good_filing, key):
    good_filing[key] = None
    if key == "form":
        with pytest.raises(record.NotAFiling):
            record.load(json.dumps(good_filing))
        return
    _, problems = record.load(json.dumps(good_filing))
    assert (key, "wrong_type") in {(p.field, p.code) for p in problems}


def test_a_filing_with_nulls_prints_and_digests_like_one_without(good_filing):
    parsed = record.parse(json.dumps(with_nulls(json.loads(json.dumps(good_filing)))))
    for key in ("plan_ref", "head_opinion", "joint_units"):
        good_filing.pop(key)
    for key in ("park", "address"):
        good_filing["enterprise"].pop(key)
    assert content_digest(parsed) == content_digest(good_filing)
    assert render_pdf(parsed, copies=(1,))[:4] == b"%PDF"


def test_beian_validate_accepts_null(tmp_path: Path, good_filing):
    path = tmp_path / "nulls.json"
    path.write_text(json.dumps(with_nulls(good_filing), ensure_ascii=False), "utf-8")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "desktop.cli", "--data-dir", str(tmp_path / "desk")),
            *("validate", str(path), "--at", AT),
        ],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert "没有发现问题" in result.stdout.decode()


def test_an_office_bundle_with_nulls_is_accepted(tmp_path: Path):
    from tests.support.office import DEFAULT_UNIT, office_cli, valid_filing, write_bundle

    filing = valid_filing(plan_ref=None, joint_units=None)
    filing["enterprise"]["park"] = None
    bundle = write_bundle(tmp_path / "bundle.json", [filing])
    result = office_cli(tmp_path / "office.db", "import", str(bundle), "--unit", DEFAULT_UNIT)
    assert filing["id"] in result.stdout and "已受理" in result.stdout
