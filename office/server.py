"""``beian-office serve``: the API on uvicorn."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from office import connections, logs
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
    api_docs: bool = False,
    header_timeout: float = connections.HEADER_TIMEOUT_SECONDS,
    max_connections_per_client: int = connections.MAX_CONNECTIONS_PER_CLIENT,
    signing_key_path: Path | None = None,
) -> int:
    import uvicorn  # only the server needs it; admin commands start faster without

    from office import signing
    from office.api import create_app
    from office.limits import QuietErrors

    logs.configure(log_file)
    store = OfficeStore.open(db_path)
    key = signing.load_or_create(signing_key_path or signing.default_key_path(store.path))
    app = QuietErrors(
        create_app(
            store,
            rate_limit=rate_limit,
            api_docs=api_docs,
            office_key=signing.key_document(key),
        )
    )
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
        # Idle connections end after KEEP_ALIVE_SECONDS, request heads must arrive within
        # header_timeout and MAX_HEADER_BYTES, and no address holds more than its share
        # (office.connections).
        http=connections.protocol_class(
            header_timeout=header_timeout, max_per_client=max_connections_per_client
        ),
        timeout_keep_alive=connections.KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=connections.MAX_HEADER_BYTES,
    )
    scheme = "https" if ssl_certfile else "http"
    log_event("listening", url=f"{scheme}://{host}:{bound_port}", db=str(store.path))
    uvicorn.Server(config).run(sockets=[sock])
    log_event("stopped")
    return 0
