"""How fast the triplicate PDF renders, cold and warm.

    .venv/bin/python bench/bench_pdf.py [--runs 30] [--json]

- cold, empty font cache: a new process imports forms.pdf, prepares the fonts and
  renders the triplicate of the sample filing, converting every glyph it needs;
- cold, disk cache: the same in another new process, with the font cache the first
  left behind (what a clerk's second start costs);
- warm: the median of ``--runs`` renders of the triplicate in one process after the
  first (what a preview costs), for the sample and for a long filing;
- new characters: the first render of a filing with characters not seen before in a
  warm process (the font grows).

Prints a table; with --json the last line is one JSON object. Goal (issue 3): warm
triplicate well under 80 ms. ``measure`` is importable for a combined benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "tests" / "data" / "good_prior.json"
LONG = ROOT / "tests" / "data" / "pdf_long.json"

# Runs in a fresh interpreter; prints one JSON object with its own phase timings.
_COLD = r"""
import json, sys, time
t0 = time.perf_counter()
import forms.pdf as pdf
t1 = time.perf_counter()
pdf.prepare()
t2 = time.perf_counter()
filing = json.loads(open(sys.argv[1], encoding="utf-8").read())
data = pdf.render_pdf(filing, draft=False)
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "prepare_s": t2 - t1, "render_s": t3 - t2,
                  "bytes": len(data)}))
"""


def _cold(cache: Path) -> dict[str, Any]:
    env = dict(os.environ, BEIAN_FONT_CACHE=str(cache))
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _COLD, str(SAMPLE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result


def _median_ms(fn, runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``fn``, in milliseconds.

    CPU time is reported too because a shared machine's wall time says more about
    its other load than about this code."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(wall), 1), round(statistics.median(cpu), 1)


def measure(runs: int = 30) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "fonts"
        cold_empty = _cold(cache)
        cold_cached = _cold(cache)
        os.environ["BEIAN_FONT_CACHE"] = str(cache)
        from forms.pdf import prepare, render_pdf

        sample = json.loads(SAMPLE.read_text("utf-8"))
        long = json.loads(LONG.read_text("utf-8"))
        prepare()
        render_pdf(sample, draft=False)
        warm = _median_ms(lambda: render_pdf(sample, draft=False), runs)
        warm_one = _median_ms(lambda: render_pdf(sample, copies=(2,), draft=False), runs)
        warm_validate = _median_ms(lambda: render_pdf(sample), runs)
        long_first = _median_ms(lambda: render_pdf(long, draft=False), 1)  # new characters
        long_warm = _median_ms(lambda: render_pdf(long, draft=False), max(5, runs // 3))
    return {
        "cold_empty_cache_ms": round(cold_empty["process_s"] * 1000),
        "cold_empty_cache_prepare_and_render_ms": round(
            (cold_empty["prepare_s"] + cold_empty["render_s"]) * 1000
        ),
        "cold_disk_cache_ms": round(cold_cached["process_s"] * 1000),
        "cold_disk_cache_prepare_and_render_ms": round(
            (cold_cached["prepare_s"] + cold_cached["render_s"]) * 1000
        ),
        "import_ms": round(cold_cached["import_s"] * 1000),
        "warm_triplicate_ms": warm[0],
        "warm_triplicate_cpu_ms": warm[1],
        "warm_one_copy_ms": warm_one[0],
        "warm_triplicate_with_validation_ms": warm_validate[0],
        "long_filing_first_render_ms": long_first[0],
        "long_filing_warm_ms": long_warm[0],
        "long_filing_warm_cpu_ms": long_warm[1],
        "triplicate_bytes": cold_empty["bytes"],
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    figures = measure(args.runs)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
