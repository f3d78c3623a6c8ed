"""One-line facts about a filing, decided once: its enterprise, its list row, its outbox entry."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

import pytest

from desktop.filing_summary import enterprise_name, summary_of
from desktop.store import ListQuery, Store
from tests.support.clock import Clock


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "data", clock=Clock())
    yield s
    s.close()


def fresh(good: dict) -> dict:
    f = copy.deepcopy(good)
    f["id"] = str(uuid.uuid4())
    return f


@pytest.mark.parametrize(
    ("filing", "name"),
    [
        ({"enterprise": {"name": "湖南华菱湘钢（湘潭）有限公司"}}, "湖南华菱湘钢（湘潭）有限公司"),
        ({"enterprise": {"name": "  某某公司 "}}, "某某公司"),
        ({"enterprise": {"name": None}}, ""),
        ({"enterprise": {"name": 12}}, ""),
        ({"enterprise": "某某公司"}, ""),
        ({}, ""),
    ],
)
def test_enterprise_name(filing: dict, name: str):
    assert enterprise_name(filing) == name


def test_a_row_after_autosave_reads_as_after_a_reload(store: Store, good_filing: dict):
    filing = fresh(good_filing)
    store.create_filing(filing)
    # What a clerk may type: spaces around, a line break pasted in, a spaced credit code.
    filing["enterprise"]["name"] = "  湘潭某某\n新材料有限公司 "
    filing["enterprise"]["uscc"] = "9143 0300 MA4L 1234 5X"
    filing["lead_unit"] = " 湘潭市应急管理局  "
    row = store.save_draft(filing["id"], filing, has_errors=True)
    (listed,) = store.list_filings(ListQuery())
    assert summary_of(row) == listed
    assert listed.enterprise == "湘潭某某新材料有限公司"  # one line, as the store lists it


def test_outbox_item_by_id(store: Store, good_filing: dict):
    waiting, other = fresh(good_filing), fresh(good_filing)
    store.queue(waiting["id"], waiting)
    store.create_filing(other)
    item = store.outbox_item(waiting["id"])
    assert item is not None and item.id == waiting["id"] and item.revision == 1
    assert not item.permanent
    assert store.outbox_item(other["id"]) is None
    store.mark_failed(waiting["id"], 1, "拒收", next_try_at=None, permanent=True)
    refused = store.outbox_item(waiting["id"])
    assert refused is not None and refused.permanent and refused.last_error == "拒收"
