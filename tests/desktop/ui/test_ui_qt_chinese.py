"""Qt's own widgets speak the desk's language, whatever the PC's locale: under LANG=C or an
English locale the calendar popup and the file dialog are Chinese too."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.probe import run_probe

ROOT = Path(__file__).resolve().parents[3]
TRANSLATIONS = ROOT / "resources" / "translations"
LRELEASE = Path(sys.executable).with_name("pyside6-lrelease")


def probe(lang: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(LANG=lang, QT_QPA_PLATFORM="offscreen")
    if lang == "C":
        env["LC_ALL"] = "C"
    return run_probe("tests.support.locale_probe", env)


@pytest.mark.parametrize("lang", ["C", "en_US.UTF-8"])
def test_calendar_and_file_dialog_speak_chinese_under_a_foreign_locale(lang: str):
    found = probe(lang)
    assert found["system"] in ("C", "en_US")  # the PC really speaks something else
    assert found["default"] == "zh_CN"
    assert found["month"] == "十月"
    assert found["day_names"] == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert found["buttons"] == ["取消", "打开(&O)"]
    assert len(found["labels"]) >= 3
    for text in found["labels"]:
        assert not re.search(r"[A-Za-z]", re.sub(r"\(&[A-Z]\)", "", text)), text


def test_the_supplement_catalogue_is_built_from_its_source(tmp_path: Path):
    """The .qm in resources/ is what lrelease makes of the .ts beside it."""
    ts = TRANSLATIONS / "qtbase_supplement_zh_CN.ts"
    lrelease = str(LRELEASE) if LRELEASE.exists() else shutil.which("pyside6-lrelease")
    built = tmp_path / "built.qm"
    subprocess.run([lrelease, "-silent", str(ts), "-qm", str(built)], check=True)
    assert built.read_bytes() == (TRANSLATIONS / "qtbase_supplement_zh_CN.qm").read_bytes()
