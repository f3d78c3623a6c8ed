"""Connections a client cannot hold: a header deadline and a cap per client address.

uvicorn closes a connection idle *between* requests (``timeout_keep_alive``), but not one
that never finishes sending a request head: a client that trickles a header a byte at a
time, or connects and sends nothing, keeps its connection — and a few thousand of them
use up the office's file descriptors (slowloris). This protocol, uvicorn's own h11 one
with two additions, closes a connection whose request head is not complete within
``HEADER_TIMEOUT_SECONDS`` of its first byte (or of the connection), and refuses a
connection from an address that already holds ``MAX_CONNECTIONS_PER_CLIENT``.
A slow *body* is the application's business (60 s, then 408: ``office.api``).

Behind a reverse proxy every connection comes from the proxy's address; set the cap
above the proxy's own pool (``serve --max-connections-per-client``), and let the proxy
limit clients.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from office.logs import log_event

HEADER_TIMEOUT_SECONDS = 10.0
MAX_CONNECTIONS_PER_CLIENT = 50
KEEP_ALIVE_SECONDS = 5
MAX_HEADER_BYTES = 16 * 1024  # h11's largest incomplete event: the request head


LOG_EVERY_SECONDS = 60.0  # one line per address and kind: a flood must not flood the log
_last_logged: dict[tuple[str, str | None], float] = {}


def _first_in_a_while(key: tuple[str, str | None]) -> bool:
    moment = time.monotonic()
    if moment - _last_logged.get(key, -LOG_EVERY_SECONDS) < LOG_EVERY_SECONDS:
        return False
    if len(_last_logged) > 10_000:  # many addresses: forget them rather than grow
        _last_logged.clear()
    _last_logged[key] = moment
    return True


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and a per-address cap."""

    header_timeout: float = HEADER_TIMEOUT_SECONDS
    max_per_client: int = MAX_CONNECTIONS_PER_CLIENT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        host = self.client[0] if self.client else None
        if host is not None and self.max_per_client > 0:
            held = sum(
                1
                for other in self.connections
                if other is not self
                and isinstance(other, H11Protocol)
                and other.client
                and other.client[0] == host
            )
            if held >= self.max_per_client:
                if _first_in_a_while(("refused", host)):
                    log_event("connection_refused", client=host, held=held)
                transport.close()
                return
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._waiting_for_head() and self._head_deadline is None:
            self._arm_head_deadline()

    def on_response_complete(self) -> None:
        self._disarm_head_deadline()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def _waiting_for_head(self) -> bool:
        return self.conn.their_state is h11.IDLE and not self.transport.is_closing()

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._head_deadline = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self._waiting_for_head():
            host = self.client[0] if self.client else None
            if _first_in_a_while(("slow", host)):
                log_event("slow_request_head", client=host)
            self.transport.close()


def protocol_class(*, header_timeout: float, max_per_client: int) -> type[GuardedH11Protocol]:
    """The protocol with these limits (uvicorn takes a class, not an instance)."""
    return type(
        "ConfiguredH11Protocol",
        (GuardedH11Protocol,),
        {"header_timeout": header_timeout, "max_per_client": max_per_client},
    )
