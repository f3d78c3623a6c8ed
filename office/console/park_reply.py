"""园区回复 on a filing's page: the park committee's reply form (派员参加 with staff rows, or
无补充意见, and a note), and the parks' current replies that everyone who may read the
filing sees. The decisions are ``office.park_replies``; this module reads the posted
form and shows the panel. A bad reply comes back on the page with its problems and
everything as typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from office import filings, offices, park_replies
from office.console import web
from office.park_replies import KINDS, MAX_NOTE_LENGTH, MAX_STAFF, BadReply, Reply
from office.staff import Actor, Forbidden
from office.store import OfficeStore

if TYPE_CHECKING:
    from office.console.filing import FilingView

router = APIRouter()
FORM_ROWS = 3  # blank staff rows offered; up to MAX_STAFF when a reply has more


@dataclass(frozen=True)
class Draft:
    """The form as shown: the current reply, or what was posted."""

    kind: str = ""
    rows: tuple[tuple[str, str], ...] = ()
    note: str = ""


@dataclass
class Panel:
    replies: list[Reply]  # the parks' current replies
    may_reply: bool
    draft: Draft = field(default_factory=Draft)
    problems: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=lambda: dict(KINDS))
    max_note: int = MAX_NOTE_LENGTH

    @property
    def rows(self) -> list[tuple[int, str, str]]:
        """(number, name, phone) of every row of the form."""
        given = list(self.draft.rows)[:MAX_STAFF]
        count = min(MAX_STAFF, max(FORM_ROWS, len(given) + 1))
        given += [("", "")] * (count - len(given))
        return [(i, name, phone) for i, (name, phone) in enumerate(given, 1)]


def panel(db: Connection, actor: Actor, held: filings.Held) -> Panel | None:
    """What the filing's page shows of park replies (None: not a park's filing)."""
    if held.park is None:
        return None
    replies = park_replies.replies_of(db, held.id, current_only=True)
    may = park_replies.may_reply(actor, held, offices.parents(db)) and not actor.operator
    out = Panel(replies, may)
    mine = [r for r in replies if r.park == held.park]
    if may and mine:
        r = mine[-1]
        out.draft = Draft(r.kind, tuple((s.name, s.phone) for s in r.staff), r.note)
    return out


def draft_of(form: dict[str, str]) -> Draft:
    """The posted reply form, as typed (rows by their number, at most 2 × MAX_STAFF read)."""
    rows: list[tuple[str, str]] = []
    for i in range(1, 2 * MAX_STAFF + 1):
        name, phone = form.get(f"staff_name_{i}", ""), form.get(f"staff_phone_{i}", "")
        if name.strip() or phone.strip():
            rows.append((name, phone))
    return Draft(form.get("kind", ""), tuple(rows), form.get("note", ""))


def _save(store: OfficeStore, actor: Actor, filing_id: str, draft: Draft) -> None:
    with store.write() as db:
        park_replies.reply(db, actor, filing_id, draft.kind, list(draft.rows), draft.note)


def _again(
    store: OfficeStore, actor: Actor, filing_id: str, draft: Draft, problems: list[str]
) -> FilingView | None:
    from office.console import filing  # the page this panel is part of

    with store.read() as db:
        found = filing.view(db, actor, filing_id)
    if found is not None and found.park is not None:
        found.park.draft = draft
        found.park.problems = problems
    return found


@router.post("/console/park-replies/{filing_id}", include_in_schema=False)
async def park_reply(request: Request, filing_id: str, who: web.SignedIn) -> Response:
    form = await web.checked_form(request, who)
    filing_id = filing_id[:64]
    draft = draft_of(form)
    store = web.store_of(request)
    try:
        await run_in_threadpool(_save, store, who.actor, filing_id, draft)
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from exc
    except BadReply as exc:
        found = await run_in_threadpool(_again, store, who.actor, filing_id, draft, exc.problems)
        if found is None:
            raise web.Refused(404, "未找到这份备案，或您无权查看。") from exc
        return web.render(
            request,
            "filing/page.html",
            who,
            status=400,
            f=found,
            asking_return=False,
            notice="",
            title=f"备案 {found.latest.receipt}",
        )
    return RedirectResponse(
        f"/console/filings/{filing_id}?done=park_replied#park-reply", status_code=303
    )
