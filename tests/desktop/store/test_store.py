"""The desk's store on a real SQLite file: filings, list and search, outbox, settings."""

from __future__ import annotations

import argparse
import copy
import json
import sqlite3
import stat
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.cli import main as beian
from desktop.commands.validate import context_for
from desktop.store import (
    DB_NAME,
    DRAFT,
    QUEUED,
    READY,
    RETURNED,
    SENT,
    STATUSES,
    AlreadySent,
    Enterprise,
    ListQuery,
    NotEditable,
    Store,
    StoreError,
    UnitProfile,
    schema,
    search,
)
from forms.certificates import CertRules
from forms.roster import Officer
from tests.support.clock import Clock
from tests.support.desk_store import clock, store  # noqa: F401 (fixtures)


def make(good: dict, **changes) -> dict:
    f = copy.deepcopy(good)
    f["id"] = str(uuid.uuid4())
    for key, value in changes.items():
        if key == "enterprise_name":
            f["enterprise"]["name"] = value
        elif key == "uscc":
            f["enterprise"]["uscc"] = value
        else:
            f[key] = value
    return f


def ready(store: Store, filing: dict) -> str:
    store.create_filing(filing)
    store.save_draft(filing["id"], filing, has_errors=False)
    return filing["id"]


# --- the file ---------------------------------------------------------------------------


