"""The rules, each tested with real identifiers and the input clerks really type."""

from datetime import date, datetime

import pytest

from forms import rules
from forms.certificates import CertRules
from forms.record import new_filing
from forms.roster import Officer, Roster
from forms.workdays import WorkCalendar


def check(filing, at, **context):
    return rules.validate(filing, at=at, **context)


def codes(report, path=None):
    return [(p.field, p.code) for p in report.problems if path is None or p.field == path]


def only(report, path):
    found = codes(report, path)
    assert len(found) == 1, report.problems
    return found[0][1]


# --- a complete, correct filing ----------------------------------------------------------


def test_complete_correct_filing_has_no_problems(good_filing, at):
    report = check(good_filing, at)
    assert report.problems == []
    assert not report.has_errors
    assert report.normalized == good_filing


def test_every_problem_has_path_code_severity_and_chinese_message(good_filing, at):
    good_filing["leader"]["phone"] = "123"
    good_filing["enterprise"]["uscc"] = ""
    report = check(good_filing, at)
    assert {p.severity for p in report.problems} == {"error", "warning"}
    for p in report.problems:
        assert p.field and p.code and p.message
        assert any("\u4e00" <= ch <= "\u9fff" for ch in p.message)
        assert set(p.to_dict()) == {"field", "code", "severity", "message"}


# --- required fields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "lead_unit",
        "leader.name",
        "leader.title",
        "leader.phone",
        "leader.cert_no",
        "enterprise.name",
        "items",
        "basis",
        "content",
        "inspection_start",
        "inspection_end",
    ],
)
@pytest.mark.parametrize("blank", ["", "   ", "\u3000\u3000", "\t\n"])
def test_blank_required_field_is_missing(good_filing, at, path, blank):
    target = good_filing
    *parents, key = path.split(".")
    for p in parents:
        target = target[p]
    target[key] = blank
    report = check(good_filing, at)
    assert (path, "required") in codes(report)


def test_new_blank_filing_lists_every_required_field(at):
    report = check(new_filing(), at)
    missing = {p.field for p in report.problems if p.code == "required"}
    assert {
        "lead_unit",
        "leader.name",
        "leader.phone",
        "enterprise.name",
        "items",
        "basis",
        "content",
        "inspection_start",
    } <= missing
    assert "head_opinion" not in missing and "enterprise.park" not in missing


def test_missing_credit_code_is_a_warning(good_filing, at):
    good_filing["enterprise"]["uscc"] = ""
    report = check(good_filing, at)
    assert codes(report) == [("enterprise.uscc", "uscc_missing")]
    assert not report.has_errors


# --- normalisation -----------------------------------------------------------------------


def test_full_width_and_pasted_input_is_normalised(good_filing, at):
    good_filing["lead_unit"] = "  湘潭市 市场监督管理局\u200b "
    good_filing["leader"]["phone"] = "１３８ ０７３２－１２３４"
    good_filing["leader"]["cert_no"] = "４３０３１１１９００４"
    good_filing["enterprise"]["uscc"] = "９１４３ ０３０４ｍａ４ｙｇ５７ｆｊｃ"
    good_filing["items"] = "食品生产许可条件\r\n\r\n\r\n保持情况   "
    report = check(good_filing, at)
    assert report.problems == []
    n = report.normalized
    assert n["lead_unit"] == "湘潭市市场监督管理局"
    assert n["leader"]["phone"] == "13807321234"
    assert n["leader"]["cert_no"] == "43031119004"
    assert n["enterprise"]["uscc"] == "91430304MA4YG57FJC"
    assert n["items"] == "食品生产许可条件\n\n保持情况"


