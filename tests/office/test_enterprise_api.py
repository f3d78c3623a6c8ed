"""The enterprise's API (evaluations, complaints, visits, satisfaction) on both store
backends, in-process on a real database with a settable clock: the QR digest is the
capability, the limits hold, a second evaluation replaces the first for 7 days, the rate
limit is the store's, and nothing of it reaches the inspecting unit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from forms.record import SHANGHAI, content_digest
from office import audit, filings, intake, tokens
from office.api import create_app
from office.enterprise import feedback
from office.staff import Actor
from office.store import OfficeStore
from tests.support.clock import Clock
from tests.support.office import DEFAULT_UNIT, valid_filing

CLI = Actor.cli()
OTHER_UNIT = "湘潭市生态环境局"
COMPLAINT = "检查人员要求董事长到场陪同，停产半天。"
CONTACT = "王经理 13907321234"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(SHANGHAI).replace(microsecond=0))


@pytest.fixture
def app(store: OfficeStore, clock: Clock) -> Iterator[TestClient]:
    application = create_app(store)
    application.state.clock = clock
    with TestClient(application) as client:
        yield client


def file(store: OfficeStore, unit: str = DEFAULT_UNIT, **kwargs: object) -> dict:
    filing = valid_filing(unit, **kwargs)
    with store.write() as db:
        tokens.create(db, CLI, unit)
    outcome = intake.submit(store, unit, json.dumps(filing, ensure_ascii=False).encode())
    assert outcome.status == 201, outcome.body
    return filing


def token_for(store: OfficeStore, unit: str = DEFAULT_UNIT) -> str:
    with store.write() as db:
        return tokens.create(db, CLI, unit)[1]


def link(filing: dict) -> dict:
    return {"id": filing["id"], "revision": filing["revision"], "digest": content_digest(filing)}


def evaluation(filing: dict, **over: object) -> dict:
    return {
        **link(filing),
        "satisfaction": 4,
        "disrupted": False,
        "principal_required": False,
        "text": "",
        **over,
    }


def held_evaluations(store: OfficeStore) -> list[dict]:
    with store.read() as db:
        return feedback.all_evaluations(db)


# --- the capability -----------------------------------------------------------------------


def test_an_evaluation_with_the_right_digest_is_stored_and_listed(store, app, clock):
    filing = file(store)
    r = app.post("/api/v1/evaluations", json=evaluation(filing, satisfaction=5, text="规范"))
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "recorded" and r.json()["satisfaction"] == 5
    [row] = held_evaluations(store)
    assert (row["id"], row["revision"], row["satisfaction"], row["text"]) == (
        filing["id"],
        1,
        5,
        "规范",
    )


def test_a_wrong_digest_and_an_unknown_filing_get_the_same_refusal_and_store_nothing(store, app):
    filing = file(store)
    wrong = app.post("/api/v1/evaluations", json=evaluation(filing, digest="0123456789abcdef"))
    unknown_filing = {**filing, "id": "00000000-0000-4000-8000-000000000000"}
    unknown = app.post("/api/v1/evaluations", json=evaluation(unknown_filing))
    other_revision = app.post("/api/v1/evaluations", json=evaluation(filing, revision=2))
    assert wrong.status_code == unknown.status_code == other_revision.status_code == 404
    assert wrong.json() == unknown.json() == other_revision.json()
    visit = {
        **link(filing),
        "digest": "0123456789abcdef",
        "arrived_at": "2026-12-01T09:00:00+08:00",
    }
    assert app.post("/api/v1/visits", json=visit).json() == wrong.json()
    assert held_evaluations(store) == []
    with store.read() as db:
        assert feedback.all_visits(db) == []


# --- the limits ---------------------------------------------------------------------------


def test_bodies_beyond_the_limits_are_refused_before_anything_is_stored(store, app):
    filing = file(store)
    too_big = json.dumps(evaluation(filing, text="长" * 5000)).encode()
    r = app.post(
        "/api/v1/evaluations", content=too_big, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    r = app.post("/api/v1/evaluations", data={"id": filing["id"]})
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    dup = '{"id": "a", "id": "b", "revision": 1}'
    r = app.post("/api/v1/evaluations", content=dup, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "bad_request"
    r = app.post(
        "/api/v1/evaluations", json=evaluation(filing, text="字" * (feedback.MAX_TEXT + 1))
    )
    assert r.status_code == 422 and "最多 500 个字" in r.json()["message"]
    for bad in ({"satisfaction": 6}, {"satisfaction": True}, {"disrupted": "否"}):
        r = app.post("/api/v1/evaluations", json=evaluation(filing, **bad))
        assert r.status_code == 422, bad
    r = app.post("/api/v1/evaluations", json=evaluation(filing, contact=CONTACT))
    assert r.status_code == 422 and "投诉" in r.json()["message"]
    assert held_evaluations(store) == []


def test_a_duplicate_key_is_refused(store, app):
    filing = file(store)
    body = json.dumps(evaluation(filing))[:-1] + ', "satisfaction": 1}'
    r = app.post("/api/v1/evaluations", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert held_evaluations(store) == []


# --- one evaluation per revision, editable for 7 days -------------------------------------


def test_a_second_evaluation_replaces_the_first_within_seven_days_then_none(store, app, clock):
    filing = file(store)
    assert (
        app.post("/api/v1/evaluations", json=evaluation(filing, satisfaction=2)).status_code == 201
    )
    clock.advance(days=6, hours=23)
    r = app.post("/api/v1/evaluations", json=evaluation(filing, satisfaction=5, text="已改"))
    assert r.status_code == 200 and r.json()["status"] == "replaced"
    [row] = held_evaluations(store)
    assert (row["satisfaction"], row["text"]) == (5, "已改")
    clock.advance(hours=2)
    r = app.post("/api/v1/evaluations", json=evaluation(filing, satisfaction=1))
    assert r.status_code == 409 and r.json()["error"] == "edit_closed"
    assert held_evaluations(store)[0]["satisfaction"] == 5


def test_each_revision_has_its_own_evaluation(store, app):
    first = file(store)
    second = {**first, "revision": 2, "items": "复查"}
    assert (
        intake.submit(store, DEFAULT_UNIT, json.dumps(second, ensure_ascii=False).encode()).status
        == 201
    )
    app.post("/api/v1/evaluations", json=evaluation(first, satisfaction=3))
    app.post("/api/v1/evaluations", json=evaluation(second, satisfaction=4))
    assert [(r["revision"], r["satisfaction"]) for r in held_evaluations(store)] == [(1, 3), (2, 4)]


# --- complaints ---------------------------------------------------------------------------


def test_a_complaint_is_an_office_task_with_a_state_and_a_reply_audited(store, app, clock):
    filing = file(store)
    r = app.post(
        "/api/v1/evaluations",
        json=evaluation(
            filing,
            satisfaction=1,
            principal_required=True,
            text=COMPLAINT,
            complaint=True,
            contact=CONTACT,
        ),
    )
    assert r.status_code == 201 and r.json()["complaint_state"] == "received"
    with store.write() as db:
        feedback.set_complaint(
            db, CLI, filing["id"], 1, state="in_progress", reply=None, at=clock()
        )
    # Once the office handles it, the enterprise cannot change what it said.
    r = app.post("/api/v1/evaluations", json=evaluation(filing, satisfaction=5))
    assert r.status_code == 409 and r.json()["error"] == "complaint_in_hand"
    with store.write() as db:
        view = feedback.set_complaint(
            db, CLI, filing["id"], 1, state="done", reply="已约谈检查单位。", at=clock()
        )
    assert view["complaint_state_text"] == "已办结" and view["reply"] == "已约谈检查单位。"
    with store.read() as db:
        entries = [e for e in audit.entries(db) if e["action"] == "complaint"]
        assert [e["details"]["after"]["state"] for e in entries] == ["in_progress", "done"]
        assert all(e["actor"] == "cli" for e in entries)
        assert feedback.all_evaluations(db, complaints_only=True)[0]["contact"] == CONTACT


def test_only_admins_and_reviewers_handle_complaints(store, app, clock):
    filing = file(store)
    app.post("/api/v1/evaluations", json=evaluation(filing, text=COMPLAINT, complaint=True))
    viewer = Actor("look", "viewer", "430300")
    with pytest.raises(Exception, match="无权处理企业投诉"), store.write() as db:
        feedback.set_complaint(db, viewer, filing["id"], 1, state="done", reply=None, at=clock())


# --- visits -------------------------------------------------------------------------------


def test_visits_are_flagged_outside_the_window_and_for_revisions_not_filed(store, app, clock):
    filing = file(store, days_ahead=1)
    day = datetime.fromisoformat(filing["inspection_start"])
    clock.now = day.replace(hour=18)
    inside = {
        **link(filing),
        "arrived_at": day.isoformat(),
        "left_at": day.replace(hour=11).isoformat(),
    }
    r = app.post("/api/v1/visits", json=inside)
    assert r.status_code == 201 and r.json()["flags"] == []
    early = {**link(filing), "arrived_at": (day - timedelta(days=1)).isoformat(), "left_at": None}
    assert app.post("/api/v1/visits", json=early).json()["flags"] == ["outside_window"]
    with store.write() as db:
        filings.return_latest(db, CLI, filing["id"], "请补充检查依据。")
    r = app.post("/api/v1/visits", json=inside)
    assert r.json()["flags"] == ["returned"] and "退回" in r.json()["flags_text"][0]
    backwards = {**inside, "left_at": (day - timedelta(hours=1)).isoformat()}
    assert app.post("/api/v1/visits", json=backwards).status_code == 422
    with store.read() as db:
        assert [v["flags"] for v in feedback.all_visits(db)] == [
            [],
            ["outside_window"],
            ["returned"],
        ]


def test_a_filing_whose_visit_was_never_recorded_is_listed(store, app, clock):
    past = file(store, days_ahead=1)
    visited = file(store, days_ahead=1)
    file(store, days_ahead=5)  # not yet due
    day = datetime.fromisoformat(past["inspection_start"])
    clock.now = day.replace(hour=12)
    app.post("/api/v1/visits", json={**link(visited), "arrived_at": day.isoformat()})
    with store.read() as db:
        assert feedback.unvisited(db, day + timedelta(days=1)) == [
            {
                "id": past["id"],
                "revision": 1,
                "unit": tokens.unit_key(DEFAULT_UNIT),
                "office": "430300",
                "receipt": filings.latest(db, past["id"]).receipt,
                "inspection_end": day.date().isoformat(),
            }
        ]


# --- rate limits (in the store: every worker shares them) ---------------------------------


def test_posts_are_rate_limited_per_filing_and_per_address(store, app, clock):
    filing = file(store)
    for _ in range(feedback.PER_FILING_PER_HOUR):
        assert app.post("/api/v1/evaluations", json=evaluation(filing)).status_code in (200, 201)
    r = app.post("/api/v1/evaluations", json=evaluation(filing))
    assert r.status_code == 429 and r.headers["Retry-After"] == "3600"
    # The count is the store's: a second app (another worker) on the same store sees it.
    other = create_app(store)
    other.state.clock = clock
    with TestClient(other) as second:
        assert second.post("/api/v1/evaluations", json=evaluation(filing)).status_code == 429
    clock.advance(hours=1, minutes=1)
    assert app.post("/api/v1/evaluations", json=evaluation(filing)).status_code == 200
    # Per address: unknown ids count too, so the limit is no oracle either.
    clock.advance(hours=2)
    for n in range(feedback.PER_ADDRESS_PER_HOUR):
        ghost = {**evaluation(filing), "id": f"00000000-0000-4000-8000-{n:012d}"}
        assert app.post("/api/v1/evaluations", json=ghost).status_code == 404
    assert app.post("/api/v1/evaluations", json=evaluation(filing)).status_code == 429


# --- the inspecting unit never sees an evaluation -----------------------------------------


def test_the_unit_sees_no_evaluation_complaint_or_author(store, app, clock):
    filing = file(store)
    token = token_for(store)
    app.post(
        "/api/v1/evaluations",
        json=evaluation(filing, satisfaction=1, text=COMPLAINT, complaint=True, contact=CONTACT),
    )
    app.post("/api/v1/visits", json={**link(filing), "arrived_at": clock().isoformat()})
    auth = {"Authorization": f"Bearer {token}"}
    seen = [
        app.get(f"/api/v1/filings/{filing['id']}", headers=auth),
        app.get("/api/v1/changes", headers=auth),
        app.get("/api/v1/reference", headers=auth),
        app.get(f"/api/v1/satisfaction?from=2026-01-01&to={clock().date()}", headers=auth),
    ]
    assert [r.status_code for r in seen] == [200, 200, 200, 200]
    for r in seen:
        for secret in (COMPLAINT, "13907321234", "王经理", 'satisfaction": 1', "complaint"):
            assert secret not in r.text, (r.url, secret)
    assert seen[3].json()["enough"] is False and "count" not in seen[3].json()
    # No unit route lists evaluations or visits.
    for path in ("/api/v1/evaluations", "/api/v1/visits"):
        assert app.get(path, headers=auth).status_code == 405


def test_a_unit_sees_its_own_aggregate_over_at_least_ten_evaluations(store, app, clock):
    mine = [file(store) for _ in range(10)]
    theirs = file(store, OTHER_UNIT)
    for n, filing in enumerate(mine):
        app.post("/api/v1/evaluations", json=evaluation(filing, satisfaction=1 + n % 5))
        clock.advance(hours=1, minutes=1)  # within the per-address limit
    app.post("/api/v1/evaluations", json=evaluation(theirs, satisfaction=1))
    token, other = token_for(store), token_for(store, OTHER_UNIT)
    today = clock().date()
    period = f"from={(today - timedelta(days=2)).isoformat()}&to={today.isoformat()}"
    r = app.get(f"/api/v1/satisfaction?{period}", headers={"Authorization": f"Bearer {token}"})
    assert r.json() == {
        "from": (today - timedelta(days=2)).isoformat(),
        "to": today.isoformat(),
        "enough": True,
        "count": 10,
        "mean": 3.0,
    }
    r = app.get(f"/api/v1/satisfaction?{period}", headers={"Authorization": f"Bearer {other}"})
    assert r.json()["enough"] is False and "少于 10 条" in r.json()["message"]
    assert app.get(f"/api/v1/satisfaction?{period}").status_code == 401
    bad = app.get("/api/v1/satisfaction?from=x&to=y", headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400
