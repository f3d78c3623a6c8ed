"""The workbench's plumbing: templates, the session cookie, CSRF, security headers.

- **Session**: ``office.auth`` sessions; the id travels only in the cookie
  ``beian_console`` — ``Secure``, ``HttpOnly``, ``SameSite=Strict``, path ``/console``.
  ``Secure`` is always set: Chromium (and every current browser) treats
  ``http://127.0.0.1`` and ``http://localhost`` as secure contexts and keeps Secure
  cookies there, so the tests' plain-HTTP office on 127.0.0.1 works while any other
  plain-HTTP address never gets a session (serve the workbench behind HTTPS).
- **CSRF**: every form carries ``csrf``, an HMAC of the session id (so every worker can
  check it without shared state, and it is useless without the HttpOnly cookie). A post
  without it, with a wrong one, or whose ``Origin``/``Sec-Fetch-Site`` names another
  site is refused before anything is read or changed. The login form, before there is
  a session, uses a random token kept in a short-lived cookie of its own.
- **Headers**: a Content-Security-Policy without inline scripts or styles
  (``script-src 'self'``), no framing, no caching, no referrer.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from office import auth
from office.console import access
from office.errors import OfficeError
from office.staff import ROLE_TEXT, Actor, Forbidden
from office.store import OfficeStore

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
COOKIE = "beian_console"
LOGIN_COOKIE = "beian_console_login"
COOKIE_PATH = "/console"
MAX_FORM_BYTES = 64 * 1024

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: with no-referrer Chromium posts forms with
    # "Origin: null", and the origin check could not tell our own pages from others.
    "Referrer-Policy": "same-origin",
    "X-Robots-Tag": "noindex",
}

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

# The navigation: (page key, path, label); each shown only to the roles that may open it.
NAV: list[tuple[str, str, str]] = [
    ("pending", "/console/", "待审"),
    ("filings", "/console/filings", "备案列表"),
    ("feed", "/console/feed", "新收抄送"),
    ("dashboard", "/console/dashboard", "统计汇总"),
    ("units", "/console/units", "单位与令牌"),
    ("users", "/console/users", "工作人员"),
    ("reference", "/console/reference", "参考数据"),
    ("evaluations", "/console/evaluations", "企业评价"),
    ("complaints", "/console/complaints", "投诉"),
    ("visits", "/console/visits", "扫码留痕"),
    ("crosscheck", "/console/crosscheck", "联合检查"),
    ("return_templates", "/console/return-templates", "退回原因模板"),
]


class LoginRequired(Exception):  # noqa: N818 - a redirect, not an error
    """No live session: the handler in ``office.console.install`` sends to the login."""


class Refused(Exception):  # noqa: N818 - a refusal
    """Answered as a Chinese error page with ``status`` (403 for CSRF and roles)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Viewer:
    """The signed-in staff member of this request."""

    actor: Actor
    session_id: str = field(repr=False)

    @property
    def csrf(self) -> str:
        return csrf_token(self.session_id)

    @property
    def role_text(self) -> str:
        return ROLE_TEXT.get(self.actor.role, self.actor.role)


def csrf_token(session_id: str) -> str:
    return hmac.new(session_id.encode("utf-8"), b"console-csrf", hashlib.sha256).hexdigest()


def utcnow() -> datetime:
    return datetime.now(UTC)


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def store_of(request: Request) -> OfficeStore:
    store: OfficeStore = request.app.state.store
    return store


def viewer(request: Request) -> Viewer:
    """The FastAPI dependency of every console page: the live session, else to login."""
    session_id = request.cookies.get(COOKIE, "")
    actor = auth.lookup_session(store_of(request), session_id, utcnow()) if session_id else None
    if actor is None:
        raise LoginRequired()
    return Viewer(actor, session_id)


# The dependency of every console route: ``who: web.SignedIn``.
SignedIn = Annotated[Viewer, Depends(viewer)]


def require_page(who: Viewer, page: str) -> None:
    if not access.may_open(who.actor, page):
        raise Refused(403, "您的账号无权打开此页面。")


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is not None:
        host = request.headers.get("host", "")
        return origin in (f"http://{host}", f"https://{host}")
    return True


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body, within ``MAX_FORM_BYTES``."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise Refused(400, "表单格式不正确。")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise Refused(413, "提交的内容过长。")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(400, "表单内容不是 UTF-8 文本。") from exc
    return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=200))


async def checked_form(request: Request, who: Viewer) -> dict[str, str]:
    """The posted form of a signed-in viewer, after the origin and CSRF checks."""
    if not same_origin(request):
        raise Refused(403, "请求来自其他网站，已拒绝。")
    form = await read_form(request)
    if not hmac.compare_digest(form.get("csrf", ""), who.csrf):
        raise Refused(403, "页面已过期或请求无效，请刷新页面后重试。")
    return form


# Pages reached from a nav entry whose path does not start with the entry's own.
NAV_ALSO: dict[str, str] = {
    "/console/pending": "pending",
    "/console/plans": "crosscheck",
    "/console/repeats": "crosscheck",
    "/console/park-replies": "filings",
}


class Unknown(OfficeError):  # noqa: N818 - answered 404, like an unknown filing
    """No such token, unit or account in the actor's office (another office's is as
    unknown as one that never existed)."""


def status_of(exc: OfficeError) -> int:
    """The HTTP status a page answers a store's refusal with: 403 for a role that may not,
    404 for what the actor may not know exists, 400 for what was typed."""
    if isinstance(exc, Forbidden):
        return 403
    return 404 if isinstance(exc, Unknown) else 400


def nav_for(actor: Actor) -> list[tuple[str, str, str]]:
    return [entry for entry in NAV if access.may_open(actor, entry[0])]


def current_nav(path: str) -> str | None:
    """The nav entry a page belongs to, so its sub-pages (a filing, a preview, the
    calendar) keep their section marked: the longest entry path the page's path is or
    starts below; 待审's ``/console/`` only for itself."""
    best: tuple[int, str] | None = None
    for key, href, _label in NAV:
        base = href.rstrip("/")
        below = path == href or (href != "/console/" and path.startswith(base + "/"))
        if below and (best is None or len(href) > best[0]):
            best = (len(href), key)
    if best is not None:
        return best[1]
    for prefix, key in NAV_ALSO.items():
        if path == prefix or path.startswith(prefix + "/"):
            return key
    return None


def render(
    request: Request,
    template: str,
    who: Viewer | None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    page = templates.get_template(template).render(
        who=who,
        nav=nav_for(who.actor) if who else [],
        path=request.url.path,
        nav_current=current_nav(request.url.path),
        **context,
    )
    return HTMLResponse(page, status_code=status, headers=HEADERS)


def refused_page(request: Request, exc: Refused) -> Response:
    return render(request, "refused.html", None, status=exc.status, message=exc.message)


def set_session_cookie(response: Response, session_id: str) -> None:
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=int(auth.SESSION_LIFETIME.total_seconds()),
        path=COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="strict",
    )


def home_path(actor: Actor) -> str:
    """Where a signed-in user starts: 待审 for those who review, else what they read."""
    if access.may_open(actor, "pending"):
        return "/console/"
    return "/console/feed" if access.may_open(actor, "feed") else "/console/filings"


def redirect_home(who: Viewer) -> Response:
    return RedirectResponse(home_path(who.actor), status_code=303)


def new_login_token() -> str:
    return secrets.token_urlsafe(24)