def test_open_creates_one_private_file_in_wal_mode(tmp_path: Path, clock: Clock):
    data = tmp_path / "data"
    store = Store.open(data, clock=clock)
    try:
        assert store.path == data / DB_NAME
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
        conn = sqlite3.connect(store.path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        conn.close()
        assert {"filings", "revisions", "events", "outbox", "meta", "officers"} <= tables
        assert {"enterprises", "profile", "filings_fts"} <= tables
        pragmas = store._connection()
        assert pragmas.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert pragmas.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        for side in ("-wal", "-shm"):
            p = store.path.with_name(store.path.name + side)
            assert not p.exists() or stat.S_IMODE(p.stat().st_mode) == 0o600
    finally:
        store.close()


def test_reopen_keeps_everything(tmp_path: Path, clock: Clock, good_filing: dict):
    with Store.open(tmp_path, clock=clock) as s:
        ready(s, good_filing)
        s.set_meta("office_url", "https://office.example")
    with Store.open(tmp_path, clock=clock) as s:
        row = s.get(good_filing["id"])
        assert row.status == READY and row.filing == good_filing
        assert s.get_meta("office_url") == "https://office.example"


# --- filings and drafts -----------------------------------------------------------------


def test_create_and_autosave(store: Store, good_filing: dict, clock: Clock):
    row = store.create_filing(good_filing)
    assert (row.status, row.revision, row.editable) == (DRAFT, 1, True)
    assert row.created_at == "2026-11-27T09:00:00+08:00"
    clock.advance(seconds=2)
    incomplete = copy.deepcopy(good_filing)
    incomplete["items"] = ""
    row = store.save_draft(good_filing["id"], incomplete, has_errors=True)
    assert row.status == DRAFT and row.filing["items"] == ""
    assert row.updated_at == "2026-11-27T09:00:02+08:00"
    row = store.save_draft(good_filing["id"], good_filing, has_errors=False)
    assert row.status == READY and row.filing == good_filing
    with pytest.raises(StoreError, match="已经有编号相同的备案表"):
        store.create_filing(good_filing)
    with pytest.raises(ValueError):
        store.save_draft("another-id", good_filing, has_errors=False)
    with pytest.raises(StoreError, match="没有找到"):
        store.save_draft("no-such-id", {}, has_errors=False)
    assert store.get("no-such-id") is None


def test_create_without_id_gets_one(store: Store, good_filing: dict):
    f = copy.deepcopy(good_filing)
    del f["id"]
    f["revision"] = True  # not a revision number
    row = store.create_filing(f)
    assert uuid.UUID(row.id) and row.filing["id"] == row.id and row.revision == 1


def test_consecutive_edits_make_one_event(store: Store, good_filing: dict, clock: Clock):
    fid = good_filing["id"]
    store.create_filing(good_filing)
    for i in range(20):  # a clerk typing: a save after every pause
        clock.advance(seconds=20)
        store.save_draft(fid, dict(good_filing, items=f"第{i}次"), has_errors=True)
    assert [e.kind for e in store.history(fid)] == ["created", "edited"]
    clock.advance(minutes=6)  # a coffee break: the next edit is a new event
    store.save_draft(fid, dict(good_filing, items="回来了"), has_errors=True)
    store.record_event(fid, "validated", {"errors": 0})
    clock.advance(seconds=5)  # an event in between also starts a new run
    store.save_draft(fid, dict(good_filing, items="再改"), has_errors=True)
    assert [e.kind for e in store.history(fid)] == [
        "created",
        "edited",
        "edited",
        "validated",
        "edited",
    ]


def test_saving_unchanged_content_writes_nothing(store: Store, good_filing: dict, clock: Clock):
    fid = ready(store, good_filing)
    before, events = store.get(fid), store.history(fid)
    clock.advance(minutes=10)
    after = store.save_draft(fid, good_filing, has_errors=False)
    assert after.updated_at == before.updated_at
    assert store.history(fid) == events


def test_history_and_record_event(store: Store, good_filing: dict, clock: Clock):
    fid = good_filing["id"]
    store.create_filing(good_filing)
    clock.advance(minutes=1)
    store.record_event(fid, "printed", {"copies": 3})
    events = store.history(fid)
    assert [(e.kind, e.revision) for e in events] == [("created", 1), ("printed", 1)]
    assert events[1].detail == {"copies": 3} and events[1].at == "2026-11-27T09:01:00+08:00"
    with pytest.raises(ValueError):
        store.record_event(fid, "deleted")


def test_events_and_sent_revisions_cannot_be_altered(store: Store, good_filing: dict):
    fid = ready(store, good_filing)
    store.queue(fid)
    store.mark_attempt(fid, 1)
    store.mark_sent(fid, 1, {"receipt": "潭优备〔2026〕000001号"})
    conn = sqlite3.connect(store.path)
    try:
        for sql in (
            "UPDATE events SET kind = 'edited'",
            "DELETE FROM events",
            "UPDATE revisions SET filing = '{}'",
            "DELETE FROM revisions",
        ):
            with pytest.raises(sqlite3.DatabaseError, match=r"append-only|sent revision"):
                conn.execute(sql)
            conn.rollback()
    finally:
        conn.close()
    assert store.get_revision(fid, 1) == good_filing
    assert [e.kind for e in store.history(fid)] == ["created", "queued", "attempt", "sent"]


def test_new_similar(store: Store, good_filing: dict):
    fid = ready(store, good_filing)
    row = store.new_similar(fid)
    assert row.id != fid and row.revision == 1 and row.status == DRAFT
    assert row.filing["enterprise"] == good_filing["enterprise"]
    assert row.filing["inspection_start"] == "" and row.filing["inspection_end"] == ""
    assert store.history(row.id)[0].kind == "created"
    assert store.history(row.id)[0].detail == {"from": fid}


# --- list and search --------------------------------------------------------------------


@pytest.fixture
def listed(store: Store, good_filing: dict, clock: Clock) -> dict[str, str]:
    """Four filings with different enterprises, dates and statuses."""
    specs = {
        "a": ("湘潭顺泰食品有限公司", "91430321MA4K3RYKH3", "2026-12-01T09:00:00+08:00"),
        "b": ("湘潭金莲化工有限公司", "91430300MA4JUEUDKC", "2026-12-05T09:00:00+08:00"),
        "c": ("湘潭宇九建材有限公司", "91430300MA42YW450R", "2026-12-03T09:00:00+08:00"),
        "d": ("湘潭盘龙化工有限公司", "91430321MA4Q2G7EKM", "2026-11-30T23:30:00+08:00"),
    }
    ids = {}
    for key, (name, code, start) in specs.items():
        clock.advance(seconds=1)
        f = make(good_filing, enterprise_name=name, uscc=code, inspection_start=start)
        if key == "c":
            f["inspectors"] = [{"name": "欧阳·娜", "cert_no": "43031142003"}]
        ids[key] = ready(store, f)
    clock.advance(seconds=1)
    store.queue(ids["b"])
    store.mark_attempt(ids["b"], 1)
    store.mark_sent(ids["b"], 1, {"receipt": "潭优备〔2026〕000777号"})
    clock.advance(seconds=1)
    store.save_draft(ids["d"], store.get(ids["d"]).filing, has_errors=True)
    return ids


def names(rows) -> list[str]:
    return [r.enterprise[2:4] for r in rows]


def test_list_sorts_by_every_key(store: Store, listed: dict):
    def order(sort: str, descending: bool = True) -> list[str]:
        return names(store.list_filings(ListQuery(sort=sort, descending=descending)))

    assert order("updated_at") == ["盘龙", "金莲", "宇九", "顺泰"]
    assert order("updated_at", False) == ["顺泰", "宇九", "金莲", "盘龙"]
    assert order("inspection_start", False) == ["盘龙", "顺泰", "宇九", "金莲"]
    assert order("enterprise", False) == sorted(order("enterprise", False), key=lambda n: n)
    assert order("status", False)[0] == "盘龙"  # draft < ready < sent
    assert order("status", False)[-1] == "金莲"
    assert order("receipt")[0] == "金莲"
    row = store.list_filings(ListQuery(text="金莲"))[0]
    assert row.receipt == "潭优备〔2026〕000777号" and row.status == SENT
    assert row.uscc == "91430300MA4JUEUDKC" and row.lead_unit == "湘潭市市场监督管理局"


def test_list_filters_and_pages(store: Store, listed: dict):
    q = ListQuery(statuses=(READY,))
    assert sorted(names(store.list_filings(q))) == ["宇九", "顺泰"]
    assert store.count_filings(q) == 2
    assert store.count_filings(ListQuery(statuses=(READY, DRAFT))) == 3
    assert store.count_filings(ListQuery(statuses=("nonsense",))) == 0
    dates = ListQuery(date_from=date(2026, 12, 1), date_to=date(2026, 12, 3), descending=False)
    assert names(store.list_filings(dates)) == ["顺泰", "宇九"]
    # 23:30 on 30 November, Shanghai time, is the 30th whatever the offset written
    assert names(store.list_filings(ListQuery(date_to=date(2026, 11, 30)))) == ["盘龙"]
    page1 = store.list_filings(ListQuery(limit=3))
    page2 = store.list_filings(ListQuery(limit=3, offset=3))
    assert len(page1) == 3 and len(page2) == 1
    assert {r.id for r in page1 + page2} == set(listed.values())
    assert store.count_filings(ListQuery()) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("金莲化工", ["金莲"]),  # enterprise, 4 characters: full-text index
        ("化工", ["盘龙", "金莲"]),  # 2 characters: LIKE
        ("莲", ["金莲"]),  # 1 character
        ("91430300MA4JUEUDKC", ["金莲"]),  # credit code
        ("91430300ma4j", ["金莲"]),  # its beginning, any case
        ("9143 0300 MA42", ["宇九"]),  # words must all match
        ("欧阳·娜", ["宇九"]),  # officer's name
        ("欧阳", ["宇九"]),
        ("43031142003", ["宇九"]),  # certificate number
        ("000777", ["金莲"]),  # receipt number
        ("市场监督管理局", ["盘龙", "金莲", "宇九", "顺泰"]),  # unit
        ("原料进货查验", ["盘龙", "金莲", "宇九", "顺泰"]),  # any text
        ("ＭＡ４Ｊ", ["金莲"]),  # full-width typing
        ("化工 盘龙", ["盘龙"]),
        ("不存在的企业", []),
        ('"; DROP', []),  # FTS syntax is quoted away
        ("100%", []),
        ("_", []),
    ],
)
def test_search(store: Store, listed: dict, text: str, expected: list[str]):
    q = ListQuery(text=text)
    assert names(store.list_filings(q)) == expected
    assert store.count_filings(q) == len(expected)


