"""单位与令牌 (``/console/units``): an admin's units with their tokens; issue and revoke.

An admin sees and acts on the units of its own office only (a city admin does not hold
its counties' tokens, ``office.offices``): a token or unit of another office is answered
as unknown. Issuing goes through ``office.tokens.create`` (the name checked as
``beian-office token create`` checks it, the action audited); the answer page shows the
token once, with what the unit types into the desk's 连接备案办公室 dialog or
``beian connect``, and nothing else keeps it: not a URL, a log line or a later page.
Revoking asks for a confirmation first and goes through ``tokens.revoke_id`` /
``tokens.revoke_unit`` (audited).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, select
from starlette.concurrency import run_in_threadpool

from forms.record import SHANGHAI
from office import offices, tokens
from office.console import web
from office.console.web import Unknown
from office.errors import OfficeError
from office.logs import log_event
from office.staff import Actor, Forbidden, require
from office.store import OfficeStore
from office.tables import audit as audit_table
from office.tables import tokens as tokens_table
from office.tables import units as units_table

router = APIRouter()

# A unit name as typed, before normalisation: far beyond any real name (the form allows
# 50 characters) is refused before the name is looked at.
MAX_TYPED_UNIT = 4 * tokens.MAX_UNIT_LENGTH
OPERATOR_TEXT = "服务器操作员（命令行）"  # who the audit calls ``cli``


@dataclass(frozen=True)
class TokenRow:
    id: int
    issued_at: str  # shown in Shanghai time
    issued_by: str  # from the audit table; "" when not recorded
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class UnitRow:
    name: str
    tokens: list[TokenRow]

    @property
    def active_count(self) -> int:
        return sum(1 for t in self.tokens if t.active)


@dataclass(frozen=True)
class Issued:
    """A token just issued, with the unit's connection details (shown once)."""

    token_id: int
    unit: str
    office_code: str
    office_name: str
    address: str  # the office's address as the desk takes it (desktop normalize_url)
    token: str = field(repr=False)

    @property
    def handover(self) -> str:
        """The block the admin hands to the unit, in the order of the desk's dialog."""
        return (
            f"备案办公室地址：{self.address}\n"
            f"令牌：{self.token}\n"
            f"单位名称：{self.unit}\n"
            f"办公室：{self.office_name}（代码 {self.office_code}）\n"
        )


def when_text(stamp: str | None) -> str:
    """A stored ISO timestamp as the pages show it: Shanghai time to the minute."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        return stamp
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _own_office(actor: Actor) -> str:
    """The office whose units the actor manages; Forbidden for anyone but its admin."""
    require(actor, "token", actor.office)
    return actor.office or ""


def _issuers(db: Connection, office: str) -> dict[int, str]:
    """token id -> who issued it, from the audit table's ``token_created`` entries."""
    found: dict[int, str] = {}
    rows = db.execute(
        select(audit_table.c.actor, audit_table.c.details).where(
            (audit_table.c.action == "token_created") & (audit_table.c.office == office)
        )
    )
    for row in rows:
        try:
            token_id = json.loads(row.details).get("token_id")
        except (ValueError, AttributeError):
            continue
        if isinstance(token_id, int):
            found[token_id] = OPERATOR_TEXT if row.actor == Actor.cli().name else row.actor
    return found


def unit_rows(db: Connection, actor: Actor) -> list[UnitRow]:
    """The units of the actor's office with their tokens, newest token first."""
    office = _own_office(actor)
    names = list(
        db.execute(
            select(units_table.c.name)
            .where(units_table.c.office == office)
            .order_by(units_table.c.name)
        ).scalars()
    )
    issuers = _issuers(db, office)
    held: dict[str, list[TokenRow]] = {name: [] for name in names}
    rows = db.execute(
        select(tokens_table)
        .where(tokens_table.c.unit.in_(names))
        .order_by(tokens_table.c.id.desc())
    )
    for row in rows:
        held[row.unit].append(
            TokenRow(
                row.id,
                when_text(row.created_at),
                issuers.get(row.id, ""),
                when_text(row.revoked_at) if row.revoked_at else None,
            )
        )
    return [UnitRow(name, held[name]) for name in names]


