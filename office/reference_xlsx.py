"""The reference data's lists as XLSX: read an upload into the rows ``reference.load``
stores (with each row's problems in Chinese), compare it with the current list, and
write the template and the current list back as workbooks.

Three lists: 园区 (``parks``: 名称, 简称, 统计代码, 别名), 白名单 (``white_list``) and
重点监管企业名单 (``key_supervision``: 统一社会信用代码, 企业名称). Offices keep these
lists in spreadsheets of their own making, so the header row is found among the first
rows by its names (common synonyms accepted), credit codes are normalised
(``forms.normalize.uscc``) and names are kept as typed, on one line.

Every bound is checked before the work it bounds: the file's size before anything is
read, the inflated size of every part of the archive before openpyxl opens it, the rows
while they stream (openpyxl ``read_only``), at most ``reference.MAX_LIST_ITEMS``.
Nothing here touches the database: the console stages what :func:`read_list` returns
and ``reference.load`` checks it again when the administrator confirms.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from forms import identifiers, normalize
from office.errors import OfficeError
from office.reference import MAX_LIST_ITEMS, MAX_NAME_LENGTH

MAX_FILE_BYTES = 10 * 1024 * 1024
HEADER_SEARCH_ROWS = 10  # the header row may sit below a title and a blank line
MAX_COLUMNS = 50
MAX_PART_BYTES = 64 * 1024 * 1024  # one part of the archive, inflated
MAX_INFLATED_BYTES = 128 * 1024 * 1024
MAX_RATIO = 200  # legitimate parts compress 5 to 50 times; a bomb thousands of times
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_STAT_CODE_LENGTH = 12  # 统计用区划代码: 12 digits at most


class UploadRefused(OfficeError):  # noqa: N818 - a refusal, like office.staff.Forbidden
    """The file as a whole cannot be read; ``str(exc)`` says why, in Chinese."""


@dataclass(frozen=True)
class ListKind:
    section: str  # the reference section it replaces
    label: str  # its Chinese name
    # field -> (header written in the template, accepted headers in order of preference)
    fields: dict[str, tuple[str, tuple[str, ...]]]
    required: tuple[str, ...]  # the headers that must be found
    key: str  # the field two rows may not share


_ENTERPRISE_FIELDS = {
    "uscc": (
        "统一社会信用代码",
        ("统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码", "uscc"),
    ),
    "name": (
        "企业名称",
        ("企业名称", "单位名称", "市场主体名称", "企业", "名称", "name"),
    ),
}

KINDS: dict[str, ListKind] = {
    "parks": ListKind(
        "parks",
        "园区",
        {
            "name": ("名称", ("名称", "园区名称", "园区全称", "全称", "园区", "name")),
            "short": ("简称", ("简称", "园区简称", "short")),
            "stat_code": (
                "统计代码",
                ("统计代码", "统计用区划代码", "区划代码", "园区代码", "代码", "stat_code"),
            ),
            "also_known_as": (
                "别名",
                ("别名", "又称", "曾用名", "其他名称", "also_known_as"),
            ),
        },
        ("name",),
        "name",
    ),
    "white_list": ListKind("white_list", "白名单", _ENTERPRISE_FIELDS, ("uscc", "name"), "uscc"),
    "key_supervision": ListKind(
        "key_supervision", "重点监管企业名单", _ENTERPRISE_FIELDS, ("uscc", "name"), "uscc"
    ),
}


@dataclass(frozen=True)
class Problem:
    """A row that cannot be stored: its row number as the spreadsheet shows it."""

    row: int
    message: str


@dataclass
class ParsedList:
    """An upload read: the rows as they will be stored (with their spreadsheet row
    numbers), the rows' problems, and which column was read as what."""

    section: str
    sheet: str
    items: list[dict[str, str]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)  # (field's name, header)
    ignored: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Diff:
    """What a new list changes against the current one, by each row's key."""

    added: int
    removed: int
    changed: int
    unchanged: int
    added_examples: list[str]
    removed_examples: list[str]
    changed_examples: list[str]


# --- headers --------------------------------------------------------------------------------

_MARKS_RE = re.compile(r"[*＊:：]|[（(]\s*(必填|选填|可选)\s*[)）]")


def _header_key(text: str) -> str:
    return _MARKS_RE.sub("", normalize.nfkc(text)).replace(" ", "").strip().lower()


def _find_columns(header: Sequence[str], kind: ListKind) -> dict[str, int]:
    """field -> column index, each column taken once, in the fields' order."""
    keys = [_header_key(h) for h in header]
    found: dict[str, int] = {}
    for name, (_, synonyms) in kind.fields.items():
        for synonym in synonyms:
            hits = [i for i, k in enumerate(keys) if k == synonym and i not in found.values()]
            if hits:
                found[name] = hits[0]
                break
    return found


# --- reading --------------------------------------------------------------------------------


