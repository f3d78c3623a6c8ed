"""The window words every service code itself, and never sends a clerk to a command."""

from __future__ import annotations

import re

import pytest

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
