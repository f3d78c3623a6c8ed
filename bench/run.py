"""The desk's benchmarks in one run: start-up, PDF, validation, sync, list, search, memory.

    .venv/bin/python bench/run.py [--quick] [--json]

Prints a table of figures against the goals of the issue "Benchmarks and hardening";
with ``--json`` the last line is one JSON object holding every figure (seconds unless
the key says otherwise) plus ``machine``. ``--quick`` repeats less and syncs fewer
filings (a few minutes on two cores). What each figure means, and the latest results,
are in docs/benchmarks.md.

Everything runs on real parts: real child processes for start-up, cold PDF and memory
(Qt offscreen), a real ``beian-office serve`` on 127.0.0.1 for sync, real SQLite files
in a temporary folder. The 100,000-filing store is built once per invocation (by
``bench_store.build``) and shared by the list, search and memory figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

SAMPLE = ROOT / "tests" / "data" / "good_prior.json"
PROBE = BENCH / "probe_startup.py"


@dataclass(frozen=True)
class Sizes:
    startup_runs: int  # desk and bare Qt each, after one discarded warm-up each
    startup_filings: int
    pdf_cold_runs: int  # of each kind (empty disk cache, warm disk cache)
    pdf_warm_runs: int
    validate_runs: int
    sync_filings: int
    store_filings: int
    list_runs: int
    warm_up: bool = True


FULL = Sizes(9, 1000, 3, 40, 500, 400, 100_000, 15)
QUICK = Sizes(5, 1000, 2, 20, 200, 120, 100_000, 7)
SMOKE = Sizes(1, 30, 1, 3, 5, 3, 300, 2, warm_up=False)  # for the test that the tool runs

# key: (goal text, check(figures) -> bool)
GOALS: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "startup_s": ("≤ 2 × bare Qt", lambda f: f["startup_s"] <= 2 * f["startup_bare_qt_s"]),
    "pdf_cold_s": ("< 1.5 s", lambda f: f["pdf_cold_s"] < 1.5),
    "pdf_cold_disk_cache_s": ("< 1.5 s", lambda f: f["pdf_cold_disk_cache_s"] < 1.5),
    "pdf_warm_s": ("< 0.080 s", lambda f: f["pdf_warm_s"] < 0.080),
    "validate_ms": ("< 5 ms", lambda f: f["validate_ms"] < 5),
    "startup_100k_ratio": (
        "≤ 1.5 × at 1,000",
        lambda f: f["startup_100k_ratio"] <= 1.5,
    ),
    "sync_filings_per_s": ("≥ 300 /s", lambda f: f["sync_filings_per_s"] >= 300),
    "list_ms_100k": ("< 50 ms", lambda f: f["list_ms_100k"] < 50),
    "search_ms_100k": ("< 50 ms", lambda f: f["search_ms_100k"] < 50),
    "peak_rss_mb": ("< 300 MB", lambda f: f["peak_rss_mb"] < 300),
}


# Where child processes keep compiled bytecode (set by ``run``). An installed desk runs
# from compiled bytecode; a checkout run with PYTHONDONTWRITEBYTECODE (common on CI and
# dev machines) would compile every project module at every start instead, about 0.2 s.
_pycache: Path | None = None


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    env["QT_QPA_PLATFORM"] = "offscreen"
    if _pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(_pycache)
    env.update(extra)
    return env


def _compile_project() -> None:
    """Bytecode for the project's packages, as an installation has (see ``_pycache``)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "forms", "desktop", "office", "bench"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        check=True,
    )


