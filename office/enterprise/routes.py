"""The enterprise's routes: the JSON API (``/api/v1/evaluations``, ``/api/v1/visits``,
``/api/v1/satisfaction``) and the public page's form posts (``/verify/{id}/visit``,
``/verify/{id}/evaluation``). Thin: they read a bounded body, count the rate, and call
``office.enterprise.feedback``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from forms.record import SHANGHAI, format_timestamp, now
from office import limits, reference, schemas, tokens, verify, verify_page
from office.enterprise import feedback, page
from office.errors import Refusal, bad_request
from office.logs import log_event
from office.store import OfficeStore

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MAX_PERIOD_DAYS = 3660

_LINK_PROPERTIES: dict[str, Any] = {
    "id": {"type": "string", "minLength": 1, "maxLength": 64},
    "revision": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    "digest": {"type": "string", "pattern": "^[0-9a-f]{4,64}$"},
}


def _json_body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {**_LINK_PROPERTIES, **properties},
        "required": ["id", "revision", "digest", *required],
    }
    return {
        "requestBody": {
            "required": True,
            "description": "二维码中的备案编号、版次和核验码，UTF-8 JSON，最大 8 KiB",
            "content": {"application/json": {"schema": schema}},
        }
    }


EVALUATION_BODY = _json_body(
    {
        "satisfaction": {"type": "integer", "minimum": 1, "maximum": 5},
        "disrupted": {"type": "boolean"},
        "principal_required": {"type": "boolean"},
        "text": {"type": ["string", "null"], "maxLength": feedback.MAX_TEXT},
        "complaint": {"type": "boolean"},
        "contact": {"type": ["string", "null"], "maxLength": feedback.MAX_CONTACT},
    },
    ["satisfaction", "disrupted", "principal_required"],
)
VISIT_BODY = _json_body(
    {
        "arrived_at": {"type": "string", "format": "date-time"},
        "left_at": {"type": ["string", "null"], "format": "date-time"},
    },
    ["arrived_at"],
)
_ANSWER = {"content": {"application/json": {"schema": {"type": "object"}}}}
_HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}
_FORM_RESPONSES: dict[int | str, dict[str, Any]] = {
    303: {"description": "已记录：回到核验页面"},
    **{
        s: {"description": "未记录：页面显示原因，保留所填内容", **_HTML}
        for s in (400, 404, 409, 413, 415, 422, 429, 503)
    },
}


def clock(request: Request) -> datetime:
    """The office's time; tests set ``app.state.clock`` (a settable clock)."""
    given: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return given() if given is not None else now()


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _small_body(request: Request) -> bytes:
    """The body within ``feedback.MAX_BODY_BYTES``, refused (413) as soon as it is more."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > feedback.MAX_BODY_BYTES:
        raise Refusal(413, "too_large", "提交的内容过大。", headers={"Connection": "close"})
    chunks: list[bytes] = []
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > feedback.MAX_BODY_BYTES:
                raise Refusal(413, "too_large", "提交的内容过大。", headers={"Connection": "close"})
            chunks.append(chunk)
    except ClientDisconnect:
        raise bad_request("连接在提交过程中断开。") from None
    return b"".join(chunks)


def _check_form_content_type(header: str | None) -> None:
    if header is None or header.partition(";")[0].strip().lower() != FORM_MEDIA_TYPE:
        raise Refusal(415, "unsupported_media_type", "请从核验页面提交。")


def _form_fields(body: bytes) -> dict[str, str]:
    try:
        parsed = parse_qs(body.decode("utf-8"), max_num_fields=20, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise bad_request("提交的内容无法识别，请重新打开页面。") from None
    return {k: v[0] for k, v in parsed.items() if v}


def _local_time(value: str) -> str | None:
    """A ``datetime-local`` value (no offset) as Shanghai time with its offset."""
    if not value:
        return None
    try:
        return format_timestamp(datetime.fromisoformat(value).replace(tzinfo=SHANGHAI))
    except ValueError:
        return value  # not a time: the parser names the field


def _choice(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def build_router(unit_token: Callable[..., tokens.TokenInfo]) -> APIRouter:
    """The routes; ``unit_token`` is the API's bearer-token dependency (a unit)."""
    router = APIRouter()

    def store_of(request: Request) -> OfficeStore:
        store: OfficeStore = request.app.state.store
        return store

    async def json_object(request: Request) -> dict[str, Any]:
        limits.check_json_content_type(request.headers.get("content-type"))
        return feedback.parse_json(await _small_body(request))

    @router.post(
        "/api/v1/evaluations",
        status_code=201,
        responses={
            201: {"description": "已记录", **_ANSWER},
            200: {"description": "已替换此前的评价", **_ANSWER},
            **schemas.refusals(400, 404, 409, 413, 415, 429, 503),
            422: {"model": schemas.Refused},  # one message, no list of problems
        },
        openapi_extra=EVALUATION_BODY,
        summary="企业评价一次检查（扫码页面）",
    )
    async def post_evaluation(request: Request) -> JSONResponse:
        given = await json_object(request)
        at = clock(request)
        link = feedback.parse_link(given)
        store = store_of(request)
        await run_in_threadpool(feedback.check_rate, store, _address(request), link.id, at)
        evaluation = feedback.parse_evaluation(given)
        answer = await run_in_threadpool(feedback.record_evaluation, store, evaluation, at)
        log_event("evaluation", id=link.id, revision=link.revision, result=answer["status"])
        return JSONResponse(answer, status_code=201 if answer["status"] == "recorded" else 200)

    @router.post(
        "/api/v1/visits",
        status_code=201,
        responses={
            201: {"description": "已记录", **_ANSWER},
            **schemas.refusals(400, 404, 413, 415, 429, 503),
            422: {"model": schemas.Refused},
        },
        openapi_extra=VISIT_BODY,
        summary="企业确认检查人员到场（扫码留痕）",
    )
    async def post_visit(request: Request) -> JSONResponse:
        given = await json_object(request)
        at = clock(request)
        link = feedback.parse_link(given)
        store = store_of(request)
        await run_in_threadpool(feedback.check_rate, store, _address(request), link.id, at)
        visit = feedback.parse_visit(given, at)
        answer = await run_in_threadpool(feedback.record_visit, store, visit, at)
        log_event("visit", id=link.id, revision=link.revision, flags=answer["flags"])
        return JSONResponse(answer, status_code=201)

    @router.get(
        "/api/v1/satisfaction",
        responses={200: _ANSWER, **schemas.refusals(400, 401, 429)},
        summary="本单位一段时间内企业评价的满意度（汇总，至少 10 条）",
    )
    def get_satisfaction(
        request: Request,
        token: tokens.TokenInfo = Depends(unit_token),  # noqa: B008 - FastAPI's way
        start_text: str | None = Query(None, alias="from"),
        end_text: str | None = Query(None, alias="to"),
    ) -> JSONResponse:
        try:
            start = date.fromisoformat(start_text or "")
            end = date.fromisoformat(end_text or "")
        except ValueError:
            raise bad_request("请给出时间段：from 和 to，格式 YYYY-MM-DD。") from None
        if end < start or (end - start).days > MAX_PERIOD_DAYS:
            raise bad_request("时间段不正确：to 不能早于 from，且最长十年。")
        with store_of(request).read() as db:
            answer = feedback.satisfaction(db, tokens.unit_key(token.unit), start, end)
        return JSONResponse(answer)

    async def form_post(request: Request, filing_id: str, which: str) -> Response:
        store = store_of(request)
        at = clock(request)
        typed: dict[str, str] = {}
        link: feedback.Link | None = None
        try:
            _check_form_content_type(request.headers.get("content-type"))
            typed = _form_fields(await _small_body(request))
            params = verify.check_params(typed.get("r"), typed.get("d"))
            if params is None:
                raise bad_request(verify_page.BAD_LINK)
            link = feedback.Link(filing_id, *params)
            await run_in_threadpool(feedback.check_rate, store, _address(request), filing_id, at)
            base = {"id": filing_id, "revision": link.revision, "digest": link.digest}
            if which == "visit":
                given = {
                    **base,
                    "arrived_at": _local_time(typed.get("arrived_at", "")),
                    "left_at": _local_time(typed.get("left_at", "")),
                }
                await run_in_threadpool(
                    feedback.record_visit, store, feedback.parse_visit(given, at), at
                )
            else:
                level = typed.get("satisfaction", "")
                given = {
                    **base,
                    "satisfaction": int(level) if level in ("1", "2", "3", "4", "5") else None,
                    "disrupted": _choice(typed.get("disrupted")),
                    "principal_required": _choice(typed.get("principal_required")),
                    "text": typed.get("text", ""),
                    "complaint": typed.get("complaint") == "on",
                    "contact": typed.get("contact", ""),
                }
                await run_in_threadpool(
                    feedback.record_evaluation, store, feedback.parse_evaluation(given), at
                )
        except Refusal as exc:
            log_event("enterprise_form", which=which, decision=exc.error, status=exc.status)
            if link is None:
                return HTMLResponse(
                    verify_page.render_bad_link(), status_code=400, headers=PAGE_HEADERS
                )
            html, status, _ = render_page(
                store, filing_id, link, at, error=(which, exc.message), typed=typed
            )
            return HTMLResponse(
                html,
                status_code=exc.status if status != 404 else 404,
                headers={**PAGE_HEADERS, **exc.headers},
            )
        log_event("enterprise_form", which=which, decision="recorded", id=filing_id)
        url = page.page_url(filing_id, link.revision, link.digest, ok=which)
        return RedirectResponse(url, status_code=303, headers=PAGE_HEADERS)

    @router.post(
        "/verify/{filing_id}/visit",
        response_class=HTMLResponse,
        status_code=303,
        responses=_FORM_RESPONSES,
        summary="扫码留痕（网页表单）",
    )
    async def post_visit_form(request: Request, filing_id: str) -> Response:
        return await form_post(request, filing_id, "visit")

    @router.post(
        "/verify/{filing_id}/evaluation",
        response_class=HTMLResponse,
        status_code=303,
        responses=_FORM_RESPONSES,
        summary="评价（网页表单）",
    )
    async def post_evaluation_form(request: Request, filing_id: str) -> Response:
        return await form_post(request, filing_id, "evaluation")

    return router


# The public pages: never cached, indexed, sniffed or scripted; forms post only here.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


def render_page(
    store: OfficeStore,
    filing_id: str,
    link: feedback.Link,
    at: datetime,
    *,
    ok: str | None = None,
    error: tuple[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> tuple[str, int, str]:
    """The whole verification page for a QR link, its status (404: unknown) and the
    verification's result (match, mismatch, unknown)."""
    with store.read() as db:
        answer = verify.verify(db, filing_id, link.revision, link.digest)
        held = answer["status"] == verify.MATCH
        visits = feedback.visits_of(db, link) if held else []
        evaluation = feedback.evaluation_of(db, link) if held else None
        contact = str(reference.current(db).data.get("complaint_contact", ""))
    extra = page.sections(
        answer,
        link if held else None,
        at=at,
        visits=visits,
        evaluation=evaluation,
        contact=contact,
        ok=ok if ok in page.OK_TEXT else None,
        error=error,
        typed=typed,
    )
    status = 404 if answer["status"] == verify.UNKNOWN else 200
    return verify_page.render(answer, extra=extra, style=page.STYLE), status, answer["status"]
