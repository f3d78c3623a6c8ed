"""The 查询码 derived from a filing id, phone-shaped text in names, and the rules'
warning when a name field carries a phone number."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from forms import rules
from forms.phone_text import find_phones, mask_phones
from forms.short_code import ALPHABET, id_prefix, parse_short_code, short_code

AT = datetime.fromisoformat("2026-11-27T10:00:00+08:00")


# --- 查询码 -------------------------------------------------------------------------------


def test_the_short_code_is_fixed_by_the_id():
    # Documented in docs/pdf.md: the first 50 bits in Crockford base32.
    assert short_code("6f1c2a7e-3b4d-4c5e-9f60-7a8b9c0d1e2f") == "DWE2M-ZHV9N"
    # the last two bits are the top of the version digit ("4" → 01)
    assert short_code("00000000-0000-4000-8000-000000000000") == "00000-00001"
    assert short_code("FFFFFFFF-FFFF-4FFF-8FFF-FFFFFFFFFFFF") == "ZZZZZ-ZZZZX"
    assert short_code("not a uuid") is None


def test_short_codes_read_back_whatever_the_spelling():
    for _ in range(200):
        filing_id = str(uuid.uuid4())
        code = short_code(filing_id)
        assert len(code) == 11 and code[5] == "-"
        assert set(code.replace("-", "")) <= set(ALPHABET)
        spoken = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
        assert parse_short_code(spoken) == code
        assert parse_short_code(code.replace("-", "")) == code
        assert parse_short_code(code.replace("-", "－")) == code  # full-width dash
        assert filing_id.startswith(id_prefix(code))


@pytest.mark.parametrize("text", ["", "ABCDE-FGHJ", "ABCDE-FGHJKM", "UUUUU-UUUUU", "ABCDE_FGHJK"])
def test_what_cannot_be_a_short_code(text):
    assert parse_short_code(text) is None


# --- phone-shaped text --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,phone",
    [
        ("湘潭某某公司（联系人13807321234）", "13807321234"),
        ("湘潭市应急管理局 电话0731-58812345", "0731-58812345"),
        ("联系 138 0732 1234", "138 0732 1234"),
        ("电话（0731）58812345", "（0731）58812345"),
        ("电话：５８８１２３４５", "５８８１２３４５"),  # full-width digits, no area code
        ("手机+86 138-0732-1234", "+86 138-0732-1234"),
        ("电话0731 5881 2345", "0731 5881 2345"),
    ],
)
def test_phone_shaped_text_is_found_and_masked(text, phone):
    assert find_phones(text) == [phone]
    masked = mask_phones(text)
    assert len(masked) == len(text)
    assert not any(
        ch.isdigit() for ch in masked[text.index(phone) : text.index(phone) + len(phone)]
    )


@pytest.mark.parametrize(
    "text",
    [
        "91430304MA4YG57FJC",  # a credit code
        "43031119004",  # a certificate number
        "湘潭市岳塘区科技路45号",
        "2026年度第3批抽查计划",
        "湘潭市第一人民医院",
        "1380732123",  # ten digits: not a mobile
    ],
)
def test_other_numbers_are_not_phones(text):
    assert find_phones(text) == [] and mask_phones(text) == text


# --- the rules' warning -------------------------------------------------------------------


def test_a_phone_in_a_name_field_is_a_warning(good_filing):
    good_filing["lead_unit"] = "湘潭市市场监督管理局（电话：0731 5881 2345）"
    good_filing["joint_units"] = ["湘潭市应急管理局 电话0731-58812345"]
    good_filing["enterprise"]["name"] = "湘潭顺阳新材料科技股份有限公司（联系人13807321234）"
    report = rules.validate(good_filing, at=AT)
    assert not report.has_errors
    found = {(p.field, p.code, p.severity) for p in report.problems}
    assert found == {
        ("lead_unit", "phone_in_name", "warning"),
        ("joint_units[0]", "phone_in_name", "warning"),
        ("enterprise.name", "phone_in_name", "warning"),
    }
    message = report.for_field("enterprise.name")[0].message
    assert "企业名称" in message and "13807321234" in message and "核验页面" in message


def test_an_officer_name_with_a_phone_is_one_problem_not_two(good_filing):
    good_filing["inspectors"][0]["name"] = "易桐13807321234"
    problems = rules.validate(good_filing, at=AT).for_field("inspectors[0].name")
    assert [p.code for p in problems] == ["bad_name"]


def test_names_without_phones_have_no_warning(good_filing):
    good_filing["enterprise"]["name"] = "湘潭电机股份有限公司（第2分厂）"
    assert rules.validate(good_filing, at=AT).problems == []