@pytest.mark.parametrize("sort", ["inspection_start", "enterprise", "status", "receipt"])
def test_search_sorted_by_a_column_walks_or_sorts_alike(
    store: Store, listed: dict, sort: str, monkeypatch
):
    """Many matches: the sort column's index is walked with a check per row; few: the
    matches are sorted. Both must give the same page."""
    for text in ["化工", "湘潭 有限公司", "金莲", "91430300", "欧阳·娜", "市场监督 莲"]:
        q = ListQuery(text=text, sort=sort, descending=sort != "enterprise")
        monkeypatch.setattr(search, "DENSE", 10_000)
        sparse = store.list_filings(q)
        monkeypatch.setattr(search, "DENSE", 0)
        assert search.list_sql(q, "1", dense=True)[0].count("INDEXED BY") == 1
        assert store.list_filings(q) == sparse, text
        assert sparse, text


def test_search_follows_edits(store: Store, good_filing: dict):
    fid = ready(store, good_filing)
    assert store.count_filings(ListQuery(text="顺阳新材料")) == 1
    changed = copy.deepcopy(good_filing)
    changed["enterprise"]["name"] = "湘潭龙丰化工有限公司"
    store.save_draft(fid, changed, has_errors=False)
    assert store.count_filings(ListQuery(text="顺阳新材料")) == 0
    assert store.count_filings(ListQuery(text="龙丰化工")) == 1


