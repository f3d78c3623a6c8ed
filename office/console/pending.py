"""待审 (``/console/``): what is waiting for the office's review, oldest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Connection, func, select
from starlette.concurrency import run_in_threadpool

from office import offices
from office.console import access, summaries, web
from office.console.summaries import Row
from office.filings import _held
from office.staff import Actor
from office.store import OfficeStore
from office.tables import filings

router = APIRouter()
PAGE_LIMIT = 200


def pending(db: Connection, actor: Actor, limit: int = PAGE_LIMIT) -> list[Row]:
    """The latest revision of every filing of the actor's own office still waiting
    (received, neither returned nor reviewed), oldest first."""
    if actor.office is None:
        return []
    f = filings.c
    newest = (
        select(f.id, func.max(f.revision).label("revision"))
        .where(f.office == actor.office)
        .group_by(f.id)
        .subquery()
    )
    query = (
        select(filings)
        .join(newest, (f.id == newest.c.id) & (f.revision == newest.c.revision))
        .where(f.status == "filed")
        .order_by(f.received_at, f.id)
        .limit(limit)
    )
    return [summaries.row(_held(r), bytes(r.body)) for r in db.execute(query)]


def _load(store: OfficeStore, actor: Actor) -> tuple[list[Row], str]:
    with store.read() as db:
        rows = pending(db, actor)
        office = offices.get(db, actor.office) if actor.office else None
    return rows, office.name if office else ""


@router.get("/console/", include_in_schema=False)
async def pending_page(request: Request, who: web.SignedIn) -> Response:
    if not access.may_open(who.actor, "pending"):
        # Read-only roles start at what they may read.
        return web.redirect_home(who)
    rows, office_name = await run_in_threadpool(_load, web.store_of(request), who.actor)
    return web.render(
        request, "pending.html", who, rows=rows, office_name=office_name, title="待审"
    )
