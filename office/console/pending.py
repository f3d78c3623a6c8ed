"""待审 (``/console/``): what is waiting for the office's review, oldest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Connection, exists, select
from starlette.concurrency import run_in_threadpool

from office import filings as held_filings
from office import offices
from office.console import access, summaries, web
from office.console.summaries import Row
from office.staff import Actor
from office.store import OfficeStore
from office.tables import filing_facts, filings, reviews

router = APIRouter()
PAGE_LIMIT = 200


def pending(db: Connection, actor: Actor, limit: int = PAGE_LIMIT) -> list[Row]:
    """The latest revision of every filing of the actor's own office still waiting
    (received, neither returned nor reviewed), oldest first."""
    if actor.office is None:
        return []
    x, f, r = filing_facts.c, filings.c, reviews.c
    query = (
        select(f.id, f.revision, f.received_at)
        .join(filing_facts, (x.id == f.id) & (x.revision == f.revision))
        .where(
            (x.office == actor.office)
            & (f.status == "filed")
            & ~exists().where((r.id == f.id) & (r.revision == f.revision))
        )
        .order_by(x.received_at, f.receipt_year, f.receipt_no)
        .limit(limit)
    )
    out = []
    for row in db.execute(query).all():
        got = held_filings.get(db, row.id, row.revision)
        if got is not None:
            out.append(summaries.row(got[0], got[1]))
    return out


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
