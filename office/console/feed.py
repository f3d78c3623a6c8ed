"""新收抄送 (``/console/feed``): the copies the justice bureau or a park committee
received, newest first, the ones not yet opened marked 新. Opening a filing records
that it was seen (``filing.mark_seen`` sets the ``notifications`` row's ``sent_at``)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Connection, select
from starlette.concurrency import run_in_threadpool

from office import offices
from office.console import filing, web
from office.staff import Actor
from office.store import OfficeStore
from office.tables import filing_facts, notifications

router = APIRouter()
FEED_LIMIT = 200


@dataclass(frozen=True)
class Copy:
    id: str
    revision: int
    unit: str
    enterprise: str
    received_at: str
    new: bool
    reply: str = ""  # 园区回复: the park's current reply, "" when none (office.park_replies)


def feed(db: Connection, actor: Actor, limit: int = FEED_LIMIT) -> list[Copy]:
    """The actor's copies (justice: the bureau's; park: its committee's) of filings it
    may read, newest first."""
    recipient = filing.recipient_of(actor)
    if recipient is None or actor.office is None:
        return []
    n, x = notifications.c, filing_facts.c
    query = (
        select(n.id, n.revision, n.created_at, n.sent_at, x.unit, x.enterprise)
        .join(filing_facts, x.id == n.id)
        .where(
            (n.recipient_kind == recipient[0])
            & (n.recipient == recipient[1])
            & x.office.in_(offices.in_reach(db, actor.office))
        )
        .order_by(n.seq.desc())
        .limit(limit)
    )
    copies = [
        Copy(
            r.id,
            r.revision,
            r.unit,
            r.enterprise,
            r.created_at[:16].replace("T", " "),
            r.sent_at is None,
        )
        for r in db.execute(query)
    ]
    return _with_replies(db, copies)


def _with_replies(db: Connection, copies: list[Copy]) -> list[Copy]:
    from dataclasses import replace

    from office import park_replies

    current = park_replies.current_for(db, list({c.id for c in copies}))
    return [
        replace(c, reply="、".join(r.kind_text for r in current[c.id])) if c.id in current else c
        for c in copies
    ]


def _load(store: OfficeStore, actor: Actor) -> list[Copy]:
    with store.read() as db:
        return feed(db, actor)


@router.get("/console/feed", include_in_schema=False)
async def feed_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "feed")
    copies = await run_in_threadpool(_load, web.store_of(request), who.actor)
    return web.render(request, "feed.html", who, copies=copies, title="新收抄送")