def test_counts_by_status(store: Store, listed: dict):
    counts = store.counts_by_status()
    assert counts == {DRAFT: 1, READY: 2, QUEUED: 0, SENT: 1, RETURNED: 0}
    assert list(counts) == list(STATUSES)


# --- outbox -----------------------------------------------------------------------------


def test_queue_needs_a_filing_without_errors(store: Store, good_filing: dict):
    fid = good_filing["id"]
    store.create_filing(good_filing)
    with pytest.raises(NotEditable, match="还有错误"):
        store.queue(fid)
    store.save_draft(fid, good_filing, has_errors=False)
    row = store.queue(fid)
    assert row.status == QUEUED and not row.editable
    with pytest.raises(NotEditable, match="待发送队列"):
        store.save_draft(fid, good_filing, has_errors=False)
    [item] = store.outbox()
    assert (item.id, item.revision, item.filing, item.attempts) == (fid, 1, good_filing, 0)
    assert store.history(fid)[-1].kind == "queued"


def test_outbox_oldest_first_and_due(store: Store, good_filing: dict, clock: Clock):
    ids = []
    for _ in range(3):
        clock.advance(seconds=1)
        ids.append(ready(store, make(good_filing)))
    for fid in reversed(ids):
        store.queue(fid)
    assert [i.id for i in store.outbox()] == list(reversed(ids))
    first = ids[-1]
    store.mark_attempt(first, 1)
    retry = (clock.now + timedelta(minutes=2)).isoformat()
    store.mark_failed(first, 1, "无法连接备案部门", next_try_at=retry, permanent=False)
    store.mark_attempt(ids[1], 1)
    store.mark_failed(ids[1], 1, "检查依据不明确", next_try_at=None, permanent=True)
    due = store.outbox(due_only=True)
    assert [i.id for i in due] == [ids[0]]
    every = {i.id: i for i in store.outbox()}
    assert every[first].attempts == 1 and every[first].last_error == "无法连接备案部门"
    assert every[first].next_try_at == "2026-11-27T09:02:03+08:00"
    assert every[ids[1]].permanent and store.get(ids[1]).last_error == "检查依据不明确"
    clock.advance(minutes=2)
    assert [i.id for i in store.outbox(due_only=True)] == [first, ids[0]]
    kinds = [e.kind for e in store.history(first)]
    assert kinds[-3:] == ["queued", "attempt", "failed"]


