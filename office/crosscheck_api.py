"""The units' routes of the cross-filing checks: the annual plan and the overlaps query
(docs/office-api.md). Thin: they parse, call ``office.plans`` / ``office.crosscheck``,
log, and answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from forms.record import SHANGHAI, now
from office import crosscheck, limits, plans, schemas
from office import reference as reference_data
from office.errors import Refusal, bad_request, not_found
from office.logs import log_event
from office.store import OfficeStore

MAX_PLAN_BYTES = 2 * 1024 * 1024  # 2,000 items with their scopes and enterprise lists
_CLOSE = {"Connection": "close"}


def _day(text: str | None, what: str) -> date:
    if not text or len(text) > 40:
        raise bad_request(f"缺少{what}或{what}无效（应如 2027-03-15）。")
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text).astimezone(SHANGHAI).date()
    except ValueError:
        raise bad_request(f"{what}“{text[:20]}”无效（应如 2027-03-15）。") from None


def add_routes(
    app: FastAPI,
    store: OfficeStore,
    unit_token: Callable[..., Any],
) -> None:
    """Register the plan and overlaps routes on ``app`` (one line in office.api)."""
    token_dep = Depends(unit_token)

    @app.put(
        "/api/v1/plans/{year}",
        summary="登记（替换）本单位某年度的“双随机”抽查计划",
        responses=schemas.refusals(400, 401, 413, 415, 422, 429, 503),
    )
    async def put_plan(year: str, request: Request, token: Any = token_dep) -> JSONResponse:
        y = plans.check_year(year)
        limits.check_json_content_type(request.headers.get("content-type"))
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_PLAN_BYTES:
            raise Refusal(413, "too_large", "抽查计划过大（超过 2 MB）。")
        chunks, total = [], 0
        async for chunk in request.stream():  # never more than the limit in memory
            total += len(chunk)
            if total > MAX_PLAN_BYTES:
                raise Refusal(413, "too_large", "抽查计划过大（超过 2 MB）。", headers=_CLOSE)
            chunks.append(chunk)
        body = b"".join(chunks)
        try:
            given = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("抽查计划不是有效的 JSON。") from None
        items = plans.check_items(given)
        with store.write() as db:
            plan = plans.replace(db, token.unit, y, items, at=now())
        log_event("plan", unit=token.unit, year=y, items=len(items), late=plan.late)
        return JSONResponse(plan.answer())

    @app.get(
        "/api/v1/plans/{year}",
        summary="本单位某年度的“双随机”抽查计划",
        responses=schemas.refusals(400, 401, 404, 429, 503),
    )
    def get_plan(year: str, token: Any = token_dep) -> JSONResponse:
        y = plans.check_year(year)
        with store.read() as db:
            plan = plans.get(db, token.unit, y)
        if plan is None:
            raise not_found(f"本单位尚未登记 {y} 年度的抽查计划。")
        return JSONResponse(plan.answer())

    @app.get(
        "/api/v1/overlaps",
        summary="其他单位对同一企业在相近时间的检查（仅单位和日期）",
        responses=schemas.refusals(400, 401, 422, 429, 503),
    )
    def get_overlaps(
        token: Any = token_dep,
        uscc: str | None = None,
        name: str | None = None,
        start: str | None = None,
        end: str | None = None,
    ) -> JSONResponse:
        if not (uscc or name) or len(uscc or "") > 40 or len(name or "") > 200:
            raise bad_request("请给出企业的统一社会信用代码（uscc）或名称（name）。")
        first = _day(start, "开始日期（start）")
        last = _day(end or start, "结束日期（end）")
        if last < first or (last - first).days > crosscheck.MAX_OVERLAP_SPAN_DAYS:
            raise bad_request("结束日期应不早于开始日期，且相隔不超过一年。")
        with store.read() as db:
            ref = reference_data.current(db)
            found = crosscheck.overlaps(
                db, ref, unit=token.unit, uscc=uscc or "", name=name or "", start=first, end=last
            )
        log_event("overlaps", unit=token.unit, count=len(found))
        return JSONResponse({"overlaps": found})
