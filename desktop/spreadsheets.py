"""Read the unit's roster of officers and its enterprise directory from CSV or XLSX.

Units keep these lists in spreadsheets of their own making: a title row above the
headers, Chinese headers with local wording, certificate numbers stored as numbers,
dates typed five different ways, CSV saved by Excel in GB18030. This module finds the
columns by their header names, checks and normalises every row, and returns a preview
(:class:`ImportResult`): accepted rows, rejected rows with the reason, warnings, and
which column was read as what. Nothing is written: the caller applies the result
(``store.replace_roster(result.officers)`` / ``store.upsert_enterprises(result.enterprises)``).

Pure Python (no Qt), so the window can run it on a worker thread.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop import spreadsheet_limits as limits
from desktop.store.api import Enterprise
from forms import identifiers, normalize
from forms.certificates import CertRules, default_cert_rules
from forms.display import date_text
from forms.record import now
from forms.roster import Officer

MAX_FILE_BYTES = 20_000_000
MAX_ROWS = 100_000
HEADER_SEARCH_ROWS = 15  # the header row may sit below a title and a blank line


class ImportCode(StrEnum):
    """Why a file as a whole cannot be read. The window words each code itself
    (``desktop.ui.wording.import_text``); ``str(ImportFailed)`` is the terminal's wording."""

    NOT_FOUND = "not_found"  # path
    IS_FOLDER = "is_folder"  # path
    UNREADABLE = "unreadable"  # reason: the operating system's words
    FILE_TOO_BIG = "file_too_big"  # mb
    OLD_XLS = "old_xls"
    ENCODING = "encoding"
    NOT_TEXT = "not_text"
    CSV_MALFORMED = "csv_malformed"  # detail: the CSV parser's words
    TOO_MANY_ROWS = "too_many_rows"  # rows, part: "file" | "sheet"
    TOO_LARGE = "too_large"  # what: spreadsheet_limits.TooLarge's Chinese words
    XLSX_UNREADABLE = "xlsx_unreadable"  # error: the exception's class name
    NO_HEADER = "no_header"  # rows, columns: the required fields' names, quoted and joined


def _terminal_words(code: ImportCode, p: dict[str, Any]) -> str:
    if code is ImportCode.NOT_FOUND:
        return f"找不到文件：{p['path']}"
    if code is ImportCode.IS_FOLDER:
        return f"这是一个文件夹，不是文件：{p['path']}"
    if code is ImportCode.UNREADABLE:
        return f"无法读取文件：{p['reason']}"
    if code is ImportCode.FILE_TOO_BIG:
        return f"文件过大（超过 {p['mb']} MB），无法导入。"
    if code is ImportCode.OLD_XLS:
        return (
            "这是旧版 Excel 文件（.xls），无法直接导入。"
            "请在 Excel 中“另存为”Excel 工作簿（.xlsx）或 CSV UTF-8 后再导入。"
        )
    if code is ImportCode.ENCODING:
        return _ENCODING_MESSAGE
    if code is ImportCode.NOT_TEXT:
        return "这不是文本格式的 CSV 文件。请选择 CSV 或 Excel 工作簿（.xlsx）文件。"
    if code is ImportCode.CSV_MALFORMED:
        return f"CSV 文件格式有误（{p['detail']}）。请在 Excel 中重新另存为 CSV。"
    if code is ImportCode.TOO_MANY_ROWS:
        what = "工作表" if p["part"] == "sheet" else "文件"
        return f"{what}超过 {p['rows']} 行，无法导入。请拆分后分批导入。"
    if code is ImportCode.TOO_LARGE:
        return f"文件内容过多，无法导入：{p['what']}。请删去多余的内容或拆分后分批导入。"
    if code is ImportCode.XLSX_UNREADABLE:
        return (
            f"无法打开 Excel 文件（{p['error']}）。文件可能已损坏或有密码保护；"
            "请在 Excel 中打开后另存为 .xlsx 或 CSV UTF-8 再导入。"
        )
    return (
        f"没有找到表头：文件前 {p['rows']} 行中应有一行包含 {p['columns']} 这几列"
        "（列名可以是常见的同义说法）。"
    )