def _child(args: list[str], env: dict[str, str], timeout: float = 600) -> tuple[float, dict]:
    """Run a Python child; (monotonic time just before it started, its last JSON line)."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"{' '.join(args[:2])} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
        )
    return start, json.loads(lines[-1])


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _timed_ms(call: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    return times


# --- start-up ---------------------------------------------------------------------------


def _probe(mode: str, *args: str, font_cache: Path) -> dict[str, float]:
    """One probe process; its marks as seconds since just before it was started."""
    start, marks = _child(
        [str(PROBE), mode, *args], _env(BEIAN_FONT_CACHE=str(font_cache)), timeout=300
    )
    if "error" in marks:
        raise RuntimeError(f"start-up probe ({mode}): {marks['error']}")
    out = {}
    for key, value in marks.items():
        if key in ("started", "qt_imported", "shown", "painted", "settled"):
            out[key] = value - start
        else:
            out[key] = value
    return out


def measure_startup(sizes: Sizes, work: Path, store_dir: Callable[[int], Path]) -> dict:
    """Process start → first paint of the main window (1,000 filings), and of a bare
    QMainWindow; desk and bare runs alternate so both see the same machine load."""
    data = work / "startup-store"
    if not data.exists():
        import shutil

        shutil.copytree(store_dir(sizes.startup_filings), data)
    cache = work / "startup-fonts"
    if sizes.warm_up:  # the first start makes the daily backup and warms the OS file cache
        _probe("desk", str(data), font_cache=cache)
        _probe("bare", font_cache=cache)
    desk, bare = [], []
    for _ in range(sizes.startup_runs):
        desk.append(_probe("desk", str(data), font_cache=cache))
        bare.append(_probe("bare", font_cache=cache))

    def med(runs: list[dict], key: str) -> float:
        return round(_median([r[key] for r in runs]), 3)

    return {
        "startup_s": med(desk, "painted"),
        "startup_bare_qt_s": med(bare, "painted"),
        "startup_ratio": round(med(desk, "painted") / med(bare, "painted"), 2),
        "startup_settled_s": med(desk, "settled"),
        "startup_bare_qt_settled_s": med(bare, "settled"),
        "startup_cpu_s": med(desk, "cpu_s"),
        "startup_bare_qt_cpu_s": med(bare, "cpu_s"),
        "startup_interpreter_s": med(desk, "started"),
        "startup_qt_imported_s": med(desk, "qt_imported"),
        "startup_window_shown_s": med(desk, "shown"),
        "startup_bare_qt_imported_s": med(bare, "qt_imported"),
        "startup_filings": sizes.startup_filings,
        "startup_list_rows": int(desk[-1]["rows"]),
        "startup_rss_mb": med(desk, "peak_rss_mb"),
        "startup_bare_qt_rss_mb": med(bare, "peak_rss_mb"),
        "startup_runs": sizes.startup_runs,
    }


# --- PDF --------------------------------------------------------------------------------

# A fresh interpreter renders its first triplicate (fonts prepared as the desk does), then
# ``warm`` more; prints the monotonic time the first was done and the warm times.
_PDF_CHILD = r"""
import json, statistics, sys, time
import forms.pdf as pdf
filing = json.loads(open(sys.argv[1], encoding="utf-8").read())
pdf.prepare()
data = pdf.render_pdf(filing, draft=False)
first = time.monotonic()
warm = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    pdf.render_pdf(filing, draft=False)
    warm.append(time.perf_counter() - t)
