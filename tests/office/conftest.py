"""The office's suite runs on both backends: every test that uses an office or a store
runs once on SQLite and once on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from office.store import OfficeStore
from tests.support.office import new_office_db


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def office_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(request, tmp_path, office_backend) -> Iterator[OfficeStore]:
    """A fresh office store in-process, on the backend of this run."""
    opened = OfficeStore.open(new_office_db(request, office_backend, tmp_path))
    yield opened
    opened.dispose()
