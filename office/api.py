"""The HTTP API (docs/office-api.md) on FastAPI.

Routes are thin: they authenticate, read the body within its limit, call the plain
functions of ``office.intake``, ``office.filings``, ``office.changes``,
``office.reference`` and ``office.verify``, log what was decided, and answer. Every
refusal is ``{"error", "message"}`` in Chinese with its own status code, including
the ones FastAPI and Starlette would otherwise word themselves.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import threading
import time
from collections import deque
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forms import __version__
from forms.record import format_timestamp, now
from office import (
    changes,
    console,
    contract,
    crosscheck_api,
    filings,
    intake,
    limits,
    reference,
    schemas,
    tokens,
    verify,
    verify_page,
)
from office.enterprise import routes as enterprise_routes
from office.enterprise.feedback import Link
from office.errors import Refusal, bad_request, not_found, unauthorized
from office.logs import log_event
from office.store import OfficeStore, StoreUnwritable

# Requests per minute per token, counted in each server process: with ``serve --workers N``
# a token may make up to N times as many (docs/office.md). A sync pass sends one by one.
DEFAULT_RATE_LIMIT = 600
BODY_TIMEOUT_SECONDS = 60  # a client that stops sending mid-body is not waited on forever
DRAIN_BYTES = 4 * 1024 * 1024  # beyond this a too-large body is cut off, not read to its end
_CLOSE = {"Connection": "close"}
STORE_RETRY_AFTER = "60"  # seconds; a full disk is not freed in less
_HTML_PAGE = {"text/html": {"schema": {"type": "string"}}}
_PAGE_HEADERS = {  # the public pages: never cached, indexed, sniffed or scripted
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}

JSON_BODY = {
    "requestBody": {
        "required": True,
        "description": "一份备案表，交换格式（GET /api/v1/forms/{form}/schema），UTF-8 JSON，"
        "最大 256 KiB",
        "content": {"application/json": {"schema": {"$ref": contract.FILING_REF}}},
    }
}


class RateLimiter:
    """At most ``per_minute`` requests per key in any 60 seconds (0: no limit)."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._seen: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: int) -> None:
        if self.per_minute <= 0:
            return
        moment = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= moment - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                wait = max(1, math.ceil(seen[0] + 60 - moment))
                raise Refusal(
                    429,
                    "rate_limited",
                    f"请求过于频繁，请 {wait} 秒后再试。",
                    headers={"Retry-After": str(wait)},
                )
            seen.append(moment)


