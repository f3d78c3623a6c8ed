"""A draft survives the program being killed (kill -9) right after the clerk typed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.store import DRAFT, Store
from tests.support.waiting import NotInTimeError, OutputLines

DRIVER = Path(__file__).resolve().parents[2] / "support" / "autosave_driver.py"
ROOT = Path(__file__).resolve().parents[3]


class Program:
    """The desk in a subprocess, its output read line by line with a deadline."""

    def __init__(self, *args: str, env: dict[str, str]):
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.out = OutputLines(self.proc.stdout)

    def expect(self, prefix: str, timeout: float = 60) -> str:
        try:
            return self.out.expect(
                lambda line: line.startswith(prefix), timeout, f"a {prefix!r} line"
            )
        except NotInTimeError as exc:
            self.proc.kill()
            raise AssertionError(f"{exc}\nstderr:\n{self.proc.stderr.read()}") from None


def test_a_draft_survives_kill_9(tmp_path):
    data_dir = tmp_path / "data"
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        BEIAN_FONT_CACHE=str(tmp_path / "fonts"),
        PYTHONIOENCODING="utf-8",
    )
    typed = "湘潭顺阳新材料科技股份有限公司"

    program = Program("type", str(data_dir), typed, env=env)
    filing_id = program.expect("SAVED").split()[1]
    program.proc.kill()  # SIGKILL on POSIX: no clean-up, no closeEvent, no flush
    program.proc.wait(timeout=30)
    assert program.proc.returncode != 0

    again = Program("show", str(data_dir), env=env)
    shown = json.loads(again.expect("{"))
    assert again.proc.wait(timeout=60) == 0
    assert shown == {"id": filing_id, "status": DRAFT, "enterprise": typed}

    with Store.open(data_dir, daily_backup=False) as store:
        row = store.get(filing_id)
        assert row.filing["enterprise"]["name"] == typed
        assert [e.kind for e in store.history(filing_id)][:1] == ["created"]
