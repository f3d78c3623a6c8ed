"""The holiday calendar as the workbench loads and shows it: chinesecalendar's years,
dates typed in, their problems in Chinese, and the readable view of a year."""

from __future__ import annotations

from datetime import date

from forms.workdays import WorkCalendar
from office import reference, reference_calendar
from office.reference_calendar import diff, from_package, package_years, typed, view


def test_the_package_year_is_the_state_councils_2026_notice() -> None:
    first, last = package_years()
    assert first == 2004 and last >= 2026
    spec = from_package(2026)
    assert spec is not None
    # shared/reference/xiangtan.json: holidays 1/1-3, 2/15-23, 4/4-6, 5/1-5, 6/19-21,
    # 9/25-27, 10/1-7; make-up workdays 1/4, 2/14, 2/28, 5/9, 9/20, 10/10
    assert spec["workdays"] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    shown = view(2026, spec)
    assert [(p.name, p.text, p.days) for p in shown.holidays] == [
        ("元旦", "1月1日（周四） 至 1月3日（周六）", 3),
        ("春节", "2月15日（周日） 至 2月23日（周一）", 9),
        ("清明", "4月4日（周六） 至 4月6日（周一）", 3),
        ("劳动节", "5月1日（周五） 至 5月5日（周二）", 5),
        ("端午", "6月19日（周五） 至 6月21日（周日）", 3),
        ("中秋", "9月25日（周五） 至 9月27日（周日）", 3),
        ("国庆节", "10月1日（周四） 至 10月7日（周三）", 7),
    ]
    assert shown.workday_texts[0] == "1月4日（周日）"
    # reference.load takes it as it is, and the calendar counts with it
    checked = reference.check({"calendar": {"2026": spec}})["calendar"]
    calendar = WorkCalendar()
    calendar.extend(checked)
    assert calendar.is_workday(date(2026, 2, 14)) == (True, False)
    assert calendar.is_workday(date(2026, 2, 16)) == (False, False)


def test_a_year_the_package_does_not_know() -> None:
    assert from_package(package_years()[1] + 1) is None
    assert from_package(1999) is None


def test_typed_dates_in_the_ways_people_write_them() -> None:
    got = typed(
        "２０２７年",
        "2027-01-01\n2月6日至12日，10月1日至7日、2027/4/5  2027年5月1日~2027年5月3日",
        "2月14日；2027.2.20",
    )
    assert got.year == 2027 and got.problems == []
    assert got.spec["holidays"][:3] == ["2027-01-01", "2027-02-06", "2027-02-07"]
    assert len(got.spec["holidays"]) == 1 + 7 + 7 + 1 + 3
    assert got.spec["workdays"] == ["2027-02-14", "2027-02-20"]
    shown = view(2027, got.spec)
    assert [p.text for p in shown.holidays][:2] == [
        "1月1日（周五）",
        "2月6日（周六） 至 2月12日（周五）",
    ]
    assert reference.check({"calendar": {"2027": got.spec}})  # loadable as it is


def test_bad_dates_are_named_in_chinese() -> None:
    got = typed("2027", "2027-02-30\n明天\n2026-12-31\n10月7日至1日\n1月1日至3月1日", "1月1日")
    assert got.problems == [
        "假日中的“2027-02-30”不是有效日期（可写作 2027-01-01 或 1月1日）",
        "假日中的“明天”不是有效日期（可写作 2027-01-01 或 1月1日）",
        "假日中的“2026-12-31”不在 2027 年内",
        "假日中的“10月7日至1日”起止日期不对（结束早于开始，或超过一个月）",
        "假日中的“1月1日至3月1日”起止日期不对（结束早于开始，或超过一个月）",
    ]
    both = typed("2027", "1月1日", "2027-01-01")
    assert both.problems == ["1月1日（周五） 既填在假日中又填在调休上班日中"]
    assert typed("27", "1月1日", "").problems == ["年份应为 2000 到 2100 之间的四位数字。"]
    assert typed("2027", "", "2月14日").problems == ["没有填写 2027 年的假日。"]
    assert typed("2027", "1月1日" * 2000, "").problems[0].startswith("填写的日期过多")


def test_the_change_against_the_loaded_year() -> None:
    before = {"holidays": ["2027-01-01", "2027-01-02"], "workdays": ["2027-02-14"]}
    after = {"holidays": ["2027-01-01", "2027-01-03"], "workdays": []}
    assert diff(before, after) == {
        "holidays_added": ["1月3日（周日）"],
        "holidays_removed": ["1月2日（周六）"],
        "workdays_added": [],
        "workdays_removed": ["2月14日（周日）"],
    }
    assert diff(None, after)["holidays_added"] == ["1月1日（周五）", "1月3日（周日）"]


def test_a_loaded_year_shows_again_as_runs_to_edit() -> None:
    spec = from_package(2026)
    assert spec is not None
    text = reference_calendar.as_text(spec["holidays"])
    assert text.splitlines()[:2] == ["2026-01-01至2026-01-03", "2026-02-15至2026-02-23"]
    assert typed("2026", text, "").spec["holidays"] == spec["holidays"]
