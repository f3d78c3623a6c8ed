"""What the workbench's enterprise pages list, without a browser, on both backends: an
office's staff read their own office's evaluations (a city's also its counties'), a
county's staff never the city's, and only admins and reviewers of the holding office are
offered to handle a complaint."""

from __future__ import annotations

import json

from forms.record import now
from office import intake, offices, tokens
from office.console import enterprise
from office.enterprise import feedback
from office.staff import Actor
from tests.support.office import DEFAULT_UNIT, valid_filing

CLI = Actor.cli()
COUNTY_UNIT = "湘潭县市场监督管理局"


def evaluated(store, unit: str, office: str) -> dict:
    filing = valid_filing(unit)
    with store.write() as db:
        tokens.create(db, CLI, unit, office)
    outcome = intake.submit(store, unit, json.dumps(filing, ensure_ascii=False).encode())
    assert outcome.status == 201, outcome.body
    link = feedback.Link(filing["id"], 1, outcome.body["digest"])
    given = feedback.EvaluationInput(link, 1, True, True, "投诉内容", True, "")
    feedback.record_evaluation(store, given, now())
    return filing


def test_each_office_reads_its_own_and_the_city_its_counties(store) -> None:
    with store.write() as db:
        offices.create(db, CLI, code="430321", name="湘潭县", prefix="县优备", parent="430300")
    city = evaluated(store, DEFAULT_UNIT, "430300")
    county = evaluated(store, COUNTY_UNIT, "430321")
    city_reviewer = Actor("c", "reviewer", "430300")
    county_reviewer = Actor("k", "reviewer", "430321")
    county_viewer = Actor("v", "viewer", "430321")
    with store.read() as db:
        assert {r["id"] for r in enterprise.evaluation_rows(db, city_reviewer)} == {
            city["id"],
            county["id"],
        }
        assert [r["id"] for r in enterprise.evaluation_rows(db, county_reviewer)] == [county["id"]]
        offered = {r["id"]: r["may_handle"] for r in enterprise.complaint_rows(db, city_reviewer)}
        assert offered == {city["id"]: True, county["id"]: False}  # the city reads, never acts
        assert [r["may_handle"] for r in enterprise.complaint_rows(db, county_viewer)] == [False]