def _check_archive(data: bytes) -> None:
    """Refuse a workbook whose parts inflate beyond their bounds (before openpyxl)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise UploadRefused(_NOT_XLSX) from None
    with archive:
        total = 0
        for info in archive.infolist():
            if info.file_size > MAX_PART_BYTES or (
                info.file_size > RATIO_FLOOR_BYTES
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                raise UploadRefused("工作簿解压后过大或压缩比异常，不像正常的表格，未读取。")
            total += info.file_size
            if total > MAX_INFLATED_BYTES:
                raise UploadRefused("工作簿解压后过大，未读取。请删去多余的内容后再上传。")


_NOT_XLSX = (
    "这不是 Excel 工作簿（.xlsx）文件。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再上传。"
)


def _sheet_rows(data: bytes, kind: ListKind, max_rows: int) -> tuple[str, list[list[Any]]]:
    """The first sheet whose header the list's required columns are found in."""
    from openpyxl import load_workbook

    limit = max_rows + HEADER_SEARCH_ROWS
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged workbook fails in many ways inside openpyxl
        raise UploadRefused(
            "无法打开这个 Excel 文件：文件可能已损坏或有密码保护。"
            "请在 Excel 中打开后另存为 .xlsx 再上传。"
        ) from None
    first: tuple[str, list[list[Any]]] | None = None
    try:
        for sheet in book.worksheets:
            rows: list[list[Any]] = []
            for row in sheet.iter_rows(values_only=True):
                if len(rows) >= limit:
                    raise UploadRefused(
                        f"工作表“{sheet.title}”超过 {max_rows:,} 行，"
                        f"{kind.label}最多 {max_rows:,} 行。请删去多余的行后再上传。"
                    )
                if len(row) > MAX_COLUMNS:
                    row = row[:MAX_COLUMNS]  # trailing columns are not read
                rows.append(list(row))
            if first is None:
                first = (sheet.title, rows)
            if _header_index(rows, kind) is not None:
                return sheet.title, rows
    except UploadRefused:
        raise
    except Exception:
        raise UploadRefused(
            "读取 Excel 文件时出错：文件可能已损坏。请另存为 .xlsx 后再上传。"
        ) from None
    finally:
        book.close()
    return first if first is not None else ("", [])


def _header_index(rows: list[list[Any]], kind: ListKind) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if set(kind.required) <= set(_find_columns([normalize.cell_text(v) for v in row], kind)):
            return i
    return None


def read_list(section: str, data: bytes, *, max_rows: int = MAX_LIST_ITEMS) -> ParsedList:
    """Read an uploaded XLSX as the list ``section``. Raises UploadRefused when the file
    as a whole cannot be read; a row's faults are ``problems`` of the result."""
    kind = KINDS[section]
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，未读取。")
    if not data:
        raise UploadRefused("上传的文件是空的。")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRefused(
            "这是旧版 Excel 文件（.xls）。"
            "请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再上传。"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRefused(_NOT_XLSX)
    _check_archive(data)
    sheet, rows = _sheet_rows(data, kind, max_rows)
    if not any(any(normalize.cell_text(v).strip() for v in row) for row in rows):
        raise UploadRefused("工作表是空的：没有表头，也没有数据。")
    index = _header_index(rows, kind)
    if index is None:
        wanted = "、".join(f"“{kind.fields[f][0]}”" for f in kind.required)
        raise UploadRefused(
            f"没有找到表头：前 {HEADER_SEARCH_ROWS} 行中应有一行包含 {wanted} 列"
            "（可下载模板对照）。"
        )
    header = [normalize.cell_text(v).strip() for v in rows[index]]
    columns = _find_columns(header, kind)
    result = ParsedList(section, sheet)
    result.columns = [
        (kind.fields[f][0], header[i]) for f, i in sorted(columns.items(), key=lambda c: c[1])
    ]
    result.ignored = [h for i, h in enumerate(header) if h and i not in columns.values()]
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows[index + 1 :]):
        number = index + offset + 2  # as the spreadsheet numbers its rows
        cells = [normalize.cell_text(v).strip() for v in row]
        if not any(cells):
            continue  # blank lines between blocks
        values = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
        item, problem = (_park if section == "parks" else _enterprise)(values, kind)
        if problem is None:
            key = normalize.name_key(item[kind.key]) if section == "parks" else item[kind.key]
            if key in seen:
                problem = (
                    f"园区“{item['name']}”与第 {seen[key]} 行重复"
                    if section == "parks"
                    else f"统一社会信用代码 {key} 与第 {seen[key]} 行重复"
                )
            else:
                seen[key] = number
        if problem is not None:
            result.problems.append(Problem(number, problem))
            continue
        result.items.append(item)
        result.rows.append(number)
    if not result.items and not result.problems:
        raise UploadRefused("表头下面没有数据行。")
    return result


# What a spreadsheet program runs as a formula when the text is opened again.
_FORMULA_RE = re.compile(r"^[=+@]|^-(?=[^\d.\s-])")


