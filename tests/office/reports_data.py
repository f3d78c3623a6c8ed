"""A data set with every case the counts distinguish, stored through the office's own
functions (``filings.store``, ``filings.return_latest``) at chosen moments.

City 430300 湘潭市 with counties 430302 雨湖区 and 430304 岳塘区; the period is 2025Q4.

- A: city unit, post-hoc, inspection ended 2025-09-30, received 2025-10-14 — in time,
  because 1–8 October are holidays and 11 October a make-up workday (by Monday–Friday
  it would be 5 days late);
- B: same, received 2025-10-15 — late by 1 working day;
- D: city unit, prior, three revisions (10-20, 11-03, 11-10), returned twice (10-22,
  11-05): one filing, returned once counted, in October;
- E: 雨湖区 unit, prior, 11-12, flagged joint/repeated/white list, same enterprise as D;
- F: 岳塘区 unit, post-hoc ended 11-20, received 12-01 — late by 2 working days,
  flagged unplanned;
- G: city unit, first received 2025-09-20 (Q3), revision 2 on 10-05: not in Q4;
- H: city unit, received 2025-12-30, returned 2026-01-03: in Q4, not returned in Q4.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import pytest

from forms.record import SHANGHAI
from office import filings, offices
from office.staff import Actor
from office.store import OfficeStore

CITY_UNIT = "湘潭市市场监督管理局"
YUHU_UNIT = "雨湖区市场监督管理局"
YUETANG_UNIT = "岳塘区应急管理局"
ENTERPRISE_X = {"name": "湘潭顺阳新材料科技股份有限公司", "uscc": "91430304MA4YG57FJC"}
ENTERPRISE_Y = {"name": '=HYPERLINK("x")有限公司', "uscc": "91430300MA4L0Q7X2B"}
ENTERPRISE_Z = {"name": "湘潭电机股份有限公司", "uscc": "914303001837850537"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def body(
    filing_id: str,
    revision: int,
    unit: str,
    kind: str,
    end: str,
    enterprise: dict[str, str],
    joint_units: list[str] | None = None,
) -> bytes:
    return json.dumps(
        {
            "form": "xiangtan-beian/2024",
            "id": filing_id,
            "revision": revision,
            "kind": kind,
            "lead_unit": unit,
            "joint_units": joint_units or [],
            "inspection_start": end[:10] + "T09:00:00+08:00",
            "inspection_end": end,
            "enterprise": {**enterprise, "address": "湘潭市", "park": ""},
        },
        ensure_ascii=False,
    ).encode()


def warning(code: str) -> dict[str, Any]:
    return {"field": "", "code": code, "severity": "warning", "message": code}


def build(store: OfficeStore, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Store the data set; answer the filing ids by letter."""
    ids = {k: str(uuid.uuid4()) for k in "ABDEFGH"}
    with store.write() as db:
        for code, name, prefix in (("430302", "雨湖区", "雨优备"), ("430304", "岳塘区", "岳优备")):
            offices.create(db, Actor.cli(), code=code, name=name, prefix=prefix, parent="430300")
        offices.assign_unit(db, CITY_UNIT, "430300")
        offices.assign_unit(db, YUHU_UNIT, "430302")
        offices.assign_unit(db, YUETANG_UNIT, "430304")
    city, yuhu, yuetang = "430300", "430302", "430304"

    def put(
        key: str,
        revision: int,
        unit: str,
        office: str,
        kind: str,
        end: str,
        received: str,
        enterprise: dict[str, str],
        warnings: list[dict[str, Any]] | None = None,
    ) -> None:
        with store.write() as db:
            held = offices.get(db, office)
            assert held is not None
            raw = body(ids[key], revision, unit, kind, end, enterprise)
            filings.store(
                db,
                filing_id=ids[key],
                revision=revision,
                unit=unit,
                office=held,
                body=raw,
                content_sha256=f"{key}{revision}",
                digest=f"{key}{revision}",
                received_at=at(received),
                warnings=warnings or [],
                source="api",
                park=None,
            )

    def give_back(key: str, when: str) -> None:
        with monkeypatch.context() as patched:
            patched.setattr(filings, "now", lambda: at(when))
            with store.write() as db:
                filings.return_latest(db, Actor.cli(), ids[key], "请补充检查依据。")

    end_sep30 = "2025-09-30T17:00:00+08:00"
    put("A", 1, CITY_UNIT, city, "post_hoc", end_sep30, "2025-10-14T16:00:00", ENTERPRISE_Z)
    put("B", 1, CITY_UNIT, city, "post_hoc", end_sep30, "2025-10-15T09:00:00", ENTERPRISE_Y)
    put(
        "D",
        1,
        CITY_UNIT,
        city,
        "prior",
        "2025-10-25T17:00:00+08:00",
        "2025-10-20T10:00:00",
        ENTERPRISE_X,
    )
    give_back("D", "2025-10-22T10:00:00")
    put(
        "D",
        2,
        CITY_UNIT,
        city,
        "prior",
        "2025-11-25T17:00:00+08:00",
        "2025-11-03T10:00:00",
        ENTERPRISE_X,
    )
    give_back("D", "2025-11-05T10:00:00")
    put(
        "D",
        3,
        CITY_UNIT,
        city,
        "prior",
        "2025-11-25T17:00:00+08:00",
        "2025-11-10T10:00:00",
        ENTERPRISE_X,
    )
    put(
        "E",
        1,
        YUHU_UNIT,
        yuhu,
        "prior",
        "2025-11-20T17:00:00+08:00",
        "2025-11-12T10:00:00",
        ENTERPRISE_X,
        [
            warning("joint_inspection_suggested"),
            warning("repeated_inspection"),
            warning("white_list"),
        ],
    )
    put(
        "F",
        1,
        YUETANG_UNIT,
        yuetang,
        "post_hoc",
        "2025-11-20T17:00:00+08:00",
        "2025-12-01T09:30:00",
        ENTERPRISE_Z,
        [warning("unplanned")],
    )
    put(
        "G",
        1,
        CITY_UNIT,
        city,
        "prior",
        "2025-09-25T17:00:00+08:00",
        "2025-09-20T10:00:00",
        ENTERPRISE_Z,
    )
    put(
        "G",
        2,
        CITY_UNIT,
        city,
        "prior",
        "2025-10-25T17:00:00+08:00",
        "2025-10-05T10:00:00",
        ENTERPRISE_Z,
    )
    put(
        "H",
        1,
        CITY_UNIT,
        city,
        "prior",
        "2026-01-08T17:00:00+08:00",
        "2025-12-30T10:00:00",
        ENTERPRISE_Z,
    )
    give_back("H", "2026-01-03T10:00:00")
    return ids