def test_invalid_values_are_kept_as_typed(good_filing, at):
    good_filing["leader"]["phone"] = "１２３４"
    good_filing["enterprise"]["uscc"] = "9143 0304MA4YG57FJD"
    report = check(good_filing, at)
    assert report.normalized["leader"]["phone"] == "１２３４"
    assert report.normalized["enterprise"]["uscc"] == "9143 0304MA4YG57FJD"
    assert good_filing["enterprise"]["uscc"] == "9143 0304MA4YG57FJD"  # input untouched


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,normalised",
    [
        ("熊平华", "熊平华"),
        ("熊 平华", "熊平华"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),  # U+00B7
        ("阿依古丽・买买提", "阿依古丽·买买提"),  # U+30FB katakana middle dot
        ("阿依古丽•买买提", "阿依古丽·买买提"),  # U+2022 bullet
        ("阿依古丽．买买提", "阿依古丽·买买提"),  # U+FF0E full-width full stop
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("才让卓玛", "才让卓玛"),
        ("爱新觉罗·溥仪", "爱新觉罗·溥仪"),
        ("王\U0002c317", "王\U0002c317"),  # a rare character outside the BMP
        ("李〇", "李〇"),
        ("John Smith", "John Smith"),
        ("ＪＯＨＮ", "JOHN"),
        ("龘" * 25, "龘" * 25),
    ],
)
def test_names_accepted(good_filing, at, typed, normalised):
    good_filing["inspectors"][0]["name"] = typed
    report = check(good_filing, at)
    assert codes(report) == []
    assert report.normalized["inspectors"][0]["name"] == normalised


@pytest.mark.parametrize(
    "typed,code",
    [
        ("·买买提", "bad_name_dot"),
        ("买买提·", "bad_name_dot"),
        ("阿依古丽··买买提", "bad_name_dot"),
        ("张三😀", "bad_characters"),
        ("张\u202e三", "bad_characters"),
        ("张\x07三", "bad_characters"),
        ("张三1", "bad_name"),
        ("张三（科长）", "bad_name"),
        ("龘" * 26, "too_long"),
    ],
)
def test_names_rejected(good_filing, at, typed, code):
    good_filing["inspectors"][0]["name"] = typed
    report = check(good_filing, at)
    assert only(report, "inspectors[0].name") == code


def test_name_rule_applies_to_the_leader_too(good_filing, at):
    good_filing["leader"]["name"] = "熊平华2"
    assert only(check(good_filing, at), "leader.name") == "bad_name"


# --- phones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,normalised",
    [
        ("13807321234", "13807321234"),
        ("138-0732-1234", "13807321234"),
        ("138 0732 1234", "13807321234"),
        ("１３８０７３２１２３４", "13807321234"),
        ("+86 138 0732 1234", "13807321234"),
        ("0731-58812345", "0731-58812345"),
        ("0731 5881 2345", "0731-58812345"),
        ("(0731)58812345", "0731-58812345"),
        ("（０７３１）５８８１２３４５", "0731-58812345"),
        ("0731－58812345转8001", "0731-58812345转8001"),
        ("0731-58812345 分机 8001", "0731-58812345转8001"),
        ("010-12345678", "010-12345678"),
    ],
)
def test_phones_accepted(good_filing, at, typed, normalised):
    good_filing["leader"]["phone"] = typed
    report = check(good_filing, at)
    assert codes(report) == []
    assert report.normalized["leader"]["phone"] == normalised


@pytest.mark.parametrize(
    "typed,code",
    [
        ("58812345", "phone_needs_area_code"),
        ("5881234", "phone_needs_area_code"),
        ("1380732123", "bad_phone"),
        ("23807321234", "bad_phone"),
        ("138073212345", "bad_phone"),
        ("电话号码", "bad_phone"),
        ("+1 415 555 2671", "bad_phone"),
        ("1" * 100, "too_long"),
    ],
)
def test_phones_rejected(good_filing, at, typed, code):
    good_filing["leader"]["phone"] = typed
    assert only(check(good_filing, at), "leader.phone") == code


# --- credit codes ------------------------------------------------------------------------

REAL_CREDIT_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 北京小米科技有限责任公司
    "91110000600037341L",
]


@pytest.mark.parametrize("uscc", REAL_CREDIT_CODES)
def test_real_credit_codes_pass(good_filing, at, uscc):
    good_filing["enterprise"]["uscc"] = uscc
    assert check(good_filing, at).problems == []


@pytest.mark.parametrize(
    "uscc",
    ["N24303210000000108", "N1430302MA4LA8XK0Q", "Y1430300MB1X2C3D0F"],
)
def test_letters_in_the_first_two_positions_are_allowed(good_filing, at, uscc):
    """GB 32100 allows registration authorities N, Y, A…; stdnum's validate does not."""
    good_filing["enterprise"]["uscc"] = uscc
    assert check(good_filing, at).problems == []