class ImportFailed(ValueError):  # noqa: N818 - reads better at call sites
    """The file as a whole cannot be read: ``code`` and ``params`` say why;
    ``str(exc)`` is the terminal's Chinese message."""

    def __init__(self, code: ImportCode, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(_terminal_words(code, params))


@dataclass(frozen=True)
class Column:
    """One target field and the header of the column it was read from."""

    field: str  # "name", "cert_no", ...
    label: str  # the field's Chinese name
    header: str  # the header text as found in the file
    index: int  # 0-based column number

    @property
    def letter(self) -> str:
        """The column as a spreadsheet shows it: A, B, …, Z, AA, …"""
        n, out = self.index + 1, ""
        while n:
            n, r = divmod(n - 1, 26)
            out = chr(65 + r) + out
        return out


@dataclass(frozen=True)
class RowNote:
    """A rejected row or a warning: its row number in the file (as the spreadsheet
    numbers it, header and title rows included), what is wrong, and the raw cells."""

    row: int
    message: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportResult:
    kind: str  # "roster" | "enterprises"
    source: str  # file name
    file_format: str  # "CSV（UTF-8）", "Excel 工作簿（.xlsx）", …
    columns: list[Column]
    ignored_headers: list[str]
    officers: list[Officer] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    rejected: list[RowNote] = field(default_factory=list)
    warnings: list[RowNote] = field(default_factory=list)

    @property
    def accepted(self) -> list[Any]:
        return self.officers if self.kind == "roster" else self.enterprises

    @property
    def mapping(self) -> dict[str, str]:
        """Field → header text."""
        return {c.field: c.header for c in self.columns}

    def report_lines(self) -> list[str]:
        """The preview as Chinese lines, for the command line and the log."""
        what = "名执法人员" if self.kind == "roster" else "家企业"
        lines = [f"文件：{self.source}（{self.file_format}）"]
        mapped = "；".join(f"{c.label} ← 第 {c.letter} 列“{c.header}”" for c in self.columns)
        lines.append(f"识别的列：{mapped}")
        if self.ignored_headers:
            lines.append("未使用的列：" + "、".join(f"“{h}”" for h in self.ignored_headers))
        lines.append(
            f"可导入 {len(self.accepted)} {what}；"
            f"拒绝 {len(self.rejected)} 行；提醒 {len(self.warnings)} 条。"
        )
        if self.rejected:
            lines.append("拒绝的行：")
            lines.extend(f"  第 {n.row} 行：{n.message}" for n in self.rejected)
        if self.warnings:
            lines.append("提醒：")
            lines.extend(f"  第 {n.row} 行：{n.message}" for n in self.warnings)
        return lines


# --- header names -------------------------------------------------------------------------

# field → (Chinese name, accepted headers in order of preference). Headers are compared
# after _header_key(): NFKC, no spaces, no "*" or "（必填）" marks, lower case.
ROSTER_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("姓名", ("姓名", "名字", "执法人员姓名", "执法人员", "name")),
    "cert_no": (
        "执法证号",
        (
            "执法证号",
            "证号",
            "执法证件号",
            "证件号码",
            "执法证件号码",
            "执法证编号",
            "证件编号",
            "证件号",
            "cert_no",
        ),
    ),
    "title": ("职务", ("职务", "职务职级", "职级", "title")),
    "unit": ("单位", ("单位", "所在单位", "工作单位", "执法单位", "单位名称", "unit")),
    "kind": ("证件类型", ("证件类型", "证件种类", "执法证类型", "证件名称", "kind")),
    "expires": (
        "有效期至",
        ("有效期至", "有效期", "到期日期", "有效期截止", "截止日期", "有效期限", "expires"),
    ),
}
ROSTER_REQUIRED = ("name", "cert_no")

ENTERPRISE_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("企业名称", ("企业名称", "单位名称", "名称", "企业", "市场主体名称", "name")),
    "uscc": (
        "统一社会信用代码",
        ("统一社会信用代码", "信用代码", "社会信用代码", "统一信用代码", "uscc"),
    ),
    "address": ("地址", ("地址", "住所", "企业地址", "注册地址", "经营地址", "address")),
    "park": ("所在园区", ("所在园区", "园区", "park")),
}
ENTERPRISE_REQUIRED = ("name",)

Fields = dict[str, tuple[str, tuple[str, ...]]]
_SCHEMAS: dict[str, tuple[Fields, tuple[str, ...]]] = {
    "roster": (ROSTER_FIELDS, ROSTER_REQUIRED),
    "enterprises": (ENTERPRISE_FIELDS, ENTERPRISE_REQUIRED),
}

