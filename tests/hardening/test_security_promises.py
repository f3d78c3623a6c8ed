"""Promises of docs/security.md that no other test holds end to end.

- The unit token stays in the keyring through a whole working life — connecting, sending
  through failures, the office revoking it — and appears in no output, no file of the
  data folder, no office log, not in the office's database; officers' phone numbers
  appear in no output and no log on either side.
- HTTPS verification has no off switch: neither an option of ``beian connect`` nor the
  environment variables that switch verification off elsewhere.
- The token goes to the configured office and nowhere else: a redirect from something on
  the network is not followed, proxy settings from the environment are not used.
- The public verification page escapes what units typed, tells search engines and
  browsers to keep nothing, and never shows a return's reason.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from forms.record import format_timestamp, now
from tests.support.desk import Desk
from tests.support.faultproxy import DROP_REPLY, ERROR_500, FaultProxy
from tests.support.office import DEFAULT_UNIT, OfficeServer, office, valid_filing  # noqa: F401 (office: a fixture)

pytestmark = pytest.mark.slow

MOBILE, LANDLINE = "13807321234", "0731-58812345"


def with_phones() -> dict:
    filing = valid_filing()
    filing["leader"] = {**filing["leader"], "phone": MOBILE}
    return filing


def test_the_token_and_the_phones_stay_where_they_belong(office, tmp_path):
    token = office.create_token(DEFAULT_UNIT)
    desk = Desk(tmp_path / "desk")
    outputs: list[str] = []

    def run(*args: str, **kwargs) -> int:
        result = desk.run(*args, **kwargs)
        outputs.append(result.stdout + result.stderr)
        return result.returncode

    with FaultProxy(office.port, lifetime_s=120) as proxy:
        assert run("connect", "--url", proxy.url, "--token-stdin", input=token + "\n") == 0
        landline = dict(with_phones(), leader={**with_phones()["leader"], "phone": LANDLINE})
        for filing in (with_phones(), landline, with_phones()):
            assert run("queue", str(desk.write(filing))) == 0
        proxy.fault(ERROR_500, times=1)
        proxy.fault(DROP_REPLY, times=1)
        run("sync")  # a 500, a lost reply, the rest sent
        run("sync", "--json")
        run("status", "--json")
        office.revoke_tokens(DEFAULT_UNIT)
        assert run("queue", str(desk.write(with_phones()))) == 0
        assert run("sync") == 3  # the office refuses the token: the clerk must act
        run("status")

    said = "\n".join(outputs)
    assert "令牌" in said  # the clerk was told about the token, without seeing it
    for secret in (token, token[:12], token[-12:]):
        assert secret not in said
    for phone in (MOBILE, "58812345"):
        assert phone not in said

    # The keyring holds it (the test backend is a file); nothing else on the desk does.
    assert token in desk.keyring_file.read_text("utf-8")
    assert desk.files_containing(token) == []
    logs = desk.data_dir / "logs"
    for path in logs.rglob("*") if logs.exists() else ():
        text = path.read_text("utf-8", errors="replace")
        assert token not in text and MOBILE not in text and "58812345" not in text

    # The office keeps a hash of the token, and neither it nor a phone in its log.
    assert token.encode() not in office.db.read_bytes()
    for side in ("-wal",):
        wal = Path(str(office.db) + side)
        if wal.exists():
            assert token.encode() not in wal.read_bytes()
    log = office.log_text()
    assert token not in log and MOBILE not in log and "58812345" not in log


# --- TLS ------------------------------------------------------------------------------------


def _self_signed(folder: Path) -> ssl.SSLContext:
    """A certificate for 127.0.0.1 that no CA vouches for."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "self-signed.pem", folder / "self-signed.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    return server


# Variables that turn certificate checks off (or point them elsewhere) in other tools.
SWITCHES_ELSEWHERE = {
    "PYTHONHTTPSVERIFY": "0",
    "CURL_CA_BUNDLE": "",
    "REQUESTS_CA_BUNDLE": "",
    "SSL_CERT_FILE": "/dev/null",
    "HTTPX_SSL_VERIFY": "0",
    "NODE_TLS_REJECT_UNAUTHORIZED": "0",
}