@pytest.mark.parametrize(
    "uscc,code",
    [
        ("914403001922038217", "uscc_check"),  # Huawei with one digit off
        ("91440300708461136X", "uscc_check"),
        ("91440300708461136", "bad_uscc"),  # 17 characters
        ("9144030070846113600", "too_long"),
        ("91440300708461I36T", "bad_uscc"),  # I is not in the alphabet
        ("9144O300708461136T", "bad_uscc"),  # O in the division code
        ("一二三", "bad_uscc"),
    ],
)
def test_bad_credit_codes(good_filing, at, uscc, code):
    good_filing["enterprise"]["uscc"] = uscc
    assert only(check(good_filing, at), "enterprise.uscc") == code


def test_credit_code_typed_with_dashes_and_lower_case(good_filing, at):
    good_filing["enterprise"]["uscc"] = "9144-0300-7084-6113-6t"
    report = check(good_filing, at)
    assert report.problems == []
    assert report.normalized["enterprise"]["uscc"] == "91440300708461136T"


# --- certificate numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,normalised",
    [
        ("43031119001", "43031119001"),
        ("湘".replace("湘", "") + "HN-0731-00123", "HN-0731-00123"),
        ("ｈｎ—０７３１—００１２３", "HN-0731-00123"),
        ("A1234", "A1234"),
        ("1234", "1234"),
        ("X" * 30, "X" * 30),
    ],
)
def test_certificate_numbers_accepted(good_filing, at, typed, normalised):
    good_filing["inspectors"][0]["cert_no"] = typed
    report = check(good_filing, at)
    assert codes(report) == []
    assert report.normalized["inspectors"][0]["cert_no"] == normalised


@pytest.mark.parametrize("typed", ["123", "湘执43031119001", "4303/1119", "-1234", "12--34"])
def test_certificate_numbers_rejected(good_filing, at, typed):
    good_filing["inspectors"][0]["cert_no"] = typed
    assert only(check(good_filing, at), "inspectors[0].cert_no") == "bad_cert_no"


def test_certificate_rules_are_data(good_filing, at):
    strict = CertRules.from_dict(
        {
            "rules": [
                {"kind": "national", "pattern": "^[0-9]{11}$", "min_length": 11, "max_length": 11}
            ]
        }
    )
    assert check(good_filing, at, cert_rules=strict).problems == []
    good_filing["inspectors"][0]["cert_no"] = "HN-0731-00123"
    assert only(check(good_filing, at, cert_rules=strict), "inspectors[0].cert_no") == (
        "bad_cert_no"
    )


def test_no_two_officers_share_a_number(good_filing, at):
    good_filing["inspectors"].append({"name": "侯燕娟", "cert_no": "４３０３１１１９００４"})
    report = check(good_filing, at)
    assert codes(report) == [("inspectors[1].cert_no", "duplicate_cert_no")]


ROSTER = Roster(
    [
        Officer(
            "熊平华", "43031119004", "四级主任科员", "湘潭市市场监督管理局", "", date(2027, 10, 31)
        ),
        Officer(
            "易桐", "43031121002", "执法大队副大队长", "湘潭市应急管理局", "", date(2027, 10, 31)
        ),
        Officer("康洋明", "43031119001", "科长", "湘潭市市场监督管理局", "", date(2026, 6, 30)),
        Officer("阿依古丽·买买提", "43031119009", "", "", "", None),
    ]
)


def test_roster_accepts_its_officers(good_filing, at):
    assert check(good_filing, at, roster=ROSTER).problems == []


def test_roster_number_must_belong_to_the_named_officer(good_filing, at):
    good_filing["inspectors"][0]["cert_no"] = "43031119009"
    report = check(good_filing, at, roster=ROSTER)
    assert only(report, "inspectors[0].cert_no") == "cert_other_officer"
    assert "阿依古丽·买买提" in report.problems[0].message


