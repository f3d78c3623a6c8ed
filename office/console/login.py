"""Login and logout (``/console/login``, ``/console/logout``)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from office import auth
from office.console import web
from office.logs import log_event

router = APIRouter()


def _login_page(request: Request, message: str = "", status: int = 200) -> Response:
    token = web.new_login_token()
    response = web.render(request, "login.html", None, status=status, csrf=token, message=message)
    response.set_cookie(
        web.LOGIN_COOKIE,
        token,
        max_age=1800,
        path=web.COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/console/login", include_in_schema=False)
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/console/login", include_in_schema=False)
async def login(request: Request) -> Response:
    if not web.same_origin(request):
        raise web.Refused(403, "请求来自其他网站，已拒绝。")
    form = await web.read_form(request)
    expected = request.cookies.get(web.LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(form.get("csrf", ""), expected):
        return _login_page(request, "页面已过期，请重新输入后登录。", status=403)
    username = form.get("username", "")[:100]
    password = form.get("password", "")[:300]
    store = web.store_of(request)
    address = web.client_address(request)
    now = web.utcnow()
    result = await run_in_threadpool(auth.authenticate, store, username, password, address, now)
    if not result.ok or result.user_id is None:
        log_event("console_login_failed")  # never the user name: it may be a password
        return _login_page(request, result.message, status=401)
    session_id = await run_in_threadpool(auth.create_session, store, result.user_id, address, now)
    log_event("console_login", user_id=result.user_id)
    response = RedirectResponse("/console/", status_code=303)
    web.set_session_cookie(response, session_id)
    response.delete_cookie(web.LOGIN_COOKIE, path=web.COOKIE_PATH)
    return response


@router.post("/console/logout", include_in_schema=False)
async def logout(request: Request, who: web.SignedIn) -> Response:
    await web.checked_form(request, who)
    await run_in_threadpool(auth.end_session, web.store_of(request), who.session_id, web.utcnow())
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(web.COOKIE, path=web.COOKIE_PATH, secure=True, httponly=True)
    return response
