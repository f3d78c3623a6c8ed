"""Services return codes; the terminal's catalogue words every one of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import token_keyring
from desktop.sync import messages
from desktop.sync.config import ConfigError, normalize_url
from desktop.sync.problems import Code, Problem
from desktop.sync.states import CheckState, PassState, WorkerState

SAMPLES = {
    Code.NO_KEYRING: {"reason": "locked"},
    Code.URL_INVALID: {"value": "http://[x"},
    Code.URL_NO_HOST: {"value": "http://"},
    Code.CA_FILE_BAD: {"path": "/tmp/ca.pem", "detail": "No such file"},
    Code.UNREACHABLE: {"detail": "timeout"},
    Code.CERT_FAILED: {"detail": "self-signed certificate"},
    Code.NO_ANSWER: {"detail": "interrupted"},
    Code.NOT_AN_OFFICE: {"status": 404},
    Code.BAD_ANSWER: {"status": 302},
    Code.SERVER_BUSY: {"status": 503},
    Code.REFUSED: {"status": 413, "office": ""},
    Code.CLOCK_SKEW: {"minutes": 12},
    Code.BAD_REFERENCE: {"detail": "证件号规则格式不对"},
    Code.STORE: {"text": "磁盘空间不足，刚才的修改没有保存。"},
}


@pytest.mark.parametrize("code", list(Code))
def test_every_code_has_a_terminal_wording(code):
    problem = Problem.of(code, **SAMPLES.get(code, {}))
    text = messages.terminal(problem)
    assert text.strip() and text == str(problem)
    assert "{" not in text  # every placeholder filled


def test_the_params_are_in_the_words():
    assert "12 分钟" in messages.terminal(Problem.of(Code.CLOCK_SKEW, minutes=12))
    assert "HTTP 503" in messages.terminal(Problem.of(Code.SERVER_BUSY, status=503))
    assert "过大" in messages.terminal(Problem.of(Code.REFUSED, status=413, office=""))
    office = Problem.of(Code.REFUSED, status=422, office="办公室：检查依据不明确")
    assert messages.terminal(office) == "办公室：检查依据不明确"


def test_exceptions_carry_the_code_and_still_read_as_before():
    with pytest.raises(ConfigError) as info:
        normalize_url("ftp://beian.example.gov.cn")
    assert info.value.code == Code.URL_SCHEME
    assert str(info.value) == "办公室地址应以 https:// 或 http:// 开头。"
    with pytest.raises(token_keyring.BadToken) as bad:
        token_keyring.check_token("   ")
    assert bad.value.code == Code.TOKEN_MISSING and "没有收到令牌" in str(bad.value)


def test_a_problem_serialises_as_its_code_and_params():
    problem = Problem.of(Code.SERVER_BUSY, status=503)
    assert json.dumps(problem.to_dict()) == '{"code": "server_busy", "status": 503}'


def test_the_states_live_in_one_module_and_compare_as_the_old_strings():
    from desktop.sync import connect, engine, service
    from desktop.ui import sync_status, sync_worker

    assert engine.OK is PassState.OK and service.BUSY is PassState.BUSY
    assert connect.TOKEN_REJECTED is CheckState.TOKEN_REJECTED
    assert sync_worker.NEEDS_TOKEN is WorkerState.NEEDS_TOKEN is sync_status.NEEDS_TOKEN
    assert (
        PassState.OK == "ok" and json.dumps({"state": PassState.PARTIAL}) == '{"state": "partial"}'
    )


def test_the_states_and_codes_load_without_the_network_code():
    """The window imports them before its first paint (desktop.ui.sync_status)."""
    import subprocess
    import sys

    probe = (
        "import sys, desktop.sync.states, desktop.sync.problems, desktop.sync.messages;"
        "print('httpx' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=root, timeout=60
    )
    assert done.stdout.strip() == "False", done.stderr