def test_retry_time_far_ahead_counts_as_due(store: Store, good_filing: dict, clock: Clock):
    """A retry planned while the clock was a year ahead does not wait for a year."""
    fid = ready(store, good_filing)
    store.queue(fid)
    store.mark_attempt(fid, 1)
    store.mark_failed(fid, 1, "超时", next_try_at="2027-11-27T09:05:00+08:00", permanent=False)
    assert [i.id for i in store.outbox(due_only=True)] == [fid]


def test_queue_again_replaces_the_queued_revision(store: Store, good_filing: dict):
    fid = ready(store, good_filing)
    store.queue(fid)
    fixed = copy.deepcopy(good_filing)
    fixed["items"] = "食品生产许可条件保持情况（补充）"
    row = store.queue(fid, fixed)
    assert row.status == QUEUED and row.revision == 1 and row.filing == fixed
    [item] = store.outbox()
    assert item.filing == fixed and item.revision == 1
    assert store.get_revision(fid, 1) == fixed
    assert store.history(fid)[-1].detail["replaced"] is True
    # once a send was attempted the office may hold it: no replacing, no second copy
    store.mark_attempt(fid, 1)
    with pytest.raises(NotEditable, match="已开始发送"):
        store.queue(fid, good_filing)
    with pytest.raises(NotEditable, match="已开始发送"):
        store.unqueue(fid)
    store.queue(fid, fixed)  # the same content again is fine
    assert len(store.outbox()) == 1


def test_queue_file_for_a_new_id_creates_it(store: Store, good_filing: dict):
    row = store.queue(good_filing["id"], good_filing)
    assert row.status == QUEUED and row.filing == good_filing
    assert [e.kind for e in store.history(good_filing["id"])] == ["created", "queued"]


def test_sent_filing_is_never_queued_again(store: Store, good_filing: dict):
    fid = ready(store, good_filing)
    store.queue(fid)
    store.mark_attempt(fid, 1)
    receipt = {"id": fid, "revision": 1, "receipt": "潭优备〔2026〕000123号", "status": "filed"}
    store.mark_sent(fid, 1, receipt)
    store.mark_sent(fid, 1, receipt)  # the same receipt from the changes feed
    row = store.get(fid)
    assert row.status == SENT and row.receipt == "潭优备〔2026〕000123号"
    assert store.outbox() == []
    assert [e.kind for e in store.history(fid)].count("sent") == 1
    for attempt in (lambda: store.queue(fid), lambda: store.queue(fid, good_filing)):
        with pytest.raises(AlreadySent, match="不会再提交第二份"):
            attempt()
    with pytest.raises(NotEditable, match="已经备案"):
        store.save_draft(fid, good_filing, has_errors=False)
    with pytest.raises(AlreadySent):
        store.save_draft(fid, good_filing, has_errors=False)


def test_unqueue(store: Store, good_filing: dict):
    fid = ready(store, good_filing)
    store.queue(fid)
    row = store.unqueue(fid)
    assert row.status == READY and store.outbox() == []
    assert store.history(fid)[-1].kind == "unqueued"
    with pytest.raises(NotEditable):
        store.unqueue(fid)
    # refused by the office (permanent): the clerk may take it back and fix it
    store.queue(fid)
    store.mark_attempt(fid, 1)
    store.mark_failed(fid, 1, "牵头单位与账号不符", next_try_at=None, permanent=True)
    assert store.unqueue(fid).status == READY


