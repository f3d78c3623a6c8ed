"""The daily digest: copies gathered per recipient as XLSX, e-mailed through a real
local SMTP server (STARTTLS, login), a failed send kept and retried, nothing lost; and
what stays unsent a working day after it was copied."""

from __future__ import annotations

import io
import stat
from datetime import datetime

import openpyxl
import pytest

from forms.record import SHANGHAI
from office.reports import digest
from office.store import OfficeStore
from office.tables import outbox
from tests.office.reports_data import CITY_UNIT, build
from tests.support.office import free_port, new_office_db, office_cli
from tests.support.smtp import LocalSmtp

PASSWORD = "smtp-secret-Pa55"


@pytest.fixture
def db(request, tmp_path, office_backend, monkeypatch):
    target = new_office_db(request, office_backend, tmp_path)
    store = OfficeStore.open(target)
    try:
        build(store, monkeypatch)
    finally:
        store.dispose()
    return target


def _env(tmp_path, port, ca_file=None):
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o600)
    env = {
        "BEIAN_SMTP_HOST": "127.0.0.1",
        "BEIAN_SMTP_PORT": str(port),
        "BEIAN_SMTP_SECURITY": "starttls",
        "BEIAN_SMTP_FROM": "beian@office.example.cn",
        "BEIAN_SMTP_USER": "office",
        "BEIAN_SMTP_PASSWORD_FILE": str(secret),
    }
    if ca_file is not None:
        env["BEIAN_SMTP_CA_FILE"] = str(ca_file)
    return env


def _justice_address(db, email: str = "sf@justice.example.cn", *, check: bool = True):
    """``digest-address``: the city's justice bureau receives its copies at ``email``."""
    return office_cli(
        db,
        "digest-address",
        "--office",
        "430300",
        "--recipient",
        "司法行政部门",
        "--email",
        email,
        check=check,
    )


def test_unseen_copies_are_listed_until_a_digest_takes_them(db):
    store = OfficeStore.open(db)
    try:
        with store.read() as read:
            # Copied on 2025-10-14 (a Tuesday): still fine on the 15th, unseen on the 16th.
            a_copy = [
                c for c in digest.copies(read, ["430300"]) if c.created_at.startswith("2025-10-14")
            ]
            assert len(a_copy) == 1
            mid = datetime(2025, 10, 15, 18, tzinfo=SHANGHAI)
            after = datetime(2025, 10, 16, 9, tzinfo=SHANGHAI)
            assert a_copy[0].seq not in {c.seq for c in digest.unseen(read, ["430300"], mid)}
            assert a_copy[0].seq in {c.seq for c in digest.unseen(read, ["430300"], after)}
            # A county's office sees only its own copies.
            assert {c.office for c in digest.unseen(read, ["430302"])} == {"430302"}
    finally:
        store.dispose()


def test_a_failed_send_is_kept_shown_and_sent_on_the_next_run(db, tmp_path):
    _justice_address(db)
    out = tmp_path / "digests"
    out.mkdir()
    log = tmp_path / "office.log"

    closed = free_port()  # nothing listens there: the first send fails
    first = office_cli(
        db,
        "digest",
        "-o",
        str(out),
        "--send",
        env=_env(tmp_path, closed),
        check=False,
        log_file=log,
    )
    assert first.returncode == 1, first.stderr
    assert "失败 1 封" in first.stdout and "待发邮件" in first.stdout and "无法连接" in first.stdout
    files = sorted(out.iterdir())
    assert len(files) == 3  # the city's and each county's justice-bureau copies
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    (city_file,) = [f for f in files if "湘潭市" in f.name]
    rows = list(openpyxl.load_workbook(city_file)["抄送"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 8 and {r[2] for r in rows} == {CITY_UNIT}

    with LocalSmtp.start(tmp_path, user="office", password=PASSWORD) as smtp:
        second = office_cli(
            db, "digest", "--send", env=_env(tmp_path, smtp.port, smtp.ca_file), log_file=log
        )
        assert "发出 1 封" in second.stdout and "待发邮件" not in second.stdout
        (message,) = smtp.messages
        assert smtp.sink.recipients == [["sf@justice.example.cn"]]
        assert message["Subject"].startswith("湘潭市涉企行政检查备案抄送")
        (attachment,) = list(message.iter_attachments())
        sent = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
        assert len(list(sent["抄送"].iter_rows(min_row=2))) == 8

        third = office_cli(db, "digest", "--send", env=_env(tmp_path, smtp.port, smtp.ca_file))
        assert "发出 0 封" in third.stdout and len(smtp.messages) == 1

    store = OfficeStore.open(db)
    try:
        with store.read() as read:
            (row,) = read.execute(outbox.select()).all()
            assert row.attempts == 2 and row.sent_at is not None and row.last_error is None
            assert not digest.unseen(read, ["430300", "430302", "430304"])
    finally:
        store.dispose()
    assert PASSWORD not in log.read_text(encoding="utf-8")
    assert PASSWORD not in first.stdout + first.stderr + second.stdout + second.stderr


def test_a_wrong_password_is_a_failure_that_names_no_secret(db, tmp_path):
    _justice_address(db)
    with LocalSmtp.start(tmp_path, user="office", password="another") as smtp:
        done = office_cli(
            db, "digest", "--send", env=_env(tmp_path, smtp.port, smtp.ca_file), check=False
        )
        assert done.returncode == 1 and "拒绝登录" in done.stdout
        assert PASSWORD not in done.stdout + done.stderr and not smtp.messages


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "BEIAN_SMTP_HOST"),
        ({"BEIAN_SMTP_HOST": "mail.example.cn", "BEIAN_SMTP_SECURITY": "none"}, "只允许连接本机"),
    ],
)
def test_bad_smtp_settings_stop_before_anything_is_marked(db, env, message):
    done = office_cli(db, "digest", "--send", env={"BEIAN_SMTP_HOST": "", **env}, check=False)
    assert done.returncode == 1 and message in done.stderr
    store = OfficeStore.open(db)
    try:
        with store.read() as read:
            assert len(digest.copies(read, ["430300"])) == 8
    finally:
        store.dispose()


