"""A fault-injecting HTTP/1.1 proxy for tests, in front of a real office on 127.0.0.1.

Each request is read whole (head + Content-Length body), forwarded on a fresh upstream
connection with ``Connection: close``, and the office's whole reply is read back; then a
rule decides what the desk gets. That makes "the office committed but the desk never
heard" exact: the reply exists and is thrown away.

    with FaultProxy(office_port) as proxy:
        proxy.fault(DROP_REPLY, times=1)           # POST /api/v1/filings by default
        ...
        proxy.refuse()                             # close the listening socket
        proxy.accept()                             # listen again on the same port

Bounded: loopback only, request and reply size limits, a thread per connection with a
cap, and a lifetime after which it stops by itself.
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

PASS = "pass"
STALL = "stall"  # read the request, never forward, never answer
STALL_AFTER_FORWARD = "stall_after_forward"  # the office commits; the desk hears nothing
DROP_REPLY = "drop_reply"  # forward, read the office's reply, close without a byte
TRUNCATE = "truncate"  # forward, send half of the reply, close
ERROR_500 = "error_500"  # answer 500 itself, never forward
GARBAGE = "garbage"  # answer 200 with a body that is not JSON, never forward
MODES = (PASS, STALL, STALL_AFTER_FORWARD, DROP_REPLY, TRUNCATE, ERROR_500, GARBAGE)

MAX_HEAD = 64 * 1024
MAX_BODY = 8 * 1024 * 1024
MAX_REPLY = 32 * 1024 * 1024
MAX_CONNECTIONS = 64
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Rule:
    mode: str
    method: str
    path_prefix: str
    times: int | None  # None: every matching request


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    mode: str
    office_status: int | None  # None when the request never reached the office


class FaultProxy:
    def __init__(
        self,
        upstream_port: int,
        *,
        upstream_host: str = "127.0.0.1",
        lifetime_s: float = 300.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        if upstream_host not in LOOPBACK:
            raise ValueError("the fault proxy only talks to loopback")
        self.upstream = (upstream_host, upstream_port)
        self.tls = tls
        self.deadline = time.monotonic() + lifetime_s
        self._rules: list[Rule] = []
        self._exchanges: list[Exchange] = []
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._clients: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self.port = 0
        self._listen()
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    # --- control --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._acceptor.start()
        return self

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._close_listener()
        with self._cond:
            for c in list(self._clients):
                _close(c)
            self._cond.notify_all()
        if self._acceptor.is_alive():
            self._acceptor.join(5)
        for t in list(self._threads):
            t.join(5)

    def fault(
        self,
        mode: str,
        *,
        method: str = "POST",
        path: str = "/api/v1/filings",
        times: int | None = None,
    ) -> None:
        """Apply ``mode`` to matching requests (``times`` of them, or all); last rule wins."""
        if mode not in MODES:
            raise ValueError(mode)
        with self._cond:
            self._rules.insert(0, Rule(mode, method.upper(), path, times))

    def clear(self) -> None:
        """Pass everything through again (and release nothing already stalled)."""
        with self._cond:
            self._rules.clear()

    def refuse(self) -> None:
        """Close the listening socket and every open connection: connections are refused."""
        self._close_listener()
        with self._cond:
            for c in list(self._clients):
                _close(c)

    def accept(self) -> None:
        """Listen again on the same port after ``refuse``."""
        if self._listener is None:
            self._listen(self.port)

    @property
    def exchanges(self) -> list[Exchange]:
        with self._cond:
            return list(self._exchanges)

    def wait_for(self, predicate: Callable[[list[Exchange]], bool], timeout: float = 30) -> bool:
        """Wait until ``predicate(exchanges)`` holds; False on timeout."""
        end = time.monotonic() + timeout
        with self._cond:
            while not predicate(list(self._exchanges)):
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.2))
            return True

    # --- sockets --------------------------------------------------------------------------
    def _listen(self, port: int = 0) -> None:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(16)
        s.settimeout(0.1)
        self.port = s.getsockname()[1]
        self._listener = s

    def _close_listener(self) -> None:
        s, self._listener = self._listener, None
        if s is not None:
            _close(s)

    def _accept_loop(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self.deadline:
            s = self._listener
            if s is None:
                self._stop.wait(0.05)
                continue
            try:
                conn, _ = s.accept()
            except (TimeoutError, OSError):
                continue
            with self._cond:
                if len(self._clients) >= MAX_CONNECTIONS:
                    _close(conn)
                    continue
                self._clients.add(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads = [x for x in self._threads if x.is_alive()]
            self._threads.append(t)
            t.start()
        self._close_listener()

    def _serve(self, raw_conn: socket.socket) -> None:
        conn = raw_conn
        try:
            conn.settimeout(max(0.1, self.deadline - time.monotonic()))
            if self.tls is not None:
                conn = self.tls.wrap_socket(raw_conn, server_side=True)
                with self._cond:
                    self._clients.discard(raw_conn)
                    self._clients.add(conn)
            request = _read_request(conn)
            if request is None:
                return
            method, path, raw = request
            mode = self._take_mode(method, path)
            if mode == ERROR_500:
                body = b'{"error": "internal", "message": "fault proxy: 500"}'
                conn.sendall(_reply(500, "Internal Server Error", body, "application/json"))
                self._record(method, path, mode, None)
                return
            if mode == GARBAGE:
                conn.sendall(_reply(200, "OK", b"<html>\x00\xff not json", "text/html"))
                self._record(method, path, mode, None)
                return
            if mode == STALL:
                self._record(method, path, mode, None)
                self._hold(conn)
                return
            reply = self._forward(raw)
            status = _status_of(reply) if reply else None
            self._record(method, path, mode, status)
            if reply is None:
                conn.sendall(_reply(502, "Bad Gateway", b"", "text/plain"))
            elif mode == DROP_REPLY:
                pass
            elif mode == TRUNCATE:
                conn.sendall(reply[: max(1, len(reply) // 2)])
            elif mode == STALL_AFTER_FORWARD:
                self._hold(conn)
            else:
                conn.sendall(reply)
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            with self._cond:
                self._clients.discard(conn)
                self._clients.discard(raw_conn)
            _close(conn)

    def _take_mode(self, method: str, path: str) -> str:
        with self._cond:
            for rule in self._rules:
                if rule.method == method and path.startswith(rule.path_prefix):
                    if rule.times is not None:
                        if rule.times <= 0:
                            continue
                        rule.times -= 1
                    return rule.mode
            return PASS

    def _record(self, method: str, path: str, mode: str, status: int | None) -> None:
        with self._cond:
            self._exchanges.append(Exchange(method, path, mode, status))
            self._cond.notify_all()

    def _hold(self, conn: socket.socket) -> None:
        """Keep the connection open and silent until the client leaves or the proxy stops."""
        while not self._stop.is_set() and time.monotonic() < self.deadline:
            try:
                ready, _, _ = select.select([conn], [], [], 0.1)
                if ready and not conn.recv(4096):
                    return  # the client gave up (its timeout fired, or it was killed)
            except (OSError, ValueError):
                return

    def _forward(self, raw: bytes) -> bytes | None:
        try:
            with socket.create_connection(self.upstream, timeout=30) as up:
                up.sendall(raw)
                data = bytearray()
                while len(data) <= MAX_REPLY:
                    chunk = up.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                return bytes(data)
        except OSError:
            return None


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        s.close()


def _read_request(conn: socket.socket) -> tuple[str, str, bytes] | None:
    """(method, path, bytes to forward with Connection: close) or None on EOF."""
    data = bytearray()
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > MAX_HEAD + MAX_BODY:
            raise ValueError("request too large")
    head, _, rest = bytes(data).partition(b"\r\n\r\n")
    if len(head) > MAX_HEAD:
        raise ValueError("head too large")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _version = lines[0].split(" ", 2)
    headers = []
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        if key == "content-length":
            length = int(value.strip())
        if key == "transfer-encoding":
            raise ValueError("chunked requests are not supported")
        if key in ("connection", "keep-alive"):
            continue
        headers.append(line)
    if length > MAX_BODY:
        raise ValueError("body too large")
    body = bytearray(rest)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    out_head = "\r\n".join([lines[0], *headers, "Connection: close"]) + "\r\n\r\n"
    return method.upper(), path, out_head.encode("latin-1") + bytes(body[:length])


def _status_of(reply: bytes) -> int | None:
    try:
        return int(reply.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def _reply(status: int, reason: str, body: bytes, content_type: str) -> bytes:
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body