_MARKS_RE = re.compile(r"[*＊:：]|[（(]\s*(必填|选填|可选)\s*[)）]")


def _header_key(text: str) -> str:
    return _MARKS_RE.sub("", normalize.nfkc(text)).replace(" ", "").strip().lower()


def _find_columns(header: list[str], fields: Fields) -> tuple[list[Column], list[str]]:
    keys = [_header_key(h) for h in header]
    taken: dict[int, str] = {}
    columns: list[Column] = []
    for name, (label, synonyms) in fields.items():
        for synonym in synonyms:
            hits = [i for i, k in enumerate(keys) if k == synonym.lower() and i not in taken]
            if hits:
                taken[hits[0]] = name
                columns.append(Column(name, label, header[hits[0]].strip(), hits[0]))
                break
    ignored = [h.strip() for i, h in enumerate(header) if i not in taken and h.strip()]
    columns.sort(key=lambda c: c.index)
    return columns, ignored


# --- reading files ------------------------------------------------------------------------


_ENCODING_MESSAGE = (
    "无法识别文件的文字编码。请在 Excel 中“另存为”CSV UTF-8 或 Excel 工作簿（.xlsx）后再导入。"
)


def _decode(data: bytes) -> tuple[str, str]:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), "UTF-16"
    except UnicodeDecodeError:
        raise ImportFailed(ImportCode.ENCODING) from None
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError:
        raise ImportFailed(ImportCode.ENCODING) from None


def _csv_rows(data: bytes) -> tuple[list[list[Any]], str]:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise ImportFailed(ImportCode.NOT_TEXT)
    try:
        limits.check_csv_text(text)
    except limits.TooLarge as exc:
        raise _too_large(exc) from None
    budget = limits.CellBudget()
    sample = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    delimiter = max(",\t;，", key=lambda d: sum(line.count(d) for line in sample))
    if delimiter == "，":  # a full-width comma is no CSV delimiter of any spreadsheet
        text, delimiter = text.replace("，", ","), ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for i, row in enumerate(reader):
            if i > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ImportFailed(ImportCode.TOO_MANY_ROWS, rows=MAX_ROWS, part="file")
            budget.take(len(row))
            rows.append(row)
    except limits.TooLarge as exc:
        raise _too_large(exc) from None
    except csv.Error as exc:
        raise ImportFailed(ImportCode.CSV_MALFORMED, detail=str(exc)) from None
    return rows, f"CSV，{encoding}"


def _xlsx_rows(path: Path, kind: str) -> tuple[list[list[Any]], str]:
    from openpyxl import load_workbook

    sheets: list[tuple[str, list[list[Any]]]] = []
    try:
        limits.check_xlsx_archive(path)  # before openpyxl inflates anything
    except limits.TooLarge as exc:
        raise _too_large(exc) from None
    budget = limits.CellBudget()
    # A file object, not the path: openpyxl refuses a workbook whose name does not end
    # in .xlsx, and clerks rename files.
    with path.open("rb") as fh:
        try:
            book = load_workbook(fh, read_only=True, data_only=True)
            try:
                for sheet in book.worksheets:
                    rows = []
                    for i, row in enumerate(sheet.iter_rows(values_only=True)):
                        if i > MAX_ROWS + HEADER_SEARCH_ROWS:
                            raise ImportFailed(
                                ImportCode.TOO_MANY_ROWS, rows=MAX_ROWS, part="sheet"
                            )
                        try:
                            budget.take(len(row))
                        except limits.TooLarge as exc:
                            raise _too_large(exc) from None
                        rows.append(list(row))
                    sheets.append((sheet.title, rows))
            finally:
                book.close()
        except ImportFailed:
            raise
        except Exception as exc:  # a damaged workbook fails in many ways inside openpyxl
            raise ImportFailed(ImportCode.XLSX_UNREADABLE, error=type(exc).__name__) from None
    # the first sheet whose header the fields can be found in (a workbook often has a
    # cover or notes sheet first)
    for title, rows in sheets:
        if _header_row(rows, kind) is not None:
            return rows, f"Excel 工作簿，工作表“{title}”"
    return (sheets[0][1] if sheets else []), "Excel 工作簿"


def _too_large(exc: limits.TooLarge) -> ImportFailed:
    return ImportFailed(ImportCode.TOO_LARGE, what=str(exc))