def issue(db: Connection, actor: Actor, typed: str, address: str) -> Issued:
    """Issue a token for the unit named ``typed`` (new or existing) of the actor's own
    office, inside a write transaction. OfficeError (Chinese) when the name cannot be a
    unit's, or belongs to another office's unit."""
    office = _own_office(actor)
    if len(typed) > MAX_TYPED_UNIT:
        raise OfficeError(f"单位名称最多 {tokens.MAX_UNIT_LENGTH} 个字。")
    if not typed.strip():
        raise OfficeError("请填写单位名称（与备案表“检查单位（牵头单位）”一致）。")
    token_id, token = tokens.create(db, actor, typed, office)
    unit = tokens.get(db, token_id)
    found = offices.get(db, office)
    return Issued(
        token_id,
        unit.unit if unit else tokens.unit_key(typed),
        office,
        found.name if found else office,
        address,
        token,
    )


def token_of_office(db: Connection, actor: Actor, token_id: int) -> tokens.TokenInfo:
    """The token ``token_id`` of the actor's office; another office's is as unknown."""
    office = _own_office(actor)
    info = tokens.get(db, token_id)
    if info is None or info.office != office:
        raise Unknown("没有这个令牌，请刷新页面后重试。")
    return info


def revoke_token(db: Connection, actor: Actor, token_id: int) -> tokens.TokenInfo:
    """Revoke one token of the actor's office (audited by ``tokens.revoke_id``)."""
    token_of_office(db, actor, token_id)
    return tokens.revoke_id(db, actor, token_id)


def unit_of_office(db: Connection, actor: Actor, typed: str) -> str:
    """The unit named ``typed`` of the actor's office; another office's is as unknown."""
    office = _own_office(actor)
    unit = tokens.unit_key(typed[:MAX_TYPED_UNIT])
    if not unit or offices.unit_office(db, unit) != office:
        raise Unknown("本办公室没有这个单位，请刷新页面后重试。")
    return unit


def revoke_unit(db: Connection, actor: Actor, typed: str) -> int:
    """Revoke every active token of a unit of the actor's office; returns how many."""
    return tokens.revoke_unit(db, actor, unit_of_office(db, actor, typed))


def office_address(request: Request) -> str:
    """The office's address as this request reached it (scheme, host, port, prefix):
    what a desk's 备案办公室地址 takes (it adds ``/api/v1`` itself)."""
    return str(request.base_url).rstrip("/")


# --- routes ------------------------------------------------------------------------------

DONE = {
    "revoked": "已吊销该令牌，使用它的请求将被拒绝。",
    "unchanged": "该令牌已经吊销，没有变化。",
    "none": "该单位没有需要吊销的有效令牌。",
}


def _rows(store: OfficeStore, actor: Actor) -> list[UnitRow]:
    with store.read() as db:
        return unit_rows(db, actor)


async def _list_page(
    request: Request,
    who: web.Viewer,
    *,
    error: str = "",
    typed: str = "",
    status: int = 200,
    notice: str | None = None,
) -> Response:
    try:
        rows = await run_in_threadpool(_rows, web.store_of(request), who.actor)
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from None
    return web.render(
        request,
        "units/list.html",
        who,
        status=status,
        rows=rows,
        error=error,
        typed=typed,
        notice=notice,
        max_unit=tokens.MAX_UNIT_LENGTH,
        title="单位与令牌",
    )


@router.get("/console/units", include_in_schema=False)
async def units_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "units")
    done = request.query_params.get("done", "")
    notice = DONE.get(done)
    if done == "revoked_all":
        count = request.query_params.get("n", "")
        notice = f"已吊销该单位的 {count} 个令牌，使用这些令牌的请求将被拒绝。"
    return await _list_page(request, who, notice=notice)


def _issue(store: OfficeStore, actor: Actor, typed: str, address: str) -> Issued:
    with store.write() as db:
        return issue(db, actor, typed, address)