print(json.dumps({"first_done": first, "warm": warm, "bytes": len(data)}))
"""


def measure_pdf(sizes: Sizes, work: Path) -> dict:
    def run(cache: Path, warm: int) -> tuple[float, dict]:
        start, out = _child(
            ["-c", _PDF_CHILD, str(SAMPLE), str(warm)], _env(BEIAN_FONT_CACHE=str(cache))
        )
        return out["first_done"] - start, out

    empty, cached, warm = [], [], []
    for i in range(sizes.pdf_cold_runs):
        cache = work / f"pdf-fonts-{i}"
        seconds, _ = run(cache, 0)  # a new cache folder: every glyph is converted
        empty.append(seconds)
        seconds, out = run(cache, sizes.pdf_warm_runs if i == 0 else 0)
        cached.append(seconds)
        warm += out["warm"]
    return {
        "pdf_cold_s": round(_median(empty), 3),
        "pdf_cold_disk_cache_s": round(_median(cached), 3),
        "pdf_warm_s": round(_median(warm), 4),
        "pdf_warm_max_s": round(max(warm), 4),
        "pdf_bytes": out["bytes"],
        "pdf_warm_runs": len(warm),
    }


# --- validation -------------------------------------------------------------------------


def measure_validate(sizes: Sizes) -> dict:
    """``rules.validate`` of one filing with a 300-officer roster and the full calendar, as
    the editor runs it on every change (at a fixed moment before the inspection)."""
    from forms import rules
    from forms.certificates import default_cert_rules
    from forms.record import SHANGHAI
    from forms.roster import Officer, Roster
    from forms.workdays import WorkCalendar

    good = json.loads(SAMPLE.read_text("utf-8"))
    people = [good["leader"], *good["inspectors"]]
    officers = [Officer(p["name"], p["cert_no"]) for p in people]
    officers += [Officer(f"执法员{i:03d}", f"4303112{i:04d}") for i in range(300)]
    context = {
        "at": datetime(2026, 11, 20, 10, tzinfo=SHANGHAI),
        "roster": Roster(officers),
        "cert_rules": default_cert_rules(),
        "calendar": WorkCalendar(),
    }
    bad = dict(
        good,
        leader=dict(good["leader"], phone="1380732", cert_no="x"),
        enterprise=dict(good["enterprise"], uscc="91430304MA4YG57FJ0"),
        inspection_end="2026-12-02T17:00:00+08:00",
    )
    t = time.perf_counter()
    report = rules.validate(good, **context)
    first_ms = (time.perf_counter() - t) * 1000
    if report.has_errors:
        raise RuntimeError(f"the sample filing should be valid: {report.errors}")
    runs = sizes.validate_runs
    ok = _timed_ms(lambda: rules.validate(good, **context), runs)
    errors = _timed_ms(lambda: rules.validate(bad, **context), runs)
    return {
        "validate_ms": round(_median(ok), 3),
        "validate_with_errors_ms": round(_median(errors), 3),
        "validate_first_ms": round(first_ms, 1),
        "validate_runs": runs,
    }


# --- sync -------------------------------------------------------------------------------


def measure_sync(sizes: Sizes, work: Path) -> dict:
    """Queued filings delivered with receipts to a real office on 127.0.0.1 (no rate
    limit, no faults) by one sync pass, as ``beian sync`` runs it; and the same with one
    submission at a time (the pass before several went at once), in the same run."""
    from desktop.sync import engine

    figures = _sync_pass(sizes, work / "sync")
    width, batch = engine.MAX_IN_FLIGHT, engine.BATCH
    engine.MAX_IN_FLIGHT, engine.BATCH = 1, 1
    try:
        one = _sync_pass(sizes, work / "sync-one-at-a-time")
    finally:
        engine.MAX_IN_FLIGHT, engine.BATCH = width, batch
    figures["sync_one_at_a_time_per_s"] = one["sync_filings_per_s"]
    figures["sync_in_flight"] = width
    return figures


def _sync_pass(sizes: Sizes, work: Path) -> dict:
    from desktop.sync.service import sync_once
    from tests.support.desk import Desk
    from tests.support.office import OfficeServer, valid_filing

    n = sizes.sync_filings
    with OfficeServer.start(work / "office", extra_args=["--rate-limit", "0"]) as office:
        token = office.create_token()
        desk = Desk(work / "desk")
        desk.configure(office.url, token, timeout=30)
        desk.put(*(valid_filing() for _ in range(n)))
        with desk.keyring_in_process(), desk.store() as store:
            t = time.perf_counter()
            result = sync_once(store, desk.data_dir)
            seconds = time.perf_counter() - t
        if result.state != "ok" or len({i for i, _, _ in result.sent}) != n:
            raise RuntimeError(f"sync pass did not deliver all {n}: {result.to_dict()}")
        received = len(office.filings())
        if received != n:
            raise RuntimeError(f"the office holds {received} filings, expected {n}")
    return {
        "sync_filings_per_s": round(n / seconds, 1),
        "sync_pass_s": round(seconds, 3),
        "sync_filings": n,
    }


# --- list, search, memory at 100,000 ------------------------------------------------------


class Stores:
    """Stores of fictional filings, built once per invocation and kept in ``work``."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.build_s: dict[int, float] = {}

    def __call__(self, n: int) -> Path:
        path = self.work / f"store-{n}"
        if not (path / "beian.sqlite3").exists():
            import bench_store

            t = time.perf_counter()
            bench_store.build(path, n)
            self.build_s[n] = round(time.perf_counter() - t, 1)
        return path


