"""``beian-office token create`` used to accept unit names no filing can match, and
look-alikes of units that already hold a token: soft hyphens, bidi controls, variation
selectors, tag and private-use characters, U+034F, U+3164, newlines. Each is refused now
with a Chinese message and no token, through the real command line; names a clerk types
with ordinary spaces or full-width forms still get their token.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.office import DEFAULT_UNIT, office_cli

HOSTILE = {
    "soft-hyphen": "湘潭市市场\u00ad监督管理局",
    "bidi-override": "湘潭市\u202e局理管督监场市",
    "bidi-isolate": "\u2067湘潭市市场监督管理局\u2069",
    "zero-width-space": "湘潭市\u200b市场监督管理局",
    "variation-selector": "湘潭市市场监督管理局\ufe0f",
    "tag-characters": "湘潭市市场监督管理局\U000e0041\U000e0042",
    "private-use": "湘潭市市场监督管理局\ue000",
    "combining-grapheme-joiner": "湘潭市\u034f市场监督管理局",
    "hangul-filler": "湘潭市\u3164市场监督管理局",
    "newline": "湘潭市市场监督管理局\n湘潭市应急管理局",
    "tab": "湘潭市\t市场监督管理局",
    "empty": " \u3000 ",
    "too-long": "湘" * 51,
}


def _tokens(db: Path) -> list[dict]:
    return json.loads(office_cli(db, "token", "list", "--json").stdout)


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_unit_name_no_filing_can_match_gets_no_token(tmp_path: Path, name: str) -> None:
    db = tmp_path / "office.db"
    office_cli(db, "token", "create", "--unit", DEFAULT_UNIT)
    result = office_cli(db, "token", "create", "--unit", name, check=False)
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("错误：单位名称") and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert [t["unit"] for t in _tokens(db)] == [DEFAULT_UNIT]


CONFUSABLE = {
    "punctuation": "湘潭市·市场监督管理局",
    "full-width-latin-case": "湘潭市ＡＢＣ市场监督管理局",
    "brackets": "湘潭市(市场监督管理局)",
}


@pytest.mark.parametrize("name", CONFUSABLE.values(), ids=CONFUSABLE.keys())
def test_a_look_alike_of_an_existing_unit_is_refused(tmp_path: Path, name: str) -> None:
    db = tmp_path / "office.db"
    existing = "湘潭市abc市场监督管理局" if "ＡＢＣ" in name else DEFAULT_UNIT
    office_cli(db, "token", "create", "--unit", existing)
    result = office_cli(db, "token", "create", "--unit", name, check=False)
    assert result.returncode == 1
    assert "容易混淆" in result.stderr and existing in result.stderr
    assert len(_tokens(db)) == 1


def test_names_as_clerks_type_them_still_get_tokens(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    for typed in (DEFAULT_UNIT, "湘潭市 市场监督管理局", "湘潭市应急管理局", "湘潭经开区 Smith 办"):
        office_cli(db, "token", "create", "--unit", typed)
    units = [t["unit"] for t in _tokens(db)]
    # The same unit twice (a second PC), typed with a space: one name.
    assert units == [DEFAULT_UNIT, DEFAULT_UNIT, "湘潭市应急管理局", "湘潭经开区Smith办"]
