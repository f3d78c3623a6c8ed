"""统计汇总 (``/console/dashboard``): the office's counts for a period, from
``office.reports`` — per unit (the city: each county's units, each county's total and
the grand total), per enterprise (most inspected first), the months as a server-side
SVG bar chart (no script, no inline style: the CSP allows neither), the copies still
unseen a working day after they were made; each table as XLSX, the 通报 as PDF.

Who: admin, reviewer, viewer and justice of an office read its summary (counts of
filings they may read anyway). Park committees are not offered it: the counts are of
the whole office, not of one park.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from office import offices
from office.console import web
from office.errors import OfficeError
from office.reports import bulletin, counts, digest, periods, workbook
from office.reports.labels import COLUMNS
from office.staff import Actor
from office.store import OfficeStore

router = APIRouter()
CHART_WIDTH = 640
CHART_HEIGHT = 240
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Bar:
    label: str  # 2025年10月
    value: int
    x: int
    y: int
    width: int
    height: int

    @property
    def month(self) -> str:
        """The label under the bar (10月): a year's twelve full labels would overlap; the
        caption names the first and last month with their years."""
        return self.label.partition("年")[2] or self.label


@dataclass(frozen=True)
class Board:
    summary: counts.Summary
    period_text: str
    unit_rows: list[list[workbook.Cell]]
    bars: list[Bar]
    chart_width: int
    chart_height: int
    unseen: list[digest.Copy]


def default_period(today: date) -> str:
    """The quarter ``today`` is in."""
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def period_text(params: dict[str, str], today: date) -> str:
    """The period the filters name: a range when both dates are given, else the
    period field (quarter, month or year), else the current quarter."""
    first, last = params.get("from", "").strip(), params.get("to", "").strip()
    if first and last:
        return f"{first[:10]}..{last[:10]}"
    return params.get("period", "").strip()[:20] or default_period(today)


def month_bars(months: list[tuple[str, counts.Counts]]) -> list[Bar]:
    """Bars of filings per month, scaled to the chart (labels below, value above)."""
    if not months:
        return []
    top = max((c.filings for _, c in months), default=0) or 1
    plot = CHART_HEIGHT - 60
    slot = CHART_WIDTH // len(months)
    width = max(min(slot - 12, 60), 4)
    bars = []
    for i, (month, c) in enumerate(months):
        height = round(plot * c.filings / top)
        y_, m_ = month.split("-")
        bars.append(
            Bar(
                label=f"{int(y_)}年{int(m_)}月",
                value=c.filings,
                x=i * slot + (slot - width) // 2,
                y=30 + plot - height,
                width=width,
                height=height,
            )
        )
    return bars


def office_of(actor: Actor, db: Connection) -> str:
    if actor.office is not None:
        return actor.office
    # An operator's session (CLI-made) sees the first top-level office.
    tops = [o for o in offices.all_offices(db) if o.parent is None]
    if not tops:
        raise OfficeError("尚未设立任何办公室。")
    return tops[0].code


def board(db: Connection, actor: Actor, text: str) -> Board:
    """What the dashboard shows ``actor`` for the period named ``text``
    (OfficeError in Chinese when the period is not one)."""
    period = periods.parse(text)
    code = office_of(actor, db)
    summary = counts.summarise(db, code, period)
    return Board(
        summary=summary,
        period_text=text,
        unit_rows=workbook.summary_rows(summary),
        bars=month_bars(summary.months),
        chart_width=CHART_WIDTH,
        chart_height=CHART_HEIGHT,
        unseen=digest.unseen(db, offices.in_reach(db, code)),
    )


ENTERPRISE_HEADER = ["企业名称", "统一社会信用代码", "被检查次数", "检查单位（次数）"]


def enterprise_rows(summary: counts.Summary) -> list[list[workbook.Cell]]:
    return [
        [e.name, e.uscc, e.inspections, "；".join(f"{u}（{n}）" for u, n in e.units)]
        for e in summary.enterprises
    ]


def _load(store: OfficeStore, actor: Actor, text: str) -> Board:
    with store.read() as db:
        return board(db, actor, text)


async def _board(request: Request, who: web.Viewer) -> Board:
    web.require_page(who, "dashboard")
    text = period_text(dict(request.query_params), counts.shanghai_today())
    try:
        return await run_in_threadpool(_load, web.store_of(request), who.actor, text)
    except OfficeError as exc:
        raise web.Refused(400, str(exc)) from None


def _download(data: bytes, name: str, media: str) -> Response:
    headers = dict(web.HEADERS)
    headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=media, headers=headers)


@router.get("/console/dashboard", include_in_schema=False)
async def dashboard_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "dashboard")
    text = period_text(dict(request.query_params), counts.shanghai_today())
    try:
        b = await run_in_threadpool(_load, web.store_of(request), who.actor, text)
    except OfficeError as exc:
        return web.render(
            request,
            "dashboard/page.html",
            who,
            title="统计汇总",
            problem=str(exc),
            b=None,
            query="",
            columns=COLUMNS,
            params=dict(request.query_params),
        )
    query = "period=" + quote(text)
    return web.render(
        request,
        "dashboard/page.html",
        who,
        title="统计汇总",
        b=b,
        problem="",
        query=query,
        columns=COLUMNS,
        params=dict(request.query_params),
    )


@router.get("/console/dashboard/units.xlsx", include_in_schema=False)
async def units_xlsx(request: Request, who: web.SignedIn) -> Response:
    b = await _board(request, who)
    s = b.summary
    data = workbook.sheet_bytes("汇总", workbook.SUMMARY_HEADER, b.unit_rows, title=s.period.label)
    return _download(data, f"{s.office.name}{s.period.label}按单位汇总.xlsx", XLSX)


@router.get("/console/dashboard/enterprises.xlsx", include_in_schema=False)
async def enterprises_xlsx(request: Request, who: web.SignedIn) -> Response:
    b = await _board(request, who)
    s = b.summary
    data = workbook.sheet_bytes(
        "按企业", ENTERPRISE_HEADER, enterprise_rows(s), title=s.period.label
    )
    return _download(data, f"{s.office.name}{s.period.label}按企业汇总.xlsx", XLSX)


@router.get("/console/dashboard/bulletin.pdf", include_in_schema=False)
async def bulletin_pdf(request: Request, who: web.SignedIn) -> Response:
    b = await _board(request, who)
    s = b.summary
    data = await run_in_threadpool(bulletin.render, s)
    return _download(data, f"{s.office.name}{s.period.label}通报.pdf", "application/pdf")
