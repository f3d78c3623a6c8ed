import json
import re
from importlib import resources

import pytest

from forms.definition import DEFAULT_FORM_ID, known_form_ids, load_definition

# Every field of FORM.md with its label on the paper form.
FORM_MD_FIELDS = {
    "lead_unit": "单位（牵头单位）",
    "joint_units": "联合单位",
    "leader.name": "姓名",
    "leader.title": "职务",
    "leader.phone": "联系电话",
    "leader.cert_no": "执法证号",
    "inspectors[].name": "姓名",
    "inspectors[].cert_no": "执法证号",
    "enterprise.name": "企业名称",
    "enterprise.uscc": "统一社会信用代码",
    "enterprise.address": "地址",
    "enterprise.park": "所在园区",
    "items": "检查项目",
    "basis": "检查依据",
    "content": "检查内容",
    "head_opinion": "检查单位主要负责人意见",
}


@pytest.fixture(scope="module")
def definition():
    return load_definition()


def test_default_form_is_known():
    assert DEFAULT_FORM_ID == "xiangtan-beian/2024"
    assert DEFAULT_FORM_ID in known_form_ids()


@pytest.mark.parametrize("path,label", FORM_MD_FIELDS.items())
def test_every_form_field_has_its_paper_label(definition, path, label):
    assert definition.label(path) == label


def test_contract_fields_present(definition):
    paths = {f.path for f in definition.walk()}
    for key in (
        "form",
        "id",
        "revision",
        "kind",
        "post_hoc_reason",
        "post_hoc_explanation",
        "plan_ref",
        "inspection_start",
        "inspection_end",
    ):
        assert key in paths


def test_every_text_field_has_a_limit(definition):
    for f in definition.walk():
        if f.type in ("text", "multiline", "person_name", "phone", "cert_no", "uscc", "text_list"):
            assert f.max_length, f.path


def test_post_hoc_reasons_are_those_of_the_design(definition):
    assert set(definition.post_hoc_reasons) == {
        "national_security",
        "public_safety",
        "food_drug_safety",
        "work_safety",
        "environment",
        "public_health",
        "complaint",
        "case_investigation",
        "assigned_by_superior",
    }


def test_officers_group_is_repeatable(definition):
    inspectors = definition.field("inspectors")
    assert inspectors.is_repeat and inspectors.max_items >= 10
    assert [f.id for f in inspectors.fields] == ["name", "cert_no"]


def test_paper_layout_refers_only_to_known_fields(definition):
    paths = {f.path for f in definition.walk()}
    for section in definition.paper["rows"]:
        for row in section["rows"]:
            for cell in row["cells"]:
                for ref in re.findall(r"{([^}]+)}", cell.get("text", "")):
                    assert ref in paths, ref
        if "only_if" in section:
            assert section["only_if"] in paths


def test_paper_sections_follow_the_sample(definition):
    sections = [s["section"] for s in definition.paper["rows"]]
    sample = [
        "检查单位",
        "检查时间",
        "带队人员",
        "其他检查人员",
        "检查对象",
        "检查项目",
        "检查依据",
        "检查内容",
        "检查单位主要负责人意见",
    ]
    assert [s for s in sections if s in sample] == sample
    assert [c["label"] for c in definition.paper["copies"]] == ["第一联", "第二联", "第三联"]
    assert "一式三份" in definition.paper["footer"]


def test_unknown_form_id_raises():
    for bad in ("xiangtan-beian/1999", "../etc/passwd", "", "a/b/c"):
        with pytest.raises(KeyError):
            load_definition(bad)


def test_definition_file_is_valid_json_with_its_own_id():
    entry = resources.files("forms").joinpath("data/xiangtan-beian-2024.json")
    assert json.loads(entry.read_text("utf-8"))["id"] == DEFAULT_FORM_ID