def test_requeue_after_refusal_retries(store: Store, good_filing: dict):
    fid = ready(store, good_filing)
    store.queue(fid)
    store.mark_attempt(fid, 1)
    store.mark_failed(fid, 1, "请求过多", next_try_at=None, permanent=True)
    assert store.outbox(due_only=True) == []
    store.queue(fid)
    [item] = store.outbox(due_only=True)
    assert not item.permanent and item.attempts == 1


def test_attempt_and_failure_need_the_queued_revision(store: Store, good_filing: dict):
    fid = ready(store, good_filing)
    with pytest.raises(StoreError, match="不在待发送队列"):
        store.mark_attempt(fid, 1)
    store.queue(fid)
    with pytest.raises(StoreError):
        store.mark_attempt(fid, 2)
    store.mark_failed(fid, 2, "x", next_try_at=None, permanent=False)  # stale: ignored
    assert store.outbox()[0].last_error is None


def test_return_and_new_revision(store: Store, good_filing: dict, clock: Clock):
    fid = ready(store, good_filing)
    store.queue(fid)
    store.mark_attempt(fid, 1)
    store.mark_sent(fid, 1, {"receipt": "潭优备〔2026〕000009号"})
    clock.advance(hours=3)
    reason = "检查依据不明确，请补充具体条款。"
    store.mark_returned(fid, 1, reason, "2026-11-27T12:00:00+08:00")
    store.mark_returned(fid, 1, reason, "2026-11-27T12:00:00+08:00")  # seen twice
    row = store.get(fid)
    assert row.status == RETURNED and row.return_reason == reason and not row.editable
    with pytest.raises(NotEditable, match="退回"):
        store.save_draft(fid, good_filing, has_errors=False)
    with pytest.raises(NotEditable):
        store.queue(fid)
    row = store.new_revision(fid)
    assert (row.revision, row.status, row.filing["revision"]) == (2, DRAFT, 2)
    assert row.receipt is None and row.return_reason == reason
    fixed = copy.deepcopy(row.filing)
    fixed["basis"] = "《中华人民共和国食品安全法》第一百一十条第一项"
    store.save_draft(fid, fixed, has_errors=False)
    store.queue(fid)
    [item] = store.outbox()
    assert item.revision == 2 and item.filing["basis"].endswith("第一项")
    assert store.get_revision(fid, 1) == good_filing  # revision 1 kept as sent
    kinds = [(e.kind, e.revision) for e in store.history(fid)]
    assert kinds.count(("returned", 1)) == 1
    assert ("revised", 2) in kinds and kinds[-1] == ("queued", 2)
    with pytest.raises(NotEditable):
        store.new_revision(fid)


def test_queue_file_with_next_revision_of_a_returned_filing(store: Store, good_filing: dict):
    fid = ready(store, good_filing)
    store.queue(fid)
    store.mark_attempt(fid, 1)
    store.mark_sent(fid, 1, {"receipt": "潭优备〔2026〕000010号"})
    store.mark_returned(fid, 1, "退回", "2026-11-27T12:00:00+08:00")
    with pytest.raises(NotEditable):
        store.queue(fid, good_filing)  # revision 1 again
    second = dict(copy.deepcopy(good_filing), revision=2, content="补充检查内容。")
    row = store.queue(fid, second)
    assert (row.status, row.revision, row.filing) == (QUEUED, 2, second)


def test_return_while_receipt_not_yet_seen(store: Store, good_filing: dict):
    """The reply was lost; the changes feed brings the return before the receipt."""
    fid = ready(store, good_filing)
    store.queue(fid)
    store.mark_attempt(fid, 1)
    store.mark_returned(fid, 1, "内容不完整", "2026-11-27T12:00:00+08:00")
    assert store.get(fid).status == RETURNED and store.outbox() == []
    store.mark_sent(fid, 1, {"receipt": "潭优备〔2026〕000011号"})
    row = store.get(fid)
    assert row.status == RETURNED and row.receipt == "潭优备〔2026〕000011号"