def test_roster_matches_names_after_normalisation(good_filing, at):
    good_filing["inspectors"][0] = {"name": "阿依古丽・买买提", "cert_no": "43031119009"}
    assert check(good_filing, at, roster=ROSTER).problems == []


def test_roster_expired_certificate(good_filing, at):
    good_filing["inspectors"][0] = {"name": "康洋明", "cert_no": "43031119001"}
    report = check(good_filing, at, roster=ROSTER)
    assert only(report, "inspectors[0].cert_no") == "cert_expired"
    assert "2026年6月30日" in report.problems[0].message


def test_number_not_in_roster_is_an_error_without_joint_units(good_filing, at):
    good_filing["joint_units"] = []
    good_filing["inspectors"][0] = {"name": "侯燕娟", "cert_no": "43031142003"}
    report = check(good_filing, at, roster=ROSTER)
    assert codes(report) == [("inspectors[0].cert_no", "cert_not_in_roster")]


def test_number_not_in_roster_is_a_warning_in_a_joint_inspection(good_filing, at):
    """Officers of a joint unit are on their own unit's roster, not ours."""
    good_filing["inspectors"][0] = {"name": "侯燕娟", "cert_no": "43031142003"}
    report = check(good_filing, at, roster=ROSTER)
    assert codes(report) == [("inspectors[0].cert_no", "cert_not_in_roster_joint")]
    assert not report.has_errors


def test_our_officer_with_a_wrong_number_is_an_error_even_when_joint(good_filing, at):
    good_filing["inspectors"][0] = {"name": "易桐", "cert_no": "43031121999"}
    report = check(good_filing, at, roster=ROSTER)
    assert codes(report) == [("inspectors[0].cert_no", "cert_not_in_roster")]


# --- officers ----------------------------------------------------------------------------


def test_at_least_two_certified_officers(good_filing, at):
    good_filing["inspectors"] = []
    report = check(good_filing, at)
    assert codes(report) == [("inspectors", "too_few_officers")]


def test_an_inspector_without_certificate_does_not_count(good_filing, at):
    good_filing["inspectors"] = [{"name": "易桐", "cert_no": ""}]
    report = check(good_filing, at)
    assert set(codes(report)) == {
        ("inspectors[0].cert_no", "required"),
        ("inspectors", "too_few_officers"),
    }


def test_blank_inspector_row_must_be_filled_or_removed(good_filing, at):
    good_filing["inspectors"].append({"name": " ", "cert_no": ""})
    assert codes(check(good_filing, at)) == [("inspectors[1]", "empty_row")]


def test_many_officers(good_filing, at):
    good_filing["inspectors"] = [
        {"name": f"检查员{'甲乙丙丁戊己庚辛壬癸'[i % 10]}", "cert_no": f"4303110{i:04d}"}
        for i in range(30)
    ]
    assert check(good_filing, at).problems == []
    good_filing["inspectors"].append({"name": "多一人", "cert_no": "43031109999"})
    assert ("inspectors", "too_many") in codes(check(good_filing, at))


# --- time --------------------------------------------------------------------------------


def test_end_must_be_after_start(good_filing, at):
    good_filing["inspection_end"] = good_filing["inspection_start"]
    assert codes(check(good_filing, at)) == [("inspection_end", "end_before_start")]
    good_filing["inspection_end"] = "2026-12-03T08:00:00+08:00"
    assert codes(check(good_filing, at)) == [("inspection_end", "end_before_start")]


def test_prior_filing_must_precede_the_inspection(good_filing, at):
    assert check(good_filing, at).problems == []
    late = datetime.fromisoformat("2026-12-03T09:30:00+08:00")
    report = check(good_filing, late)
    assert codes(report) == [("inspection_start", "prior_not_future")]
    assert "事后补报" in report.problems[0].message


def test_offsets_are_compared_as_moments(good_filing):
    good_filing["inspection_start"] = "2026-12-03T01:00:00Z"  # 09:00 in Xiangtan
    good_filing["inspection_end"] = "2026-12-03T09:00:00Z"
    at_0859 = datetime.fromisoformat("2026-12-03T08:59:00+08:00")
    assert check(good_filing, at_0859).problems == []


