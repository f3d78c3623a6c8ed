"""The line above the editor: the office's return reason stays on the revision made to
answer it until that revision is filed."""

from __future__ import annotations

import copy

import pytest

from desktop.store import Store
from desktop.ui.filing_header import FilingHeader
from tests.support.ui_helpers import good_filing

REASON = "检查依据不明确，请补充具体条款。"


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def header(qtbot):
    header = FilingHeader()
    qtbot.addWidget(header)
    header.resize(900, 120)
    header.show()
    qtbot.waitExposed(header)
    return header


def test_the_return_reason_stays_on_the_revision_until_it_is_filed(qtbot, store, header, tmp_path):
    row = store.create_filing(good_filing())
    store.save_draft(row.id, row.filing, has_errors=False)
    store.queue(row.id)
    store.mark_attempt(row.id, 1)
    store.mark_sent(row.id, 1, {"receipt": "潭优备〔2026〕000009号"})
    store.mark_returned(row.id, 1, REASON, "2026-11-27T12:00:00+08:00")
    header.show_row(store.get(row.id))
    assert REASON in header.message.text() and header.revise_button.isVisible()

    revised = store.new_revision(row.id)  # revision 2, a draft
    header.show_row(revised)
    assert header.banner.isVisible()
    assert REASON in header.message.text() and "第 1 版被" in header.message.text()
    assert not header.revise_button.isVisible()
    header.grab().save(str(tmp_path / "header-revision.png"))

    fixed = copy.deepcopy(revised.filing)
    fixed["basis"] += "第一项"
    store.save_draft(row.id, fixed, has_errors=False)
    header.show_row(store.get(row.id))
    assert REASON in header.message.text()
    store.queue(row.id)
    header.show_row(store.get(row.id))
    assert REASON in header.message.text() and "等待发送" in header.message.text()

    store.mark_attempt(row.id, 2)
    store.mark_sent(row.id, 2, {"receipt": "潭优备〔2026〕000010号"})
    header.show_row(store.get(row.id))
    assert REASON not in header.message.text()


def test_a_first_draft_has_no_banner(store, header):
    header.show_row(store.create_filing(good_filing()))
    assert not header.banner.isVisible()


def _wrapped_lines(label, width: int) -> list[str]:
    from PySide6.QtGui import QTextLayout, QTextOption

    text = label.text()
    layout = QTextLayout(text, label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        lines.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def test_a_narrow_header_wraps_between_phrases_never_inside_one(qtbot, store, header):
    """At 1024 × 768 and 150 % the line wrapped as "… · 第 1 / 版"."""
    filing = good_filing()
    row = store.create_filing(filing)
    header.show_row(row)
    phrases = [filing["enterprise"]["name"], "草稿", "第 1 版"]
    assert header.title.accessibleName() == " · ".join(phrases)  # read out without glue
    glue = str.maketrans({"\u2060": None, "\u00a0": " "})
    full = header.title.fontMetrics().horizontalAdvance(header.title.text())
    for width in range(40, full + 20, 7):
        lines = [line.translate(glue).strip(" ·") for line in _wrapped_lines(header.title, width)]
        for line in filter(None, lines):  # a lone "·" is stripped to ""
            parts = line.split(" · ")
            assert all(part in phrases for part in parts), (width, lines)


def test_a_rejected_token_is_worded_for_the_window_and_old_text_still_shows(store, header):
    import re

    from desktop.sync.problems import Code, Problem

    command = re.compile(r"beian (?:connect|sync|status)|--[a-z]|命令|运行 ")
    row = store.create_filing(good_filing())
    store.save_draft(row.id, row.filing, has_errors=False)
    store.queue(row.id)
    store.mark_attempt(row.id, 1)
    rejected = Problem.of(Code.TOKEN_REJECTED)
    store.mark_failed(
        row.id, 1, str(rejected), next_try_at=None, permanent=False, problem=rejected.stored()
    )
    kept = store.get(row.id)
    assert kept.last_error == str(rejected)  # the terminal's words, for the command line
    assert store.outbox_item(row.id).last_problem == rejected.stored()
    header.show_row(kept)
    shown = header.message.text()
    assert "上次发送没有成功" in shown and "输入令牌" in shown
    assert not command.search(shown), shown

    store.mark_failed(row.id, 1, "无法连接备案部门", next_try_at=None, permanent=False)
    old = store.get(row.id)  # text only, as older versions kept it
    assert old.last_error == "无法连接备案部门" and old.last_problem is None
    header.show_row(old)
    assert "无法连接备案部门" in header.message.text()