# --- settings and reference data --------------------------------------------------------


def test_meta_and_profile(store: Store):
    assert store.get_meta("missing", 7) == 7
    store.set_meta("sync", {"cursor": "42", "last": None})
    assert store.get_meta("sync") == {"cursor": "42", "last": None}
    assert store.profile() == UnitProfile()
    p = UnitProfile("湘潭市市场监督管理局", ["湘潭市应急管理局"], {"name": "熊平华"})
    store.save_profile(p)
    assert store.profile() == p


def test_roster(store: Store):
    assert store.officers() == [] and len(store.roster()) == 0
    store.replace_roster(
        [
            Officer("易 桐", "４３０３１１２１００２", "副大队长", expires=date(2027, 10, 31)),
            Officer("康洋明", "43031119001", "科长", expires=date(2026, 6, 30)),
        ]
    )
    officers = store.officers()
    assert [o.name for o in officers] == ["易桐", "康洋明"]
    assert officers[0].cert_no == "43031121002" and officers[0].expires == date(2027, 10, 31)
    assert store.roster().by_cert("43031119001").name == "康洋明"
    store.replace_roster([Officer("陆秀", "43031121005")])
    assert [o.name for o in store.officers()] == ["陆秀"]


def test_enterprises(store: Store):
    n = store.upsert_enterprises(
        [
            Enterprise("湘潭金莲化工有限公司", "91430300MA4JUEUDKC", "科技路160号", "经开区"),
            Enterprise("湘潭盘龙化工有限公司", "9143 0321 MA4Q 2G7E KM"),
            Enterprise("龙潭个体门店"),
            Enterprise(""),
        ]
    )
    assert n == 3
    store.upsert_enterprises([Enterprise("湘潭金莲化工有限公司", "91430300MA4JUEUDKC", "新地址")])
    assert store.enterprise_count() == 3
    found = store.find_enterprises("湘潭金莲")
    assert found == [Enterprise("湘潭金莲化工有限公司", "91430300MA4JUEUDKC", "新地址", "")]
    assert [e.name for e in store.find_enterprises("化工")] == [
        "湘潭盘龙化工有限公司",
        "湘潭金莲化工有限公司",
    ]
    assert [e.name for e in store.find_enterprises("91430321")] == ["湘潭盘龙化工有限公司"]
    assert store.find_enterprises("龙")[0].name == "龙潭个体门店"  # prefix first
    assert store.find_enterprises("") == [] and store.find_enterprises("%") == []
    assert len(store.find_enterprises("湘潭", limit=1)) == 1


def test_reference_and_validation_context(store: Store):
    ctx = store.validation_context()
    assert ctx["roster"] is None
    assert ctx["cert_rules"].accepts("43031119001")
    assert not ctx["calendar"].covers(2031)
    rules = {
        "version": 2,
        "rules": [
            {
                "kind": "hn",
                "label": "湖南",
                "pattern": "^43[0-9]+$",
                "min_length": 6,
                "max_length": 20,
            }
        ],
    }
    reference = {
        "version": 3,
        "calendar": {"2031": {"holidays": ["2031-01-01"], "workdays": []}},
        "cert_rules": rules,
        "parks": [{"name": "湘潭高新技术产业开发区"}],
    }
    store.save_reference(reference)
    assert store.reference() == reference
    store.replace_roster([Officer("陆秀", "43031121005")])
    ctx = store.validation_context()
    assert isinstance(ctx["cert_rules"], CertRules) and ctx["cert_rules"].version == 2
    assert ctx["calendar"].covers(2031) and ctx["calendar"].is_workday(date(2031, 1, 1)) == (
        False,
        False,
    )
    assert ctx["roster"].by_cert("43031121005").name == "陆秀"
    with pytest.raises(StoreError, match="无法使用"):
        store.save_reference({"calendar": {"2032": {"holidays": ["2033-01-01"]}}})
    with pytest.raises(StoreError):
        store.save_reference({"cert_rules": {"rules": []}})
    assert store.reference() == reference


