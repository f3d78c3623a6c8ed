"""How fast the desk's store lists and searches with many filings.

    .venv/bin/python bench/bench_store.py [--filings 100000] [--keep DIR] [--json]

Builds a store of fictional filings (rows written with executemany in one transaction,
through the same summary and search-text code the store uses), then times the calls
the filings list makes. Prints a table; with --json the last line is one JSON object.
Goal (issue "Benchmarks and hardening"): first page and search under 50 ms at 100,000.
``build`` and ``measure`` are importable for the combined benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.store import DRAFT, QUEUED, READY, RETURNED, SENT, ListQuery, Store
from desktop.store import search as store_search
from forms.record import SHANGHAI, format_timestamp

_PLACES = "顺阳泰城盘金莲宇九鑫峰龙丰达旺源宏韶潭湘星华康瑞通恒昌兴隆福海天和安晟"
_TRADES = [
    "食品有限公司",
    "化工有限公司",
    "建材有限公司",
    "机械制造有限公司",
    "新材料科技股份有限公司",
    "医药有限公司",
    "电气有限公司",
    "餐饮管理有限公司",
]
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = "平华桐燕娟洋明秀晓英欣德雨梅兰杰艳俊霞娟勇涛伟芳敏静丽强磊军洋勇艳杰娜涛明超秀霞刚桂英"
_UNITS = ["湘潭市市场监督管理局", "湘潭市应急管理局", "湘潭市生态环境局", "湘潭市卫生健康委员会"]
_ITEMS = [
    "食品生产许可条件保持情况",
    "危险化学品安全管理情况",
    "排污许可执行情况",
    "特种设备使用登记和定期检验情况",
    "消防安全责任落实情况",
]
_STATUS_MIX = [SENT] * 80 + [READY] * 8 + [DRAFT] * 8 + [QUEUED] * 2 + [RETURNED] * 2


def _uscc(rng: random.Random) -> str:
    from stdnum.cn import uscc

    body = "914303" + "".join(rng.choice("0123456789") for _ in range(2)) + "MA4"
    body += "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    return body + uscc.calc_check_digit(body)


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _filing(rng: random.Random, enterprises: list[tuple[str, str]]) -> dict[str, Any]:
    name, code = rng.choice(enterprises)
    start = datetime(2024, 1, 1, 9, tzinfo=SHANGHAI) + timedelta(
        days=rng.randrange(1000), hours=rng.randrange(8)
    )
    unit = rng.choice(_UNITS)
    return {
        "form": "xiangtan-beian/2024",
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "revision": 1,
        "kind": "prior",
        "lead_unit": unit,
        "joint_units": rng.sample([u for u in _UNITS if u != unit], rng.randrange(2)),
        "inspection_start": start.isoformat(),
        "inspection_end": (start + timedelta(hours=4)).isoformat(),
        "leader": {
            "name": _person(rng),
            "title": "四级主任科员",
            "phone": f"138{rng.randrange(10**8):08d}",
            "cert_no": f"430311{rng.randrange(10**5):05d}",
        },
        "inspectors": [
            {"name": _person(rng), "cert_no": f"430311{rng.randrange(10**5):05d}"}
            for _ in range(rng.randrange(1, 4))
        ],
        "enterprise": {
            "name": name,
            "uscc": code,
            "address": f"湘潭市岳塘区科技路{rng.randrange(1, 400)}号",
            "park": "",
        },
        "items": rng.choice(_ITEMS),
        "basis": "《中华人民共和国食品安全法》第一百一十条；《安全生产法》第六十五条",
        "content": "查看生产场所、设备设施和原料进货查验记录，抽查台账。" * rng.randrange(1, 4),
        "plan_ref": "",
        "head_opinion": "",
    }


def build(data_dir: Path, n: int = 100_000, seed: int = 1) -> Path:
    """A store of ``n`` fictional filings in ``data_dir`` (created); returns the file."""
    rng = random.Random(seed)
    enterprises = [
        ("湘潭" + rng.choice(_PLACES) + rng.choice(_PLACES) + rng.choice(_TRADES), _uscc(rng))
        for _ in range(max(50, n // 20))
    ]
    Store.open(data_dir, daily_backup=False).close()  # the schema
    states, docs, texts, grams, events = [], [], [], [], []
    at = datetime(2026, 11, 1, tzinfo=SHANGHAI)
    for i in range(n):
        f = _filing(rng, enterprises)
        status = rng.choice(_STATUS_MIX)
        receipt = f"潭优备〔2026〕{i + 1:06d}号" if status in (SENT, RETURNED) else None
        stamp = format_timestamp(at + timedelta(minutes=i))
        cols = store_search.summary(f)
        seq = i + 1
        states.append(
            (
                f["id"], 1, status, stamp, stamp, seq, cols["kind"], cols["enterprise"],
                cols["uscc"], cols["lead_unit"], cols["inspection_start"],
                cols["inspection_date"], receipt,
            )
        )  # fmt: skip
        docs.append((f["id"], json.dumps(f, ensure_ascii=False, separators=(",", ":"))))
        texts.append((seq, store_search.search_text(f, receipt)))
        grams.append((seq, store_search.grams(f, receipt)))
        events.append((f["id"], 1, stamp, "created", "{}"))
    # A bulk load, not the desk's way of writing: no journal, no fsync until the end.
    conn = sqlite3.connect(data_dir / "beian.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    conn.execute("BEGIN")
    conn.executemany(
        """INSERT INTO filings (id, revision, status, created_at, updated_at, seq, kind,
               enterprise, uscc, lead_unit, inspection_start, inspection_date, receipt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        states,
    )
    conn.executemany("INSERT INTO filing_docs (filing_id, filing) VALUES (?, ?)", docs)
    conn.executemany("INSERT INTO filings_fts (rowid, search_text) VALUES (?, ?)", texts)
    conn.executemany("INSERT INTO filings_grams (rowid, grams) VALUES (?, ?)", grams)
    conn.executemany(
        "INSERT INTO events (filing_id, revision, at, kind, detail) VALUES (?, ?, ?, ?, ?)",
        events,
    )
    conn.execute("COMMIT")
    for table in ("filings_fts", "filings_grams"):
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
    conn.execute("PRAGMA optimize")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return data_dir / "beian.sqlite3"