def test_https_verification_has_no_off_switch(office, tmp_path):
    helptext = Desk(tmp_path / "help").run("connect", "--help").stdout
    for word in ("insecure", "no-verify", "verify", "不验证", "跳过"):
        assert word not in helptext.lower(), word

    token = office.create_token(DEFAULT_UNIT)
    with FaultProxy(office.port, tls=_self_signed(tmp_path), lifetime_s=120) as tls_proxy:
        desk = Desk(tmp_path / "desk")
        desk.put(valid_filing())
        refused = desk.run("connect", "--url", tls_proxy.url, "--token-stdin", input=token + "\n")
        assert refused.returncode != 0 and "证书" in refused.stdout + refused.stderr
        desk.configure(tls_proxy.url, token)  # saved without the check, as an old desk might
        result = desk.run("sync", "--json", **SWITCHES_ELSEWHERE)
        assert result.returncode != 0 and "证书" in result.stdout
        with desk.store() as store:
            assert store.outbox()[0].attempts == 0  # nothing left the PC
        assert not [e for e in tls_proxy.exchanges if e.office_status is not None]


# --- the token goes nowhere else -------------------------------------------------------------


class Listener:
    """Something else on the network (127.0.0.1): records every request it gets. With
    ``redirect_to`` it poses as the office — answers /health like one — and redirects
    every other request there; the one fake here, the network we cannot have otherwise."""

    def __init__(self, redirect_to: str | None = None) -> None:
        self.requests: list[dict] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                listener.requests.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers)}
                )
                if redirect_to and self.path.endswith("/api/v1/health"):
                    body = json.dumps(
                        {"status": "ok", "time": format_timestamp(now()), "version": "0"}
                    ).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                elif redirect_to:
                    body = b""
                    self.send_response(307)
                    self.send_header("Location", redirect_to + self.path)
                else:
                    body = b"{}"
                    self.send_response(502)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_CONNECT = _any  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_redirect_does_not_carry_the_token_elsewhere(office, tmp_path):
    token = office.create_token(DEFAULT_UNIT)
    elsewhere = Listener()
    rogue = Listener(redirect_to=elsewhere.url)
    try:
        desk = Desk(tmp_path / "desk")
        desk.configure(rogue.url, token)
        filing = valid_filing()
        desk.put(filing)
        code, result = desk.sync()
        assert code != 0 and result["sent"] == []
        [failure] = result["failed"]
        assert failure["status"] == 307 and not failure["permanent"]  # tried again later
        assert any(r["method"] == "POST" for r in rogue.requests)
        assert elsewhere.requests == []  # the redirect was not followed
    finally:
        rogue.close()
        elsewhere.close()


def test_proxy_settings_from_the_environment_are_not_used(office, tmp_path):
    token = office.create_token(DEFAULT_UNIT)
    proxy = Listener()
    try:
        desk = Desk(tmp_path / "desk")
        desk.configure(office.url, token)
        filing = valid_filing()
        desk.put(filing)
        result = desk.run(
            "sync",
            "--json",
            HTTP_PROXY=proxy.url,
            HTTPS_PROXY=proxy.url,
            ALL_PROXY=proxy.url,
            http_proxy=proxy.url,
            NO_PROXY="",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert [s["id"] for s in json.loads(result.stdout)["sent"]] == [filing["id"]]
        assert proxy.requests == []
    finally:
        proxy.close()


# --- the public verification page -----------------------------------------------------------


def test_the_public_page_escapes_what_units_typed_and_keeps_nothing(office):
    token = office.create_token(DEFAULT_UNIT)
    hostile = '湘潭<script>alert("x")</script><img src=x onerror=alert(1)>有限公司'
    filing = valid_filing(enterprise={**valid_filing()["enterprise"], "name": hostile})
    with office.client(token) as http:
        receipt = http.post("/api/v1/filings", json=filing)
        assert receipt.status_code == 201, receipt.text
    digest = receipt.json()["digest"]
    reason = "内部意见：该局检查计划与上级部署重复，退回核实。"
    office.cli("return", filing["id"], "--reason", reason)

    with office.client() as anonymous:
        page = anonymous.get(f"/verify/{filing['id']}", params={"r": 1, "d": digest})
    assert page.status_code == 200
    html = page.text
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # shown as text, not run
    assert "已被退回" in html and reason not in html and "内部意见" not in html
    assert MOBILE not in html
    headers = page.headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]
    assert headers["x-robots-tag"] == "noindex"
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
