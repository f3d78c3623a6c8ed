"""备案列表 (``/console/filings``): every filing the viewer may read, filtered, searched,
paged by keyset (received time, id — through the index on office, received time, id:
page 1,000 costs what page 1 costs), and exported as filtered to XLSX or CSV.

Filters (all optional, all labelled on the page): unit, enterprise or credit code,
inspection dates, received dates, status, kind, park, flags; ``q`` searches receipts
and ids exactly, else units and enterprises by what they contain.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from openpyxl import Workbook
from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    exists,
    literal_column,
    or_,
    select,
    true,
    tuple_,
)
from starlette.concurrency import run_in_threadpool

from office import offices
from office.console import summaries, web
from office.console.crosscheck import FLAG_TEXT
from office.console.summaries import KIND_TEXT, STATUS_TEXT
from office.staff import Actor
from office.store import OfficeStore
from office.tables import crosscheck_flags, filing_facts, filings, reviews

router = APIRouter()
PAGE_SIZE = 50
MAX_EXPORT_ROWS = 100_000
MAX_FILTER_TEXT = 64
USCC_RE = re.compile(r"[0-9A-Z]{18}")


@dataclass(frozen=True)
class Filters:
    unit: str = ""
    enterprise: str = ""  # a name (contains) or an 18-character credit code (exact)
    inspected_from: str = ""
    inspected_to: str = ""
    received_from: str = ""
    received_to: str = ""
    status: str = ""  # filed, returned, reviewed
    kind: str = ""
    park: str = ""
    flagged: str = ""  # "1": only those with warnings; a cross-check code: with that flag
    q: str = ""

    @classmethod
    def parse(cls, params: dict[str, str]) -> tuple[Filters, list[str]]:
        """Filters from query parameters, and Chinese messages for what was ignored."""
        problems: list[str] = []
        values: dict[str, str] = {}
        for f in fields(cls):
            value = str(params.get(f.name, "")).strip()[:MAX_FILTER_TEXT]
            if f.name.endswith(("_from", "_to")) and value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    problems.append(f"日期“{value}”格式不正确（应为 年-月-日），已忽略。")
                    value = ""
            values[f.name] = value
        if values["status"] not in ("", *STATUS_TEXT):
            values["status"] = ""
        if values["kind"] not in ("", *KIND_TEXT):
            values["kind"] = ""
        if values["flagged"] not in ("1", *FLAG_TEXT):
            values["flagged"] = ""
        return cls(**values), problems

    def query_string(self, **extra: str) -> str:
        from urllib.parse import urlencode

        pairs = {f.name: getattr(self, f.name) for f in fields(self)}
        pairs.update(extra)
        return urlencode({k: v for k, v in pairs.items() if v})


RECEIPT_RE = re.compile(r".+〔\d{4}〕\d+号")
ID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def looks_exact(text: str) -> bool:
    """A search for a receipt, a filing id or a credit code (found exactly, by index);
    anything else searches units and enterprises by what they contain."""
    return bool(
        RECEIPT_RE.fullmatch(text) or ID_RE.fullmatch(text) or USCC_RE.fullmatch(text.upper())
    )


def _escape_like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _day_end(day: str) -> str:
    return day + "T99"  # compares after every timestamp of that day, as text


def conditions(db: Connection, actor: Actor, flt: Filters) -> list[ColumnElement[bool]]:
    """The WHERE of the viewer's list (over ``filing_facts`` joined with the latest
    revision's ``filings`` row): its reach (office, city over counties, park) and the
    filters."""
    x = filing_facts.c
    out: list[ColumnElement[bool]] = []
    if not actor.operator:
        assert actor.office is not None
        out.append(x.office.in_(offices.in_reach(db, actor.office)))
        if actor.role == "park":
            out.append(x.park == (actor.park or "\x00"))
    if flt.unit:
        out.append(x.unit == flt.unit)
    if flt.enterprise:
        code = flt.enterprise.upper()
        if USCC_RE.fullmatch(code):
            out.append(x.uscc == code)
        else:
            out.append(x.enterprise.like(_escape_like(flt.enterprise), escape="\\"))
    if flt.inspected_from:
        out.append(x.inspection_start >= flt.inspected_from)
    if flt.inspected_to:
        out.append(x.inspection_start <= _day_end(flt.inspected_to))
    if flt.received_from:
        out.append(x.received_at >= flt.received_from)
    if flt.received_to:
        out.append(x.received_at <= _day_end(flt.received_to))
    if flt.kind:
        out.append(x.kind == flt.kind)
    if flt.park:
        out.append(x.park == flt.park)
    if flt.flagged == "1":
        out.append(x.flagged == 1)
    elif flt.flagged:
        c = crosscheck_flags.c
        out.append(
            exists().where((c.id == x.id) & (c.revision == x.revision) & (c.code == flt.flagged))
        )
    f, r = filings.c, reviews.c
    is_reviewed = exists().where((r.id == x.id) & (r.revision == x.revision))
    if flt.status == "returned":
        # Written out, not bound: SQLite uses the partial index ix_filings_returned only
        # when the query names its condition as the index does.
        out.append(f.status == literal_column("'returned'"))
    elif flt.status == "reviewed":
        out.append(is_reviewed)
    elif flt.status == "filed":
        # 已接收: waiting for review (neither returned nor reviewed), the marker 待审
        # reads, through the partial index ix_filing_facts_waiting (written out, as above).
        out.append(x.waiting == literal_column("1"))
    if flt.q:
        text = flt.q
        if looks_exact(text):  # a receipt, an id or a credit code: through their indexes
            held = list(db.execute(select(f.id).where(f.receipt == text).limit(5)).scalars())
            out.append(or_(x.id.in_([text, *held]), x.uscc == text.upper()))
        else:
            out.append(
                or_(
                    x.unit.like(_escape_like(text), escape="\\"),
                    x.enterprise.like(_escape_like(text), escape="\\"),
                )
            )
    return out


@dataclass(frozen=True)
class Page:
    rows: list[summaries.Row]
    next_after: str  # the keyset cursor of the next page, "" on the last


def _rows(db: Connection, query: Any) -> list[summaries.Row]:
    ids = [r.id for r in query]
    reviewed: set[tuple[str, int]] = set()
    for first in range(0, len(ids), 500):  # bounded IN lists: an export has many rows
        chunk = select(reviews.c.id, reviews.c.revision).where(
            reviews.c.id.in_(ids[first : first + 500])
        )
        reviewed |= {(row.id, row.revision) for row in db.execute(chunk)}
    out = []
    for r in query:
        status = "reviewed" if (r.id, r.revision) in reviewed and r.status == "filed" else r.status
        out.append(
            summaries.Row(
                id=r.id,
                revision=r.revision,
                receipt=r.receipt,
                unit=r.unit,
                office=r.office,
                enterprise=r.enterprise,
                uscc=r.uscc,
                kind=r.kind,
                inspection_start=r.inspection_start[:16].replace("T", " "),
                received_at=r.received_at[:16].replace("T", " "),
                status=status,
                park=r.park or "",
                flags=["有提示"] if r.flagged else [],
            )
        )
    return out


def _select(db: Connection, actor: Actor, flt: Filters) -> Any:
    x, f = filing_facts.c, filings.c
    return (
        select(*filing_facts.c, f.status, f.receipt)
        .join(filings, (f.id == x.id) & (f.revision == x.revision))
        .where(and_(true(), *conditions(db, actor, flt)))
    )


def page(
    db: Connection, actor: Actor, flt: Filters, after: str = "", size: int = PAGE_SIZE
) -> Page:
    """One page, newest first; ``after`` is the previous page's ``next_after``."""
    x = filing_facts.c
    query = _select(db, actor, flt)
    if after and "|" in after:
        at, last_id = after.split("|", 1)
        # A row-value comparison: both backends walk the (office, received_at, id) index
        # from the cursor, where an OR of two comparisons made SQLite scan.
        query = query.where(tuple_(x.received_at, x.id) < tuple_(at, last_id))
    query = query.order_by(x.received_at.desc(), x.id.desc()).limit(size + 1)
    found = list(db.execute(query))
    more = len(found) > size
    found = found[:size]
    cursor = f"{found[-1].received_at}|{found[-1].id}" if more and found else ""
    return Page(_rows(db, found), cursor)


