"""A filing's page (``/console/filings/{id}``): laid out like the paper form from the
same definition, its revisions and what changed between them, the triplicate PDF, its
events with actors, and the actions the viewer's role allows (审核通过, 退回, 备注)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, or_, select, update
from starlette.concurrency import run_in_threadpool

from forms import pdf, record
from forms.definition import load_definition
from forms.pdf import layout
from forms.record import format_timestamp, now
from office import audit, filings, offices
from office.console import access, park_reply, review, summaries, web
from office.errors import OfficeError
from office.staff import Actor, can_read, require
from office.store import OfficeStore
from office.tables import audit as audit_table
from office.tables import notifications

router = APIRouter()


@dataclass(frozen=True)
class Event:
    at: str
    what: str
    actor: str
    detail: str = ""
    order: tuple[int, int] = (0, 0)  # (revision, step): orders events of one second


@dataclass
class FilingView:
    latest: filings.Held
    status: str  # filed, returned, reviewed
    sections: list[layout.Section]
    title: str
    revisions: list[tuple[filings.Held, list[tuple[str, str, str]]]]  # each with its diff
    events: list[Event]
    may_review: bool
    may_note: bool
    templates: list[tuple[int, str]] = field(default_factory=list)
    park: park_reply.Panel | None = None  # 园区回复 (office/console/park_reply.py)

    @property
    def status_text(self) -> str:
        return summaries.STATUS_TEXT.get(self.status, self.status)


def flat(body: dict[str, Any]) -> dict[str, str]:
    """A filing's values by their labels on the form, in paper order (for diffs)."""
    try:
        definition = record.definition_of(record.as_filing(body))
    except Exception:
        return {}
    out: dict[str, str] = {}
    for f in definition.fields:
        if f.meta:
            continue
        value = body.get(f.id)
        if f.is_group and isinstance(value, dict):
            for child in f.fields:
                out[f"{f.label} · {child.label}"] = str(value.get(child.id, "") or "")
        elif f.is_repeat and isinstance(value, list):
            out[f.label] = "；".join(
                "，".join(str(v) for v in item.values() if v)
                if isinstance(item, dict)
                else str(item)
                for item in value
            )
        elif isinstance(value, list):
            out[f.label] = "、".join(str(v) for v in value)
        else:
            out[f.label] = "" if value is None else str(value)
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, was, now) of every value that changed between two revisions."""
    old, new = flat(before), flat(after)
    return [
        (label, old.get(label, ""), new.get(label, ""))
        for label in dict.fromkeys([*old, *new])
        if old.get(label, "") != new.get(label, "")
    ]


def paper_of(body: dict[str, Any]) -> tuple[str, list[layout.Section]]:
    try:
        filing = record.as_filing(body)
        paper = layout.build_paper(filing, record.definition_of(filing))
    except Exception:
        return load_definition().title, []
    return paper.title, list(paper.sections)


def readable(db: Connection, actor: Actor, filing_id: str) -> filings.Held | None:
    held = filings.latest(db, filing_id)
    if held is None or not can_read(actor, held.office, held.park, offices.parents(db)):
        return None
    return held


def recipient_of(actor: Actor) -> tuple[str, str] | None:
    if actor.role == "justice":
        return ("justice_bureau", filings.JUSTICE_BUREAU)
    if actor.role == "park" and actor.park:
        return ("park_committee", f"{actor.park}管理委员会")
    return None


def mark_seen(db: Connection, actor: Actor, filing_id: str) -> int:
    """Opening a copy records that it was seen: the actor's ``notifications`` rows of
    this filing get their ``sent_at`` (once). Returns how many were marked."""
    recipient = recipient_of(actor)
    if recipient is None:
        return 0
    n = notifications.c
    at = format_timestamp(now())
    done = db.execute(
        update(notifications)
        .where(
            (n.id == filing_id)
            & (n.recipient_kind == recipient[0])
            & (n.recipient == recipient[1])
            & n.sent_at.is_(None)
        )
        .values(sent_at=at)
    ).rowcount
    if done:
        audit.record(db, actor, "copy_seen", filing_id, office=actor.office)
    return int(done)


def events_of(db: Connection, filing_id: str, revs: list[filings.Held]) -> list[Event]:
    out: list[Event] = []
    for held in revs:
        out.append(
            Event(
                held.received_at,
                f"收到第 {held.revision} 版",
                held.unit,
                held.receipt,
                (held.revision, 0),
            )
        )
    for rev, (actor, at) in review.reviewed_revisions(db, filing_id).items():
        out.append(Event(at, f"第 {rev} 版审核通过", actor, "", (rev, 2)))
    for entry in audit_entries(db, filing_id):
        if entry["action"] == "returned":
            revision = int(entry["target"].rsplit("/", 1)[-1] or 0)
            reason = str(entry["details"].get("reason", ""))
            out.append(
                Event(entry["at"], f"第 {revision} 版退回", entry["actor"], reason, (revision, 3))
            )
    for note in review.notes_of(db, filing_id):
        out.append(Event(str(note["at"]), "备注（内部）", str(note["actor"]), str(note["text"])))
    n = notifications.c
    query = select(n.revision, n.recipient, n.created_at, n.sent_at).where(n.id == filing_id)
    for row in db.execute(query):
        out.append(
            Event(row.created_at, f"第 {row.revision} 版抄送", row.recipient, "", (row.revision, 1))
        )
        if row.sent_at:
            out.append(
                Event(
                    row.sent_at, f"第 {row.revision} 版已查阅", row.recipient, "", (row.revision, 4)
                )
            )
    out += _park_reply_events(db, filing_id)
    return sorted(out, key=lambda e: (e.at, e.order))


def _park_reply_events(db: Connection, filing_id: str) -> list[Event]:
    """The park committees' replies (office.park_replies), the superseded ones too."""
    from office import park_replies

    return [
        Event(
            r.at,
            "园区管委会回复（已被后续回复取代）" if r.superseded else "园区管委会回复",
            r.actor,
            r.message(),
            (r.revision, 5),
        )
        for r in park_replies.replies_of(db, filing_id)
    ]


