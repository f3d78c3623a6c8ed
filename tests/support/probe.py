"""Run one of the helper programs of ``tests/support`` (``python -m tests.support.X``) in
a process of its own — a fresh Qt, another locale or font setup — and read what it
found: the last line it prints, as JSON.

    found = run_probe("tests.support.locale_probe", env)
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def run_probe(module: str, env: Mapping[str, str], *args: str, timeout: float = 120) -> Any:
    """``python -m module args`` from the repository; its last line of output, parsed.
    It must exit 0 (the tail of its stderr says why not)."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
