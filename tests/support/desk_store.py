"""A desk store in a temporary folder, for the tests of the desk's own data.

    from tests.support.desk_store import clock, fresh, store  # noqa: F401 (fixtures)

    def test_something(store, clock, good_filing):
        filing = fresh(good_filing)          # a copy with an id of its own
        store.create_filing(filing)
        clock.advance(seconds=60)            # the store's clock (tests.support.clock)

``store`` is opened on ``<tmp_path>/data`` with the ``clock`` fixture's clock (a fresh
one unless the test moves it) and closed after the test.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.store import Store
from tests.support.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    s = Store.open(tmp_path / "data", clock=clock)
    yield s
    s.close()


def fresh(good: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``good`` with a new id and ``changes`` set at the top level."""
    f = copy.deepcopy(good)
    f["id"] = str(uuid.uuid4())
    f.update(changes)
    return f
