"""The office's web workbench under ``/console/`` (docs/console.md).

Server-rendered pages in Chinese (Jinja2, autoescaped) on the same FastAPI service as
the API. ``install(app)`` mounts them: the routers of every page module, the static
files, and the handler that sends a visitor without a session to the login page.
Routes are thin; what a page shows is decided by plain functions in its module.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from office.console import (
    crosscheck,
    dashboard,
    enterprise,
    feed,
    filing,
    listing,
    login,
    park_reply,
    pending,
)
from office.console.reference import router as reference_router
from office.console.return_templates import router as return_templates_router
from office.console.units import router as units_router
from office.console.users import router as users_router
from office.console.web import STATIC, LoginRequired, Refused, refused_page

# Every page module's router; a new page adds its module here (docs/console.md).
PAGES = [
    login.router,
    pending.router,
    listing.router,
    filing.router,
    feed.router,
    enterprise.router,
    dashboard.router,
    crosscheck.router,
    reference_router,  # 参考数据
    units_router,  # 单位与令牌
    users_router,  # 工作人员
    return_templates_router,  # 退回原因模板
    park_reply.router,
]


def install(app: FastAPI) -> None:
    for router in PAGES:
        app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/console/login", status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return refused_page(request, exc)
