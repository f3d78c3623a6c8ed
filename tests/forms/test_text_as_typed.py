"""Normalisation folds identifiers only: names, units and free text print, are stored and
read back from the PDF exactly as typed (full-width Chinese punctuation included), and a
filing made before this rule still verifies with the digest printed on its paper."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pypdf
import pytest

from forms import normalize, rules
from forms.pdf import render_pdf
from forms.pdf.qr import identity
from forms.record import content_digest

DATA = Path(__file__).resolve().parents[1] / "data"
AT = datetime.fromisoformat("2026-11-27T10:00:00+08:00")
ENTERPRISE = "湖南华菱湘钢（湘潭）有限公司"
PUNCTUATION = "（，。：；？！（）“”）"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def typed_filing(good_filing: dict) -> dict:
    good_filing["enterprise"]["name"] = ENTERPRISE
    good_filing["enterprise"]["address"] = "湘潭市岳塘区钢城路（湘钢厂区）１号"
    good_filing["lead_unit"] = "湘潭市市场监督管理局（食品安全）"
    good_filing["joint_units"] = ["湘潭市应急管理局（安全生产）"]
    good_filing["leader"]["title"] = "四级主任科员（带队）"
    good_filing["items"] = "安全生产标准化：现场检查，查阅台账；有无隐患？"
    good_filing["content"] = "查看“三同时”落实情况！抽查记录。"
    good_filing["plan_ref"] = "２０２６年度“双随机”抽查计划（第３批）"
    return good_filing


@pytest.mark.parametrize("kind", ["text", "multiline"])
def test_full_width_chinese_punctuation_is_kept(kind):
    assert normalize.by_type(kind, f"说明{PUNCTUATION}完") == f"说明{PUNCTUATION}完"


def test_white_space_is_still_trimmed_and_folded():
    assert (
        normalize.by_type("text", "\u3000湘潭市　市场监督管理局\u200b  ") == "湘潭市市场监督管理局"
    )
    assert normalize.by_type("text", "Smith   John") == "Smith John"
    assert (
        normalize.by_type("multiline", " 第一行，\u3000\r\n\r\n\r\n第二行。 ")
        == "第一行，\n\n第二行。"
    )


def test_identifiers_are_still_folded(good_filing):
    good_filing["leader"]["phone"] = "１３８ ０７３２－１２３４"
    good_filing["leader"]["cert_no"] = full_width("43031119004")
    good_filing["enterprise"]["uscc"] = full_width("91430304ma4yg57fjc")
    good_filing["inspectors"][0]["name"] = "易桐"
    report = rules.validate(good_filing, at=AT)
    assert report.problems == []
    n = report.normalized
    assert (n["leader"]["phone"], n["leader"]["cert_no"], n["enterprise"]["uscc"]) == (
        "13807321234",
        "43031119004",
        "91430304MA4YG57FJC",
    )


def test_a_latin_name_typed_full_width_is_a_name():
    assert normalize.person_name("Ｊｏｈｎ　Ｓｍｉｔｈ") == "John Smith"


def test_names_units_and_free_text_are_kept_as_typed(good_filing):
    typed = typed_filing(good_filing)
    expected = json.loads(json.dumps(typed))
    report = rules.validate(typed, at=AT)
    assert report.problems == []
    assert report.normalized == expected


def test_the_pdf_reads_back_what_was_typed(good_filing):
    typed = typed_filing(good_filing)
    report = rules.validate(typed, at=AT)
    pdf = render_pdf(report.normalized, copies=(1,), printed_at=AT)
    text = "".join(
        "".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    for value in (
        ENTERPRISE,
        "湘潭市岳塘区钢城路（湘钢厂区）１号",
        "湘潭市市场监督管理局（食品安全）",
        "湘潭市应急管理局（安全生产）",
        "安全生产标准化：现场检查，查阅台账；有无隐患？",
        "查看“三同时”落实情况！抽查记录。",
    ):
        assert value in text, value
    assert "(湘潭)" not in text


def test_names_that_differ_only_in_width_are_one_name():
    assert normalize.name_key("湘潭市（某某）局") == normalize.name_key("湘潭市(某某) 局")


# --- filings made before this rule ---------------------------------------------------------


@pytest.fixture
def legacy() -> dict:
    """Made by the release that folded every text with NFKC (see its ``about``)."""
    return json.loads((DATA / "legacy_nfkc_filing.json").read_text("utf-8"))


def test_a_filing_stored_before_keeps_its_digest(legacy):
    assert content_digest(legacy["stored"]) == legacy["digest"]
    assert identity(legacy["stored"])[2] == legacy["digest"]


def test_a_filing_stored_before_is_not_rewritten_by_the_new_rules(legacy):
    at = datetime.fromisoformat("2026-12-01T09:00:00+08:00")
    report = rules.validate(legacy["stored"], at=at)
    assert report.problems == []
    assert report.normalized == legacy["stored"]
    assert content_digest(report.normalized) == legacy["digest"]


def test_what_was_typed_before_now_keeps_its_brackets(legacy):
    at = datetime.fromisoformat("2026-12-01T09:00:00+08:00")
    report = rules.validate(legacy["typed"], at=at)
    assert report.normalized["enterprise"]["name"] == "湖南华菱湘钢（湘潭）有限公司"
    assert legacy["stored"]["enterprise"]["name"] == "湖南华菱湘钢(湘潭)有限公司"
    # identifiers fold exactly as before
    for group, key in (("enterprise", "uscc"), ("leader", "phone")):
        assert report.normalized[group][key] == legacy["stored"][group][key]
    assert report.normalized["inspectors"] == legacy["stored"]["inspectors"]
