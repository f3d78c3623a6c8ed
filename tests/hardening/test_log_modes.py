"""The desk's log and the office's log used to be created 0644 (the umask's choice), so
any user of the PC or server could read them. Both are owner-only now, after a rollover
too, and a log file left wider by an earlier version is narrowed on first use.
Each program runs as a real process with the usual umask 022.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.support.office import DEFAULT_UNIT, REPO, _env


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        preexec_fn=lambda: os.umask(0o022),
    )


def test_the_desk_log_and_its_rotations_are_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "logs").mkdir(parents=True)
    stale = data_dir / "logs" / "beian.log"
    stale.write_text("an earlier version's line\n", "utf-8")
    stale.chmod(0o644)
    # The window's own logging set-up, then enough lines for two rollovers (1 MB each).
    script = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from desktop.ui.errors import setup_logging\n"
        "setup_logging(Path(sys.argv[1]))\n"
        "for i in range(25000): logging.getLogger('beian').info('line %d %s', i, 'x' * 80)\n"
    )
    result = _run([sys.executable, "-c", script, str(data_dir)])
    assert result.returncode == 0, result.stderr
    logs = sorted((data_dir / "logs").iterdir())
    assert [p.name for p in logs][:3] == ["beian.log", "beian.log.1", "beian.log.2"]
    assert {p.name: oct(_mode(p)) for p in logs} == {p.name: oct(0o600) for p in logs}


def test_the_office_log_is_owner_only(tmp_path: Path) -> None:
    log = tmp_path / "office-log.jsonl"
    db = tmp_path / "office.db"
    command = [sys.executable, "-m", "office", "token", "create", "--unit", DEFAULT_UNIT]
    result = _run([*command, "--db", str(db), "--log-file", str(log)])
    assert result.returncode == 0, result.stderr
    assert "token_created" in log.read_text("utf-8")
    assert _mode(log) == 0o600
    log.chmod(0o644)  # as an earlier version left it
    assert _run([*command, "--db", str(db), "--log-file", str(log)]).returncode == 0
    assert _mode(log) == 0o600