# Printable ASCII, CJK ideographs and the full-width brackets names carry: never a bad
# character, so the full check (per character, slow over 100,000 rows) is skipped.
_PLAIN_RE = re.compile(r"[\u0020-\u007e\u4e00-\u9fff\uff08\uff09\u00b7]*")


def _text_problem(values: dict[str, str], kind: ListKind) -> str | None:
    for key, raw in values.items():
        text = normalize.single_line(raw)
        label = kind.fields[key][0]
        if not _PLAIN_RE.fullmatch(text) and identifiers.has_bad_characters(text):
            return f"“{label}”中有不可见字符或控制字符（多见于从网页或文档复制的文字）"
        if _FORMULA_RE.match(text):
            return f"“{label}”以“{text[0]}”开头，像是表格公式"
        if len(text) > MAX_NAME_LENGTH:
            return f"“{label}”超过 {MAX_NAME_LENGTH} 个字"
    return None


def _enterprise(values: dict[str, str], kind: ListKind) -> tuple[dict[str, str], str | None]:
    name = normalize.single_line(values.get("name", ""))
    code = normalize.uscc(values.get("uscc", ""))
    item = {"uscc": code, "name": name}
    problem = _text_problem(values, kind)
    if problem:
        return item, problem
    if not code:
        return item, f"{name or '这一行'}缺少统一社会信用代码"
    fault = identifiers.check_uscc(code)
    if fault == "bad_uscc":
        return item, f"统一社会信用代码“{code[:20]}”格式不对（应为 18 位数字或大写字母）"
    if fault:
        return item, f"统一社会信用代码“{code}”校验位不对，可能有字符输错"
    if not name:
        return item, f"统一社会信用代码 {code} 缺少企业名称"
    return item, None


def _park(values: dict[str, str], kind: ListKind) -> tuple[dict[str, str], str | None]:
    name = normalize.single_line(values.get("name", ""))
    item = {"name": name}
    problem = _text_problem(values, kind)
    if problem:
        return item, problem
    if not name:
        return item, "缺少园区名称"
    for key in ("short", "stat_code", "also_known_as"):
        text = normalize.single_line(values.get(key, ""))
        if key == "stat_code":
            text = normalize.code(text)
            if text and not (text.isdigit() and len(text) <= MAX_STAT_CODE_LENGTH):
                return item, f"统计代码“{text[:20]}”应为不超过 {MAX_STAT_CODE_LENGTH} 位的数字"
        if text:
            item[key] = text
    return item, None


# --- comparing ------------------------------------------------------------------------------

EXAMPLES = 5


def _key(section: str, item: dict[str, str]) -> str:
    return normalize.name_key(item["name"]) if section == "parks" else item["uscc"]


def _label(section: str, item: dict[str, str]) -> str:
    return item["name"] if section == "parks" else f"{item['name']}（{item['uscc']}）"


def diff(section: str, current: list[dict[str, str]], new: list[dict[str, str]]) -> Diff:
    """Added, removed and changed rows of ``new`` against ``current`` (by credit code;
    parks by name)."""
    old = {_key(section, i): i for i in current}
    fresh = {_key(section, i): i for i in new}
    added = [i for k, i in fresh.items() if k not in old]
    removed = [i for k, i in old.items() if k not in fresh]
    changed = [i for k, i in fresh.items() if k in old and old[k] != i]
    return Diff(
        added=len(added),
        removed=len(removed),
        changed=len(changed),
        unchanged=len(fresh) - len(added) - len(changed),
        added_examples=[_label(section, i) for i in added[:EXAMPLES]],
        removed_examples=[_label(section, i) for i in removed[:EXAMPLES]],
        changed_examples=[_label(section, i) for i in changed[:EXAMPLES]],
    )


# --- writing --------------------------------------------------------------------------------

TEMPLATE_ROWS = 200
_UNSAFE_CELL_RE = re.compile(r"^[=+@\t\r]|^-(?=[^\d.\s-])")


def _safe(value: str) -> str:
    """A cell that never runs as a formula where the file is opened."""
    return "'" + value if _UNSAFE_CELL_RE.match(value) else value


def workbook(section: str, items: list[dict[str, str]] | None = None) -> bytes:
    """The list as an XLSX (its header row alone for the template), read back by
    :func:`read_list` as it was."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    kind = KINDS[section]
    book = Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None
    sheet.title = kind.label
    headers = [header for header, _ in kind.fields.values()]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) * 2 + 4 for h in headers]
    for item in items or []:
        row = [_safe(item.get(f, "")) for f in kind.fields]
        sheet.append(row)
        widths = [min(max(w, len(v) * 2 + 2), 60) for w, v in zip(widths, row, strict=True)]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    if items is None:
        # the template's rows are text cells: a credit or statistics code typed in stays
        # as typed (Excel would turn 430371000000 into 4.30371E+11)
        for blank_row in sheet.iter_rows(min_row=2, max_row=TEMPLATE_ROWS, max_col=len(headers)):
            for blank in blank_row:
                blank.number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
