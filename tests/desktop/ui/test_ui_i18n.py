"""Translations: Chinese without a translator; another language once its .qm exists."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox

from desktop.ui import i18n

ROOT = Path(__file__).resolve().parents[3]
TS = ROOT / "resources" / "translations" / "beian_en.ts"
LRELEASE = Path(sys.executable).with_name("pyside6-lrelease")
TITLE = "涉企行政执法检查备案"


@pytest.fixture(autouse=True)
def no_translators_afterwards(qapp):
    yield
    i18n.uninstall()  # other tests see the application as it was


def english_qm(folder: Path) -> Path:
    """beian_en.qm with one message translated, built from the project's .ts."""
    tree = ET.parse(TS)
    for context in tree.getroot().iter("context"):
        if context.findtext("name") != "MainWindow":
            continue
        for message in context.iter("message"):
            if message.findtext("source") == "涉企行政执法检查备案":
                translation = message.find("translation")
                translation.text = "Enterprise Inspection Filing"
                translation.attrib.pop("type", None)
    ts = folder / "beian_en.ts"
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    lrelease = str(LRELEASE) if LRELEASE.exists() else shutil.which("pyside6-lrelease")
    subprocess.run([lrelease, str(ts), "-qm", str(folder / "beian_en.qm")], check=True)
    return folder / "beian_en.qm"


def test_the_ts_file_holds_the_window_strings():
    sources = {m.findtext("source") for m in ET.parse(TS).getroot().iter("message")}
    for text in ("涉企行政执法检查备案", "保存并检查", "提交", "数据文件已损坏", "草稿"):
        assert text in sources
    contexts = {c.findtext("name") for c in ET.parse(TS).getroot().iter("context")}
    assert "" not in contexts and None not in contexts


def test_chinese_needs_no_translator(qapp):
    assert i18n.install(None) == "zh_CN"
    assert (
        QCoreApplication.translate("MainWindow", "涉企行政执法检查备案") == "涉企行政执法检查备案"
    )
    # Qt's own buttons speak Chinese too.
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


def test_an_english_qm_is_installed_when_chosen(qapp, tmp_path):
    english_qm(tmp_path)
    assert list(i18n.available_languages(tmp_path)) == ["zh_CN", "en"]
    assert "English" in i18n.available_languages(tmp_path)["en"]
    assert i18n.install("en", tmp_path) == "en"
    assert QCoreApplication.translate("MainWindow", TITLE) == "Enterprise Inspection Filing"
    assert i18n.install("fr", tmp_path) == "zh_CN"  # no such translation: Chinese
    assert (
        QCoreApplication.translate("MainWindow", "涉企行政执法检查备案") == "涉企行政执法检查备案"
    )
