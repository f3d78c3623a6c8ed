"""Bounds on a roster or directory spreadsheet, checked before the work they bound.

The file-size and row limits of ``desktop.spreadsheets`` look at the compressed file and
at rows; neither bounds what a small XLSX inflates to, nor the cells of a row. A 1.5 MB
workbook whose one shared string inflates to 1.5 GB took 3.1 GB of memory; 100,000 rows
of 300 cells ran for more than five minutes; a CSV header of two million columns took
10 s and 448 MB. So:

- an XLSX is a ZIP archive: before openpyxl opens it, the *inflated* size of every part
  (``zipfile`` yields no more than the size the archive's directory declares, so the
  declared size is a real bound), their total and their compression ratio are checked;
- rows are streamed (openpyxl ``read_only``) and counted against a cell budget and a
  column limit as they come;
- a CSV line longer than any roster row could be is refused before the CSV parser
  splits it, and so is a row of more columns than the limit.

Every refusal says what is too large, in Chinese.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

MAX_COLUMNS = 100  # a roster has 6 columns, a directory 4; units add a few of their own
MAX_CELLS = 1_000_000  # 100,000 rows of 10 columns
MAX_SHEET_BYTES = 64 * 1024 * 1024  # one worksheet's XML, inflated
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024  # loaded whole by openpyxl
MAX_OTHER_PART_BYTES = 8 * 1024 * 1024  # styles, workbook, relationships, ...
MAX_INFLATED_BYTES = 128 * 1024 * 1024
MAX_RATIO = 200  # legitimate parts compress 5 to 50 times; a bomb thousands of times
RATIO_FLOOR_BYTES = 1024 * 1024  # small parts may compress as they like
MAX_CSV_LINE_CHARS = 20_000


class TooLarge(ValueError):  # noqa: N818 - a refusal; desktop.spreadsheets words it
    """``str(exc)`` says in Chinese what is too large."""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def _part_limit(name: str) -> int:
    if name.startswith("xl/worksheets/"):
        return MAX_SHEET_BYTES
    if name == "xl/sharedStrings.xml":
        return MAX_SHARED_STRINGS_BYTES
    return MAX_OTHER_PART_BYTES


def check_xlsx_archive(path: Path) -> None:
    """Raise TooLarge when a part of the workbook inflates beyond its bound.

    A file that is no ZIP archive at all passes: openpyxl says it is damaged."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        total = 0
        for info in archive.infolist():
            limit = _part_limit(info.filename)
            if info.file_size > limit:
                raise TooLarge(
                    f"工作簿中的“{info.filename[:60]}”解压后有 {_mb(info.file_size)}，"
                    f"超过 {_mb(limit)} 的上限"
                )
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise TooLarge(
                    f"工作簿中的“{info.filename[:60]}”压缩比异常（解压后 {_mb(info.file_size)}），"
                    "不像正常的表格"
                )
            total += info.file_size
            if total > MAX_INFLATED_BYTES:
                raise TooLarge(f"工作簿解压后超过 {_mb(MAX_INFLATED_BYTES)} 的上限")


class CellBudget:
    """Counts the cells of streamed rows; raises TooLarge past a limit."""

    def __init__(self) -> None:
        self.cells = 0

    def take(self, row_length: int) -> None:
        if row_length > MAX_COLUMNS:
            raise TooLarge(f"表格有一行超过 {MAX_COLUMNS} 列")
        self.cells += row_length
        if self.cells > MAX_CELLS:
            raise TooLarge(f"表格超过 {MAX_CELLS:,} 个单元格")


_LONG_LINE_RE = re.compile(f"[^\\r\\n]{{{MAX_CSV_LINE_CHARS + 1}}}")


def check_csv_text(text: str) -> None:
    """Raise TooLarge for a line longer than any row of a roster could be."""
    if _LONG_LINE_RE.search(text):
        raise TooLarge(f"CSV 文件有一行超过 {MAX_CSV_LINE_CHARS:,} 个字符（列数或内容过多）")