class RequestLog:
    """Log every request as one event: method, path, status, time taken, unit.

    Never the query string's secrets (there are none by design), never headers."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            state = scope.get("state") or {}
            client = scope.get("client")
            log_event(
                "request",
                level=logging.WARNING if status >= 500 else logging.INFO,
                method=scope["method"],
                path=scope["path"],
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
                client=client[0] if client else None,
                unit=state.get("unit"),
                token_id=state.get("token_id"),
            )


async def _read_body(request: Request) -> bytes:
    """The body, within ``MAX_BODY_BYTES``; an unbounded body is never read into memory.

    Too large a body (by its Content-Length, or once the streamed bytes pass the limit)
    is refused with 413. The rest of it is read and discarded up to ``DRAIN_BYTES`` first:
    a server that closes with unread bytes makes the client's TCP stack reset the
    connection, and the client would see a broken connection instead of the 413.
    """
    declared = request.headers.get("content-length")
    if declared is not None and not (declared.isascii() and declared.isdigit()):
        raise bad_request("请求头 Content-Length 无效。")
    declared_size = int(declared) if declared is not None else 0
    if declared_size > DRAIN_BYTES:
        raise intake.too_large(close=True)
    too_large = declared_size > intake.MAX_BODY_BYTES
    chunks: list[bytes] = []
    total = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_SECONDS):
            async for chunk in request.stream():
                total += len(chunk)
                if total > DRAIN_BYTES:
                    raise intake.too_large(close=True)
                if total > intake.MAX_BODY_BYTES:
                    too_large = True
                    chunks.clear()
                if not too_large:
                    chunks.append(chunk)
    except TimeoutError:
        raise Refusal(
            408, "request_timeout", "接收备案表内容超时，请重新提交。", headers=_CLOSE
        ) from None
    except ClientDisconnect:
        raise bad_request("连接在提交过程中断开。") from None
    if too_large:
        raise intake.too_large()
    return b"".join(chunks)


_bearer = HTTPBearer(auto_error=False, description="单位令牌（beian-office token create）")


def _unit_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> tokens.TokenInfo:
    """The unit a request acts for: its bearer token, active, within the rate limit."""
    if credentials is None:
        raise unauthorized("缺少单位令牌。请在备案桌面程序中连接优化营商环境部门并填写令牌。")
    with request.app.state.store.read() as db:
        info = tokens.authenticate(db, credentials.credentials)
    if info is None:
        raise unauthorized()
    request.state.unit = info.unit
    request.state.token_id = info.id
    request.app.state.limiter.check(info.id)
    return info


UnitToken = Annotated[tokens.TokenInfo, Depends(_unit_token)]


def create_app(
    store: OfficeStore,
    *,
    rate_limit: int = DEFAULT_RATE_LIMIT,
    api_docs: bool = False,
    office_key: dict[str, str] | None = None,
) -> FastAPI:
    # /docs and /redoc load their scripts from a CDN: never served. The raw description
    # (/openapi.json, no scripts) only when asked for (`serve --api-docs`).
    app = FastAPI(
        title="优化营商环境部门备案接收服务",
        description="湘潭市涉企行政执法检查备案：备案桌面程序与优化营商环境部门之间的接口。",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if api_docs else None,
    )
    app.add_middleware(RequestLog)
    app.state.store = store
    app.state.limiter = RateLimiter(rate_limit)

    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> JSONResponse:
        headers = dict(exc.headers)
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            body = {"error": "not_found", "message": "没有这个地址。"}
        elif exc.status_code == 405:
            body = {"error": "method_not_allowed", "message": "此地址不支持这种请求方法。"}
        else:
            body = {"error": "http_error", "message": f"请求无法处理（{exc.status_code}）。"}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        body = {"error": "bad_request", "message": "请求的参数不正确。"}
        return JSONResponse(body, status_code=400)

    @app.exception_handler(StoreUnwritable)
    async def unwritable(request: Request, exc: StoreUnwritable) -> JSONResponse:
        log_event("store_unwritable", level=logging.ERROR, path=request.url.path)
        body = {"error": "store_unwritable", "message": str(exc)}
        return JSONResponse(body, status_code=503, headers={"Retry-After": STORE_RETRY_AFTER})

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        log_event(
            "internal_error",
            level=logging.ERROR,
            path=request.url.path,
            exception=type(exc).__name__,
        )
        body = {"error": "internal", "message": "优化营商环境部门的服务器出错了，请稍后重试。"}
        return JSONResponse(body, status_code=500)

    @app.post(
        "/api/v1/filings",
        status_code=201,
        response_model=schemas.Receipt,
        responses={
            200: {"model": schemas.Receipt, "description": "此版次此前已受理：同一回执"},
            409: {"model": schemas.Stale, "description": "conflict 或 stale_revision"},
            **schemas.refusals(400, 401, 403, 408, 413, 415, 422, 429, 503),
        },
        openapi_extra=JSON_BODY,
        summary="提交一份备案表（一个版次）",
    )
    async def submit_filing(request: Request, token: UnitToken) -> JSONResponse:
        try:
            limits.check_json_content_type(request.headers.get("content-type"))
            body = await _read_body(request)
        except Refusal as exc:
            log_event("submit", decision=exc.error, status=exc.status, unit=token.unit)
            raise
        outcome = await run_in_threadpool(intake.submit, store, token.unit, body)
        log_event(
            "submit",
            decision=outcome.decision,
            status=outcome.status,
            id=outcome.filing_id,
            revision=outcome.revision,
            unit=token.unit,
            token_id=token.id,
            bytes=len(body),
            pid=os.getpid(),  # which worker decided (serve --workers N)
            **outcome.extra,
        )
        return JSONResponse(outcome.body, status_code=outcome.status)

    crosscheck_api.add_routes(app, store, _unit_token)

    @app.get(
        "/api/v1/filings/{filing_id}",
        response_model=schemas.FilingView,
        responses=schemas.refusals(401, 404, 429),
        summary="本单位一份备案的最新版次",
    )
    def get_filing(filing_id: str, token: UnitToken) -> JSONResponse:
        with store.read() as db:
            held = filings.latest(db, filing_id, token.unit)
        if held is None:
            raise not_found()
        return JSONResponse(held.view())

    @app.get(
        "/api/v1/changes",
        response_model=schemas.Changes,
        responses=schemas.refusals(400, 401, 429),
        summary="本单位自上次同步位置以来的回执和退回",
    )
    def get_changes(token: UnitToken, since: str | None = None) -> JSONResponse:
        after = changes.parse_cursor(since)
        with store.read() as db:
            answer = changes.since(db, token.unit, after)
        answer["server_time"] = format_timestamp(now())
        log_event("changes", unit=token.unit, since=after, count=len(answer["changes"]))
        return JSONResponse(
            {
                "cursor": answer["cursor"],
                "server_time": answer["server_time"],
                "changes": answer["changes"],
            }
        )

    @app.get(
        "/api/v1/reference",
        response_model=schemas.Reference,
        responses={
            304: {"description": "If-None-Match 与当前版本一致"},
            **schemas.refusals(401, 429),
        },
        summary="参考数据（节假日安排、白名单、园区、执法证号规则、表单定义）",
    )
    def get_reference(request: Request, token: UnitToken) -> Response:
        with store.read() as db:
            ref = reference.current(db)
        etag = ref.etag
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if _etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return JSONResponse(ref.answer(), headers=headers)

    @app.get(
        "/api/v1/forms/{form:path}/schema",
        responses={
            200: {"content": {"application/schema+json": {"schema": {"type": "object"}}}},
            **schemas.refusals(404),
        },
        response_class=JSONResponse,
        summary="交换格式的 JSON Schema（由表单定义生成，公开，无需令牌）",
    )
    def get_form_schema(form: str) -> JSONResponse:
        with store.read() as db:
            found = contract.form_schema(reference.current(db), form)
        if found is None:
            raise not_found(f"没有这个表单版本：{form[:80]}。")
        return JSONResponse(found, media_type="application/schema+json")

    @app.get(
        "/api/v1/health",
        response_model=schemas.Health,
        responses={503: {"model": schemas.Health, "description": "数据库无法写入（磁盘已满）"}},
        summary="服务状态与服务器时间",
    )
    def health() -> JSONResponse:
        store.ping()
        answer = {"status": "ok", "time": format_timestamp(now()), "version": __version__}
        if not store.can_write():
            log_event("store_unwritable", level=logging.ERROR, path="/api/v1/health")
            answer.update(status="store_unwritable", message=str(StoreUnwritable()))
            return JSONResponse(answer, status_code=503, headers={"Retry-After": STORE_RETRY_AFTER})
        return JSONResponse(answer)

    @app.get(
        "/api/v1/office-key",
        response_model=schemas.OfficeKey,
        responses=schemas.refusals(404),
        summary="办公室的公钥（核对离线回执文件的签名）",
    )
    def get_office_key() -> JSONResponse:
        if office_key is None:
            raise not_found("本服务没有配置签名密钥。")
        return JSONResponse(office_key, headers={"Cache-Control": "no-cache"})

    @app.get(
        "/api/v1/verify/{filing_id}",
        response_model=schemas.Verification,
        responses=schemas.refusals(400),
        summary="核验纸质备案表（公开，无需令牌）",
    )
    def verify_json(filing_id: str, r: str | None = None, d: str | None = None) -> JSONResponse:
        params = verify.check_params(r, d)
        if params is None:
            raise bad_request(verify_page.BAD_LINK)
        with store.read() as db:
            answer = verify.verify(db, filing_id, *params)
        log_event("verify", id=filing_id, revision=params[0], result=answer["status"])
        return JSONResponse(answer, headers={"Cache-Control": "no-store"})

    @app.get(
        "/api/v1/verify/code/{code}",
        response_model=schemas.CodeLookup,
        responses=schemas.refusals(400),
        summary="按查询码查找备案（公开，无需令牌）",
    )
    def lookup_code_json(code: str) -> JSONResponse:
        with store.read() as db:
            answer = verify.lookup_code(db, code)
        if answer is None:
            raise bad_request(verify.BAD_CODE)
        log_event("verify_code", result=answer["status"], count=len(answer["filings"]))
        return JSONResponse(answer, headers={"Cache-Control": "no-store"})

    @app.get(
        "/verify/code/{code}",
        response_class=HTMLResponse,
        responses={
            400: {"description": "查询码格式不对", "content": _HTML_PAGE},
            404: {"description": "未找到此查询码对应的备案", "content": _HTML_PAGE},
        },
        summary="按查询码查找备案的网页",
    )
    def lookup_code_html(code: str) -> HTMLResponse:
        with store.read() as db:
            answer = verify.lookup_code(db, code)
        if answer is None:
            return HTMLResponse(verify_page.render_bad_code(), 400, headers=_PAGE_HEADERS)
        log_event("verify_code", result=answer["status"], count=len(answer["filings"]))
        status = 404 if answer["status"] == verify.UNKNOWN else 200
        return HTMLResponse(verify_page.render_code(answer), status, headers=_PAGE_HEADERS)

    @app.get(
        "/verify/{filing_id}",
        response_class=HTMLResponse,
        responses={
            400: {"description": "链接不完整（请重新扫描二维码）", "content": _HTML_PAGE},
            404: {"description": "未找到此备案", "content": _HTML_PAGE},
        },
        summary="核验纸质备案表的网页（扫描二维码打开）",
    )
    def verify_html(
        request: Request,
        filing_id: str,
        r: str | None = None,
        d: str | None = None,
        ok: str | None = None,
    ) -> HTMLResponse:
        headers = enterprise_routes.PAGE_HEADERS  # the enterprise's forms post to 'self'
        params = verify.check_params(r, d)
        if params is None:
            return HTMLResponse(verify_page.render_bad_link(), status_code=400, headers=headers)
        link = Link(filing_id, *params)
        html, status, result = enterprise_routes.render_page(
            store, filing_id, link, enterprise_routes.clock(request), ok=ok
        )
        log_event("verify", id=filing_id, revision=params[0], result=result)
        return HTMLResponse(html, status_code=status, headers=headers)

    app.include_router(enterprise_routes.build_router(_unit_token))

    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = contract.with_filing_schema(plain_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    console.install(app)  # the workbench under /console/ (docs/console.md)
    return app


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag in tags
