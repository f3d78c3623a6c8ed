"""The enterprises' evaluations and visits in the period's counts, the 汇总 sheet and the
通报, against the reports data set with feedback added, on both backends."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import openpyxl
import pytest

from office.reports import bulletin, counts, periods, workbook
from office.store import OfficeStore
from tests.office.reports_data import (
    CITY_UNIT,
    YUETANG_UNIT,
    YUHU_UNIT,
    add_feedback,
    build,
)

TODAY = date(2026, 3, 1)
KEYS = (
    "evaluations",
    "disrupted",
    "principal_required",
    "complaints",
    "visits",
    "unvisited",
)


@pytest.fixture
def summary(store: OfficeStore, monkeypatch: pytest.MonkeyPatch) -> counts.Summary:
    add_feedback(store, build(store, monkeypatch))
    with store.read() as db:
        return counts.summarise(db, "430300", periods.parse("2025Q4"), today=TODAY)


def _picked(c: counts.Counts) -> dict[str, object]:
    return {**{k: getattr(c, k) for k in KEYS}, "mean": c.satisfaction_mean}


def test_evaluations_and_visits_count_per_unit_office_and_total(summary):
    by_unit = {r.unit: r.counts for r in summary.units}
    assert _picked(by_unit[CITY_UNIT]) == {
        "evaluations": 1,  # D; A's was made in January
        "disrupted": 1,
        "principal_required": 0,
        "complaints": 1,
        "visits": 0,
        "unvisited": 2,  # D, and G whose inspection ended in Q4
        "mean": 4.0,
    }
    assert _picked(by_unit[YUHU_UNIT]) == {
        "evaluations": 1,
        "disrupted": 0,
        "principal_required": 1,
        "complaints": 0,
        "visits": 2,
        "unvisited": 0,
        "mean": 5.0,
    }
    assert _picked(by_unit[YUETANG_UNIT]) == {
        **dict.fromkeys(KEYS, 0),
        "mean": None,  # F's visit was recorded in January: visited, but not a Q4 visit
    }
    offices = {o.office.code: o.counts for o in summary.offices}
    assert (offices["430300"].evaluations, offices["430302"].visits) == (1, 2)
    assert _picked(summary.total) == {
        "evaluations": 2,
        "disrupted": 1,
        "principal_required": 1,
        "complaints": 1,
        "visits": 2,
        "unvisited": 2,
        "mean": 4.5,
    }


def test_an_inspection_not_yet_ended_is_not_unvisited(store, monkeypatch):
    add_feedback(store, build(store, monkeypatch))
    with store.read() as db:
        s = counts.summarise(db, "430300", periods.parse("2025Q4"), today=date(2025, 11, 1))
    assert s.total.unvisited == 1  # only G (ended 10-25); D ends 11-25


def test_the_summary_sheet_has_the_columns_and_never_the_text(summary):
    wb = openpyxl.load_workbook(io.BytesIO(workbook.build(summary)))
    rows = list(wb["汇总"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[-7:] == [
        "评价数",
        "平均满意度",
        "影响生产经营",
        "要求负责人陪同",
        "投诉",
        "扫码留痕",
        "未扫码",
    ]
    by_unit = {r[1]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_unit[CITY_UNIT]["评价数"] == 1 and by_unit[CITY_UNIT]["投诉"] == 1
    assert by_unit[YUHU_UNIT]["扫码留痕"] == 2
    assert by_unit[YUETANG_UNIT]["平均满意度"] is None  # blank, not 0
    assert by_unit["雨湖区小计"]["要求负责人陪同"] == 1
    assert by_unit["合计"]["平均满意度"] == 4.5 and by_unit["合计"]["未扫码"] == 2
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert not any("秘密投诉" in c or "13800000000" in c for c in cells)


def test_the_bulletin_says_it_in_one_line_without_the_text(summary, tmp_path):
    lines = [s for s in bulletin.highlights(summary) if "企业评价" in s]
    assert lines == [
        "企业评价 2 条，平均满意度 4.5，反映影响生产经营 1 条、要求主要负责人陪同 1 条，"
        "投诉 1 件；扫码留痕 2 次，检查结束未扫码 2 件。"
    ]
    pdf = tmp_path / "bulletin.pdf"
    pdf.write_bytes(bulletin.render(summary))
    text = (
        subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True)
        .stdout.replace("\n", "")
        .replace(" ", "")
    )
    assert "扫码留痕2次" in text and "平均满意度4.5" in text
    assert "秘密投诉" not in text and "13800000000" not in text
