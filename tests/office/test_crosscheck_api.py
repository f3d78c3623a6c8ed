"""The plan and overlaps routes and the notices, against a real `beian-office serve`
process (one per module, on each backend): what one unit receives of another's filing
is its unit name and day, nothing else."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from forms.record import SHANGHAI
from tests.support.office import (
    DEFAULT_UNIT,
    OTHER_UNIT,
    OfficeServer,
    office,  # noqa: F401 - the module's server
    valid_filing,
)


@pytest.fixture(scope="module")
def first(office: OfficeServer) -> Iterator[httpx.Client]:
    with office.client(office.create_token(DEFAULT_UNIT)) as client:
        yield client


@pytest.fixture(scope="module")
def second(office: OfficeServer) -> Iterator[httpx.Client]:
    with office.client(office.create_token(OTHER_UNIT)) as client:
        yield client


def enterprise() -> dict[str, str]:
    """A name-only enterprise of its own, so that tests of this module do not meet."""
    return {
        "name": f"湘潭测试{uuid.uuid4().hex[:8]}有限公司",
        "uscc": "",
        "address": "",
        "park": "",
    }


def post(client: httpx.Client, filing: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/api/v1/filings", json=filing)
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


PLAN = {
    "items": [
        {"ref": "XT-SJ-01", "matter": "食品生产企业监督检查", "quarter": 2},
        {
            "ref": "XT-SJ-02",
            "matter": "特种设备使用单位抽查",
            "scope": "岳塘区",
            "enterprises": ["91430304MA4YG57FJC"],
        },
    ]
}


def test_a_plan_is_replaced_whole_read_back_and_kept_per_unit(
    office: OfficeServer, first: httpx.Client, second: httpx.Client
) -> None:
    year = datetime.now(SHANGHAI).year + 1
    assert first.get(f"/api/v1/plans/{year}").status_code == 404
    r = first.put(f"/api/v1/plans/{year}", json=PLAN)
    assert r.status_code == 200, r.text
    put = r.json()
    assert [i["ref"] for i in put["items"]] == ["XT-SJ-01", "XT-SJ-02"]
    assert put["late"] is False  # next year's plan, registered before its 31 March
    replaced = first.put(f"/api/v1/plans/{year}", json={"items": [PLAN["items"][1]]}).json()
    assert [i["ref"] for i in replaced["items"]] == ["XT-SJ-02"]
    assert replaced["arrived_at"] == put["arrived_at"]
    got = first.get(f"/api/v1/plans/{year}").json()
    assert got == replaced and got["items"][0]["enterprises"] == ["91430304MA4YG57FJC"]
    # Another unit sees none of it.
    assert second.get(f"/api/v1/plans/{year}").status_code == 404


def test_a_plan_for_this_year_registered_after_march_is_late(first: httpx.Client) -> None:
    today = datetime.now(SHANGHAI).date()
    r = first.put(f"/api/v1/plans/{today.year}", json=PLAN)
    assert r.status_code == 200
    assert r.json()["late"] is (today.month > 3 or (today.month == 3 and today.day > 31))


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"items": [{"ref": "", "matter": "x"}]}, "计划编号"),
        ({"items": [{"ref": "a", "matter": "x"}, {"ref": "a", "matter": "y"}]}, "重复"),
        ({"items": [{"ref": "a", "matter": "x", "quarter": 5}]}, "季度"),
        ({"items": [{"ref": "a", "matter": "x", "enterprises": ["123"]}]}, "信用代码"),
        ({"plan": []}, "items"),
    ],
)
def test_a_bad_plan_is_refused_in_chinese_and_nothing_is_kept(
    first: httpx.Client, body: dict[str, Any], words: str
) -> None:
    year = 2031
    r = first.put(f"/api/v1/plans/{year}", json=body)
    assert r.status_code == 422 and words in r.json()["message"], r.text
    assert first.get(f"/api/v1/plans/{year}").status_code == 404
    assert first.put("/api/v1/plans/abc", json=PLAN).status_code == 400


def test_overlaps_answer_other_units_and_days_only(
    first: httpx.Client, second: httpx.Client
) -> None:
    firm = enterprise()
    mine = valid_filing(DEFAULT_UNIT, days_ahead=8, enterprise=firm)
    theirs = valid_filing(OTHER_UNIT, days_ahead=9, enterprise=firm)
    post(first, mine)
    post(second, theirs)
    day = datetime.fromisoformat(mine["inspection_start"]).date()
    r = first.get(
        "/api/v1/overlaps",
        params={"name": firm["name"], "start": day.isoformat(), "end": day.isoformat()},
    )
    assert r.status_code == 200, r.text
    their_day = datetime.fromisoformat(theirs["inspection_start"]).date().isoformat()
    assert r.json() == {"overlaps": [{"unit": OTHER_UNIT, "date": their_day}]}
    text = r.text
    for private in (theirs["leader"]["phone"], theirs["id"], theirs["content"]):
        assert private not in text
    far = (day + timedelta(days=60)).isoformat()
    assert first.get(
        "/api/v1/overlaps", params={"name": firm["name"], "start": far, "end": far}
    ).json() == {"overlaps": []}
    bad = first.get("/api/v1/overlaps", params={"name": firm["name"], "start": "tomorrow"})
    assert bad.status_code == 400 and "开始日期" in bad.json()["message"]


def test_the_first_unit_hears_of_the_second_once_through_the_feed(
    first: httpx.Client, second: httpx.Client
) -> None:
    firm = enterprise()
    mine = valid_filing(DEFAULT_UNIT, days_ahead=10, enterprise=firm)
    post(first, mine)
    cursor = first.get("/api/v1/changes").json()["cursor"]
    theirs = valid_filing(
        OTHER_UNIT,
        days_ahead=11,
        enterprise=firm,
        leader={
            "name": "欧阳明辉",
            "title": "科长",
            "phone": "13973212345",
            "cert_no": "43031119004",
        },
    )
    receipt = post(second, theirs)
    assert "joint_inspection_suggested" in {w["code"] for w in receipt["warnings"]}
    for _ in range(2):  # a lost answer: the desk sends the same revision again
        assert second.post("/api/v1/filings", json=theirs).status_code == 200
    feed = first.get("/api/v1/changes", params={"since": cursor})
    notices = [c for c in feed.json()["changes"] if c["type"] == "notice"]
    assert len(notices) == 1
    notice = notices[0]
    their_day = datetime.fromisoformat(theirs["inspection_start"]).date().isoformat()
    assert notice["id"] == mine["id"] and notice["revision"] == 1
    assert (notice["other_unit"], notice["other_date"]) == (OTHER_UNIT, their_day)
    raw = json.dumps(feed.json(), ensure_ascii=False)
    for private in ("欧阳明辉", "13973212345", theirs["id"], theirs["content"], receipt["receipt"]):
        assert private not in raw


def test_the_command_line_lists_clusters_records_a_decision_and_the_plans(
    office: OfficeServer, first: httpx.Client, second: httpx.Client
) -> None:
    firm = enterprise()
    post(first, valid_filing(DEFAULT_UNIT, days_ahead=14, enterprise=firm))
    post(second, valid_filing(OTHER_UNIT, days_ahead=15, enterprise=firm))
    year = str((datetime.now(SHANGHAI) + timedelta(days=14)).year)
    listed = json.loads(office.cli("crosscheck", "clusters", "--year", year, "--json").stdout)
    mine = [c for c in listed if c["enterprise"] == firm["name"]]
    assert len(mine) == 1 and {m["unit"] for m in mine[0]["members"]} == {DEFAULT_UNIT, OTHER_UNIT}
    key = mine[0]["key"]
    done = office.cli(
        "crosscheck",
        "decide",
        key,
        "--state",
        "not_needed",
        "--note",
        "检查内容不同",
        "--office",
        "430300",
    )
    assert "无需联合" in done.stdout
    again = json.loads(office.cli("crosscheck", "clusters", "--year", year, "--json").stdout)
    decided = next(c for c in again if c["key"] == key)
    assert (decided["state"], decided["note"]) == ("not_needed", "检查内容不同")
    audit = office.cli("audit", "--json", check=False).stdout
    assert "cluster_decided" in audit
    first.put(f"/api/v1/plans/{year}", json=PLAN)
    plans = json.loads(office.cli("crosscheck", "plans", "--year", year, "--json").stdout)
    assert any(p["unit"] == DEFAULT_UNIT and p["items"] == 2 for p in plans)
