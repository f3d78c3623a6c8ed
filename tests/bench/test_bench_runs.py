"""The benchmark tool runs end to end and reports every figure (sizes minimal, no timing
assertions: the figures are for people, the goals are checked by reading them)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

KEYS = (
    "startup_s",
    "startup_bare_qt_s",
    "pdf_cold_s",
    "pdf_warm_s",
    "validate_ms",
    "sync_filings_per_s",
    "sync_one_at_a_time_per_s",
    "startup_100k_ratio",
    "count_capped_ms_100k",
    "list_ms_100k",
    "search_ms_100k",
    "peak_rss_mb",
)


@pytest.mark.slow
def test_bench_run_reports_every_figure_as_a_positive_number() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=280,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    for key in KEYS:
        value = figures.get(key)
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
        assert math.isfinite(value) and value > 0, (key, value)
    assert figures["machine"]["nproc"] >= 1
    # The table names every figure too.
    table = "\n".join(lines[:-1])
    for key in KEYS:
        assert key in table
