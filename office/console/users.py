"""工作人员 (``/console/users``): an admin's staff accounts; create, disable, reset password.

An admin sees and manages the accounts of its own office only; another office's account
is answered as unknown. Creating, disabling and resetting go through ``office.users``
(its checks — user name, role, park, ``checked_password`` — and its audit entries;
passwords only as Argon2 hashes), never echoed back to the page. An admin cannot
disable the account it is signed in with (``users.disable`` refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, func, select
from starlette.concurrency import run_in_threadpool

from office import offices, reference, users
from office.console import web
from office.console.units import when_text
from office.console.web import Unknown
from office.errors import OfficeError
from office.logs import log_event
from office.staff import ROLE_TEXT, Actor, Forbidden, require
from office.store import OfficeStore
from office.tables import ROLES, sessions
from office.tables import users as users_table

router = APIRouter()

MAX_TYPED_USERNAME = 100  # far beyond the 40 a user name may have: refused unread


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    role_text: str
    office: str  # "name（code）"
    park: str | None
    active: bool
    disabled_at: str
    last_login: str  # "" when never signed in to the workbench
    is_self: bool


@dataclass(frozen=True)
class NewUser:
    """The create form as typed (the passwords are never kept or shown again)."""

    username: str = ""
    role: str = ""
    park: str = ""


def _own_office(actor: Actor) -> str:
    require(actor, "user", actor.office)
    return actor.office or ""


def role_choices() -> list[tuple[str, str]]:
    return [(role, ROLE_TEXT[role]) for role in ROLES]


def park_choices(db: Connection) -> list[str]:
    """The parks of the current reference data (a park committee's account names one)."""
    return [str(p["name"]) for p in reference.current(db).data.get("parks", [])]


def user_rows(db: Connection, actor: Actor) -> list[UserRow]:
    """The accounts of the actor's office, by user name, with their last login."""
    office = _own_office(actor)
    found = offices.get(db, office)
    where = f"{found.name}（{office}）" if found else office
    last = dict(
        db.execute(
            select(sessions.c.user_id, func.max(sessions.c.created_at)).group_by(sessions.c.user_id)
        ).all()
    )
    rows = db.execute(
        select(users_table).where(users_table.c.office == office).order_by(users_table.c.username)
    )
    return [
        UserRow(
            row.id,
            row.username,
            ROLE_TEXT.get(row.role, row.role),
            where,
            row.park,
            row.disabled_at is None,
            when_text(row.disabled_at),
            when_text(last.get(row.id)),
            row.username == actor.name,
        )
        for row in rows
    ]


def _same(password: str, again: str) -> None:
    if password != again:
        raise OfficeError("两次输入的密码不一致，请重新输入。")


def create_user(
    db: Connection,
    actor: Actor,
    *,
    username: str,
    role: str,
    password: str,
    again: str,
    park: str = "",
    office: str = "",
) -> users.User:
    """Create an account of the actor's office (``office``, when posted, must be it:
    ``users.create`` refuses any other). Every check before the password is hashed."""
    own = _own_office(actor)
    if office.strip() not in ("", own):  # the page offers only its own office
        raise Forbidden("管理员只能新建本办公室的工作人员账号。")
    if len(username) > MAX_TYPED_USERNAME:
        raise OfficeError("用户名最多 40 个字符。")
    if not username.strip():
        raise OfficeError("请填写用户名。")
    if role not in ROLES:
        raise OfficeError(f"请选择角色：{'、'.join(ROLE_TEXT[r] for r in ROLES)}。")
    if role == "park":
        parks = park_choices(db)
        if not parks:
            raise OfficeError("还没有载入园区名单（参考数据），暂时不能新建园区管委会账号。")
        if park not in parks:
            raise OfficeError("园区管委会账号须从园区名单中选择园区。")
    else:
        park = ""  # the park list is shown for every role; only a park committee keeps it
    users.checked_password(password)
    _same(password, again)
    return users.create(
        db,
        actor,
        username=username,
        role=role,
        password=password,
        office=own or None,
        park=park or None,
    )


def user_of_office(db: Connection, actor: Actor, user_id: int) -> users.User:
    office = _own_office(actor)
    user = users.get_by_id(db, user_id)
    if user is None or user.office != office:
        raise Unknown("没有这个工作人员账号，请刷新页面后重试。")
    return user


def disable_user(db: Connection, actor: Actor, user_id: int) -> users.User:
    """Disable an account of the actor's office and end its sessions (audited)."""
    return users.disable(db, actor, user_of_office(db, actor, user_id).username)


def reset_user_password(
    db: Connection, actor: Actor, user_id: int, password: str, again: str
) -> users.User:
    """Set a new password typed by the admin (checked first) and end the account's
    sessions (audited)."""
    user = user_of_office(db, actor, user_id)
    users.checked_password(password)
    _same(password, again)
    return users.reset_password(db, actor, user.username, password)


# --- routes ------------------------------------------------------------------------------

DONE = {
    "created": "已新建工作人员账号“{name}”，可以用设定的密码登录。",
    "disabled": "已停用工作人员账号“{name}”，其登录会话已结束。",
    "reset": "已重设“{name}”的密码，其登录会话已结束。",
}


def _list_data(store: OfficeStore, actor: Actor, done_id: int | None) -> dict[str, object]:
    with store.read() as db:
        named = users.get_by_id(db, done_id) if done_id is not None else None
        found = offices.get(db, actor.office or "")
        return {
            "rows": user_rows(db, actor),
            "parks": park_choices(db),
            "office_choice": (actor.office or "", found.name if found else ""),
            "named": named.username if named and named.office == actor.office else "",
        }


async def _list_page(
    request: Request,
    who: web.Viewer,
    *,
    error: str = "",
    typed: NewUser | None = None,
    status: int = 200,
    done: str = "",
    done_id: int | None = None,
) -> Response:
    try:
        data = await run_in_threadpool(_list_data, web.store_of(request), who.actor, done_id)
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from None
    notice = DONE[done].format(name=data["named"]) if done in DONE and data["named"] else None
    return web.render(
        request,
        "users/list.html",
        who,
        status=status,
        error=error,
        typed=typed or NewUser(),
        roles=role_choices(),
        notice=notice,
        min_password=users.MIN_PASSWORD_LENGTH,
        title="工作人员",
        **data,
    )


def _id_of(text: str) -> int:
    if not text.isdigit() or len(text) > 12:
        raise web.Refused(404, "没有这个工作人员账号，请刷新页面后重试。")
    return int(text)


@router.get("/console/users", include_in_schema=False)
async def users_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "users")
    done = request.query_params.get("done", "")
    raw_id = request.query_params.get("id", "")
    done_id = int(raw_id) if raw_id.isdigit() and len(raw_id) <= 12 else None
    return await _list_page(request, who, done=done, done_id=done_id)


