"""The window words every service code itself, and never sends a clerk to a command."""

from __future__ import annotations

import re

import pytest

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