def post_hoc(filing, start, end, reason="complaint"):
    filing.update(
        kind="post_hoc",
        inspection_start=start,
        inspection_end=end,
        post_hoc_reason=reason,
        post_hoc_explanation="接群众举报，当日先行检查。",
    )
    return filing


def test_post_hoc_needs_a_reason_and_an_explanation(good_filing, at):
    post_hoc(good_filing, "2026-11-25T09:00:00+08:00", "2026-11-25T11:00:00+08:00")
    assert check(good_filing, at).problems == []
    good_filing["post_hoc_reason"] = ""
    good_filing["post_hoc_explanation"] = "  "
    assert set(codes(check(good_filing, at))) == {
        ("post_hoc_reason", "required"),
        ("post_hoc_explanation", "required"),
    }
    good_filing["post_hoc_reason"] = "because"
    assert ("post_hoc_reason", "bad_choice") in codes(check(good_filing, at))


@pytest.mark.parametrize(
    "reason", ["national_security", "food_drug_safety", "public_health", "assigned_by_superior"]
)
def test_every_reason_of_the_source_document(good_filing, at, reason):
    post_hoc(good_filing, "2026-11-25T09:00:00+08:00", "2026-11-25T11:00:00+08:00", reason)
    assert check(good_filing, at).problems == []


def test_prior_filing_cannot_carry_post_hoc_fields(good_filing, at):
    good_filing["post_hoc_reason"] = "complaint"
    assert codes(check(good_filing, at)) == [("post_hoc_reason", "not_for_prior")]


def test_post_hoc_inspection_must_have_started(good_filing, at):
    post_hoc(good_filing, "2026-12-01T09:00:00+08:00", "2026-12-01T11:00:00+08:00")
    assert codes(check(good_filing, at)) == [("inspection_start", "post_hoc_not_started")]


def deadline_for(filing, end_day):
    post_hoc(filing, f"{end_day}T09:00:00+08:00", f"{end_day}T16:00:00+08:00")
    return check(filing, datetime.fromisoformat(f"{end_day}T17:00:00+08:00")).deadline


def test_deadline_counts_five_working_days_after_the_day(good_filing):
    # Wed 2026-11-25: Thu 26, Fri 27, Mon 30, Tue 1, Wed 2 December.
    assert deadline_for(good_filing, "2026-11-25").day == date(2026, 12, 2)


def test_deadline_skips_national_day_and_counts_the_make_up_saturday(good_filing):
    # 2026: holidays 10/1–7, make-up workday Saturday 10/10.
    # Ended Wed 9/30: Thu 10/8, Fri 10/9, Sat 10/10 (make-up), Mon 10/12, Tue 10/13.
    assert deadline_for(good_filing, "2026-09-30").day == date(2026, 10, 13)
    # Ended Fri 10/9: Sat 10/10, Mon 12, Tue 13, Wed 14, Thu 15.
    assert deadline_for(good_filing, "2026-10-09").day == date(2026, 10, 15)
    # Ended on the make-up Saturday itself: that day is not counted.
    assert deadline_for(good_filing, "2026-10-10").day == date(2026, 10, 16)


def test_filed_on_the_deadline_is_on_time_and_a_day_later_is_late(good_filing):
    post_hoc(good_filing, "2026-09-30T09:00:00+08:00", "2026-09-30T16:00:00+08:00")
    on_time = check(good_filing, datetime.fromisoformat("2026-10-13T23:59:00+08:00"))
    assert on_time.problems == []
    late = check(good_filing, datetime.fromisoformat("2026-10-14T08:00:00+08:00"))
    assert codes(late) == [("inspection_end", "post_hoc_late")]
    assert late.problems[0].severity == "warning"  # still filed, but flagged
    assert "2026年10月13日" in late.problems[0].message


def test_year_the_calendar_does_not_cover_is_an_estimate(good_filing):
    # The official calendar ends with 2026; a deadline in 2027 is counted Monday–Friday.
    post_hoc(good_filing, "2026-12-28T09:00:00+08:00", "2026-12-29T16:00:00+08:00")
    report = check(good_filing, datetime.fromisoformat("2026-12-30T09:00:00+08:00"))
    assert report.deadline.day == date(2027, 1, 5)
    assert report.deadline.estimated
    assert codes(report) == [("inspection_end", "deadline_estimated")]
    assert "2027" in report.problems[0].message and not report.has_errors


