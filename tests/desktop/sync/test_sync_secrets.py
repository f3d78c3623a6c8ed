"""The token lives only in the OS keyring; no keyring means a clear message, no fallback."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail, null

from desktop import token_keyring
from tests.support.filekeyring import ENV_LOCKED, ENV_PATH, FileKeyring

URL = "https://beian.example.gov.cn"
TOKEN = "tok_3f9a1c2b4d5e6f708192a3b4c5d6e7f8"


@pytest.fixture
def file_keyring(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_PATH, str(tmp_path / "keyring.json"))
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield tmp_path / "keyring.json"
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_round_trip_in_the_keyring(file_keyring):
    token_keyring.save_token(URL, f"  {TOKEN}\n")
    assert token_keyring.load_token(URL) == TOKEN
    assert token_keyring.load_token("https://other.example") is None
    token_keyring.delete_token(URL)
    assert token_keyring.load_token(URL) is None
    token_keyring.delete_token(URL)  # forgetting twice is fine


def test_fail_backend_is_refused_with_how_to_fix(no_keyring, tmp_path):
    with pytest.raises(token_keyring.NoKeyring) as info:
        token_keyring.save_token(URL, TOKEN)
    text = str(info.value)
    assert "密钥环" in text
    assert "不会以明文保存" in text
    assert TOKEN not in text
    assert list(tmp_path.iterdir()) == []


def test_null_backend_is_refused_too():
    previous = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    try:
        with pytest.raises(token_keyring.NoKeyring):
            token_keyring.load_token(URL)
    finally:
        keyring.set_keyring(previous)


def test_locked_keyring_says_unlock_and_never_echoes_the_token(file_keyring, monkeypatch):
    monkeypatch.setenv(ENV_LOCKED, "1")
    with pytest.raises(token_keyring.NoKeyring) as info:
        token_keyring.save_token(URL, TOKEN)
    assert "锁定" in str(info.value)
    assert TOKEN not in str(info.value)
    assert info.value.__cause__ is None
    assert not file_keyring.exists()


@pytest.mark.parametrize("bad", ["", "   \n", "two words", "x" * 5000, "tab\there"])
def test_text_that_cannot_be_a_token_is_refused_without_echo(file_keyring, bad):
    with pytest.raises(token_keyring.BadToken) as info:
        token_keyring.save_token(URL, bad)
    if bad.strip():
        assert bad.strip() not in str(info.value)
    assert not file_keyring.exists()
