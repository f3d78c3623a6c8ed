"""``beian-office serve``: the API on uvicorn."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from office import logs
from office.errors import OfficeError
from office.logs import log_event
from office.store import OfficeStore


def _bind(host: str, port: int) -> socket.socket:
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        family = socket.AF_INET  # a host name: resolved by bind()
    # IPPROTO_TCP explicitly: asyncio turns Nagle's algorithm off for accepted connections
    # only when the listening socket says TCP; otherwise every response body waits for
    # the client's delayed ACK (about 40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OfficeError(
            f"无法在 {host}:{port} 上监听：{exc.strerror}（端口可能已被占用）"
        ) from None
    return sock


def serve(
    db_path: Path,
    *,
    host: str,
    port: int,
    log_file: Path | None,
    rate_limit: int,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    forwarded_allow_ips: str | None = None,
) -> int:
    import uvicorn  # only the server needs it; admin commands start faster without

    from office.api import create_app

    logs.configure(log_file)
    store = OfficeStore.open(db_path)
    app = create_app(store, rate_limit=rate_limit)
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,  # logs.configure() already routed uvicorn's logs as JSON
        access_log=False,
        server_header=False,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        timeout_graceful_shutdown=10,
    )
    scheme = "https" if ssl_certfile else "http"
    log_event("listening", url=f"{scheme}://{host}:{bound_port}", db=str(store.path))
    uvicorn.Server(config).run(sockets=[sock])
    log_event("stopped")
    return 0
