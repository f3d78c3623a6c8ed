"""The durability benchmark runs and prints its figures (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_durability_benchmark_reports_full_normal_and_the_disk(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "bench/bench_office_durability.py",
            "--filings",
            "5",
            "--dir",
            str(tmp_path),
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("receipt_full_ms", "receipt_normal_ms", "bare_fdatasync_ms"):
        assert figures[key] > 0, key
    assert "synchronous=FULL" in done.stdout and "NORMAL" in done.stdout
    assert list(tmp_path.iterdir()) == []  # the databases are removed