def audit_entries(db: Connection, filing_id: str) -> list[dict[str, Any]]:
    a = audit_table.c
    query = (
        select(a.at, a.actor, a.action, a.target, a.details)
        .where(or_(a.target == filing_id, a.target.like(filing_id + "/%")))
        .order_by(a.seq)
    )
    return [
        {
            "at": r.at,
            "actor": r.actor,
            "action": r.action,
            "target": r.target,
            "details": json.loads(r.details),
        }
        for r in db.execute(query)
    ]


def view(db: Connection, actor: Actor, filing_id: str) -> FilingView | None:
    """What the filing's page shows to ``actor``; None when it may not read it."""
    held = readable(db, actor, filing_id)
    if held is None:
        return None
    revs = filings.revisions(db, filing_id)
    bodies = []
    for h in revs:
        got = filings.get(db, filing_id, h.revision)
        bodies.append(summaries.body_fields(got[1]) if got else {})
    with_diffs = [(h, diff(bodies[i - 1], bodies[i]) if i else []) for i, h in enumerate(revs)]
    reviewed = review.reviewed_revisions(db, filing_id)
    status = (
        "reviewed" if held.status == filings.FILED and held.revision in reviewed else held.status
    )
    title, sections = paper_of(bodies[-1])
    may = access.may_act(actor, "return", held.office)
    return FilingView(
        latest=held,
        status=status,
        sections=sections,
        title=title,
        revisions=list(reversed(with_diffs)),
        events=events_of(db, filing_id, revs),
        may_review=may and status == filings.FILED,
        may_note=may,
        templates=review.templates_of(db, held.office) if may else [],
        park=park_reply.panel(db, actor, held),
    )


def _open(store: OfficeStore, actor: Actor, filing_id: str) -> FilingView | None:
    with store.write() as db:
        found = view(db, actor, filing_id)
        if found is not None and mark_seen(db, actor, filing_id):
            found = view(db, actor, filing_id)
    return found


def _not_found() -> web.Refused:
    return web.Refused(404, "未找到这份备案，或您无权查看。")


@router.get("/console/filings/{filing_id}", include_in_schema=False)
async def filing_page(
    request: Request, filing_id: str, who: web.SignedIn, action: str = ""
) -> Response:
    web.require_page(who, "filings")
    found = await run_in_threadpool(_open, web.store_of(request), who.actor, filing_id[:64])
    if found is None:
        raise _not_found()
    return web.render(
        request,
        "filing/page.html",
        who,
        f=found,
        asking_return=action == "return" and found.may_review,
        notice=request.query_params.get("done", "") and _DONE.get(request.query_params["done"]),
        title=f"备案 {found.latest.receipt}",
    )