def _create(store: OfficeStore, actor: Actor, form: dict[str, str]) -> users.User:
    with store.write() as db:
        return create_user(
            db,
            actor,
            username=form.get("username", ""),
            role=form.get("role", ""),
            password=form.get("password", ""),
            again=form.get("password_again", ""),
            park=form.get("park", ""),
            office=form.get("office", ""),
        )


@router.post("/console/users", include_in_schema=False)
async def create_action(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "users")
    form = await web.checked_form(request, who)
    try:
        made = await run_in_threadpool(_create, web.store_of(request), who.actor, form)
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from None
    except OfficeError as exc:
        typed = NewUser(
            form.get("username", "")[:MAX_TYPED_USERNAME],
            form.get("role", "")[:20],
            form.get("park", "")[:200],
        )
        return await _list_page(request, who, error=str(exc), typed=typed, status=400)
    log_event("user_created", username=made.username, role=made.role, office=made.office)
    return RedirectResponse(f"/console/users?done=created&id={made.id}", status_code=303)


def _disable(store: OfficeStore, actor: Actor, user_id: int) -> users.User:
    with store.write() as db:
        return disable_user(db, actor, user_id)


@router.post("/console/users/{user_id}/disable", include_in_schema=False)
async def disable_action(request: Request, user_id: str, who: web.SignedIn) -> Response:
    web.require_page(who, "users")
    await web.checked_form(request, who)
    number = _id_of(user_id)
    try:
        user = await run_in_threadpool(_disable, web.store_of(request), who.actor, number)
    except OfficeError as exc:
        raise web.Refused(web.status_of(exc), str(exc)) from None
    log_event("user_disabled", username=user.username)
    return RedirectResponse(f"/console/users?done=disabled&id={user.id}", status_code=303)


def _target(store: OfficeStore, actor: Actor, user_id: int) -> users.User:
    with store.read() as db:
        return user_of_office(db, actor, user_id)


async def _password_page(
    request: Request, who: web.Viewer, user_id: int, error: str = "", status: int = 200
) -> Response:
    try:
        user = await run_in_threadpool(_target, web.store_of(request), who.actor, user_id)
    except OfficeError as exc:
        raise web.Refused(web.status_of(exc), str(exc)) from None
    return web.render(
        request,
        "users/password.html",
        who,
        status=status,
        user=user,
        error=error,
        is_self=user.username == who.actor.name,
        min_password=users.MIN_PASSWORD_LENGTH,
        title="重设密码",
    )


@router.get("/console/users/{user_id}/password", include_in_schema=False)
async def password_form(request: Request, user_id: str, who: web.SignedIn) -> Response:
    web.require_page(who, "users")
    return await _password_page(request, who, _id_of(user_id))


def _reset(store: OfficeStore, actor: Actor, user_id: int, form: dict[str, str]) -> users.User:
    with store.write() as db:
        return reset_user_password(
            db, actor, user_id, form.get("password", ""), form.get("password_again", "")
        )


@router.post("/console/users/{user_id}/password", include_in_schema=False)
async def password_action(request: Request, user_id: str, who: web.SignedIn) -> Response:
    web.require_page(who, "users")
    form = await web.checked_form(request, who)
    number = _id_of(user_id)
    try:
        user = await run_in_threadpool(_reset, web.store_of(request), who.actor, number, form)
    except Forbidden as exc:
        raise web.Refused(403, str(exc)) from None
    except Unknown as exc:
        raise web.Refused(404, str(exc)) from None
    except OfficeError as exc:
        return await _password_page(request, who, number, error=str(exc), status=400)
    log_event("password_reset", username=user.username)
    return RedirectResponse(f"/console/users?done=reset&id={user.id}", status_code=303)
