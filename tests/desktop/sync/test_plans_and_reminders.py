"""The desk's side of the cross-filing checks against a real office process: the plan
from its XLSX template to the office, the pre-submit reminders (lists, repeats, plan,
the office's overlaps answer) and the office's notices kept on the desk's filing."""

from __future__ import annotations

import uuid
from pathlib import Path

from openpyxl import load_workbook

from desktop import plan_sheet, reminders
from desktop.office_hints import office_hints
from desktop.sync.changes import notices_for
from desktop.sync.office_plans import ask_overlaps
from forms.record import now
from tests.support.desk import Desk
from tests.support.office import (
    DEFAULT_UNIT,
    OTHER_UNIT,
    OfficeServer,
    office,  # noqa: F401 - the module's server
    valid_filing,
)


def firm() -> dict[str, str]:
    return {
        "name": f"湘潭提醒{uuid.uuid4().hex[:8]}有限公司",
        "uscc": "",
        "address": "",
        "park": "",
    }


def test_the_template_is_filled_imported_shown_and_sent(
    office: OfficeServer, tmp_path: Path
) -> None:
    year = now().year + 1
    desk = Desk(tmp_path / "desk")
    template = tmp_path / "计划模板.xlsx"
    made = desk.run("plan", "template", str(template), "--year", str(year))
    assert made.returncode == 0, made.stderr
    assert template.stat().st_mode & 0o077 == 0
    book = load_workbook(template)
    sheet = book.active
    sheet.append(["XT-01", "食品生产企业监督检查", "岳塘区", "91430304MA4YG57FJC", "第2季度"])
    sheet.append(["XT-02", "特种设备使用单位抽查", "", "", 3])
    book.save(template)

    imported = desk.run("plan", "import", str(template), "--year", str(year))
    assert imported.returncode == 0, imported.stderr
    assert "2 项" in imported.stdout
    shown = desk.run("plan", "show", "--year", str(year))
    assert "XT-01" in shown.stdout and "尚未报送" in shown.stdout

    not_connected = desk.run("plan", "send", "--year", str(year))
    assert not_connected.returncode != 0 and "连接" in not_connected.stderr
    desk.configure(office.url, office.create_token(DEFAULT_UNIT))
    sent = desk.run("plan", "send", "--year", str(year))
    assert sent.returncode == 0, sent.stderr
    assert "逾期" not in sent.stdout
    with office.client(office.create_token(DEFAULT_UNIT)) as http:
        held = http.get(f"/api/v1/plans/{year}").json()
    assert [i["ref"] for i in held["items"]] == ["XT-01", "XT-02"]
    assert held["items"][0] == {
        "ref": "XT-01",
        "matter": "食品生产企业监督检查",
        "scope": "岳塘区",
        "enterprises": ["91430304MA4YG57FJC"],
        "quarter": 2,
    }
    assert "已于" in desk.run("plan", "show", "--year", str(year)).stdout


def test_a_bad_plan_sheet_is_refused_in_chinese_and_nothing_kept(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk")
    path = tmp_path / "plan.xlsx"
    plan_sheet.write_template(path, 2030)
    book = load_workbook(path)
    book.active.append(["XT-01", "事项一", "", "123", ""])
    book.save(path)
    refused = desk.run("plan", "import", str(path), "--year", "2030")
    assert refused.returncode == 2 and "第 4 行" in refused.stderr and "信用代码" in refused.stderr
    not_xlsx = tmp_path / "plan.csv"
    not_xlsx.write_text("计划编号,抽查事项\n", "utf-8")
    assert "xlsx" in desk.run("plan", "import", str(not_xlsx), "--year", "2030").stderr
    assert "没有 2030 年度" in desk.run("plan", "show", "--year", "2030").stdout


def test_reminders_from_the_lists_the_unit_s_own_filings_and_the_plan() -> None:
    enterprise = firm()
    this = valid_filing(DEFAULT_UNIT, days_ahead=5, enterprise=enterprise, plan_ref="临时")
    earlier = [valid_filing(DEFAULT_UNIT, days_ahead=1, enterprise=enterprise)]
    reference = {"white_list": [{"uscc": "", "name": enterprise["name"]}], "key_supervision": []}
    found = reminders.reminders(this, reference=reference, earlier=earlier, plan_refs=["XT-01"])
    assert [r.code for r in found] == ["white_list", "repeated_inspection", "unplanned"]
    cited = {**this, "plan_ref": "XT-01"}
    quiet = reminders.reminders(cited, reference={}, earlier=[], plan_refs=["XT-01"])
    assert quiet == []
    assert reminders.reminders(this, reference={}, earlier=[], plan_refs=None) == []


def test_the_office_s_overlaps_and_notices_reach_the_desk(
    office: OfficeServer, tmp_path: Path
) -> None:
    enterprise = firm()
    desk = Desk(tmp_path / "desk")
    desk.configure(office.url, office.create_token(DEFAULT_UNIT))
    mine = valid_filing(DEFAULT_UNIT, days_ahead=12, enterprise=enterprise)
    desk.put(mine)
    code, _ = desk.sync()
    assert code == 0
    theirs = valid_filing(OTHER_UNIT, days_ahead=13, enterprise=enterprise)
    with office.client(office.create_token(OTHER_UNIT)) as other:
        assert other.post("/api/v1/filings", json=theirs).status_code == 201

    day = mine["inspection_start"][:10]
    with desk.keyring_in_process(), desk.store() as store:
        answer = ask_overlaps(store, uscc="", name=enterprise["name"], start=day, end=day)
    assert answer.ok, answer.message
    their_day = theirs["inspection_start"][:10]
    assert answer.body == [{"unit": OTHER_UNIT, "date": their_day}]
    shown = reminders.reminders(
        {**mine, "id": "new"}, reference={}, earlier=[], plan_refs=None, overlaps=answer.body
    )
    assert shown[-1].code == "joint_inspection_suggested"
    assert OTHER_UNIT in shown[-1].message and "联系联合检查" in shown[-1].message

    for _ in range(2):  # a second pass finds nothing new
        code, _ = desk.sync()
        assert code == 0
    with desk.store() as store:
        kept = notices_for(store, mine["id"])
        hints = office_hints(store, mine["id"], 1)
    assert len(kept) == 1
    assert (kept[0]["other_unit"], kept[0]["other_date"]) == (OTHER_UNIT, their_day)
    assert theirs["leader"]["phone"] not in str(kept)
    assert any(OTHER_UNIT in h and their_day in h for h in hints)
