"""Certificate rules as shapes and lengths, stored as the rules JSON."""

from __future__ import annotations

import pytest

from desktop import cert_rule_shapes as shapes
from forms.certificates import default_cert_rules


@pytest.mark.parametrize(
    ("shape", "text", "yes", "no"),
    [
        (shapes.DIGITS, "", "43031119004", "4303111900A"),
        (shapes.LETTERS_DIGITS, "", "HN2024AB01", "HN-2024"),
        (shapes.PREFIX_DIGITS, "jt", "JT12345678", "JX12345678"),
        (shapes.GROUPS, "", "HN-2024-001", "HN--2024"),
        (shapes.CUSTOM, "^[0-9]{4}-[0-9]{4}$", "1234-5678", "12345678"),
    ],
)
def test_each_shape_round_trips_and_checks(shape, text, yes, no):
    form = shapes.RuleForm("k", "某证", shape, text, 4, 12)
    assert shapes.form_problem(form) == ""
    rule = shapes.rule_of(form)
    again = shapes.form_of(rule)
    assert again.shape == shape and shapes.rule_of(again) == rule
    rules = {"rules": [rule]}
    assert shapes.matching_kinds(rules, yes) == [("k", "某证")]
    assert shapes.matching_kinds(rules, no) == []


def test_the_default_rules_load_as_a_shape():
    (rule,) = default_cert_rules().to_dict()["rules"]
    assert shapes.form_of(rule).shape == shapes.GROUPS


def test_an_unknown_pattern_stays_as_it_is():
    rule = {"kind": "x", "label": "X", "pattern": "^A[0-9]{3}$", "min_length": 4, "max_length": 4}
    form = shapes.form_of(rule)
    assert form.shape == shapes.CUSTOM and form.text == "^A[0-9]{3}$"
    assert shapes.rule_of(form) == rule


def test_numbers_are_read_as_the_desk_reads_them():
    rules = default_cert_rules().to_dict()
    assert shapes.matching_kinds(rules, "４３０３ １１１９００４") == [
        ("default", "行政执法证件（通用）")
    ]
    assert shapes.matching_kinds(rules, "43") == []  # too short


@pytest.mark.parametrize(
    ("form", "says"),
    [
        (shapes.RuleForm("", "某证", shapes.DIGITS, "", 4, 9), "证件类型代码"),
        (shapes.RuleForm("k", "某证", shapes.PREFIX_DIGITS, "J-T", 4, 9), "前缀"),
        (shapes.RuleForm("k", "某证", shapes.CUSTOM, "", 4, 9), "请填写格式"),
        (shapes.RuleForm("k", "某证", shapes.CUSTOM, "[0-9", 4, 9), "格式有误"),
        (shapes.RuleForm("k", "某证", shapes.DIGITS, "", 9, 4), "长度范围"),
        (shapes.RuleForm("k", "某证", shapes.DIGITS, "", 4, 65), "长度范围"),
    ],
)
def test_form_problems_are_said_in_chinese(form, says):
    assert says in shapes.form_problem(form)
