"""The window words every service code itself, and never sends a clerk to a command."""

from __future__ import annotations

import re

import pytest

from desktop.spreadsheets import ImportCode, ImportFailed
from desktop.store import Store, StoreCode, StoreError
from desktop.sync.problems import Code, Problem
from desktop.ui import wording
from tests.desktop.sync.test_problem_wording import SAMPLES

COMMAND = re.compile(r"beian (?:connect|sync|status)|--[a-z]|命令|运行 ")


@pytest.mark.parametrize("code", list(Code))
def test_every_code_has_a_window_wording_without_a_command(qapp, code):
    text = wording.text(Problem.of(code, **SAMPLES.get(code, {})))
    assert text.strip()
    assert not COMMAND.search(text), text
    assert "%1" not in text and "%2" not in text


def test_the_window_points_to_its_own_buttons(qapp):
    assert "输入令牌" in wording.text(Problem.of(Code.TOKEN_REJECTED))
    assert "设置" in wording.text(Problem.of(Code.NO_OFFICE))
    assert "12" in wording.text(Problem.of(Code.CLOCK_SKEW, minutes=12))


@pytest.mark.parametrize("code", [c for c in StoreCode if c is not StoreCode.OTHER])
def test_every_store_code_has_a_window_wording_without_a_command(qapp, code):
    text = wording.store_text(StoreError("terminal words", code=code))
    assert text and text != "terminal words"
    assert not COMMAND.search(text), text


def test_storage_failures_carry_codes_and_keep_their_terminal_words(qapp, tmp_path):
    import errno
    import sqlite3

    from desktop.store.errors import translate

    full = translate(OSError(errno.ENOSPC, "No space left on device"))
    assert full.code is StoreCode.DISK_FULL and "磁盘空间不足" in str(full)
    assert wording.store_text(full).startswith("磁盘空间不足")
    store = Store.open(tmp_path / "data")
    store.close()
    with pytest.raises(StoreError) as closed:
        store.profile()
    assert closed.value.code is StoreCode.CLOSED
    assert "重新打开" in wording.store_text(closed.value)
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = 5  # type: ignore[attr-defined]
    assert translate(busy).code is StoreCode.BUSY
    rule = StoreError("只有被退回的备案表才能修改后重新提交（生成新版本）。")
    assert wording.store_text(rule) == str(rule)  # a rule of the store's own: its words


IMPORT_SAMPLES = {
    ImportCode.NOT_FOUND: {"path": "/tmp/名册.xlsx"},
    ImportCode.IS_FOLDER: {"path": "/tmp/名册"},
    ImportCode.UNREADABLE: {"reason": "Permission denied"},
    ImportCode.FILE_TOO_BIG: {"mb": 20},
    ImportCode.CSV_MALFORMED: {"detail": "field larger than field limit"},
    ImportCode.TOO_MANY_ROWS: {"rows": 100000, "part": "sheet"},
    ImportCode.TOO_LARGE: {"what": "表格超过 1,000,000 个单元格"},
    ImportCode.XLSX_UNREADABLE: {"error": "BadZipFile"},
    ImportCode.NO_HEADER: {"rows": 15, "columns": "“姓名”、“执法证号”"},
}


@pytest.mark.parametrize("code", list(ImportCode))
def test_every_import_code_has_a_window_wording_without_a_command(qapp, code):
    exc = ImportFailed(code, **IMPORT_SAMPLES.get(code, {}))
    text = wording.import_text(exc)
    assert text.strip() and str(exc).strip()
    assert not COMMAND.search(text), text
    assert "%1" not in text and "%2" not in text
    for name, value in IMPORT_SAMPLES.get(code, {}).items():
        if name not in ("part", "error"):  # a choice of words; a class name tells a clerk nothing
            assert str(value) in text, (name, text)


def test_an_unreadable_file_keeps_its_terminal_words_and_gets_a_code(qapp, tmp_path):
    from desktop.spreadsheets import read_roster

    old = tmp_path / "名册.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(ImportFailed) as info:
        read_roster(old)
    assert info.value.code is ImportCode.OLD_XLS
    assert str(info.value).startswith("这是旧版 Excel 文件（.xls），无法直接导入。")
    assert "另存为" in wording.import_text(info.value)

    headless = tmp_path / "名册.csv"
    headless.write_text("甲,乙\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        read_roster(headless)
    assert info.value.code is ImportCode.NO_HEADER
    assert "“姓名”" in wording.import_text(info.value)
    assert str(info.value).startswith("没有找到表头：文件前 15 行中应有一行包含")
