"""The server process itself: rate limits, ports, restarts, and answers to stray requests."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from tests.support.office import DEFAULT_UNIT, OfficeServer, office_cli, valid_filing


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfficeServer]:
    workdir = tmp_path_factory.mktemp("office")
    with OfficeServer.start(workdir, extra_args=["--rate-limit", "3"]) as server:
        yield server


def test_stray_requests_get_the_offices_refusal_shape(limited: OfficeServer) -> None:
    with limited.client() as anonymous:
        missing = anonymous.get("/api/v2/anything")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        wrong = anonymous.delete("/api/v1/health")
        assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


def test_a_port_in_use_is_reported_in_chinese(limited: OfficeServer, tmp_path) -> None:
    second = office_cli(tmp_path / "second.db", "serve", "--port", str(limited.port), check=False)
    assert second.returncode == 1
    assert "端口可能已被占用" in second.stderr


# Last in the module: it stops the server.
def test_rate_limit_refuses_with_retry_after_and_data_survives_a_restart(
    limited: OfficeServer,
) -> None:
    token = limited.create_token(DEFAULT_UNIT)
    filing = valid_filing()
    with limited.client(token) as http:
        assert http.post("/api/v1/filings", json=filing).status_code == 201
        assert http.get("/api/v1/changes").status_code == 200
        assert http.get("/api/v1/reference").status_code == 200
        refused = http.get("/api/v1/changes")
        assert refused.status_code == 429
        assert refused.json()["error"] == "rate_limited"
        assert "秒后再试" in refused.json()["message"]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Another unit has its own allowance.
    with limited.client(limited.create_token("湘潭市应急管理局")) as other:
        assert other.get("/api/v1/changes").status_code == 200

    port = limited.port
    limited.restart()
    assert limited.port == port
    with limited.client(token) as http:
        again = http.post("/api/v1/filings", json=filing)
    assert again.status_code == 200  # the same receipt after a restart
    # SIGTERM is a graceful shutdown (uvicorn then re-raises the signal: exit -15).
    assert limited.stop() in (0, -signal.SIGTERM)
    messages = [e.get("message", "") for e in limited.log_events()]
    assert any(m.startswith("Finished server process") for m in messages)
