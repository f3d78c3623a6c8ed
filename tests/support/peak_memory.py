"""A command run under a small Python parent that reports the command's peak resident
memory, for the tests that prove a hostile file is refused before it is read whole::

    result, peak_mb = run_measured([sys.executable, "-m", "office", "import", path], ...)

The peak is ``ru_maxrss`` of ``RUSAGE_CHILDREN`` in the parent (Linux: kilobytes), in
MB; it covers the command and whatever it starts. ``result.stderr`` is the command's own.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

_PARENT = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True, encoding='utf-8')\n"
    "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "sys.stderr.write(f'\\nPEAK_MB={peak:.1f}\\n'); sys.exit(r.returncode)\n"
)


def run_measured(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``command``; its result (stdout, stderr, exit status) and its peak in MB."""
    result = subprocess.run(
        [sys.executable, "-c", _PARENT, *command],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    stderr, _, peak = result.stderr.rpartition("PEAK_MB=")
    result.stderr = stderr.strip()
    return result, float(peak)
