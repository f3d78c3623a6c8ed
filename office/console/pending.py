"""待审 (``/console/``): what is waiting for the office's review, oldest first — split
into what arrived since the reviewer last marked the page 已看 and what was already
there (docs/console.md).

How far a reviewer has looked is a point in the office's receipt series, kept per user
and office in ``pending_seen``: receipts are numbered under the office's series lock, so
a filing committed later always has a later number, and nothing that arrives while the
page is open can be passed over. Pressing 标记为已看 moves the point to the newest
filing the page showed (never to one it did not show)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from starlette.concurrency import run_in_threadpool

from forms.record import format_timestamp, now
from office import audit, offices
from office import filings as held_filings
from office.console import access, summaries, web
from office.console.summaries import Row
from office.errors import OfficeError
from office.staff import Actor, Forbidden
from office.store import OfficeStore
from office.tables import filing_facts, filings, pending_seen

router = APIRouter()
PAGE_LIMIT = 200

# (receipt_year, receipt_no) in the office's series
Point = tuple[int, int]


@dataclass(frozen=True)
class PendingView:
    new: list[Row]  # arrived after the point the user marked, oldest first
    earlier: list[Row]  # still waiting from before it, oldest first
    new_count: int  # all of them (the lists stop at PAGE_LIMIT)
    earlier_count: int
    seen_at: str | None  # when the user last marked 已看; None: never
    mark: str  # the point 标记为已看 posts ("year-no" of the newest shown); "" if none


def _waiting(actor: Actor) -> ColumnElement[bool]:
    """The office's filings whose latest revision waits (received, neither returned nor
    reviewed): the marker ``filing_facts.waiting`` that intake sets and 审核通过 and 退回
    clear, read through the partial index ``ix_filing_facts_waiting`` — SQLite uses it
    only when the query names its condition as the index does, hence the literal."""
    x = filing_facts.c
    return (x.office == actor.office) & (x.waiting == literal_column("1"))


def _after(point: Point) -> ColumnElement[bool]:
    f = filings.c
    year, number = point
    return or_(f.receipt_year > year, and_(f.receipt_year == year, f.receipt_no > number))


def _select(where: ColumnElement[bool], limit: int) -> Select[Any]:
    x, f = filing_facts.c, filings.c
    return (
        select(f.id, f.revision, f.receipt_year, f.receipt_no)
        .join(filing_facts, (x.id == f.id) & (x.revision == f.revision))
        .where(where)
        .order_by(x.received_at, f.receipt_year, f.receipt_no)
        .limit(limit)
    )


def _rows(db: Connection, where: ColumnElement[bool], limit: int) -> list[tuple[Row, Point]]:
    found = db.execute(_select(where, limit)).all()
    held = held_filings.get_many(db, [(row.id, row.revision) for row in found])
    out = []
    for row in found:
        got = held.get((row.id, row.revision))
        if got is not None:
            out.append(
                (summaries.row(got[0], got[1]), (int(row.receipt_year), int(row.receipt_no)))
            )
    return out


def _count_query(
    waiting: ColumnElement[bool], split: ColumnElement[bool] | None = None
) -> Select[Any]:
    """How many ``waiting`` selects, and ``split`` (a condition on the receipt) when given:
    without it, from the waiting rows' index alone, no filing read."""
    x, f = filing_facts.c, filings.c
    query = select(func.count()).select_from(filing_facts).where(waiting)
    if split is not None:
        query = query.join(filings, (x.id == f.id) & (x.revision == f.revision)).where(split)
    return query


def _count(
    db: Connection, waiting: ColumnElement[bool], split: ColumnElement[bool] | None = None
) -> int:
    return int(db.execute(_count_query(waiting, split)).scalar_one())


def pending(db: Connection, actor: Actor, limit: int = PAGE_LIMIT) -> list[Row]:
    """The latest revision of every filing of the actor's own office still waiting
    (received, neither returned nor reviewed), oldest first."""
    if actor.office is None:
        return []
    return [row for row, _ in _rows(db, _waiting(actor), limit)]


def seen_point(db: Connection, actor: Actor) -> tuple[Point, str] | None:
    """The point ``actor`` marked 已看 in its office, and when; None: never."""
    s = pending_seen.c
    found = db.execute(
        select(s.receipt_year, s.receipt_no, s.at).where(
            (s.username == actor.name) & (s.office == actor.office)
        )
    ).first()
    if found is None:
        return None
    return (int(found.receipt_year), int(found.receipt_no)), str(found.at)


