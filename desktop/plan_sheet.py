"""The unit's annual 双随机 plan as an XLSX sheet: the template the desk offers, reading
a filled one back, and keeping it in the store until it is sent to the office.

Reading is bounded like ``desktop.spreadsheets`` (``desktop.spreadsheet_limits``: the
archive's inflated parts before openpyxl opens it, then a cell budget and a row limit
while rows stream). Every fault is a Chinese message naming the row; nothing is kept
unless the whole sheet reads. Pure Python (no Qt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import spreadsheet_limits as limits
from desktop.store import settings_registry as settings
from forms import identifiers, normalize
from forms.record import format_timestamp, now

MAX_FILE_BYTES = 5_000_000
MAX_ITEMS = 2000  # the office's limit (office.plans.MAX_ITEMS)
HEADER_SEARCH_ROWS = 10
# column -> (header in the template, accepted header words)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ref": ("计划编号", ("计划编号", "编号", "计划事项编号")),
    "matter": ("抽查事项", ("抽查事项", "事项", "检查事项", "抽查事项名称")),
    "scope": ("抽查范围", ("抽查范围", "范围", "检查对象范围")),
    "enterprises": (
        "抽查企业统一社会信用代码",
        ("抽查企业统一社会信用代码", "统一社会信用代码", "企业"),
    ),
    "quarter": ("季度", ("季度", "计划季度")),
}
_SPLIT_RE = re.compile(r"[\s,，、;；]+")
_QUARTER_RE = re.compile(r"(?:第|Q)?([1-4一二三四])(?:季度|季)?")


class PlanSheetError(ValueError):
    """``str(exc)`` says in Chinese what is wrong with the sheet."""


@dataclass(frozen=True)
class PlanSheet:
    year: int
    items: list[dict[str, Any]]


def write_template(path: Path, year: int) -> None:
    """An empty plan for ``year`` with its headers and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{year}年度抽查计划"
    sheet.append([f"{year}年度“双随机、一公开”抽查计划"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([header for header, _ in COLUMNS.values()])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.append([f"{year}-01", "（示例，请替换）食品生产企业监督检查", "全市食品生产企业", "", 2])
    for letter, width in zip("ABCDE", (14, 36, 30, 40, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    book.save(path)
    path.chmod(0o600)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PlanSheetError(f"找不到文件：{path}") from None
    except OSError as exc:
        raise PlanSheetError(f"无法读取文件：{exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise PlanSheetError(f"文件过大（超过 {MAX_FILE_BYTES // 1_000_000} MB）。")
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            raise PlanSheetError("这不是 Excel 工作簿（.xlsx）。请用程序提供的模板填写计划。")
    try:
        limits.check_xlsx_archive(path)
    except limits.TooLarge as exc:
        raise PlanSheetError(f"文件内容过多：{exc}。") from None
    budget = limits.CellBudget()
    rows: list[list[str]] = []
    with path.open("rb") as fh:
        try:
            book = load_workbook(fh, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                for i, row in enumerate(sheet.iter_rows(values_only=True)):
                    if i > MAX_ITEMS + HEADER_SEARCH_ROWS:
                        raise PlanSheetError(f"计划超过 {MAX_ITEMS} 项，无法导入。")
                    budget.take(len(row))
                    rows.append([_cell(v) for v in row])
            finally:
                book.close()
        except (PlanSheetError, limits.TooLarge) as exc:
            raise PlanSheetError(str(exc)) from None
        except Exception as exc:  # a damaged workbook fails in many ways inside openpyxl
            raise PlanSheetError(
                f"无法打开 Excel 文件（{type(exc).__name__}），文件可能已损坏或有密码保护。"
            ) from None
    return rows


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [normalize.nfkc(c).replace(" ", "") for c in row]
        found: dict[str, int] = {}
        for name, (_, words) in COLUMNS.items():
            for j, key in enumerate(keys):
                if key in words and j not in found.values():
                    found[name] = j
                    break
        if {"ref", "matter"} <= set(found):
            return i, found
    raise PlanSheetError(
        f"没有找到表头：前 {HEADER_SEARCH_ROWS} 行中应有一行包含“计划编号”和“抽查事项”。"
    )


def read_plan(path: Path | str, year: int) -> PlanSheet:
    """The items of a filled plan sheet, checked as the office will check them."""
    rows = _rows(Path(path))
    start, columns = _header(rows)
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for offset, row in enumerate(rows[start + 1 :]):
        line = start + offset + 2

        def value(name: str, row: list[str] = row) -> str:
            j = columns.get(name)
            return row[j] if j is not None and j < len(row) else ""

        ref, matter = normalize.single_line(value("ref")), normalize.single_line(value("matter"))
        if not ref and not matter and not any(row):
            continue
        if "（示例" in matter:
            continue  # the template's example row, left in
        if not ref or len(ref) > 64:
            raise PlanSheetError(f"第 {line} 行：缺少计划编号或编号超过 64 个字。")
        if ref in seen:
            raise PlanSheetError(f"第 {line} 行：计划编号“{ref}”与前面的重复。")
        seen.add(ref)
        if not matter or len(matter) > 200:
            raise PlanSheetError(f"第 {line} 行：缺少抽查事项或超过 200 个字。")
        item: dict[str, Any] = {"ref": ref, "matter": matter}
        scope = value("scope")
        if scope:
            item["scope"] = normalize.multi_line(scope)[:1000]
        codes = [normalize.uscc(c) for c in _SPLIT_RE.split(value("enterprises")) if c]
        for code in codes:
            if identifiers.check_uscc(code) is not None:
                raise PlanSheetError(f"第 {line} 行：统一社会信用代码“{code[:20]}”无效。")
        if codes:
            item["enterprises"] = codes
        quarter = normalize.code(value("quarter"))
        if quarter:
            match = _QUARTER_RE.fullmatch(quarter)
            if match is None:
                raise PlanSheetError(f"第 {line} 行：季度应为 1 到 4（如“2”“第二季度”“Q2”）。")
            item["quarter"] = "1234一二三四".index(match.group(1)) % 4 + 1
        items.append(item)
        if len(items) > MAX_ITEMS:
            raise PlanSheetError(f"计划超过 {MAX_ITEMS} 项，无法导入。")
    if not items:
        raise PlanSheetError("计划表中没有任何事项。")
    return PlanSheet(year, items)


# --- kept in the store ------------------------------------------------------------------


def keep(store: Any, plan: PlanSheet) -> None:
    """Keep ``plan`` as the unit's plan for its year (not yet sent)."""
    plans = settings.PLANS.get(store) or {}
    plans[str(plan.year)] = {
        "items": plan.items,
        "imported_at": format_timestamp(now()),
        "sent_at": None,
    }
    settings.PLANS.set(store, plans)


def kept(store: Any, year: int) -> dict[str, Any] | None:
    """``{"items", "imported_at", "sent_at"}`` of the plan kept for ``year``, or None."""
    try:
        plan = (settings.PLANS.get(store) or {}).get(str(year))
    except AttributeError:
        return None
    return plan if isinstance(plan, dict) and isinstance(plan.get("items"), list) else None


def mark_sent(store: Any, year: int, at: str) -> None:
    plans = settings.PLANS.get(store) or {}
    if str(year) in plans:
        plans[str(year)]["sent_at"] = at
        settings.PLANS.set(store, plans)


def refs(store: Any, year: int) -> list[tuple[str, str]]:
    """``(ref, matter)`` of the plan's items for the editor's 抽查计划 choice."""
    plan = kept(store, year)
    return [
        (str(i.get("ref", "")), str(i.get("matter", ""))) for i in (plan or {}).get("items", [])
    ]
