"""The office's suite runs on both backends: every test that uses an office or a store
runs once on SQLite and once on a real PostgreSQL server."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def office_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