def every(db: Connection, actor: Actor, flt: Filters) -> list[summaries.Row]:
    """Every row the filters select, newest first, up to ``MAX_EXPORT_ROWS``."""
    x = filing_facts.c
    query = _select(db, actor, flt).order_by(x.received_at.desc(), x.id.desc())
    return _rows(db, list(db.execute(query.limit(MAX_EXPORT_ROWS))))


MAX_UNIT_CHOICES = 500
MAX_PARK_CHOICES = 200


def _distinct(db: Connection, office: str, column: Any, limit: int) -> set[str]:
    """The distinct non-empty values of ``column`` in ``office``'s rows, by a loose index
    scan: one index probe per value (``> previous ORDER BY LIMIT 1``, recursively), where
    ``SELECT DISTINCT`` reads every row of the office (0.5 s at 10^6 on PostgreSQL)."""
    x = filing_facts.c
    start = (
        select(column.label("value"))
        .where((x.office == office) & column.is_not(None))
        .order_by(column)
        .limit(1)
        .scalar_subquery()
    )
    found = select(start.label("value")).cte("found", recursive=True)
    following = (
        select(column)
        .where((x.office == office) & column.is_not(None) & (column > found.c.value))
        .order_by(column)
        .limit(1)
        .scalar_subquery()
    )
    found = found.union_all(select(following).where(found.c.value.is_not(None)))
    query = select(found.c.value).where(found.c.value.is_not(None)).limit(limit + 1)
    return {v for v in db.execute(query).scalars() if v}


