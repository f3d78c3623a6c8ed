"""Backoff policy, Retry-After, office URL and TLS settings: pure functions, no network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.sync import backoff
from desktop.sync.config import ConfigError, OfficeConfig, normalize_url, tls_context

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def test_first_retry_ceiling_then_doubling():
    assert backoff.backoff_delay(1, rand=lambda: 1.0) == backoff.BASE_S
    assert backoff.backoff_delay(2, rand=lambda: 1.0) == 2 * backoff.BASE_S
    assert backoff.backoff_delay(4, rand=lambda: 1.0) == 8 * backoff.BASE_S


def test_full_jitter_reaches_down_to_the_floor():
    assert backoff.backoff_delay(7, rand=lambda: 0.0) == backoff.MIN_S


@given(st.integers(min_value=-5, max_value=10_000), st.floats(min_value=0.0, max_value=1.0))
def test_delay_is_always_within_floor_and_cap(attempt, r):
    delay = backoff.backoff_delay(attempt, rand=lambda: r)
    assert backoff.MIN_S <= delay <= 15 * 60


def test_cap_is_fifteen_minutes():
    assert backoff.backoff_delay(50, rand=lambda: 1.0) == 15 * 60


def test_retry_after_seconds_and_http_date():
    assert backoff.parse_retry_after("120", now=NOW) == 120
    later = NOW + timedelta(seconds=90)
    assert backoff.parse_retry_after(format_datetime(later, usegmt=False), now=NOW) == 90
    gmt = later.astimezone(UTC)
    assert backoff.parse_retry_after(format_datetime(gmt, usegmt=True), now=NOW) == 90


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "Mon, 99 Foo 2026"])
def test_retry_after_garbage_is_ignored(value):
    assert backoff.parse_retry_after(value, now=NOW) is None


def test_retry_after_in_the_past_means_now_and_absurd_is_bounded():
    past = format_datetime((NOW - timedelta(hours=1)).astimezone(UTC), usegmt=True)
    assert backoff.parse_retry_after(past, now=NOW) == 0
    assert backoff.parse_retry_after("99999999999", now=NOW) == backoff.MAX_RETRY_AFTER_S


def test_retry_after_is_a_floor_over_the_jitter():
    when = backoff.next_try_at(1, now=NOW, retry_after=600, rand=lambda: 0.0)
    assert when == NOW + timedelta(seconds=600)
    when = backoff.next_try_at(1, now=NOW, retry_after=None, rand=lambda: 0.0)
    assert when == NOW + timedelta(seconds=backoff.MIN_S)


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("https://beian.example.gov.cn", "https://beian.example.gov.cn"),
        (" https://beian.example.gov.cn/ ", "https://beian.example.gov.cn"),
        ("https://beian.example.gov.cn/api/v1/", "https://beian.example.gov.cn"),
        ("http://10.1.2.3:8080/beian/api/v1", "http://10.1.2.3:8080/beian"),
        ("HTTPS://Beian.Example.gov.cn", "https://beian.example.gov.cn"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_office_url_is_normalised(given_url, expected):
    assert normalize_url(given_url) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "beian.example.gov.cn",
        "ftp://beian.example.gov.cn",
        "https://user:secret@beian.example.gov.cn",
        "https://beian.example.gov.cn/?token=x",
        "https://beian.example.gov.cn:99999",
        "https://",
    ],
)
def test_bad_office_url_is_refused_in_chinese(bad):
    with pytest.raises(ConfigError) as info:
        normalize_url(bad)
    assert any("\u4e00" <= c <= "\u9fff" for c in str(info.value))
    assert "secret" not in str(info.value)


def test_encrypted_only_for_https():
    assert OfficeConfig("https://a.example").encrypted
    assert not OfficeConfig("http://10.0.0.1").encrypted
    assert OfficeConfig("https://a.example").api("filings") == "https://a.example/api/v1/filings"


def test_unreadable_ca_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="根证书"):
        tls_context(str(tmp_path / "missing.pem"))
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate", "utf-8")
    with pytest.raises(ConfigError, match="根证书"):
        tls_context(str(junk))


def test_tls_context_always_verifies(tmp_path):
    import ssl

    context = tls_context(None)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
