"""The enterprise's page, as the office reads it: 企业评价, 投诉 (state and reply,
audited), 扫码留痕 (visits, their flags, and filings whose visit no one confirmed).

Only the office's own staff open these pages (admin, reviewer, viewer); the justice
bureau and park committees do not, and no unit ever does. A city's staff read their
counties' too (``offices.in_reach``); handling a complaint is for an admin or reviewer
of the office holding the filing (``office.staff.require`` in ``feedback.set_complaint``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from forms.record import now
from office import offices
from office.console import access, web
from office.enterprise import feedback
from office.errors import OfficeError
from office.staff import Actor
from office.store import OfficeStore

router = APIRouter()


def _reach(db: Connection, actor: Actor) -> list[str] | None:
    if actor.operator:
        return None
    return offices.in_reach(db, actor.office) if actor.office else []


def evaluation_rows(db: Connection, actor: Actor) -> list[dict[str, Any]]:
    rows = feedback.all_evaluations(db, offices_in=_reach(db, actor))
    for row in rows:
        row["satisfaction_text"] = feedback.SATISFACTION_TEXT[row["satisfaction"]]
        row["state_text"] = feedback.STATE_TEXT.get(row["complaint_state"] or "", "")
    return rows


def complaint_rows(db: Connection, actor: Actor) -> list[dict[str, Any]]:
    rows = [r for r in evaluation_rows(db, actor) if r["complaint"]]
    for row in rows:
        row["may_handle"] = access.may_act(actor, "complaint", row["office"])
    order = {feedback.RECEIVED: 0, feedback.IN_PROGRESS: 1, feedback.DONE: 2}
    return sorted(rows, key=lambda r: (order.get(r["complaint_state"], 3), r["at"]))


def visit_rows(db: Connection, actor: Actor) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    reach = _reach(db, actor)
    visits = [v for v in feedback.all_visits(db) if reach is None or v["office"] in reach]
    missing = [v for v in feedback.unvisited(db, now()) if reach is None or v["office"] in reach]
    return visits, missing


def _read(store: OfficeStore, what: Any, actor: Actor) -> Any:
    with store.read() as db:
        return what(db, actor)


@router.get("/console/evaluations", include_in_schema=False)
async def evaluations_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "evaluations")
    rows = await run_in_threadpool(_read, web.store_of(request), evaluation_rows, who.actor)
    return web.render(request, "enterprise/evaluations.html", who, rows=rows, title="企业评价")


@router.get("/console/complaints", include_in_schema=False)
async def complaints_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "complaints")
    rows = await run_in_threadpool(_read, web.store_of(request), complaint_rows, who.actor)
    notice = "已保存。" if request.query_params.get("saved") else None
    return web.render(
        request,
        "enterprise/complaints.html",
        who,
        rows=rows,
        states=[(s, feedback.STATE_TEXT[s]) for s in feedback.STATES],
        title="投诉",
        notice=notice,
    )


def _handle(store: OfficeStore, actor: Actor, form: dict[str, str]) -> None:
    revision = form.get("revision", "")
    if not revision.isdigit():
        raise web.Refused(400, "表单内容不完整，请刷新页面后重试。")
    state = form.get("state") or None
    with store.write() as db:
        feedback.set_complaint(
            db,
            actor,
            form.get("id", ""),
            int(revision),
            state=state,
            reply=form.get("reply"),
            at=now(),
        )


@router.post("/console/complaints", include_in_schema=False)
async def complaint_action(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "complaints")
    form = await web.checked_form(request, who)
    try:
        await run_in_threadpool(_handle, web.store_of(request), who.actor, form)
    except OfficeError as exc:  # Forbidden and the store's refusals, in Chinese
        raise web.Refused(403 if "无权" in str(exc) else 400, str(exc)) from None
    return RedirectResponse("/console/complaints?saved=1", status_code=303)


@router.get("/console/visits", include_in_schema=False)
async def visits_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "visits")
    visits, missing = await run_in_threadpool(_read, web.store_of(request), visit_rows, who.actor)
    return web.render(
        request, "enterprise/visits.html", who, visits=visits, missing=missing, title="扫码留痕"
    )