@router.post("/console/units/tokens", include_in_schema=False)
async def issue_action(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "units")
    form = await web.checked_form(request, who)
    typed = form.get("unit", "")
    try:
        issued = await run_in_threadpool(
            _issue, web.store_of(request), who.actor, typed, office_address(request)
        )
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from None
    except OfficeError as exc:
        keep = typed[:MAX_TYPED_UNIT]
        return await _list_page(request, who, error=str(exc), typed=keep, status=400)
    log_event("token_created", unit=issued.unit, token_id=issued.token_id)  # never the token
    # The answer of this POST is the only place the token is ever shown (no-store).
    return web.render(request, "units/issued.html", who, issued=issued, title="令牌已签发")


def _confirm_token(store: OfficeStore, actor: Actor, token_id: int) -> tokens.TokenInfo:
    with store.read() as db:
        return token_of_office(db, actor, token_id)


def _revoke_token(store: OfficeStore, actor: Actor, token_id: int) -> tokens.TokenInfo:
    with store.write() as db:
        return revoke_token(db, actor, token_id)


@router.post("/console/units/tokens/{token_id}/revoke", include_in_schema=False)
async def revoke_token_action(request: Request, token_id: str, who: web.SignedIn) -> Response:
    web.require_page(who, "units")
    form = await web.checked_form(request, who)
    if not token_id.isdigit() or len(token_id) > 12:
        raise web.Refused(404, "没有这个令牌，请刷新页面后重试。")
    store, number = web.store_of(request), int(token_id)
    try:
        if form.get("confirm") != "yes":
            info = await run_in_threadpool(_confirm_token, store, who.actor, number)
            return web.render(
                request,
                "units/confirm.html",
                who,
                action=f"/console/units/tokens/{info.id}/revoke",
                question=f"吊销“{info.unit}”的令牌（编号 {info.id}）？",
                detail=(
                    f"签发于 {when_text(info.created_at)}。吊销后，使用这个令牌的备案桌面程序"
                    "将无法发送备案或取回回执，需要重新签发令牌。"
                ),
                unit="",
                title="确认吊销令牌",
            )
        info = await run_in_threadpool(_revoke_token, store, who.actor, number)
    except OfficeError as exc:
        raise web.Refused(web.status_of(exc), str(exc)) from None
    log_event("token_revoked", unit=info.unit, token_id=info.id, count=int(info.active))
    return RedirectResponse(
        f"/console/units?done={'revoked' if info.active else 'unchanged'}", status_code=303
    )


def _confirm_unit(store: OfficeStore, actor: Actor, typed: str) -> str:
    with store.read() as db:
        return unit_of_office(db, actor, typed)


def _revoke_unit(store: OfficeStore, actor: Actor, typed: str) -> tuple[str, int]:
    with store.write() as db:
        unit = unit_of_office(db, actor, typed)
        return unit, tokens.revoke_unit(db, actor, unit)


@router.post("/console/units/revoke", include_in_schema=False)
async def revoke_unit_action(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "units")
    form = await web.checked_form(request, who)
    typed, store = form.get("unit", ""), web.store_of(request)
    try:
        if form.get("confirm") != "yes":
            unit = await run_in_threadpool(_confirm_unit, store, who.actor, typed)
            return web.render(
                request,
                "units/confirm.html",
                who,
                action="/console/units/revoke",
                question=f"吊销“{unit}”的全部有效令牌？",
                detail=(
                    "吊销后，该单位所有备案桌面程序都将无法发送备案或取回回执，"
                    "需要重新签发令牌。已收到的备案不受影响。"
                ),
                unit=unit,
                title="确认吊销令牌",
            )
        unit, count = await run_in_threadpool(_revoke_unit, store, who.actor, typed)
    except OfficeError as exc:
        raise web.Refused(web.status_of(exc), str(exc)) from None
    log_event("token_revoked", unit=unit, token_id=None, count=count)
    if not count:
        return RedirectResponse("/console/units?done=none", status_code=303)
    return RedirectResponse(f"/console/units?done=revoked_all&n={count}", status_code=303)
