"""The park committees' replies as the desk keeps them from the changes feed: applied
to a real store, malformed parts dropped, limits kept, the latest reply of each park
current, and a notice from an office that sent no reply object shown by its message."""

from __future__ import annotations

from pathlib import Path

from desktop.office_hints import park_reply_hints
from desktop.store import Store
from desktop.sync.changes import apply_changes, notices_for, park_replies_for

FID = "7d3c6a52-6f1e-4c55-9a8e-2b1f0c3d4e5f"
PARK = "湘潭高新技术产业开发区"


def notice(seq: int, reply: object, message: str = "") -> dict:
    return {
        "seq": seq,
        "type": "notice",
        "id": FID,
        "revision": 1,
        "code": "park_reply",
        "other_unit": PARK,
        "other_date": "2026-12-01",
        "message": message,
        "reply": reply,
        "at": "2026-12-01T10:00:00+08:00",
    }


def reply(kind: str = "send_staff", **extra: object) -> dict:
    return {
        "park": PARK,
        "kind": kind,
        "staff": [{"name": "李强", "phone": "13807320001"}],
        "note": "",
        "at": "2026-12-01T10:00:00+08:00",
        **extra,
    }


def test_replies_are_kept_checked_and_the_latest_of_each_park_is_current(tmp_path: Path):
    store = Store.open(tmp_path / "desk", daily_backup=False)
    try:
        changes = [
            notice(5, reply()),
            notice(9, reply("nothing_to_add", staff=[])),
            notice(7, reply(park="湘潭经济技术开发区", note="字" * 900)),
            notice(11, {"park": PARK, "kind": "shout"}, message="旧版办公室的文字"),
            notice(
                12, reply(staff=[{"name": 3, "phone": "1"}] + [{"name": "王", "phone": "1"}] * 9)
            ),
        ]
        applied = apply_changes(store, changes, now_text="2026-12-01T10:00:00+08:00")
        assert applied.notices == 5 and applied.bad == 0
        # Applying the same feed again keeps nothing twice.
        assert apply_changes(store, changes, now_text="x").notices == 0
    finally:
        store.close()
    store = Store.open(tmp_path / "desk", daily_backup=False)  # after a restart
    try:
        kept = notices_for(store, FID)
        assert [n["seq"] for n in kept] == [5, 9, 7, 11, 12]
        assert "reply" not in kept[3]  # a malformed reply is dropped, the notice kept
        assert len(kept[2]["reply"]["note"]) == 300
        assert len(kept[4]["reply"]["staff"]) == 4  # the bad row dropped, five at most read
        current = park_replies_for(store, FID)
        assert [(r["park"], r["kind"]) for r in current] == [
            ("湘潭经济技术开发区", "send_staff"),
            (PARK, "send_staff"),
        ]
        hints = park_reply_hints(store, FID)
        assert hints[0].startswith("湘潭经济技术开发区管理委员会：派员参加——李强（13807320001）")
        assert hints[1] == f"{PARK}管理委员会：派员参加——" + "、".join(["王（1）"] * 4)
    finally:
        store.close()


def test_an_older_offices_notice_shows_its_message(tmp_path: Path):
    store = Store.open(tmp_path / "desk", daily_backup=False)
    try:
        old = notice(3, None, message=f"{PARK}管理委员会回复：无补充意见")
        del old["reply"]
        apply_changes(store, [old], now_text="x")
        assert park_reply_hints(store, FID) == [f"{PARK}管理委员会回复：无补充意见"]
        assert park_replies_for(store, FID) == []
    finally:
        store.close()
