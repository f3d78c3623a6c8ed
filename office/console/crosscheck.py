"""联合检查, 重复检查, 检查计划: the cross-filing checks as the office reads them.

What each page shows is a plain function over ``office.crosscheck_review`` and
``office.plans``, limited to the viewer's reach (a city reads its counties). Marking a
cluster 已协调 / 无需联合 is for an admin or reviewer of an office holding one of the
cluster's filings; ``crosscheck_review.decide`` checks the role again whatever is posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, select
from starlette.concurrency import run_in_threadpool

from forms.record import SHANGHAI, now
from office import crosscheck, crosscheck_review, offices, plans
from office.console import access, web
from office.errors import OfficeError
from office.staff import Actor
from office.store import OfficeStore
from office.tables import units

router = APIRouter()

# The 备案列表's 提示 filter: one choice per cross-check code (office.crosscheck.CODES).
FLAG_TEXT = {
    crosscheck.JOINT: "建议联合检查",
    crosscheck.REPEATED: "重复检查",
    crosscheck.WHITE_LIST: "白名单企业",
    crosscheck.KEY_SUPERVISION: "重点监管企业",
    crosscheck.UNPLANNED: "计划外检查",
}


@dataclass(frozen=True)
class ClusterRow:
    cluster: crosscheck_review.Cluster
    state_text: str
    may_decide: bool


def _reach(db: Connection, actor: Actor) -> list[str] | None:
    if actor.operator:
        return None
    return offices.in_reach(db, actor.office) if actor.office else []


def year_of(text: str | None) -> int:
    """The year asked for (``?year=``), else this year in Shanghai."""
    if text and text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return now().astimezone(SHANGHAI).year


def cluster_rows(db: Connection, actor: Actor, year: int) -> list[ClusterRow]:
    return [
        ClusterRow(
            c,
            crosscheck_review.STATES.get(c.state or "", "待协调"),
            any(access.may_act(actor, "return", m["office"]) for m in c.members),
        )
        for c in crosscheck_review.clusters(db, _reach(db, actor), year)
    ]


def decide(db: Connection, actor: Actor, key: str, state: str, note: str) -> None:
    """Mark the cluster ``key`` (inside a write transaction): only an office holding one
    of its filings; a cluster outside the viewer's reach is as unknown."""
    day = key.rpartition("|")[2]
    try:
        year = date.fromisoformat(day).year
    except ValueError:
        raise OfficeError("没有这组备案，请刷新页面后重试。") from None
    found = [c for c in crosscheck_review.clusters(db, _reach(db, actor), year) if c.key == key]
    if not found:
        raise OfficeError("没有这组备案，请刷新页面后重试。")
    holding = {m["office"] for m in found[0].members}
    office = actor.office if actor.office in holding else sorted(holding)[0]
    crosscheck_review.decide(db, actor, key, state, note, office or "")


def repeat_rows(db: Connection, actor: Actor, year: int) -> list[dict[str, Any]]:
    reach = _reach(db, actor)
    mine = _units_in(db, reach)
    return [
        r for r in crosscheck_review.repeat_counts(db, year) if mine is None or r["unit"] in mine
    ]


def plan_rows(db: Connection, actor: Actor, year: int) -> list[dict[str, Any]]:
    mine = _units_in(db, _reach(db, actor))
    return [
        {"unit": p.unit, "items": len(p.items), "arrived_at": p.arrived_at, "late": p.late}
        for p in plans.all_for_year(db, year)
        if mine is None or p.unit in mine
    ]


def _units_in(db: Connection, reach: list[str] | None) -> set[str] | None:
    if reach is None:
        return None
    return set(db.execute(select(units.c.name).where(units.c.office.in_(reach))).scalars())


def _read(store: OfficeStore, what: Any, actor: Actor, year: int) -> Any:
    with store.read() as db:
        return what(db, actor, year)


@router.get("/console/crosscheck", include_in_schema=False)
async def clusters_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "crosscheck")
    year = year_of(request.query_params.get("year"))
    rows = await run_in_threadpool(_read, web.store_of(request), cluster_rows, who.actor, year)
    notice = "已保存。" if request.query_params.get("saved") else None
    return web.render(
        request,
        "crosscheck/clusters.html",
        who,
        rows=rows,
        year=year,
        states=list(crosscheck_review.STATES.items()),
        title="联合检查",
        notice=notice,
    )


def _decide(store: OfficeStore, actor: Actor, form: dict[str, str]) -> None:
    with store.write() as db:
        decide(db, actor, form.get("key", ""), form.get("state", ""), form.get("note", ""))


@router.post("/console/crosscheck", include_in_schema=False)
async def decide_action(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "crosscheck")
    form = await web.checked_form(request, who)
    if not access.may_act(who.actor, "return", who.actor.office):
        raise web.Refused(403, "无权标记联合检查。")
    try:
        await run_in_threadpool(_decide, web.store_of(request), who.actor, form)
    except OfficeError as exc:  # Forbidden and the refusals, in Chinese
        raise web.Refused(403 if "无权" in str(exc) else 400, str(exc)) from None
    day = form.get("key", "").rpartition("|")[2]
    return RedirectResponse(f"/console/crosscheck?year={year_of(day[:4])}&saved=1", 303)


@router.get("/console/repeats", include_in_schema=False)
async def repeats_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "crosscheck")
    year = year_of(request.query_params.get("year"))
    rows = await run_in_threadpool(_read, web.store_of(request), repeat_rows, who.actor, year)
    return web.render(
        request, "crosscheck/repeats.html", who, rows=rows, year=year, title="重复检查"
    )


@router.get("/console/plans", include_in_schema=False)
async def plans_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "crosscheck")
    year = year_of(request.query_params.get("year"))
    rows = await run_in_threadpool(_read, web.store_of(request), plan_rows, who.actor, year)
    return web.render(request, "crosscheck/plans.html", who, rows=rows, year=year, title="检查计划")
