"""The workbench's tests: the store-level ones run on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from office.store import OfficeStore
from tests.support.office import new_office_db


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def office_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path, office_backend: str) -> Iterator[OfficeStore]:
    opened = OfficeStore.open(new_office_db(request, office_backend, tmp_path))
    yield opened
    opened.dispose()