def add_feedback(store: OfficeStore, ids: dict[str, str]) -> None:
    """The enterprises' side of the data set, stored in the office's own tables:

    - evaluations: D rev 3 (4, disrupted, complaint, text and contact that a report must
      never show) and E (5, principal required) in Q4; A (1) edited in January — not Q4;
    - visits: E recorded in Q4 (twice: two visits count twice), F recorded in January
      (not a Q4 visit, but F is visited: not 未扫码);
    - 未扫码 in Q4: D (ended 11-25) and G (ended 10-25, received in Q3: counted by its
      inspection's end); E, F visited; A, B ended in Q3; H returned.
    """
    from sqlalchemy import insert

    from office.tables import evaluations, visits

    def evaluation(key: str, revision: int, level: int, when: str, **flags: Any) -> dict[str, Any]:
        return {
            "id": ids[key],
            "revision": revision,
            "satisfaction": level,
            "disrupted": int(flags.get("disrupted", False)),
            "principal_required": int(flags.get("principal_required", False)),
            "text": flags.get("text", ""),
            "complaint": int(flags.get("complaint", False)),
            "contact": flags.get("contact", ""),
            "created_at": when,
            "at": when,
            "complaint_state": "received" if flags.get("complaint") else None,
            "reply": "",
            "replied_at": None,
        }

    with store.write() as db:
        db.execute(
            insert(evaluations),
            [
                evaluation(
                    "D",
                    3,
                    4,
                    "2025-11-26T10:00:00+08:00",
                    disrupted=True,
                    complaint=True,
                    text="检查人员态度生硬秘密投诉内容",
                    contact="13800000000",
                ),
                evaluation("E", 1, 5, "2025-11-21T10:00:00+08:00", principal_required=True),
                evaluation("A", 1, 1, "2026-01-02T10:00:00+08:00"),
            ],
        )
        visit = {"left_at": None, "standing": "filed"}
        db.execute(
            insert(visits),
            [
                {
                    **visit,
                    "id": ids["E"],
                    "revision": 1,
                    "arrived_at": "2025-11-20T09:00:00+08:00",
                    "recorded_at": "2025-11-20T09:01:00+08:00",
                },
                {
                    **visit,
                    "id": ids["E"],
                    "revision": 1,
                    "arrived_at": "2025-11-20T14:00:00+08:00",
                    "recorded_at": "2025-11-20T14:01:00+08:00",
                },
                {
                    **visit,
                    "id": ids["F"],
                    "revision": 1,
                    "arrived_at": "2025-11-20T09:00:00+08:00",
                    "recorded_at": "2026-01-05T09:00:00+08:00",
                },
            ],
        )
