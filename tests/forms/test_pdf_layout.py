"""The paper layout filled from the definition: templates, repeats, formatting."""

from __future__ import annotations

import copy
import re

import pytest

from forms.definition import FormDefinition, load_definition
from forms.pdf.layout import MAX_VALUE_CHARS, Values, build_paper, fill, printable

DEFINITION = load_definition()


def cells_text(paper) -> list[str]:
    return [c.text for s in paper.sections for r in s.rows for c in r.cells]


def section(paper, label: str):
    return next(s for s in paper.sections if s.label == label)


def test_fill_leaves_out_lines_whose_placeholders_are_all_empty():
    values = {"a": "湘潭", "b": "", "c": ""}
    template = "{a}\n代码：{b}\n固定文字\n{b}与{c}\n{a}与{b}"
    assert fill(template, values.get) == "湘潭\n固定文字\n湘潭与"


def test_values_print_as_the_paper_wants(good_filing):
    filing = copy.deepcopy(good_filing)
    filing.update(
        kind="post_hoc",
        post_hoc_reason="public_health",
        joint_units=["湘潭市应急管理局", "", "湘潭市生态环境局"],
        inspection_end="不是时间",
    )
    v = Values(filing, DEFINITION)
    assert v.text("post_hoc_reason") == "公共卫生等突发应急事件"
    assert v.text("inspection_start") == "2026年12月3日 09:00"
    assert v.text("inspection_end") == "不是时间"  # printed as typed; the rules report it
    assert v.text("joint_units") == "湘潭市应急管理局、湘潭市生态环境局"
    assert v.text("inspectors[].name", 0) == "易桐"
    assert v.text("inspectors[].name", 5) == ""
    assert v.text("plan_ref") == ""


def test_values_of_the_wrong_shape_never_crash(good_filing):
    filing = copy.deepcopy(good_filing)
    filing.update(revision=True, lead_unit=12345, leader="熊平华", inspectors="易桐", items=None)
    del filing["content"]
    paper = build_paper(filing, DEFINITION)
    texts = cells_text(paper)
    assert "12345" in texts
    inspectors = section(paper, "其他检查人员")
    assert len(inspectors.rows) == 2  # the sample's two blank rows
    with pytest.raises(ValueError):
        Values(filing, DEFINITION).text("no_such_field")


def test_printable_drops_controls_and_keeps_line_breaks():
    assert printable("  第一行\r\n\t第二行\u200b\x07 \n\n") == "第一行\n 第二行"
    assert printable("熊\U0002c317华\ufe00") == "熊\U0002c317华"


def test_overlong_values_are_cut_with_a_mark(good_filing):
    filing = copy.deepcopy(good_filing)
    filing["content"] = "查" * (MAX_VALUE_CHARS + 500)
    mark = DEFINITION.paper["marks"]["truncated"]
    text = Values(filing, DEFINITION, mark).text("content")
    assert text == "查" * MAX_VALUE_CHARS + mark


@pytest.mark.parametrize("count, rows", [(0, 2), (1, 2), (2, 2), (12, 12)])
def test_inspector_rows_repeat_with_a_minimum_of_two(good_filing, count, rows):
    filing = copy.deepcopy(good_filing)
    filing["inspectors"] = [{"name": f"易{i}", "cert_no": f"4303{i:07d}"} for i in range(count)]
    paper = build_paper(filing, DEFINITION)
    inspectors = section(paper, "其他检查人员")
    assert len(inspectors.rows) == rows
    names = [r.cells[1].text for r in inspectors.rows]
    assert names[:count] == [f"易{i}" for i in range(count)]
    assert all(n == "" for n in names[count:])


def test_post_hoc_section_only_for_post_hoc_filings(good_filing):
    labels = [s.label for s in build_paper(good_filing, DEFINITION).sections]
    assert "补报情形" not in labels
    filing = copy.deepcopy(good_filing)
    filing.update(kind="post_hoc", post_hoc_reason="complaint", post_hoc_explanation="接投诉")
    paper = build_paper(filing, DEFINITION)
    (row,) = section(paper, "补报情形").rows
    assert row.cells[0].text == "事后补报（投诉举报）：接投诉"


def test_labels_and_texts_come_from_the_definition(good_filing):
    raw = copy.deepcopy(DEFINITION.raw)
    raw["paper"]["rows"][0]["section"] = "执法单位"
    raw["paper"]["rows"][0]["rows"][0]["cells"][0]["label"] = "主办单位"
    raw["paper"]["copies"][2]["notice"] = ["企业可拨打12345反映。"]
    raw["paper"]["footer"] = "注：一式三份。"
    paper = build_paper(good_filing, FormDefinition(raw))
    assert paper.sections[0].label == "执法单位"
    assert paper.sections[0].rows[0].cells[0].text == "主办单位"
    assert paper.copies[2].notice == ("企业可拨打12345反映。",)
    assert paper.footer == "注：一式三份。"


def test_every_form_field_has_a_place_on_paper():
    templates = " ".join(
        cell.get("text", "")
        for s in DEFINITION.paper["rows"]
        for r in s["rows"]
        for cell in r["cells"]
    )
    placed = set(re.findall(r"\{([^{}]+)\}", templates))
    fields = {
        f.path
        for f in DEFINITION.walk()
        if not (f.meta or f.is_group or f.is_repeat) and f.id != "kind"
    }
    assert fields - placed == set()


def test_copies_say_who_keeps_them(good_filing):
    paper = build_paper(good_filing, DEFINITION)
    assert [(c.number, c.label, c.keeper) for c in paper.copies] == [
        (1, "第一联", "优化营商环境部门留存"),
        (2, "第二联", "检查单位留存"),
        (3, "第三联", "被检查对象留存"),
    ]
    assert [bool(c.notice) for c in paper.copies] == [False, False, True]
