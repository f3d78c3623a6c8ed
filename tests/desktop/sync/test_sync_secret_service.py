"""The token in a real Secret Service: gnome-keyring on a private D-Bus session.

The same code paths as on a clerk's Linux desktop — keyring's SecretService backend,
chosen as the desk chooses it — with libsecret's ``secret-tool`` as an independent
reader. The file fake (tests/support/filekeyring.py) remains for the cases a real keyring
cannot be made to produce on demand: locked, failing (test_sync_secrets.py).
"""

from __future__ import annotations

import pytest

from desktop import token_keyring
from tests.support.desk import desks  # noqa: F401 - fixture
from tests.support.office import (
    DEFAULT_UNIT,
    office,  # noqa: F401 - fixture
    valid_filing,
)
from tests.support.secret_service import (
    BACKEND,
    secret_service,  # noqa: F401 - fixture
)

URL = "https://beian.example.gov.cn"
TOKEN = "tok_5b7e0c1d2a3f4e5d6c7b8a9f0e1d2c3b"


def test_token_save_read_delete_in_a_real_secret_service(secret_service):
    with secret_service.in_process():
        assert token_keyring.backend_name() == BACKEND
        token_keyring.save_token(URL, f"  {TOKEN}\n")
        assert token_keyring.load_token(URL) == TOKEN
        assert secret_service.lookup(URL) == TOKEN  # really in the Secret Service
        assert token_keyring.load_token("https://other.example") is None
        # gnome-keyring keeps it encrypted: not a byte of it in its files.
        assert secret_service.files_containing(TOKEN) == []

        token_keyring.save_token(URL, TOKEN + "x")  # saving again replaces it
        assert token_keyring.load_token(URL) == TOKEN + "x"

        token_keyring.delete_token(URL)
        assert token_keyring.load_token(URL) is None
        assert secret_service.lookup(URL) is None
        token_keyring.delete_token(URL)  # forgetting twice is fine


@pytest.mark.slow
def test_connect_and_sync_with_the_token_in_a_real_secret_service(secret_service, desks, office):
    desk = desks("secret-service")
    desk.backend = BACKEND
    desk.environment = secret_service.env
    token = office.create_token(DEFAULT_UNIT)

    connected = desk.connect(office.url, token)
    assert connected.returncode == 0, connected.stdout + connected.stderr
    url = desk.status()["office_url"]
    assert secret_service.lookup(url) == token
    assert token not in connected.stdout + connected.stderr

    filings = [valid_filing(days_ahead=7 + i) for i in range(3)]
    for filing in filings:
        desk.queue(filing)
    code, result = desk.sync()
    assert code == 0, result
    assert sorted(s["id"] for s in result["sent"]) == sorted(f["id"] for f in filings)
    assert desk.files_containing(token) == []
    assert not desk.keyring_file.exists()  # the file fake was never used

    # Another office: the old office's token is removed from the keyring.
    desk.run("connect", "--url", "http://127.0.0.1:9", "--token-stdin", input=token + "\n")
    assert secret_service.lookup(url) is None