def measure_list_search(sizes: Sizes, data_dir: Path) -> dict:
    """What the filings list waits for when it (re)loads: the count and the first page,
    for the plain list and for typical searches (the slowest one is ``search_ms``)."""
    from desktop.store import ListQuery, Store
    from desktop.ui.filings_model import PAGE_SIZE

    store = Store.open(data_dir, daily_backup=False)
    try:
        sample_id = store.list_filings(ListQuery(limit=1, offset=sizes.store_filings // 3))[0].id
        sample = store.get(sample_id).filing
        searches = {
            "enterprise": sample["enterprise"]["name"][2:8],
            "uscc": sample["enterprise"]["uscc"],
            "person_2_chars": sample["leader"]["name"][:2],
            "common_words": "原料进货查验",
            "two_words": f"{sample['enterprise']['name'][2:6]} {sample['leader']['name']}",
        }

        def page(text: str = "") -> Callable[[], Any]:
            query = ListQuery(text=text, limit=PAGE_SIZE)

            def run() -> int:
                store.count_filings(query)
                return len(store.list_filings(query))

            return run

        figures: dict[str, Any] = {}
        page()()  # warm the page cache once, as a window that has just opened has
        figures["list_ms_100k"] = round(_median(_timed_ms(page(), sizes.list_runs)), 2)
        worst = 0.0
        for name, text in searches.items():
            run = page(text)
            if run() == 0:
                raise RuntimeError(f"search {name} ({text!r}) found nothing")
            ms = round(_median(_timed_ms(run, sizes.list_runs)), 2)
            figures[f"search_{name}_ms"] = ms
            worst = max(worst, ms)
        figures["search_ms_100k"] = worst
        # The list's count of a search that matches nearly everything: exact, and as the
        # list asks for it (stopping at COUNT_CAP).
        common = ListQuery(text=searches["common_words"])
        figures["count_exact_ms_100k"] = round(
            _median(_timed_ms(lambda: store.count_filings(common), sizes.list_runs)), 2
        )
        figures["count_capped_ms_100k"] = round(
            _median(_timed_ms(lambda: store.count_matches(common), sizes.list_runs)), 2
        )
    finally:
        store.close()
    figures["store_filings"] = sizes.store_filings
    figures["store_file_mb"] = round((data_dir / "beian.sqlite3").stat().st_size / 1e6, 1)
    return figures


def measure_startup_growth(
    sizes: Sizes, work: Path, data_dir: Path, at_1k: dict[str, Any]
) -> dict[str, Any]:
    """Start-up with the 100,000-filing store beside the 1,000-filing one: the first
    paint must not wait for work that grows with the store (the full integrity check and
    the daily backup run after it)."""
    cache = work / "startup-fonts"
    runs = [_probe("desk", str(data_dir), font_cache=cache) for _ in range(3)]
    painted = round(_median([r["painted"] for r in runs]), 3)
    return {
        "startup_100k_median_s": painted,
        "startup_100k_ratio": round(painted / at_1k["startup_s"], 2),
    }


def measure_memory(data_dir: Path, work: Path) -> dict:
    """Peak resident memory of the real window with the big store open, its list shown
    and the background font preparation finished; a first start of the day (so it
    includes the daily backup)."""
    marks = _probe("desk", str(data_dir), "--wait-prepare", font_cache=work / "rss-fonts")
    return {
        "peak_rss_mb": marks["peak_rss_mb"],
        "startup_100k_s": round(marks["painted"], 3),
        "rss_list_rows": int(marks["rows"]),
        "rss_list_total": int(marks["total"]),
    }


# --- the run ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        )
        meminfo = Path("/proc/meminfo").read_text().split()
        info["ram_gb"] = round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2, 1)
    except (OSError, StopIteration, ValueError):
        info["cpu"] = platform.processor()
    try:
        from PySide6 import QtCore, __version__

        info["pyside6"] = __version__
        info["qt"] = QtCore.qVersion()
    except ImportError:
        pass
    try:
        git = ["git", "-C", str(ROOT)]
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True)
        dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True)  # fmt: skip
        info["commit"] = head.stdout.decode().strip() + ("+changes" if dirty.stdout else "")
    except OSError:
        pass
    if hasattr(os, "getloadavg"):
        info["load_at_start"] = [round(x, 2) for x in os.getloadavg()]
    return info


def run(sizes: Sizes, say: Callable[[str], None]) -> dict[str, Any]:
    global _pycache
    figures: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="beian-bench-") as tmp:
        work = Path(tmp)
        _pycache = work / "pycache"
        _compile_project()
        stores = Stores(work)
        steps: list[tuple[str, Callable[[], dict]]] = [
            ("validation", lambda: measure_validate(sizes)),
            ("PDF", lambda: measure_pdf(sizes, work)),
            ("start-up", lambda: measure_startup(sizes, work, stores)),
            ("sync", lambda: measure_sync(sizes, work)),
            ("list and search", lambda: measure_list_search(sizes, stores(sizes.store_filings))),
            ("memory", lambda: measure_memory(stores(sizes.store_filings), work)),
            (
                "start-up at 100,000",
                lambda: measure_startup_growth(sizes, work, stores(sizes.store_filings), figures),
            ),
        ]
        for name, step in steps:
            say(f"measuring {name} …")
            t = time.perf_counter()
            figures.update(step())
            say(f"  {name}: {time.perf_counter() - t:.1f} s")
        figures["store_build_s"] = stores.build_s.get(sizes.store_filings, 0.0)
        _pycache = None
    if hasattr(os, "getloadavg"):
        figures["machine"]["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return figures


def table(figures: dict[str, Any]) -> str:
    lines = [f"{'figure':<28} {'value':>12}  {'goal':<16} ok", "-" * 62]
    for key, value in figures.items():
        if key == "machine":
            continue
        goal, check = GOALS.get(key, ("", None))
        mark = ("yes" if check(figures) else "NO") if check else ""
        text = f"{value:12.4g}" if isinstance(value, float) else f"{value!s:>12}"
        lines.append(f"{key:<28} {text}  {goal:<16} {mark}".rstrip())
    m = figures["machine"]
    lines.append("")
    lines.append(
        f"machine: {m.get('cpu')}, {m.get('nproc')} CPUs, {m.get('ram_gb')} GB RAM, "
        f"{m.get('platform')}, Python {m.get('python')}, Qt {m.get('qt')} "
        f"(PySide6 {m.get('pyside6')}); commit {m.get('commit')}; "
        f"load {m.get('load_at_start')} → {m.get('load_at_end')}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (minutes)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else QUICK if args.quick else FULL

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    figures = run(sizes, say)
    print(table(figures))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
