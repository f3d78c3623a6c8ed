"""``beian-office serve``: the API on uvicorn, in one process or in several workers.

With ``--workers N`` the parent binds the socket, checks the store once, and uvicorn's
supervisor starts N worker processes that share the socket; each worker builds its app
with :func:`worker_app` from the settings the parent left in its environment, and opens
its own connections to the store (the store serialises their writes, see
``office.store``).
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp

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


WORKER_SETTINGS = "BEIAN_OFFICE_WORKER_SETTINGS"
MAX_WORKERS = 64


def __getattr__(name: str) -> Any:
    """``WorkerProtocol``: the connection guards of a worker process, with the limits the
    parent left in the environment (uvicorn imports the protocol by name in each worker:
    a class made at run time cannot be sent to a spawned process)."""
    if name == "WorkerProtocol":
        settings = json.loads(os.environ[WORKER_SETTINGS])
        return connections.protocol_class(
            header_timeout=settings["header_timeout"],
            max_per_client=settings["max_connections_per_client"],
        )
    raise AttributeError(name)


def worker_app() -> ASGIApp:
    """The app of one worker process (``uvicorn … --factory``)."""
    from office import signing
    from office.api import create_app
    from office.limits import QuietErrors

    settings = json.loads(os.environ[WORKER_SETTINGS])
    log_file = settings["log_file"]
    logs.configure(Path(log_file) if log_file else None)
    store = OfficeStore.open(settings["db"], create=False)
    key = signing.load_or_create(Path(settings["signing_key"]))
    log_event("worker_started", pid=os.getpid())
    return QuietErrors(
        create_app(
            store,
            rate_limit=settings["rate_limit"],
            api_docs=settings["api_docs"],
            office_key=signing.key_document(key),
        )
    )


def serve(
    db_path: Path | str,
    *,
    host: str,
    port: int,
    log_file: Path | None,
    rate_limit: int,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    forwarded_allow_ips: str | None = None,
    workers: int = 1,
    api_docs: bool = False,
    header_timeout: float = connections.HEADER_TIMEOUT_SECONDS,
    max_connections_per_client: int = connections.MAX_CONNECTIONS_PER_CLIENT,
    signing_key_path: Path | None = None,
) -> int:
    import uvicorn  # only the server needs it; admin commands start faster without

    from office import signing
    from office.api import create_app
    from office.limits import QuietErrors

    if not 1 <= workers <= MAX_WORKERS:
        raise OfficeError(f"工作进程数应在 1 到 {MAX_WORKERS} 之间。")
    logs.configure(log_file)
    store = OfficeStore.open(db_path)
    if signing_key_path is not None:
        key_path = Path(signing_key_path)
    elif store.path is not None:
        key_path = signing.default_key_path(store.path)
    else:
        store.dispose()
        raise OfficeError("数据库在 PostgreSQL 上时，请用 --signing-key 指定签名密钥文件的位置。")
    # Made (or read) once here, so that every worker signs with the same key.
    key = signing.load_or_create(key_path)
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    options: dict[str, Any] = dict(
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
    # The app is built before "listening" is said, and the socket listens from then on:
    # whoever waits for that line may connect at once (the connection waits in the
    # backlog until uvicorn accepts it), with one worker or several.
    app = (
        QuietErrors(
            create_app(
                store,
                rate_limit=rate_limit,
                api_docs=api_docs,
                office_key=signing.key_document(key),
            )
        )
        if workers == 1
        else None
    )
    sock.listen(2048)
    log_event("listening", url=f"{scheme}://{host}:{bound_port}", db=store.target, workers=workers)
    if app is not None:
        config = uvicorn.Config(app, **options)
        uvicorn.Server(config).run(sockets=[sock])
    else:
        from uvicorn.supervisors import Multiprocess

        store.dispose()  # each worker opens its own connections
        os.environ[WORKER_SETTINGS] = json.dumps(
            {
                "db": str(db_path),
                "rate_limit": rate_limit,
                "log_file": str(log_file) if log_file else None,
                "api_docs": api_docs,
                "signing_key": str(key_path),
                "header_timeout": header_timeout,
                "max_connections_per_client": max_connections_per_client,
            }
        )
        options["http"] = "office.server:WorkerProtocol"
        config = uvicorn.Config(
            "office.server:worker_app", factory=True, workers=workers, **options
        )
        Multiprocess(config, sockets=[sock]).run()
    log_event("stopped")
    return 0
