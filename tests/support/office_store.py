"""An office store in the test process, with offices, units and staff in it — for the
tests that call the office's functions directly (no server, no browser).

In a ``conftest.py``, to run every store test once on SQLite and once on a real
PostgreSQL server::

    from tests.support.office_store import office_backend, store  # noqa: F401

In a test module::

    from tests.support.office_store import COUNTY, COUNTY_UNIT, file_one, staff, two_offices

    def test_something(two_offices):                  # the city and 雨湖区, a unit each
        held = file_one(two_offices, COUNTY_UNIT)     # a filing taken in, as the API would
        reviewer = staff(two_offices, "rev", "reviewer", COUNTY)   # an Actor of that role
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from office import intake, offices, tokens, users
from office.staff import Actor
from office.store import OfficeStore
from tests.support.office import DEFAULT_UNIT, new_office_db, valid_filing

CLI = Actor.cli()
CITY = "430300"
COUNTY = "430302"
COUNTY_UNIT = "雨湖区市场监督管理局"
PARK = "湘潭高新技术产业开发区"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def office_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(
    request: pytest.FixtureRequest, tmp_path: Path, office_backend: str
) -> Iterator[OfficeStore]:
    """A fresh office store in-process, on the backend of this run."""
    opened = OfficeStore.open(new_office_db(request, office_backend, tmp_path))
    yield opened
    opened.dispose()


def add_two_offices(store: OfficeStore) -> OfficeStore:
    """The city (430300, 潭优备) and 雨湖区 (430302, 雨优备) with a unit each."""
    with store.write() as db:
        offices.create(db, CLI, code=COUNTY, name="雨湖区", prefix="雨优备", parent=CITY)
        tokens.create(db, CLI, DEFAULT_UNIT, CITY)
        tokens.create(db, CLI, COUNTY_UNIT, COUNTY)
    return store


@pytest.fixture
def two_offices(store: OfficeStore) -> OfficeStore:
    """The city (430300, 潭优备) and 雨湖区 (430302, 雨优备) with a unit each."""
    return add_two_offices(store)


def staff(
    store: OfficeStore, username: str, role: str, office: str, park: str | None = None
) -> Actor:
    """A member of staff with ``PASSWORD``, made by the command line's actor; as an Actor."""
    with store.write() as db:
        user = users.create(
            db, CLI, username=username, role=role, password=PASSWORD, office=office, park=park
        )
    return user.actor()


def body(filing: dict[str, Any]) -> bytes:
    """A filing as the API receives it."""
    return json.dumps(filing, ensure_ascii=False).encode()


def file_one(
    store: OfficeStore, unit: str, data: dict[str, Any] | None = None, **overrides: Any
) -> dict[str, Any]:
    """Take in ``data`` (default: a valid filing of ``unit`` with ``overrides``) as the API
    would; the answer's body (id, receipt…)."""
    outcome = intake.submit(store, unit, body(data or valid_filing(unit, **overrides)))
    assert outcome.status == 201, outcome.body
    return outcome.body
