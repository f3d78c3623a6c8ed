"""The editor's decisions without widgets: what a choice replaces and what undo restores,
when a problem shows, the post-hoc defaults and deadline, the fixes a problem offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from desktop.offered_fix import offered_fixes
from desktop.post_hoc import DeadlineStatus, deadline_status, default_end, default_start
from desktop.problem_visibility import ProblemVisibility, moved_path
from desktop.record_choice import choose
from desktop.store.api import Enterprise
from forms.roster import Officer
from forms.workdays import WorkCalendar

# --- a choice --------------------------------------------------------------------------------

OLD_LEADER = {"name": "熊平华", "cert_no": "43031119004", "title": "四级主任科员", "phone": "138"}


def test_a_choice_of_another_record_replaces_every_field_it_provides_and_empties_the_rest():
    current = {**OLD_LEADER, "name": "熊平华"}
    provided = {"name": "侯燕娟", "cert_no": "43031142003", "title": "科员", "phone": ""}
    fill = choose(current, provided)
    assert fill.replaced_other
    assert fill.after() == {
        "name": "侯燕娟",
        "cert_no": "43031142003",
        "title": "科员",
        "phone": "",
    }
    # Undo restores what was there, except where the clerk has typed since.
    now = {**fill.after(), "title": "副局长"}
    assert fill.undo(now) == {"name": "熊平华", "cert_no": "43031119004", "phone": "138"}


def test_a_first_choice_keeps_what_the_clerk_typed_where_the_record_has_nothing():
    current = {"name": "", "cert_no": "", "title": "", "phone": "13807321234"}
    fill = choose(current, {"name": "易桐", "cert_no": "43031121002", "title": "", "phone": ""})
    assert not fill.replaced_other
    assert fill.after() == {"name": "易桐", "cert_no": "43031121002"}
    assert not fill.replaced("name")  # only empty fields were filled: nothing to announce


def test_only_a_choice_that_replaced_a_value_is_announced():
    current = {"name": "易", "cert_no": "", "title": "科员"}
    fill = choose(current, {"name": "易桐", "cert_no": "43031121002", "title": "科员"})
    assert fill.after() == {"name": "易桐", "cert_no": "43031121002"}
    assert not fill.replaced("name")  # the name typed is not "replaced", it was completed
    fill = choose(current, {"name": "易桐", "cert_no": "43031121002", "title": "四级主任科员"})
    assert [c.key for c in fill.replaced("name")] == ["title"]


def test_choosing_the_same_record_changes_nothing():
    fill = choose(
        {"name": "易桐", "cert_no": "４３０３１１２１００２", "phone": "139"},
        {"name": "易桐", "cert_no": "43031121002", "phone": ""},
        same=lambda v: v.strip().translate({0xFF10 + i: 0x30 + i for i in range(10)}),
    )
    assert not fill and not fill.replaced_other
    assert fill.undo({}) == {}


def test_a_typed_value_of_the_chosen_field_is_replaced_too():
    # The clerk had typed a wrong code; the directory's entry is chosen by name.
    fill = choose(
        {"name": "", "uscc": "91430321MA4K3RYKH4", "address": "", "park": ""},
        {
            "name": "湘潭顺泰食品有限公司",
            "uscc": "91430321MA4K3RYKH3",
            "address": "双马",
            "park": "",
        },
    )
    assert fill.after()["uscc"] == "91430321MA4K3RYKH3"
    assert fill.replaced_other


# --- when problems show ----------------------------------------------------------------------


@dataclass(frozen=True)
class P:
    field: str
    code: str = "required"


def test_a_loaded_filing_shows_the_problems_of_fields_holding_a_value():
    v = ProblemVisibility()
    v.load(["leader.phone", "inspectors[0].name"])
    problems = [P("leader.phone", "bad_phone"), P("lead_unit"), P("inspectors")]
    assert v.select(problems, None, only_clear=False) == [problems[0], problems[2]]
    # A group's own problem waits while the cursor is inside the group.
    assert v.select(problems, "inspectors[0].cert_no", only_clear=False) == [problems[0]]


def test_leaving_reveals_typing_only_clears_and_check_reveals_all():
    v = ProblemVisibility()
    v.load()
    problems = [P("lead_unit"), P("leader.phone", "bad_phone")]
    assert v.select(problems, None, only_clear=False) == []
    v.left("lead_unit")
    assert v.select(problems, None, only_clear=False) == [problems[0]]
    v.left("leader.phone")
    assert v.select(problems, None, only_clear=True) == [problems[0]]  # nothing new
    v.reveal_everything()
    assert v.select(problems, None, only_clear=False) == problems
    v.load()
    assert v.select(problems, None, only_clear=False) == []
    v.load(reveal_all=True)
    assert v.select(problems, None, only_clear=False) == problems


def test_removing_a_row_moves_what_is_shown():
    assert moved_path("inspectors[2].name", "inspectors", 1) == "inspectors[1].name"
    assert moved_path("inspectors[1].name", "inspectors", 1) is None
    assert moved_path("inspectors[0].name", "inspectors", 1) == "inspectors[0].name"
    assert moved_path("leader.name", "inspectors", 1) == "leader.name"
    v = ProblemVisibility()
    v.load(["inspectors[0].name", "inspectors[2].cert_no"])
    v.row_removed("inspectors", 0)
    assert v.revealed == {"inspectors[1].cert_no"}


# --- post-hoc --------------------------------------------------------------------------------

AT = datetime.fromisoformat("2026-11-27T10:00:00+08:00")  # a Friday


def test_a_post_hoc_start_defaults_to_the_past_and_a_prior_one_to_tomorrow():
    assert default_start("prior", AT) == datetime.fromisoformat("2026-11-28T09:00:00+08:00")
    assert default_start("post_hoc", AT) == datetime.fromisoformat("2026-11-27T09:00:00+08:00")
    early = datetime.fromisoformat("2026-11-27T08:00:00+08:00")
    assert default_start("post_hoc", early) == datetime.fromisoformat("2026-11-26T09:00:00+08:00")
    start = default_start("post_hoc", AT)
    assert start < AT
    assert default_end("post_hoc", start, AT) == AT  # the inspection is over: never later
    assert default_end("prior", None, AT) == datetime.fromisoformat("2026-11-28T17:00:00+08:00")


def test_the_deadline_counts_working_days_left_or_overdue():
    calendar = WorkCalendar()
    deadline = date(2026, 11, 27)  # Friday
    assert deadline_status(deadline, date(2026, 11, 25), calendar) == DeadlineStatus(left=2)
    assert deadline_status(deadline, deadline, calendar) == DeadlineStatus(left=0)
    late = deadline_status(deadline, date(2026, 12, 1), calendar)  # over a weekend
    assert late.is_overdue and late.overdue == 2
    assert deadline_status(deadline, date(2026, 11, 28), calendar).overdue == 1  # Saturday


# --- offered fixes ---------------------------------------------------------------------------

OFFICERS = [
    Officer("侯燕娟", "43031142003"),
    Officer("王芳", "43031119005"),
    Officer("王芳", "43031119006"),
]
DIRECTORY = [Enterprise("湘潭顺泰食品有限公司", "91430321MA4K3RYKH3")]


def officers_named(name: str) -> list[Officer]:
    return [o for o in OFFICERS if o.name == name]


def enterprise_named(name: str) -> Enterprise | None:
    return next((e for e in DIRECTORY if e.name == name), None)


def test_fixes_offer_the_named_officers_number_and_the_directory_code():
    filing = {
        "inspectors": [
            {"name": "侯燕娟", "cert_no": "43031121002"},
            {"name": "王芳", "cert_no": "43031121002"},
        ],
        "enterprise": {"name": "湘潭顺泰食品有限公司", "uscc": "91430321MA4K3RYKH4"},
    }
    problems = [
        P("inspectors[0].cert_no", "cert_other_officer"),
        P("inspectors[1].cert_no", "cert_other_officer"),  # two 王芳: no single answer
        P("enterprise.uscc", "uscc_check"),
        P("lead_unit"),
    ]
    fixes = offered_fixes(
        problems, filing, officers_named=officers_named, enterprise_named=enterprise_named
    )
    assert {p: (f.value, f.owner) for p, f in fixes.items()} == {
        "inspectors[0].cert_no": ("43031142003", "侯燕娟"),
        "enterprise.uscc": ("91430321MA4K3RYKH3", "湘潭顺泰食品有限公司"),
    }


def test_no_fix_for_a_name_the_directory_does_not_know():
    filing = {"enterprise": {"name": "别的企业", "uscc": "91430321MA4K3RYKH4"}}
    fixes = offered_fixes(
        [P("enterprise.uscc", "uscc_check")],
        filing,
        officers_named=officers_named,
        enterprise_named=enterprise_named,
    )
    assert fixes == {}
