"""End to end: units and their tokens, the keyring, TLS, rate limits and reference data.

Real `beian` processes and a real office on 127.0.0.1; each test ends with the
exactly-once check of test_sync_faults.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
from pathlib import Path

import pytest

from desktop.store.settings_registry import OFFICE_URL
from desktop.sync.service import sync_once
from forms import rules
from forms.record import SHANGHAI, parse_timestamp
from forms.workdays import WorkCalendar
from tests.support.desk import (
    Desk,
    assert_exactly_once,
    desks,  # noqa: F401 - fixture
)
from tests.support.faultproxy import FaultProxy
from tests.support.office import (
    DEFAULT_UNIT,
    OTHER_UNIT,
    OfficeServer,
    office,  # noqa: F401 - fixture
    valid_filing,
)

pytestmark = pytest.mark.slow

THIRD_UNIT = "湘潭市生态环境局"


def test_each_unit_sends_and_sees_only_its_own(desks, office):
    a, b = desks("a"), desks("b")
    a.configure(office.url, office.create_token(DEFAULT_UNIT))
    b.configure(office.url, office.create_token(OTHER_UNIT))
    own = valid_filing(DEFAULT_UNIT)
    foreign = valid_filing(OTHER_UNIT, days_ahead=8)  # unit B's filing on unit A's desk
    a.put(own, foreign)

    code, result = a.sync()
    assert code == 1
    assert [s["id"] for s in result["sent"]] == [own["id"]]
    [refused] = result["failed"]
    assert refused["id"] == foreign["id"] and refused["status"] == 403
    assert refused["permanent"] and OTHER_UNIT in refused["message"]  # the office's words

    # Unit B reusing unit A's filing id gets no access to it.
    hijack = valid_filing(OTHER_UNIT, id=own["id"])
    mine = valid_filing(OTHER_UNIT, days_ahead=9)
    b.put(hijack, mine)
    code, result = b.sync()
    assert [s["id"] for s in result["sent"]] == [mine["id"]]
    assert [f["id"] for f in result["failed"]] == [own["id"]]
    assert result["failed"][0]["permanent"]
    [held] = [r for r in office.filings() if r["id"] == own["id"]]
    assert held["unit"] == DEFAULT_UNIT

    # A return reaches its own unit's desk only.
    office.cli("return", own["id"], "--reason", "请补充检查依据。")
    assert b.sync()[1]["returned"] == []
    returned = a.sync()[1]["returned"]
    assert [(r["id"], r["reason"]) for r in returned] == [(own["id"], "请补充检查依据。")]


def test_revoked_token_keeps_the_filing_queued_until_a_new_token(desks, office):
    desk = desks()
    desk.configure(office.url, office.create_token(THIRD_UNIT))
    filing = valid_filing(THIRD_UNIT)
    desk.put(filing)
    office.revoke_tokens(THIRD_UNIT)

    shown = desk.run("sync")
    assert shown.returncode == 3
    assert "令牌" in shown.stdout and "索取新的令牌" in shown.stdout
    status = desk.status()
    assert status["queued"] == 1 and "令牌" in status["last_error"]
    assert not any(r["id"] == filing["id"] for r in office.filings())

    fresh = office.create_token(THIRD_UNIT)
    connect = desk.connect(office.url, fresh)
    assert connect.returncode == 0, connect.stdout + connect.stderr
    code, result = desk.sync()
    assert code == 0 and [s["id"] for s in result["sent"]] == [filing["id"]]
    assert desk.files_containing(fresh) == []


def test_no_keyring_means_a_clear_message_and_nothing_saved(desks, office):
    desk = desks()
    desk.backend = "keyring.backends.fail.Keyring"
    token = office.create_token(DEFAULT_UNIT)
    result = desk.run("connect", "--url", office.url, "--token-stdin", input=token)
    assert result.returncode == 3
    assert "密钥环" in result.stderr and "不会以明文保存" in result.stderr
    assert token not in result.stdout + result.stderr
    assert desk.status()["office_url"] is None  # nothing saved at all
    assert [
        p for p in desk.root.rglob("*") if p.is_file() and token.encode() in p.read_bytes()
    ] == []

    with desk.store() as store:  # an office set from the settings dialog, say
        OFFICE_URL.set(store, office.url)
    shown = desk.run("sync")
    assert shown.returncode == 3 and "密钥环" in shown.stdout

    desk.backend = "tests.support.filekeyring.FileKeyring"
    locked = desk.run("sync", BEIAN_TEST_KEYRING_LOCKED="1")
    assert locked.returncode == 3 and "锁定" in locked.stdout


def test_rate_limit_retry_after_is_honoured(tmp_path):
    with OfficeServer.start(tmp_path / "busy-office", extra_args=["--rate-limit", "2"]) as busy:
        desk = Desk(tmp_path / "desk")
        desk.configure(busy.url, busy.create_token(DEFAULT_UNIT))
        filings = [valid_filing(days_ahead=7 + i) for i in range(3)]
        desk.put(*filings)
        code, result = desk.sync()
        assert code == 1
        assert [s["id"] for s in result["sent"]] == [f["id"] for f in filings[:2]]
        [limited] = result["failed"]
        assert limited["id"] == filings[2]["id"] and limited["status"] == 429
        assert not limited["permanent"]
        with desk.store() as store:
            [item] = store.outbox()
            stamp = [e for e in store.history(item.id) if e.kind == "failed"][-1].at
        wait = parse_timestamp(item.next_try_at) - parse_timestamp(stamp)
        # The office asked for about a minute; the backoff alone would be at most 5 s.
        assert wait >= dt.timedelta(seconds=30)
        assert_exactly_once(busy, [desk])


def _first_unknown_year() -> int:
    """The first year the bundled holiday calendar does not know (2027 when written)."""
    year = dt.date.today().year
    while WorkCalendar().covers(year):
        year += 1
    return year


def test_reference_data_extends_the_desks_holiday_calendar(tmp_path):
    year = _first_unknown_year()
    end = dt.datetime(year - 1, 12, 30, 17, tzinfo=SHANGHAI)
    post_hoc = valid_filing(
        kind="post_hoc",
        post_hoc_reason="complaint",
        post_hoc_explanation="接群众投诉，需立即核查。",
        inspection_start=end.replace(hour=9).isoformat(),
        inspection_end=end.isoformat(),
    )
    at = end + dt.timedelta(days=3)
    # The first weekday of the new year: an estimate counts it, the office's calendar not.
    holiday = next(
        d for d in (dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(7)) if d.weekday() < 5
    )
    with OfficeServer.start(tmp_path / "ref-office") as ref_office:
        desk = Desk(tmp_path / "desk")
        desk.configure(ref_office.url, ref_office.create_token(DEFAULT_UNIT))
        with desk.keyring_in_process(), desk.store() as store:
            assert sync_once(store, desk.data_dir).reference_updated  # the first version
            before = rules.validate(post_hoc, at=at, **store.validation_context())
        assert before.deadline.estimated
        checked = desk.run("validate", str(desk.write(post_hoc)), "--at", at.isoformat())
        assert checked.returncode == 0 and "估算" in checked.stdout

        calendar = {"calendar": {str(year): {"holidays": [holiday.isoformat()], "workdays": []}}}
        path = tmp_path / f"calendar-{year}.json"
        path.write_text(json.dumps(calendar), "utf-8")
        ref_office.cli("reference", "load", str(path))

        code, result = desk.sync()
        assert code == 0 and result["reference_updated"] is True
        with desk.store() as store:
            after = rules.validate(post_hoc, at=at, **store.validation_context())
        assert not after.deadline.estimated
        assert after.deadline.day > before.deadline.day  # the holiday is not counted
        assert "deadline_estimated" not in [p.code for p in after.problems]

        # `beian validate` on this data folder sees the office's calendar too.
        checked = desk.run("validate", str(desk.write(post_hoc)), "--at", at.isoformat())
        assert checked.returncode == 0 and "估算" not in checked.stdout
        with desk.keyring_in_process(), desk.store() as store:
            assert not sync_once(store, desk.data_dir).reference_updated  # 304: nothing new
        assert_exactly_once(ref_office, [desk])


# --- TLS ------------------------------------------------------------------------------------


def _certificates(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A private CA and a server certificate for 127.0.0.1 signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "湘潭市电子政务测试根证书")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = folder / "intranet-ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = folder / "server.pem", folder / "server.key"
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
    return ca_file, server


def test_https_verifies_and_accepts_the_intranet_ca_file(desks, office, tmp_path):
    ca_file, server_tls = _certificates(tmp_path)
    token = office.create_token(DEFAULT_UNIT)
    with FaultProxy(office.port, tls=server_tls, lifetime_s=120) as tls_proxy:
        assert tls_proxy.url.startswith("https://")
        desk = desks()
        filing = valid_filing()
        desk.put(filing)

        unverified = desk.connect(tls_proxy.url, token)
        assert unverified.returncode == 1
        assert "证书" in unverified.stdout and "--ca-file" in unverified.stdout
        code, result = desk.sync()
        assert code == 1 and result["state"] == "offline" and "证书" in result["errors"][0]
        with desk.store() as store:
            assert store.outbox()[0].attempts == 0  # nothing went out unverified

        verified = desk.connect(tls_proxy.url, token, ca_file=ca_file)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "HTTPS 加密连接" in verified.stdout
        code, result = desk.sync()
        assert code == 0 and [s["id"] for s in result["sent"]] == [filing["id"]]
        status = desk.status()
        assert status["encrypted"] is True and status["office_url"] == tls_proxy.url
