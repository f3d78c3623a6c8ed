"""Discarding a draft, post-hoc deadline columns, and the migration that brought both."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import date

import pytest

from desktop.store import (
    DB_NAME,
    DRAFT,
    QUEUED,
    READY,
    ListQuery,
    NotEditable,
    Store,
    StoreError,
    schema,
)
from tests.support.clock import Clock
from tests.support.desk_store import clock, fresh, store  # noqa: F401 (fixtures)


def test_a_discarded_draft_leaves_the_list_and_stays_in_the_history(store, good_filing):
    kept, thrown = fresh(good_filing), fresh(good_filing)
    store.create_filing(kept)
    store.create_filing(thrown)
    name = good_filing["enterprise"]["name"]
    assert store.count_filings(ListQuery(text=name)) == 2
    before = store.counts_by_status()[DRAFT]

    store.discard_draft(thrown["id"])

    assert [s.id for s in store.list_filings(ListQuery())] == [kept["id"]]
    assert store.count_filings(ListQuery()) == 1
    assert [s.id for s in store.list_filings(ListQuery(text=name))] == [kept["id"]]
    assert store.count_filings(ListQuery(text=name)) == 1
    assert store.count_filings(ListQuery(text=name[:2])) == 1  # the short-term index too
    assert store.counts_by_status()[DRAFT] == before - 1
    # Nothing is erased: the content and the history stay, the discard recorded last.
    assert store.get(thrown["id"]).filing == thrown
    assert [e.kind for e in store.history(thrown["id"])] == ["created", "discarded"]
    # ... but it can no longer change.
    with pytest.raises(NotEditable, match="已经丢弃"):
        store.save_draft(thrown["id"], thrown, has_errors=False)
    with pytest.raises(NotEditable):
        store.queue(thrown["id"])
    with pytest.raises(NotEditable):
        store.discard_draft(thrown["id"])


def test_a_ready_filing_may_be_discarded(store, good_filing):
    f = fresh(good_filing)
    store.create_filing(f)
    store.save_draft(f["id"], f, has_errors=False)
    assert store.get(f["id"]).status == READY
    store.discard_draft(f["id"])
    assert store.count_filings(ListQuery()) == 0


def test_queued_sent_and_returned_filings_are_never_discarded(store, good_filing):
    queued, sent, returned = (fresh(good_filing) for _ in range(3))
    for f in (queued, sent, returned):
        store.queue(f["id"], f)
    store.mark_sent(sent["id"], 1, {"receipt": "潭优备〔2026〕000001号"})
    store.mark_returned(returned["id"], 1, "缺少依据", "2026-11-27T10:00:00+08:00")
    revised = store.new_revision(returned["id"])  # revision 2, a draft again
    assert revised.status == DRAFT
    for f in (queued, sent, returned):
        with pytest.raises(NotEditable, match="不能丢弃"):
            store.discard_draft(f["id"])
    assert store.count_filings(ListQuery()) == 3
    assert store.get(queued["id"]).status == QUEUED
    assert all(
        e.kind != "discarded" for f in (queued, sent, returned) for e in store.history(f["id"])
    )


def test_an_unknown_id_is_a_clear_error(store):
    with pytest.raises(StoreError, match="没有找到"):
        store.discard_draft(str(uuid.uuid4()))


def test_kind_and_end_date_filter_post_hoc_filings(store, good_filing):
    early = fresh(good_filing, kind="post_hoc", inspection_end="2026-11-20T17:00:00+08:00")
    late = fresh(good_filing, kind="post_hoc", inspection_end="2026-11-26T17:00:00+08:00")
    prior = fresh(good_filing, kind="prior", inspection_end="2026-11-01T17:00:00+08:00")
    for f in (early, late, prior):
        store.create_filing(f)
    (row,) = store.list_filings(ListQuery(kinds=("post_hoc",), ended_by=date(2026, 11, 21)))
    assert row.id == early["id"] and row.kind == "post_hoc"
    assert row.inspection_end_date == "2026-11-20"
    assert store.count_filings(ListQuery(kinds=("post_hoc",))) == 2
    assert store.count_filings(ListQuery(kinds=("prior",))) == 1


def test_a_version_1_file_migrates_with_its_history(tmp_path, good_filing):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    f = fresh(good_filing, kind="post_hoc", inspection_end="2026-11-20T17:00:00+08:00")
    at = "2026-11-21T10:00:00+08:00"
    old = sqlite3.connect(data / DB_NAME, isolation_level=None)
    schema.apply(old, 1)  # a file as the first release wrote it
    old.execute(
        "INSERT INTO filings (id, revision, status, created_at, updated_at, seq, kind)"
        " VALUES (?, 1, 'draft', ?, ?, 1, 'post_hoc')",
        (f["id"], at, at),
    )
    old.execute("INSERT INTO filing_docs VALUES (?, ?)", (f["id"], json.dumps(f)))
    for kind in ("created", "printed"):
        old.execute(
            "INSERT INTO events (filing_id, revision, at, kind) VALUES (?, 1, ?, ?)",
            (f["id"], at, kind),
        )
    old.close()
    with Store.open(data, clock=Clock()) as store:
        conn = store._connection()
        assert schema.user_version(conn) == schema.LATEST
        assert [e.kind for e in store.history(f["id"])] == ["created", "printed"]
        (row,) = store.list_filings(ListQuery())
        assert row.inspection_end_date == "2026-11-20"  # filled in for existing filings
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM events")
        store.discard_draft(f["id"])
        assert [e.kind for e in store.history(f["id"])][-1] == "discarded"
        assert store.count_filings(ListQuery()) == 0