def test_context_for_beian_validate(tmp_path: Path, good_filing: dict, capsys):
    data = tmp_path / "data"
    assert context_for(argparse.Namespace(data_dir=data)) == {}
    assert not data.exists()  # looking does not create a store
    with Store.open(data) as s:
        s.replace_roster([Officer("陆秀", "43031121005")])
    assert context_for(argparse.Namespace(data_dir=data))["roster"].by_name("陆秀")
    path = tmp_path / "filing.json"
    alone = dict(good_filing, joint_units=[])  # no joint unit: every officer must be ours
    path.write_text(json.dumps(alone, ensure_ascii=False), "utf-8")
    code = beian(["--data-dir", str(data), "validate", str(path), "--json"])
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert code == 1
    assert {p["code"] for p in problems} >= {"cert_not_in_roster"}


def test_context_with_damaged_store_falls_back(tmp_path: Path, capsys):
    (tmp_path / DB_NAME).write_bytes(b"not a database at all" * 100)
    assert context_for(argparse.Namespace(data_dir=tmp_path)) == {}
    assert "无法读取本机数据文件" in capsys.readouterr().err


def test_bench_store_builds_a_store_the_desk_can_use(tmp_path: Path):
    """bench/bench_store.py writes rows directly (fast bulk load): they must be rows the
    store reads, lists, searches and counts like its own."""
    import importlib.util

    path = Path(__file__).resolve().parents[3] / "bench" / "bench_store.py"
    spec = importlib.util.spec_from_file_location("bench_store", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = tmp_path / "bench"
    bench.build(data, 300)
    with Store.open(data) as s:
        assert sum(s.counts_by_status().values()) == s.count_filings(ListQuery()) == 300
        first = s.list_filings(ListQuery(limit=1))[0]
        row = s.get(first.id)
        assert row.filing["enterprise"]["name"] == first.enterprise
        assert s.count_filings(ListQuery(text=first.enterprise)) >= 1
        assert s.count_filings(ListQuery(text=row.filing["leader"]["name"][:2])) >= 1
        assert s._connection().execute("PRAGMA quick_check").fetchone()[0] == "ok"
    figures = bench.measure(data, runs=1)
    assert figures["list_first_page_rows"] == 200 and figures["search_enterprise_rows"] >= 1


def test_receipt_commit_is_not_durable_but_everything_else_is(store: Store, listed: dict):
    """A receipt is committed without waiting for the disk (the office gives it again);
    every other write, and the attempt before a send, waits for it."""
    conn = store._connection()
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL, after mark_sent
    assert store.get(listed["b"]).status == SENT


def test_bulk_imports_load_sqlite_utils_only_when_used(tmp_path: Path):
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from desktop.store import Store; "
        f"s = Store.open(Path({str(tmp_path / 'd')!r})); "
        "print('sqlite_utils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "query",
    [
        ListQuery(),
        ListQuery(text="市场监督管理局"),  # one full-text table
        ListQuery(text="化工"),  # short: the n-gram table
        ListQuery(text="化工 盘龙"),
        ListQuery(text="市场监督管理局", statuses=(READY, DRAFT)),
        ListQuery(text="不存在的企业"),
        ListQuery(statuses=("nonsense",)),
    ],
)
def test_counting_matches_stops_at_the_cap(store: Store, listed: dict, monkeypatch, query):
    from desktop.store import MatchCount
    from desktop.store import filings as store_filings

    exact = store.count_filings(query)
    assert store.count_matches(query) == MatchCount(exact, capped=False)
    monkeypatch.setattr(store_filings, "COUNT_CAP", 2)
    counted = store.count_matches(query)
    assert counted == (MatchCount(2, capped=True) if exact > 2 else MatchCount(exact, False))