_DONE = {
    "reviewed": "已审核通过。",
    "returned": "已退回，检查单位同步后即可看到退回原因。",
    "noted": "备注已保存。",
    "park_replied": "园区回复已发送，检查单位同步后即可看到。",
}


def return_reason(db: Connection, actor: Actor, filing_id: str, form: dict[str, str]) -> str:
    """The 退回原因 of a posted 退回, once ``actor`` may return the filing: as typed (a
    chosen template fills the field in the browser and may be edited there); left empty
    with a template chosen — a browser without scripts — that template's text."""
    held = filings.latest(db, filing_id)
    if held is None:
        raise OfficeError("未找到这份备案。")
    require(actor, "return", held.office)
    reason = form.get("reason", "")
    chosen = form.get("template", "").strip()
    if reason.strip():
        return reason
    if not chosen:
        raise OfficeError("请填写退回原因，或选择一条常用原因模板。")
    text = None
    if chosen.isdigit() and len(chosen) < 19:
        text = review.template_text(db, held.office, int(chosen))
    if text is None:
        raise OfficeError("所选的原因模板已停用，请重新选择或直接填写退回原因。")
    return text


def _act(store: OfficeStore, actor: Actor, filing_id: str, what: str, form: dict[str, str]) -> None:
    with store.write() as db:
        if readable(db, actor, filing_id) is None:
            raise _not_found()
        if what == "approve":
            review.approve(db, actor, filing_id)
        elif what == "return":
            filings.return_latest(db, actor, filing_id, return_reason(db, actor, filing_id, form))
        elif what == "note":
            review.add_note(db, actor, filing_id, form.get("text", ""))


@router.post("/console/filings/{filing_id}/{what}", include_in_schema=False)
async def filing_action(request: Request, filing_id: str, what: str, who: web.SignedIn) -> Response:
    form = await web.checked_form(request, who)
    if what not in ("approve", "return", "note"):
        raise web.Refused(404, "没有这个操作。")
    filing_id = filing_id[:64]
    try:
        await run_in_threadpool(_act, web.store_of(request), who.actor, filing_id, what, form)
    except OfficeError as exc:
        if what == "return" and type(exc).__name__ != "Forbidden":
            return await _return_refused(request, who, filing_id, form, str(exc))
        raise web.Refused(403 if type(exc).__name__ == "Forbidden" else 400, str(exc)) from exc
    done = {"approve": "reviewed", "return": "returned", "note": "noted"}[what]
    return RedirectResponse(f"/console/filings/{filing_id}?done={done}", status_code=303)


async def _return_refused(
    request: Request, who: web.Viewer, filing_id: str, form: dict[str, str], message: str
) -> Response:
    """A refused 退回 (no reason, a retired template, too long) shows the form again with
    the message and what was typed and chosen, so nothing is lost."""
    found = await run_in_threadpool(_open, web.store_of(request), who.actor, filing_id)
    if found is None or not found.may_review:
        raise web.Refused(400, message)
    return web.render(
        request,
        "filing/page.html",
        who,
        status=400,
        f=found,
        asking_return=True,
        return_error=message,
        reason_draft=form.get("reason", ""),
        chosen_template=form.get("template", ""),
        title=f"备案 {found.latest.receipt}",
    )


def _pdf(store: OfficeStore, actor: Actor, filing_id: str) -> bytes | None:
    with store.read() as db:
        held = readable(db, actor, filing_id)
        got = filings.get(db, filing_id, held.revision) if held else None
    if held is None or got is None:
        return None
    return pdf.render_pdf(summaries.body_fields(got[1]), receipt=held.receipt, draft=False)


@router.get("/console/filings/{filing_id}/pdf", include_in_schema=False)
async def filing_pdf(request: Request, filing_id: str, who: web.SignedIn) -> Response:
    web.require_page(who, "filings")
    data = await run_in_threadpool(_pdf, web.store_of(request), who.actor, filing_id[:64])
    if data is None:
        raise _not_found()
    headers = dict(web.HEADERS)
    headers["Content-Disposition"] = 'inline; filename="beian.pdf"'
    return Response(data, media_type="application/pdf", headers=headers)
