"""Shared fixtures: sample filings and a moment to validate them at."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support.postgres import postgres  # noqa: F401 - started only when asked for

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
SHARED_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture
def good_filing() -> dict:
    """A complete, correct prior filing, valid as of ``at`` (2026-11-27 10:00)."""
    return json.loads((DATA / "good_prior.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def office_backend() -> str:
    """The office store the ``office`` fixtures run on; tests/office runs on both."""
    return "sqlite"


@pytest.fixture
def at() -> datetime:
    return datetime.fromisoformat("2026-11-27T10:00:00+08:00")


# CI runs the same examples every time, so a red build is reproducible; locally
# hypothesis explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