def choices(db: Connection, actor: Actor) -> dict[str, list[str]]:
    """The units and parks the viewer's filters offer (of what it may read)."""
    x = filing_facts.c
    if actor.operator or actor.role == "park":
        # An operator reads every office, a park committee its park's rows (through
        # ix_filing_facts_office_park): a plain DISTINCT over those.
        reach = conditions(db, actor, Filters())
        units = set(db.execute(select(x.unit).where(*reach).distinct()).scalars())
        parks = set(
            db.execute(select(x.park).where(*reach, x.park.is_not(None)).distinct()).scalars()
        )
    else:
        assert actor.office is not None
        units, parks = set(), set()
        for office in offices.in_reach(db, actor.office):
            units |= _distinct(db, office, x.unit, MAX_UNIT_CHOICES)
            parks |= _distinct(db, office, x.park, MAX_PARK_CHOICES)
    return {
        "units": sorted(u for u in units if u)[:MAX_UNIT_CHOICES],
        "parks": sorted(p for p in parks if p)[:MAX_PARK_CHOICES],
    }


# --- export --------------------------------------------------------------------------

HEADER = [
    "回执编号",
    "版本",
    "检查单位",
    "被检查企业",
    "统一社会信用代码",
    "类型",
    "检查时间",
    "接收时间",
    "状态",
    "园区",
    "提示",
]


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe
    (CSV injection: =, +, -, @, tab, carriage return)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_rows(rows: list[summaries.Row]) -> list[list[Any]]:
    return [
        [
            safe_cell(v)
            for v in (
                r.receipt,
                r.revision,
                r.unit,
                r.enterprise,
                r.uscc,
                r.kind_text,
                r.inspection_start,
                r.received_at,
                r.status_text,
                r.park,
                "；".join(r.flags),
            )
        ]
        for r in rows
    ]


def to_csv(rows: list[summaries.Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(export_rows(rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads UTF-8


def to_xlsx(rows: list[summaries.Row]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("备案列表")
    sheet.append(HEADER)
    for line in export_rows(rows):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- routes --------------------------------------------------------------------------


def _load(
    store: OfficeStore, actor: Actor, flt: Filters, after: str
) -> tuple[Page, dict[str, list[str]]]:
    with store.read() as db:
        return page(db, actor, flt, after[:200]), choices(db, actor)


@router.get("/console/filings", include_in_schema=False)
async def list_page(request: Request, who: web.SignedIn) -> Response:
    web.require_page(who, "filings")
    flt, problems = Filters.parse(dict(request.query_params))
    after = request.query_params.get("after", "")
    found, offered = await run_in_threadpool(_load, web.store_of(request), who.actor, flt, after)
    return web.render(
        request,
        "filings/list.html",
        who,
        title="备案列表",
        rows=found.rows,
        flt=flt,
        flag_text=FLAG_TEXT,
        problems=problems,
        offered=offered,
        next_query=flt.query_string(after=found.next_after) if found.next_after else "",
        export_query=flt.query_string(),
        first_query=flt.query_string() if after else None,
        statuses=STATUS_TEXT,
        kinds=KIND_TEXT,
    )


def _export(store: OfficeStore, actor: Actor, flt: Filters) -> list[summaries.Row]:
    with store.read() as db:
        return every(db, actor, flt)


@router.get("/console/filings.{fmt}", include_in_schema=False)
async def export(request: Request, fmt: str, who: web.SignedIn) -> Response:
    web.require_page(who, "filings")
    if fmt not in ("csv", "xlsx"):
        raise web.Refused(404, "没有这种导出格式。")
    flt, _ = Filters.parse(dict(request.query_params))
    rows = await run_in_threadpool(_export, web.store_of(request), who.actor, flt)
    headers = dict(web.HEADERS)
    headers["Content-Disposition"] = f'attachment; filename="beian-list.{fmt}"'
    if fmt == "csv":
        return Response(to_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(to_xlsx(rows), media_type=media, headers=headers)
