"""Slow and idle clients against a real office process. A connection that never finished
its request head used to be kept for ever, and one address could open as many as it
liked: a few hundred such sockets used up the office's file descriptors and nobody else
got in (slowloris). Now a request head must be complete within ``--header-timeout`` of
the connection (or of its first byte after a response), whatever trickles in meanwhile,
and an address holds at most ``--max-connections-per-client`` connections at once.

The attacker binds 127.0.0.2 (all of 127/8 is loopback on Linux) so that the cap, which
is per address, does not also count the honest client on 127.0.0.1. The office runs with
a low file-descriptor limit (256), as a busy server's would be reached.
"""

from __future__ import annotations

import contextlib
import resource
import selectors
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing

HEADER_TIMEOUT = 1.5
PER_CLIENT = 20
ATTACK_SOCKETS = 300
FD_LIMIT = 256


@pytest.fixture
def guarded_office(tmp_path: Path) -> Iterator[OfficeServer]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, hard))  # inherited by the office
    try:
        server = OfficeServer.start(
            tmp_path / "office",
            extra_args=[
                "--header-timeout",
                str(HEADER_TIMEOUT),
                "--max-connections-per-client",
                str(PER_CLIENT),
            ],
        )
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    with server:
        yield server


def _attacker(office: OfficeServer) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.2", 0))
    sock.settimeout(5)
    sock.connect((office.host, office.port))
    sock.sendall(b"POST /api/v1/filings HTTP/1.1\r\nHost: office\r\n")
    return sock


def _closed_by_server(sock: socket.socket) -> bool:
    """True when the office has closed ``sock`` (EOF or reset), without waiting."""
    sock.setblocking(False)
    try:
        return sock.recv(1024) == b""
    except BlockingIOError:
        return False
    except ConnectionError:
        return True


def _wait_closed(sockets: list[socket.socket], at_least: int, timeout: float) -> int:
    """Wait on the sockets themselves (readable: data, EOF or reset) until the office has
    closed ``at_least`` of them or ``timeout`` has passed; how many it closed."""
    closed = 0
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        while closed < at_least and (left := deadline - time.monotonic()) > 0:
            for key, _ in selector.select(left):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if _closed_by_server(sock):
                    selector.unregister(sock)
                    closed += 1
    return closed


def test_a_slowloris_client_does_not_keep_others_out(guarded_office: OfficeServer) -> None:
    office = guarded_office
    token = office.create_token(DEFAULT_UNIT)
    sockets: list[socket.socket] = []
    try:
        for _ in range(ATTACK_SOCKETS):
            with contextlib.suppress(OSError):  # refused or reset while connecting
                sockets.append(_attacker(office))
        # Beyond the cap, connections from the attacker's address are closed at once.
        beyond = len(sockets) - PER_CLIENT
        assert _wait_closed(sockets, beyond, timeout=10) >= beyond
        open_ones = [s for s in sockets if not _closed_by_server(s)]
        assert len(open_ones) <= PER_CLIENT
        # The honest client is served while the attacker holds what it may.
        with office.client(token, timeout=10) as http:
            assert http.post("/api/v1/filings", json=valid_filing()).status_code == 201
        # Trickling a byte now and then does not extend the deadline of a request head.
        started = time.monotonic()
        while open_ones and time.monotonic() - started < HEADER_TIMEOUT + 10:
            for s in list(open_ones):
                try:
                    s.send(b"X")
                except OSError:
                    open_ones.remove(s)
                    continue
                if _closed_by_server(s):
                    open_ones.remove(s)
            # The attacker's pace: a byte every 0.2 s is the slow client under test, not a
            # wait for something to happen (the office's deadline must not move with it).
            time.sleep(0.2)
        assert open_ones == []
    finally:
        for s in sockets:
            s.close()
    assert office.running
    events = office.log_events()
    assert any(e.get("event") == "connection_refused" for e in events)
    assert any(e.get("event") == "slow_request_head" for e in events)


def test_an_idle_connection_is_closed_and_a_normal_one_is_not(
    guarded_office: OfficeServer,
) -> None:
    office = guarded_office
    idle = socket.create_connection((office.host, office.port), timeout=5)
    try:
        assert _wait_closed([idle], 1, timeout=HEADER_TIMEOUT + 5) == 1
    finally:
        idle.close()
    # Requests in quick succession on one connection are not cut off by the deadline.
    with httpx.Client(base_url=office.url, timeout=5) as http:
        for _ in range(3):
            assert http.get("/api/v1/health").status_code == 200
