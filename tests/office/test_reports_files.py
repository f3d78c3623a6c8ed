"""``beian-office report``: the XLSX read back with openpyxl, the PDF with pdfplumber
(text) and pypdf (every font embedded), on both backends."""

from __future__ import annotations

import stat
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from pypdf import PdfReader

from office.store import OfficeStore
from tests.office.reports_data import CITY_UNIT, ENTERPRISE_Y, YUETANG_UNIT, YUHU_UNIT, build
from tests.support.office import new_office_db, office_cli

HEADER = [
    "单位",
    "备案数",
    "事前备案",
    "事后补报",
    "逾期补报",
    "退回",
    "联合检查提示",
    "重复检查提示",
    "计划外检查",
]


@pytest.fixture
def db(request, tmp_path, office_backend, monkeypatch) -> Path | str:
    target = new_office_db(request, office_backend, tmp_path)
    store = OfficeStore.open(target)
    try:
        build(store, monkeypatch)
    finally:
        store.dispose()
    return target


def test_the_workbook_has_a_row_per_unit_each_office_and_the_total(db, tmp_path):
    out = tmp_path / "q4.xlsx"
    done = office_cli(db, "report", "--period", "2025Q4", "--format", "xlsx", "-o", str(out))
    assert "备案 6 件" in done.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "按月", "按企业", "逾期补报"]
    rows = list(wb["汇总"].iter_rows(values_only=True))
    header = list(rows[0])
    assert all(h in header for h in HEADER)
    by_unit = {r[header.index("单位")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_unit[CITY_UNIT]["备案数"] == 4 and by_unit[CITY_UNIT]["逾期补报"] == 1
    assert by_unit[CITY_UNIT]["退回"] == 1
    assert by_unit[YUHU_UNIT]["联合检查提示"] == 1 and by_unit[YUHU_UNIT]["重复检查提示"] == 1
    assert by_unit[YUETANG_UNIT]["计划外检查"] == 1
    assert by_unit["雨湖区小计"]["备案数"] == 1
    total = by_unit["合计"]
    assert (total["备案数"], total["事前备案"], total["事后补报"], total["逾期补报"]) == (
        6,
        3,
        3,
        2,
    )
    assert rows[-1][header.index("单位")] == "合计"
    late = list(wb["逾期补报"].iter_rows(values_only=True))
    assert len(late) == 3 and {r[6] for r in late[1:]} == {1, 2}
    names = [r[0] for r in wb["按企业"].iter_rows(min_row=2, values_only=True)]
    # A name that starts like a formula stays text.
    assert "'" + ENTERPRISE_Y["name"] in names
    assert not any(
        c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row
    )


def test_a_county_report_names_only_its_units(db, tmp_path):
    out = tmp_path / "yuhu.xlsx"
    office_cli(db, "report", "--office", "430302", "--period", "2025Q4", "-o", str(out))
    units = [
        r[1] for r in openpyxl.load_workbook(out)["汇总"].iter_rows(min_row=2, values_only=True)
    ]
    assert units == [YUHU_UNIT, "合计"]


def test_the_bulletin_is_a_pdf_with_every_font_embedded(db, tmp_path):
    out = tmp_path / "q4.pdf"
    office_cli(db, "report", "--period", "2025Q4", "--format", "pdf", "-o", str(out))
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert all(abs(p.width - 595.3) < 1 and abs(p.height - 841.9) < 1 for p in pdf.pages)
    flat = text.replace("\n", "").replace(" ", "")
    assert "湘潭市涉企行政执法检查备案情况通报" in flat
    assert "2025年第四季度" in flat
    assert "共收到涉企行政检查备案6件" in flat
    assert "逾期补报清单" in flat and YUETANG_UNIT in flat
    assert "各月备案件数" in flat
    reader = PdfReader(out)
    fonts = set()
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            assert descriptor is not None, font
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
            fonts.add(str(font["/BaseFont"]))
        for xobject in resources.get("/XObject", {}).values():
            assert "/Font" not in xobject.get_object().get("/Resources", {})
    assert fonts


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2025Q9", "-o", "x.xlsx"], "统计期间"),
        (["--period", "2025Q4", "-o", "x.txt"], "格式"),
        (["--period", "2025Q4", "--office", "999999", "-o", "x.pdf"], "没有代码为 999999"),
    ],
)
def test_bad_input_is_answered_in_chinese(db, tmp_path, args, message):
    args = [a if a not in ("x.xlsx", "x.txt", "x.pdf") else str(tmp_path / a) for a in args]
    done = office_cli(db, "report", *args, check=False)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
