"""``beian-office report``: the summary of a period as an XLSX workbook or a PDF 通报.

``--period`` takes 2026Q3, 2026-07, 2026, a range 2026-07-01..2026-08-15, or
``last-quarter`` / ``last-month`` (for a scheduled run: the period that just ended)."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from office import offices
from office.errors import OfficeError
from office.logs import log_event
from office.reports import counts, periods
from office.store import OfficeStore

FORMATS = ("xlsx", "pdf")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "report", parents=[common], help="统计汇总：按期间导出 XLSX 汇总表或 PDF 通报"
    )
    p.add_argument("--office", metavar="CODE", help="办公室代码（只有一个办公室时可不写）")
    p.add_argument(
        "--period",
        required=True,
        metavar="PERIOD",
        help="统计期间：2026Q3、2026-07、2026、2026-07-01..2026-08-15、last-quarter 或 last-month",
    )
    p.add_argument("--format", choices=FORMATS, help="xlsx 或 pdf（默认按输出文件的扩展名）")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE", help="输出文件")
    p.set_defaults(handler=run)


def period_text(given: str, today: date) -> str:
    """``last-quarter`` and ``last-month`` as the period that ended before ``today``."""
    if given == "last-quarter":
        return counts.previous_quarter(today)
    if given == "last-month":
        last = today.replace(day=1) - timedelta(days=1)
        return f"{last.year:04d}-{last.month:02d}"
    return given


def default_office(db: Any, code: str | None) -> offices.Office:
    """The office named, else the one city office (whose report holds its counties)."""
    if code is None:
        tops = [o for o in offices.all_offices(db) if o.parent is None]
        if len(tops) == 1:
            return tops[0]
    return offices.resolve(db, code)


def run(args: argparse.Namespace) -> int:
    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OfficeError(
            "请用 --format xlsx 或 --format pdf 指定格式（或把输出文件命名为 .xlsx / .pdf）。"
        )
    period = periods.parse(period_text(args.period, counts.shanghai_today()))
    if not args.output.parent.expanduser().is_dir():
        raise OfficeError(f"文件夹不存在：{args.output.parent}")
    store = OfficeStore.open(args.db, create=False)
    try:
        with store.read() as db:
            office = default_office(db, args.office)
            summary = counts.summarise(db, office.code, period)
    finally:
        store.dispose()
    if fmt == "xlsx":
        from office.reports import workbook

        data = workbook.build(summary)
    else:
        from office.reports import bulletin

        data = bulletin.render(summary)
    from office.reports.files import write_bytes

    write_bytes(args.output, data)
    log_event(
        "report_written",
        office=office.code,
        period=f"{period.start.isoformat()}..{period.last.isoformat()}",
        format=fmt,
        filings=summary.total.filings,
    )
    print(
        f"已生成 {office.name}{period.label}的{'汇总表' if fmt == 'xlsx' else '通报'}："
        f"{args.output}（备案 {summary.total.filings} 件）。"
    )
    return 0