def test_a_bad_address_is_refused_in_chinese(db):
    done = _justice_address(db, "not an address", check=False)
    assert done.returncode == 1 and "格式不正确" in done.stderr


PARK = "湘潭九华经济技术开发区"


def _park_filing(store: OfficeStore) -> None:
    from office import filings, offices
    from tests.office.reports_data import ENTERPRISE_X, at, body

    with store.write() as write:
        city = offices.get(write, "430300")
        assert city is not None
        filings.store(
            write,
            filing_id="park-filing",
            revision=1,
            unit=CITY_UNIT,
            office=city,
            body=body(
                "park-filing", 1, CITY_UNIT, "prior", "2025-12-20T17:00:00+08:00", ENTERPRISE_X
            ),
            content_sha256="p1",
            digest="p1",
            received_at=at("2025-12-10T10:00:00"),
            warnings=[],
            source="api",
            park=PARK,
        )


def test_feeds_are_scoped_by_role(db):
    from office.staff import Actor

    store = OfficeStore.open(db)
    try:
        _park_filing(store)
        with store.read() as read:
            justice = digest.feed(read, Actor("sf", "justice", "430300"))
            park = digest.feed(read, Actor("yq", "park", "430300", PARK))
            other_park = digest.feed(read, Actor("yq2", "park", "430300", "湘潭高新技术产业开发区"))
            county_justice = digest.feed(read, Actor("sf2", "justice", "430302"))
            admin = digest.feed(read, Actor("ad", "admin", "430300"))
    finally:
        store.dispose()
    assert {c.recipient_kind for c in justice} == {"justice_bureau"}
    assert len(justice) == 11  # the city sees its counties' copies too
    assert [(c.recipient, c.receipt) for c in park] == [(f"{PARK}管理委员会", park[0].receipt)]
    assert other_park == []
    assert {c.office for c in county_justice} == {"430302"} and len(county_justice) == 1
    assert len(admin) == 12


def test_an_opened_copy_is_no_longer_unseen_and_keeps_its_first_time(db):
    store = OfficeStore.open(db)
    try:
        with store.read() as read:
            first = digest.unseen(read, ["430302"])[0]
        with store.write() as write:
            assert digest.mark_sent(write, [first.seq]) == 1
        with store.read() as read:
            assert not digest.unseen(read, ["430302"])
            (opened,) = [c for c in digest.copies(read, ["430302"], unsent_only=False)]
        with store.write() as write:
            assert digest.mark_sent(write, [first.seq]) == 0
        with store.read() as read:
            (again,) = digest.copies(read, ["430302"], unsent_only=False)
        assert opened.sent_at is not None and again.sent_at == opened.sent_at
    finally:
        store.dispose()


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(db, tmp_path):
    _justice_address(db)
    with LocalSmtp.start(tmp_path, user="office", password=PASSWORD) as smtp:
        done = office_cli(db, "digest", "--send", env=_env(tmp_path, smtp.port), check=False)
        assert done.returncode == 1 and "加密连接失败" in done.stdout
        assert not smtp.messages
