"""退回原因模板 (``/console/return-templates``): the office's admins and reviewers keep
the reasons a filing's 退回 offers — add, reword, reorder, 停用. Always the signed-in user's own
office; every change goes through ``office.console.review`` (``require`` first, then
the limits, then the write and its audit entry, in one transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from office import offices
from office.console import review, web
from office.errors import OfficeError
from office.staff import Actor, Forbidden
from office.store import OfficeStore

router = APIRouter()
PATH = "/console/return-templates"

_DONE = {
    "added": "已添加退回原因模板。",
    "edited": "已保存修改。",
    "unchanged": "内容没有变化，未作修改。",
    "retired": "已停用这条模板，退回时不再列出。",
    "moved": "已调整顺序。",
    "unmoved": "已在最前或最后，顺序未变。",
}


@dataclass(frozen=True)
class TemplatesPage:
    office_name: str
    templates: list[tuple[int, str]]  # (seq, text) in use, oldest first
    limit: int = review.MAX_TEMPLATES
    max_length: int = review.MAX_TEMPLATE_LENGTH
    error: str = ""
    draft: str = ""  # the text of a refused add, kept for the user to fix
    drafts: dict[int, str] = field(default_factory=dict)  # seq -> text of a refused edit

    @property
    def full(self) -> bool:
        return len(self.templates) >= self.limit


def page_of(db: Connection, actor: Actor) -> TemplatesPage:
    """What the page shows ``actor``: its own office's templates in use."""
    if actor.office is None:
        return TemplatesPage("", [])
    office = offices.get(db, actor.office)
    return TemplatesPage(office.name if office else "", review.templates_of(db, actor.office))


def parse_seq(text: str) -> int:
    if not text.strip().isdigit() or len(text.strip()) > 18:
        raise OfficeError("模板编号无效，请刷新页面后重试。")
    return int(text)


def apply(db: Connection, actor: Actor, form: dict[str, str]) -> str:
    """Do what the form asks (``do``: add, edit, up, down, retire) in the actor's own office;
    returns the key of the notice to show. Refusals raise (Forbidden, OfficeError)."""
    office = actor.office or ""
    what = form.get("do", "")
    if what == "add":
        review.add_template(db, actor, office, form.get("text", ""))
        return "added"
    if what == "edit":
        changed = review.edit_template(
            db, actor, office, parse_seq(form.get("seq", "")), form.get("text", "")
        )
        return "edited" if changed else "unchanged"
    if what in ("up", "down"):
        step = -1 if what == "up" else 1
        moved = review.move_template(db, actor, office, parse_seq(form.get("seq", "")), step)
        return "moved" if moved else "unmoved"
    if what == "retire":
        review.retire_template(db, actor, office, parse_seq(form.get("seq", "")))
        return "retired"
    raise OfficeError("没有这个操作。")


def _load(store: OfficeStore, actor: Actor) -> TemplatesPage:
    with store.read() as db:
        return page_of(db, actor)


def _apply(store: OfficeStore, actor: Actor, form: dict[str, str]) -> str:
    with store.write() as db:
        return apply(db, actor, form)


def _render(request: Request, who: web.Viewer, shown: TemplatesPage, status: int = 200) -> Response:
    notice = _DONE.get(request.query_params.get("done", ""), "") if status == 200 else ""
    return web.render(
        request,
        "return_templates/page.html",
        who,
        status=status,
        t=shown,
        notice=notice,
        title="退回原因模板",
    )


@router.get(PATH, include_in_schema=False)
async def templates_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "return_templates")
    shown = await run_in_threadpool(_load, web.store_of(request), who.actor)
    return _render(request, who, shown)


@router.post(PATH, include_in_schema=False)
async def templates_action(request: Request, who: web.SignedIn) -> Response:
    form = await web.checked_form(request, who)
    web.require_page(who, "return_templates")
    store = web.store_of(request)
    try:
        done = await run_in_threadpool(_apply, store, who.actor, form)
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from exc
    except OfficeError as exc:
        # Shown on the page with what was typed kept in its field, nothing lost.
        shown = await run_in_threadpool(_load, store, who.actor)
        text = form.get("text", "")
        kept = TemplatesPage(
            shown.office_name,
            shown.templates,
            error=str(exc),
            draft=text if form.get("do") == "add" else "",
            drafts={int(form["seq"]): text}
            if form.get("do") == "edit" and form.get("seq", "").isdigit()
            else {},
        )
        return _render(request, who, kept, status=400)
    return RedirectResponse(f"{PATH}?done={done}", status_code=303)