def _timed(call: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median milliseconds of ``runs`` calls (after one warm-up), and the last result."""
    result = call()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def measure(data_dir: Path, runs: int = 7) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    t = time.perf_counter()
    store = Store.open(data_dir, daily_backup=False)
    figures["open_ms"] = (time.perf_counter() - t) * 1000
    try:
        sent = store.counts_by_status()[SENT]
        [fid] = store._read(
            "SELECT id FROM filings WHERE status = 'sent' LIMIT 1 OFFSET ?", (min(4321, sent // 2),)
        )
        sample = store.get(fid[0]).filing
        leader = sample["leader"]["name"]
        queries = {
            "list_first_page": ListQuery(),
            "list_by_enterprise": ListQuery(sort="enterprise", descending=False),
            "list_by_inspection": ListQuery(sort="inspection_start"),
            "list_status_filter": ListQuery(statuses=(READY, DRAFT)),
            "list_date_range": ListQuery(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31)),
            "search_enterprise": ListQuery(text=sample["enterprise"]["name"][:6]),
            "search_common_words": ListQuery(text="原料进货查验"),
            "search_uscc": ListQuery(text=sample["enterprise"]["uscc"]),
            "search_cert_no": ListQuery(text=sample["leader"]["cert_no"]),
            "search_name_2_chars": ListQuery(text=leader[:2]),
            "search_1_char": ListQuery(text="熊"),
            "search_receipt": ListQuery(text="000777"),
            "search_2_chars_by_enterprise": ListQuery(text="化工", sort="enterprise"),
            "search_by_inspection": ListQuery(text="原料进货查验", sort="inspection_start"),
            "search_nothing": ListQuery(text="不存在的企业名称"),
            "search_and_filter": ListQuery(text="化工", statuses=(SENT,), sort="enterprise"),
        }
        for name, q in queries.items():
            ms, rows = _timed(lambda q=q: store.list_filings(q), runs)
            figures[f"{name}_ms"] = ms
            figures[f"{name}_rows"] = len(rows)
            ms, count = _timed(lambda q=q: store.count_filings(q), max(3, runs // 2))
            figures[f"{name}_count_ms"] = ms
            figures[f"{name}_count"] = count
        figures["counts_by_status_ms"], _ = _timed(store.counts_by_status, runs)
        fid = sample["id"]
        draft = store.create_filing(dict(sample, id=str(uuid.uuid4())))
        edits = iter(range(10**6))

        def autosave() -> None:
            content = dict(draft.filing, items=f"第{next(edits)}次修改")
            store.save_draft(draft.id, content, has_errors=True)

        figures["save_draft_ms"], _ = _timed(autosave, runs)
        figures["get_ms"], _ = _timed(lambda: store.get(fid), runs)
        figures["history_ms"], _ = _timed(lambda: store.history(fid), runs)
    finally:
        store.close()
    figures["file_mb"] = (data_dir / "beian.sqlite3").stat().st_size / 1e6
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=100_000)
    parser.add_argument("--keep", metavar="DIR", help="build (or reuse) the store here")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(args.keep) if args.keep else Path(tmp) / "data"
        build_s = 0.0
        if not (data_dir / "beian.sqlite3").exists():
            t = time.perf_counter()
            build(data_dir, args.filings)
            build_s = time.perf_counter() - t
        figures = {"filings": args.filings, "build_s": build_s, **measure(data_dir, args.runs)}
    figures["machine"] = f"{os.cpu_count()} CPUs, {sys.platform}, Python {sys.version.split()[0]}"
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        text = f"{value:10.2f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"{key:<{width}}  {text}")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
