# ruff: noqa: E501 - the OOXML namespaces and content types are long
"""Spreadsheet bombs against the desk's roster and directory imports (``beian
import-roster`` / ``import-enterprises``, the same code as the window's import dialog).

The file-size and row limits looked at the compressed file and at rows only: a small
XLSX whose one shared string inflates to 1.5 GB took 3.1 GB and 88 s before a
MemoryError reported as "damaged or password protected"; 100,000 rows × 300 cells ran
past five minutes; a CSV header of two million columns took 10 s and 448 MB. Each bomb is
built here (small on disk) and imported by a real ``beian`` process, whose peak resident
memory is measured: every one is refused early, with a message saying what is too large,
under 300 MB. Rows with invisible characters or formulas are refused one by one.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.support.desk import REPO, Desk
from tests.support.peak_memory import run_measured

PEAK_LIMIT_MB = 300

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>执法证号</t></is></c></row>'
)
CHUNK = 1 << 20


def _workbook(
    path: Path,
    *,
    rows: tuple[str, int] = ("", 0),
    shared: tuple[str, int] = ("", 0),
    dimension: str | None = None,
) -> Path:
    """A minimal XLSX: ``rows`` is (one row's XML, how many times), ``shared`` is (text of
    the one shared string, how many times it repeats inside it). Parts are streamed into
    the archive, so a bomb of hundreds of MB costs a few MB of memory to build."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = SHEET_HEAD + (f'<dimension ref="{dimension}"/>' if dimension else "")
            sheet.write((head + "<sheetData>" + HEADER_ROW).encode())
            row, times = rows
            batch = (row * max(1, CHUNK // max(len(row), 1))).encode()
            per_batch = max(1, CHUNK // max(len(row), 1))
            written = 0
            while row and written + per_batch <= times:
                sheet.write(batch)
                written += per_batch
            if row:
                sheet.write((row * (times - written)).encode())
            sheet.write(b"</sheetData></worksheet>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            text, times = shared
            strings.write(b'<?xml version="1.0" encoding="UTF-8"?>')
            strings.write(
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
            )
            block = (text * CHUNK).encode() if text else b""
            for _ in range(times // CHUNK):
                strings.write(block)
            strings.write((text * (times % CHUNK)).encode())
            strings.write(b"</t></si></sst>")
    return path


def _import(
    tmp_path: Path, kind: str, path: Path | str
) -> tuple[subprocess.CompletedProcess[str], float]:
    """``beian import-<kind> FILE`` in a child of a small Python that reports the
    child's peak resident memory (ru_maxrss of RUSAGE_CHILDREN) in MB."""
    desk = Desk(tmp_path / "desk")
    return run_measured(
        desk.command(f"import-{kind}", str(path)), cwd=REPO, env=desk.env(), timeout=240
    )


def _assert_refused(result: subprocess.CompletedProcess[str], peak: float, *words: str) -> None:
    print(f"peak {peak:.0f} MB: {result.stderr}")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "损坏" not in result.stderr  # a bomb is not reported as a damaged file
    for word in words:
        assert word in result.stderr
    assert peak < PEAK_LIMIT_MB


CELL = '<c t="n"><v>1</v></c>'


@pytest.mark.slow
def test_a_shared_string_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    bomb = _workbook(tmp_path / "bomb.xlsx", shared=("A", 400 * 1024 * 1024))
    assert bomb.stat().st_size < 3_000_000
    result, peak = _import(tmp_path, "roster", bomb)
    _assert_refused(result, peak, "sharedStrings.xml", "解压后", "MB")


@pytest.mark.slow
def test_a_hundred_thousand_rows_of_300_cells_are_refused_early(tmp_path: Path) -> None:
    row = "<row>" + CELL * 300 + "</row>"
    bomb = _workbook(tmp_path / "wide.xlsx", rows=(row, 100_000))
    assert bomb.stat().st_size < 20_000_000
    result, peak = _import(tmp_path, "roster", bomb)
    _assert_refused(result, peak, "sheet1.xml", "解压后")


@pytest.mark.slow
def test_the_cell_budget_stops_a_sheet_that_passes_the_archive_checks(tmp_path: Path) -> None:
    row = "<row>" + CELL * 60 + "</row>"
    sheet = _workbook(tmp_path / "many.xlsx", rows=(row, 20_000))
    result, peak = _import(tmp_path, "enterprises", sheet)
    _assert_refused(result, peak, "单元格")


def test_a_sheet_claiming_sixteen_thousand_columns_is_refused_at_its_first_row(
    tmp_path: Path,
) -> None:
    row = '<row><c r="A2" t="inlineStr"><is><t>张三</t></is></c></row>'
    sheet = _workbook(tmp_path / "dimension.xlsx", rows=(row, 1), dimension="A1:XFD1048576")
    result, peak = _import(tmp_path, "roster", sheet)
    _assert_refused(result, peak, "列")


def test_a_csv_header_of_two_million_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "姓名,执法证号," + ",".join(["x"] * 2_000_000) + "\n张三,43031119004\n", "utf-8"
    )
    result, peak = _import(tmp_path, "roster", path)
    _assert_refused(result, peak, "CSV", "字符")


def test_a_csv_of_too_many_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "columns.csv"
    path.write_text("姓名,执法证号," + ",".join(["备注"] * 150) + "\n", "utf-8")
    result, peak = _import(tmp_path, "roster", path)
    _assert_refused(result, peak, "列")


def test_dev_zero_is_not_read_without_end(tmp_path: Path) -> None:
    result, peak = _import(tmp_path, "roster", "/dev/zero")
    _assert_refused(result, peak, "过大")


def test_rows_with_invisible_characters_or_formulas_are_refused_one_by_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        "姓名,执法证号,职务,单位\n"
        "熊平华,43031119004,四级主任科员,湘潭市市场监督管理局\n"
        "易桐,43031121002,科员,湘潭市\u202e局理管督监\n"
        '李明,43031121003,=HYPERLINK("http://x"),湘潭市市场监督管理局\n'
        "王芳,43031121004,@SUM(A1),湘潭市市场监督管理局\n"
        "赵六,43031121005,-,湘潭市市场监督管理局\n",
        "utf-8",
    )
    desk = Desk(tmp_path / "desk")
    result = desk.run("import-roster", str(path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "第 3 行" in out and "不可见字符" in out
    assert "第 4 行" in out and "第 5 行" in out and "公式" in out
    with desk.store() as store:
        names = sorted(o.name for o in store.officers())
    assert names == sorted(["熊平华", "赵六"])