def view(db: Connection, actor: Actor, limit: int = PAGE_LIMIT) -> PendingView:
    """What 待审 shows ``actor``: the new since its mark, then the earlier ones."""
    if actor.office is None:
        return PendingView([], [], 0, 0, None, "")
    seen = seen_point(db, actor)
    point = seen[0] if seen else None
    waiting = _waiting(actor)
    after = _after(point) if point else None  # never marked: everything is new
    new = _rows(db, waiting if after is None else waiting & after, limit)
    earlier = _rows(db, waiting & ~after, limit) if after is not None else []
    newest = max((p for _, p in new), default=None)
    return PendingView(
        new=[row for row, _ in new],
        earlier=[row for row, _ in earlier],
        new_count=_count(db, waiting, after) if len(new) >= limit else len(new),
        earlier_count=_count(db, waiting, ~after)
        if after is not None and len(earlier) >= limit
        else len(earlier),
        seen_at=seen[1] if seen else None,
        mark=f"{newest[0]}-{newest[1]}" if newest else "",
    )


def parse_point(text: str) -> Point:
    year, sep, number = text.strip().partition("-")
    if not (sep and year.isdigit() and number.isdigit() and len(year) == 4 and len(number) < 10):
        raise OfficeError("标记的位置无效，请刷新待审页面后重试。")
    return int(year), int(number)


def mark_seen(db: Connection, actor: Actor, through: str) -> bool:
    """标记为已看: ``actor``'s point moves to ``through`` ("year-no", a receipt of its own
    office that the page showed) — never backwards, never past a receipt the office
    does not hold. Returns whether it moved."""
    if actor.office is None or not access.may_open(actor, "pending"):
        raise Forbidden(f"“{actor.name}”无权使用待审页面。")
    point = parse_point(through)
    f = filings.c
    held = db.execute(
        select(f.id).where(
            (f.office == actor.office) & (f.receipt_year == point[0]) & (f.receipt_no == point[1])
        )
    ).first()
    if held is None:
        raise OfficeError("标记的位置无效，请刷新待审页面后重试。")
    seen = seen_point(db, actor)
    if seen is not None and seen[0] >= point:
        return False
    values = {
        "username": actor.name,
        "office": actor.office,
        "receipt_year": point[0],
        "receipt_no": point[1],
        "at": format_timestamp(now()),
    }
    insert = pg_insert if db.dialect.name == "postgresql" else sqlite_insert
    statement = insert(pending_seen).values(**values)
    db.execute(
        statement.on_conflict_do_update(
            index_elements=["username", "office"],
            set_={k: v for k, v in values.items() if k not in ("username", "office")},
        )
    )
    audit.record(
        db,
        actor,
        "pending_seen",
        actor.office,
        office=actor.office,
        through=f"{point[0]}-{point[1]}",
    )
    return True


def _load(store: OfficeStore, actor: Actor) -> tuple[PendingView, str]:
    with store.read() as db:
        shown = view(db, actor)
        office = offices.get(db, actor.office) if actor.office else None
    return shown, office.name if office else ""


@router.get("/console/", include_in_schema=False)
async def pending_page(request: Request, who: web.SignedIn) -> Response:
    if not access.may_open(who.actor, "pending"):
        # Read-only roles start at what they may read.
        return web.redirect_home(who)
    shown, office_name = await run_in_threadpool(_load, web.store_of(request), who.actor)
    return web.render(
        request,
        "pending.html",
        who,
        p=shown,
        rows=shown.new + shown.earlier,
        office_name=office_name,
        notice="已标记为已看。" if request.query_params.get("done") == "seen" else "",
        title="待审",
    )


def _mark(store: OfficeStore, actor: Actor, through: str) -> None:
    with store.write() as db:
        mark_seen(db, actor, through)


@router.post("/console/pending/seen", include_in_schema=False)
async def pending_seen_action(request: Request, who: web.SignedIn) -> Response:
    form = await web.checked_form(request, who)
    web.require_page(who, "pending")
    try:
        await run_in_threadpool(_mark, web.store_of(request), who.actor, form.get("through", ""))
    except OfficeError as exc:
        raise web.Refused(403 if isinstance(exc, Forbidden) else 400, str(exc)) from exc
    return RedirectResponse("/console/?done=seen", status_code=303)