def test_far_future_year_never_crashes(good_filing):
    post_hoc(good_filing, "2031-03-03T09:00:00+08:00", "2031-03-03T16:00:00+08:00")
    report = check(good_filing, datetime.fromisoformat("2031-03-20T09:00:00+08:00"))
    assert report.deadline.day == date(2031, 3, 10)
    assert {c for _, c in codes(report)} == {"deadline_estimated", "post_hoc_late"}


def test_office_calendar_replaces_the_estimate(good_filing):
    calendar = WorkCalendar()
    calendar.extend({"2027": {"holidays": ["2027-01-01", "2027-01-04"], "workdays": []}})
    post_hoc(good_filing, "2026-12-28T09:00:00+08:00", "2026-12-29T16:00:00+08:00")
    report = check(
        good_filing, datetime.fromisoformat("2026-12-30T09:00:00+08:00"), calendar=calendar
    )
    # Wed 30, Thu 31, (Fri 1 and Mon 4 are holidays), Tue 5, Wed 6, Thu 7 January.
    assert report.deadline.day == date(2027, 1, 7) and not report.deadline.estimated
    assert report.problems == []


def test_a_very_long_inspection_is_flagged(good_filing, at):
    good_filing["inspection_end"] = "2027-12-03T17:00:00+08:00"
    report = check(good_filing, at)
    assert codes(report) == [("inspection_end", "long_inspection")]
    assert not report.has_errors


# --- limits ------------------------------------------------------------------------------


def test_text_over_its_limit(good_filing, at):
    good_filing["items"] = "查" * 501
    report = check(good_filing, at)
    assert codes(report) == [("items", "too_long")]
    assert "500" in report.problems[0].message and "501" in report.problems[0].message


def test_a_megabyte_of_text_is_a_clear_error(good_filing, at):
    for path in ("content", "lead_unit"):
        good_filing[path] = "长" * 1_000_000
    good_filing["leader"]["phone"] = "1" * 1_000_000
    good_filing["leader"]["name"] = "名" * 1_000_000
    good_filing["joint_units"] = ["单位" * 500_000]
    report = check(good_filing, at)
    assert set(codes(report)) == {
        ("content", "too_long"),
        ("lead_unit", "too_long"),
        ("leader.phone", "too_long"),
        ("leader.name", "too_long"),
        ("joint_units[0]", "too_long"),
        ("inspectors", "too_few_officers"),  # the leader's name is not valid
    }


def test_too_many_joint_units(good_filing, at):
    good_filing["joint_units"] = [f"湘潭市第{i}局" for i in range(11)]
    assert codes(check(good_filing, at)) == [("joint_units", "too_many")]


def test_control_and_bidi_characters_in_text(good_filing, at):
    good_filing["content"] = "查看\u202e记录"
    good_filing["basis"] = "第一条\n第二条"  # line breaks are fine in long text
    assert codes(check(good_filing, at)) == [("content", "bad_characters")]


# --- meta --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "not-a-uuid", "6f1c2a7e3b4d4c5e9f607a8b9c0d1e2f"])
def test_bad_id(good_filing, at, value):
    good_filing["id"] = value
    assert codes(check(good_filing, at)) == [("id", "bad_uuid")]


@pytest.mark.parametrize("value", [0, -1])
def test_bad_revision(good_filing, at, value):
    good_filing["revision"] = value
    assert codes(check(good_filing, at)) == [("revision", "bad_revision")]


def test_wrong_types_do_not_crash_the_rules(good_filing, at):
    good_filing["leader"] = ["熊平华"]
    good_filing["inspectors"] = "易桐"
    good_filing["inspection_start"] = 20261203
    report = check(good_filing, at)
    assert {
        ("leader", "wrong_type"),
        ("inspectors", "wrong_type"),
        ("inspection_start", "wrong_type"),
    } <= set(codes(report))


def test_naive_at_is_refused(good_filing):
    with pytest.raises(ValueError):
        rules.validate(good_filing, at=datetime(2026, 11, 27, 10))
