"""Build ``tests/data/office_v1/office.sqlite``: a database of the single-office release.

It was made by running this script at the last commit whose office held one office in
one SQLite file (schema ``PRAGMA user_version = 1``, receipts 潭优备〔YEAR〕NNNNNN号)::

    .venv/bin/python tests/data/office_v1/make.py

(then at tests/data/make_office_v1.py, writing office-v1.sqlite and office-v1.json;
moved here under these names since). The database is committed as it came out;
``facts.json`` beside it holds the unit tokens issued into it (a test database: the
tokens are not secret) and what it holds, so that the migration test can check that
nothing was lost and that the desks' tokens still work. Later code creates the new
schema (and has another API), so this script does not run today: the committed file is
the test data, and the script records how it was made.

Why ``filing()`` below repeats ``tests.support.office.valid_filing`` instead of calling
it: this is a record, kept as it ran. ``valid_filing`` is free to change with the form
(new fields, another form version, a date from today); the filings in the committed
database and in ``facts.json`` are not. A ``filing()`` built on it would describe
whatever ``valid_filing`` says now rather than what was written then, and the calls below
(``tokens.create(db, UNIT)``, ``filings.return_latest(db, id, reason)``) belong to the
single-office API anyway, so reusing today's helpers would not make it run.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from forms.record import SHANGHAI  # noqa: E402
from office import filings, intake, reference, tokens  # noqa: E402
from office.store import OfficeStore  # noqa: E402

UNIT = "湘潭市市场监督管理局"
OTHER = "湘潭市应急管理局"
PARK = {"name": "湘潭高新技术产业开发区", "short": "湘潭高新区"}


def filing(unit: str, day: int, *, park: str = "", revision: int = 1, fid: str | None = None):
    start = datetime(2026, 11, day, 9, 0, tzinfo=SHANGHAI)
    return {
        "form": "xiangtan-beian/2024",
        "id": fid or str(uuid.UUID(int=day * 1000 + revision + len(unit))),
        "revision": revision,
        "kind": "prior",
        "lead_unit": unit,
        "joint_units": [],
        "inspection_start": start.isoformat(),
        "inspection_end": start.replace(hour=17).isoformat(),
        "leader": {
            "name": "熊平华",
            "title": "四级主任科员",
            "phone": "13807321234",
            "cert_no": "43031119004",
        },
        "inspectors": [{"name": "易桐", "cert_no": "43031121002"}],
        "enterprise": {
            "name": "湘潭顺阳新材料科技股份有限公司",
            "uscc": "91430304MA4YG57FJC",
            "address": "湘潭市岳塘区科技路45号",
            "park": park,
        },
        "items": "食品生产许可条件保持情况",
        "basis": "《中华人民共和国食品安全法》第一百一十条",
        "content": "查看生产场所、设备设施和原料进货查验记录。",
        "plan_ref": "",
        "head_opinion": "",
    }


def main() -> None:
    target = HERE / "office.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    store = OfficeStore.open(target)
    with store.write() as db:
        _, unit_token = tokens.create(db, UNIT)
        _, other_token = tokens.create(db, OTHER)
        revoked_id, _ = tokens.create(db, UNIT)
        tokens.revoke_id(db, revoked_id)
        reference.load(db, {"parks": [PARK]}, source="reference.json")
    received = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    sent = [
        filing(UNIT, 25),
        filing(UNIT, 26, park="湘潭高新区"),
        filing(OTHER, 27),
        filing(UNIT, 30),
    ]
    second = filing(UNIT, 25, revision=2, fid=sent[0]["id"])
    second["items"] = "食品生产许可条件保持情况（补充）"
    sent.append(second)
    for f in sent:
        body = json.dumps(f, ensure_ascii=False).encode()
        outcome = intake.submit(store, f["lead_unit"], body, received_at=received)
        assert outcome.status == 201, outcome.body
    with store.write() as db:
        filings.return_latest(db, sent[3]["id"], "检查依据不明确，请补充具体条款。")
    # Checkpoint so that the committed file is whole without its -wal.
    with store.read() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        held = [h.summary() for h in filings.all_held(db)]
    store._thread_connection().close()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    facts = {
        "tokens": {UNIT: unit_token, OTHER: other_token},
        "filings": held,
        "bodies": {f"{f['id']}/{f['revision']}": f for f in sent},
    }
    (HERE / "facts.json").write_text(
        json.dumps(facts, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {target} ({len(held)} filing revisions)")


if __name__ == "__main__":
    main()
