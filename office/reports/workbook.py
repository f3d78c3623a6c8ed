"""The summary as an XLSX workbook (openpyxl): 汇总 (one row per unit, each office's
total, the grand total), 按月 (trends), 按企业 (most inspected first) and 逾期补报 (the
late post-hoc filings).

Every text cell that a spreadsheet would run as a formula (=, +, @, or - before a
letter) is prefixed with an apostrophe (kept as text), so
a unit's or enterprise's name never executes where the file is opened."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from office.reports.counts import Counts, Summary
from office.reports.labels import COLUMNS, TOTAL

_FORMULA = re.compile(r"^[=+@\t\r]|^-(?=[^\d.\s-])")
Cell = str | int | float | date | None
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_TOTAL_FONT = Font(bold=True)


def safe(value: Cell) -> Cell:
    """``value`` as a cell that can never be a formula."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def _sheet(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [max(len(h) * 2 + 2, 8) for h in header]
    for row in rows:
        ws.append([safe(v) for v in row])
        for i, v in enumerate(row):
            if isinstance(v, str):
                widths[i] = min(max(widths[i], len(v) * 2 + 2), 60)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"


def _numbers(c: Counts) -> list[Cell]:
    return [getattr(c, key) for key, _ in COLUMNS]


def summary_rows(summary: Summary) -> list[list[Cell]]:
    """The 汇总 table: units, then (when there are several offices) each office's
    total, then the grand total — the same rows the PDF and the dashboard show."""
    several = len(summary.offices) > 1
    rows: list[list[Cell]] = []
    for r in summary.units:
        rows.append([r.office_name, r.unit, *_numbers(r.counts)])
    if several:
        for o in summary.offices:
            rows.append([o.office.name, f"{o.office.name}小计", *_numbers(o.counts)])
    rows.append([summary.office.name, TOTAL, *_numbers(summary.total)])
    return rows


SUMMARY_HEADER = ["办公室", "单位", *(label for _, label in COLUMNS)]


def build(summary: Summary) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    rows = summary_rows(summary)
    _sheet(ws, SUMMARY_HEADER, rows)
    total_rows = len(summary.offices) + 1 if len(summary.offices) > 1 else 1
    for row in ws.iter_rows(min_row=ws.max_row - total_rows + 1, max_row=ws.max_row):
        for cell in row:
            cell.font = _TOTAL_FONT

    _sheet(
        wb.create_sheet("按月"),
        ["月份", "备案数", "事前备案", "事后补报", "逾期补报", "退回"],
        ([m, c.filings, c.prior, c.post_hoc, c.late, c.returned] for m, c in summary.months),
    )
    _sheet(
        wb.create_sheet("按企业"),
        ["企业名称", "统一社会信用代码", "被检查次数", "检查单位（次数）"],
        (
            [
                e.name,
                e.uscc,
                e.inspections,
                "；".join(f"{unit}（{n}）" for unit, n in e.units),
            ]
            for e in summary.enterprises
        ),
    )
    _sheet(
        wb.create_sheet("逾期补报"),
        [
            "回执编号",
            "单位",
            "企业名称",
            "检查结束日",
            "补报期限",
            "办公室收到日",
            "逾期工作日",
        ],
        (
            [
                f.receipt,
                f.unit,
                f.enterprise,
                f.inspection_end,
                f.deadline,
                f.received,
                f.late_days,
            ]
            for f in summary.late
        ),
    )
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, float):  # the mean satisfaction
                    cell.number_format = "0.0"
    wb.properties.creator = "beian-office"
    wb.properties.title = f"{summary.office.name}{summary.period.label}涉企行政检查备案汇总"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_bytes(
    name: str, header: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = ""
) -> bytes:
    """One table as a workbook of one sheet (the digests, the dashboard's exports)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = name
    _sheet(ws, header, rows)
    wb.properties.creator = "beian-office"
    wb.properties.title = title
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