def _read_rows(path: Path, kind: str) -> tuple[list[list[Any]], str]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFailed(ImportCode.FILE_TOO_BIG, mb=MAX_FILE_BYTES // 1_000_000)
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise ImportFailed(ImportCode.NOT_FOUND, path=str(path)) from None
    except IsADirectoryError:
        raise ImportFailed(ImportCode.IS_FOLDER, path=str(path)) from None
    except OSError as exc:
        raise ImportFailed(ImportCode.UNREADABLE, reason=str(exc.strerror or exc)) from None
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path, kind)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(ImportCode.OLD_XLS)
    try:
        with path.open("rb") as fh:  # what is read is bounded, whatever stat said
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImportFailed(ImportCode.UNREADABLE, reason=str(exc.strerror or exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise ImportFailed(ImportCode.FILE_TOO_BIG, mb=MAX_FILE_BYTES // 1_000_000)
    return _csv_rows(data)


def _header_row(rows: list[list[Any]], kind: str) -> int | None:
    """The index of the first row in which the required fields' headers are found."""
    fields, required = _SCHEMAS[kind]
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns, _ = _find_columns([normalize.cell_text(v) for v in row], fields)
        if {c.field for c in columns} >= set(required):
            return i
    return None


def _table(path: Path, kind: str) -> tuple[list[Column], list[str], Iterator, str]:
    fields, required = _SCHEMAS[kind]
    rows, file_format = _read_rows(Path(path), kind)
    header_index = _header_row(rows, kind)
    if header_index is None:
        wanted = "、".join(f"“{fields[f][0]}”" for f in required)
        raise ImportFailed(ImportCode.NO_HEADER, rows=HEADER_SEARCH_ROWS, columns=wanted)
    header = [normalize.cell_text(v) for v in rows[header_index]]
    columns, ignored = _find_columns(header, fields)

    def records() -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
        for offset, row in enumerate(rows[header_index + 1 :]):
            cells = [normalize.cell_text(v).strip() for v in row]
            if not any(cells):
                continue  # blank lines between blocks
            values = {c.field: (cells[c.index] if c.index < len(cells) else "") for c in columns}
            raw = {c.header: values[c.field] for c in columns}
            yield header_index + offset + 2, values, raw

    return columns, ignored, records(), file_format


# --- values -------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# Excel's day numbers (1900 date system) for 1982–2118: a date cell that lost its format.
_EXCEL_SERIAL_RANGE = (30_000, 80_000)


def parse_date(text: str) -> date | None:
    """2027-10-31, 2027/10/31, 2027.10.31, 2027年10月31日, 20271031, or an Excel day
    number. None when it is none of these (or not a real day)."""
    value = normalize.nfkc(text).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(value)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    if value.isdigit() and _EXCEL_SERIAL_RANGE[0] <= int(value) <= _EXCEL_SERIAL_RANGE[1]:
        from openpyxl.utils.datetime import from_excel

        return from_excel(int(value)).date()
    return None


def _cert_kind(text: str, rules: CertRules) -> str:
    """The rule kind the roster's certificate type names, or the text itself (an unknown
    kind is checked against every rule)."""
    for r in rules.rules:
        if text in (r.kind, r.label):
            return r.kind
    return text


# --- the two lists ------------------------------------------------------------------------


def read_roster(
    path: Path | str,
    *,
    cert_rules: CertRules | None = None,
    today: date | None = None,
) -> ImportResult:
    """Read a roster of certified officers. Raises ImportFailed for an unreadable file."""
    rules = cert_rules or default_cert_rules()
    today = today or now().date()
    columns, ignored, records, file_format = _table(Path(path), "roster")
    result = ImportResult("roster", Path(path).name, file_format, columns, ignored)
    seen: dict[str, int] = {}
    for row, values, raw in records:
        officer, problem = _officer(values, rules)
        if problem is None and officer.cert_no in seen:
            problem = f"执法证号 {officer.cert_no} 与第 {seen[officer.cert_no]} 行重复"
        if problem is not None:
            result.rejected.append(RowNote(row, problem, raw))
            continue
        seen[officer.cert_no] = row
        result.officers.append(officer)
        if officer.expires is not None and officer.expired_on(today):
            result.warnings.append(
                RowNote(
                    row,
                    f"{officer.name} 的执法证（{officer.cert_no}）已于 {date_text(officer.expires)}"
                    " 到期；仍导入名单，填表时会提示证件过期",
                    raw,
                )
            )
    return result


# What a spreadsheet program runs as a formula when the text is pasted or exported again.
_FORMULA_RE = re.compile(r"^[=+@]|^-(?=[^\d.\s-])")


def unsafe_text(values: dict[str, str], labels: Fields) -> str | None:
    """Why a row's text cannot be taken as the form's rules would take it, or None.

    The form refuses control, bidi, private-use and invisible characters in every field
    (``forms.identifiers.has_bad_characters``); a roster or directory row carrying one
    would put it into every filing made from it. Text that starts like a formula is no
    name, title, unit or address either, and would run in the next spreadsheet it
    reaches."""
    for key, raw in values.items():
        text = normalize.single_line(raw)
        label = labels[key][0] if key in labels else key
        if identifiers.has_bad_characters(text):
            return f"“{label}”中有不可见字符或控制字符（多见于从网页或文档复制的文字）"
        if _FORMULA_RE.match(text):
            return f"“{label}”以“{text[0]}”开头，像是表格公式，不是{label}"
    return None


def _officer(values: dict[str, str], rules: CertRules) -> tuple[Officer, str | None]:
    name = normalize.person_name(values.get("name", ""))
    cert_no = normalize.code(values.get("cert_no", ""))
    empty = Officer("", "")
    unsafe = unsafe_text(values, ROSTER_FIELDS)
    if unsafe:
        return empty, unsafe
    if not name:
        return empty, "缺少姓名"
    if identifiers.check_person_name(name):
        return empty, f"姓名“{name}”不像人名（只能是汉字或字母，少数民族姓名用“·”分隔）"
    if not cert_no:
        return empty, f"{name} 缺少执法证号"
    kind = _cert_kind(normalize.single_line(values.get("kind", "")), rules)
    if not rules.accepts(cert_no, kind):
        lo, hi = rules.length_range
        return empty, (
            f"{name} 的执法证号“{cert_no}”不符合证件号规则"
            f"（{lo}–{hi} 位大写字母或数字，可用“-”分隔）"
        )
    expires_text = values.get("expires", "").strip()
    expires = None
    if expires_text:
        expires = parse_date(expires_text)
        if expires is None:
            return empty, f"{name} 的有效期“{expires_text}”无法识别为日期（可写作 2027-10-31）"
    title = normalize.single_line(values.get("title", ""))
    unit = normalize.single_line(values.get("unit", ""))
    return Officer(name, cert_no, title, unit, kind, expires), None


def read_enterprises(path: Path | str) -> ImportResult:
    """Read an enterprise directory. Raises ImportFailed for an unreadable file."""
    columns, ignored, records, file_format = _table(Path(path), "enterprises")
    result = ImportResult("enterprises", Path(path).name, file_format, columns, ignored)
    seen: dict[str, int] = {}
    for row, values, raw in records:
        name = normalize.single_line(values.get("name", ""))
        code = normalize.uscc(values.get("uscc", ""))
        problem = unsafe_text(values, ENTERPRISE_FIELDS)
        if problem:
            pass
        elif not name:
            problem = "缺少企业名称"
        elif code and identifiers.check_uscc(code) == "bad_uscc":
            problem = f"{name} 的统一社会信用代码“{code}”格式不对（应为 18 位数字或大写字母）"
        elif code and identifiers.check_uscc(code):
            problem = f"{name} 的统一社会信用代码“{code}”校验位不对，可能有字符输错"
        elif code and code in seen:
            problem = f"统一社会信用代码 {code} 与第 {seen[code]} 行重复"
        if problem:
            result.rejected.append(RowNote(row, problem, raw))
            continue
        if code:
            seen[code] = row
        else:
            result.warnings.append(RowNote(row, f"{name} 没有统一社会信用代码；仍导入", raw))
        result.enterprises.append(
            Enterprise(
                name=name,
                uscc=code,
                address=normalize.single_line(values.get("address", "")),
                park=normalize.single_line(values.get("park", "")),
            )
        )
    return result


def read(kind: str, path: Path | str, **options: Any) -> ImportResult:
    """``read_roster`` or ``read_enterprises`` by name ("roster" / "enterprises")."""
    if kind == "roster":
        return read_roster(path, **options)
    if kind == "enterprises":
        return read_enterprises(path)
    raise ValueError(f"unknown import kind: {kind}")
