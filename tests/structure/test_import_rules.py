"""The import rules of docs/architecture.md hold, and breaking one fails the check.

``lint-imports`` (import-linter, contracts in pyproject.toml) runs in scripts/test. These
tests run it on the project and on a copy of it with one rule broken on purpose.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("forms", "desktop", "office")


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
    )


def _copy_project(to: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, to / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")
    return to


def test_the_project_keeps_every_import_rule():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in done.stdout


# A line added to (or a module added to) a copy of the project, and the contract it breaks.
VIOLATIONS = [
    ("forms/_bad.py", "import desktop.store\n", "forms is pure"),
    ("office/_bad.py", "from desktop import paths\n", "desktop and office never import"),
    ("desktop/_bad.py", "import office.api\n", "desktop and office never import"),
    ("desktop/store/_bad.py", "from PySide6 import QtCore\n", "PySide6 only under desktop.ui"),
    ("forms/_bad.py", "import PySide6.QtWidgets\n", "PySide6 only under desktop.ui"),
    ("desktop/sync/_bad.py", "from desktop.ui import workers\n", "services never import"),
    ("desktop/token_keyring.py", "import shiboken6\n", "PySide6 only under desktop.ui"),
    ("desktop/cli.py", "from PySide6.QtCore import QTimer\n", "PySide6 only under desktop.ui"),
]


@pytest.mark.parametrize(("path", "code", "contract"), VIOLATIONS)
def test_a_broken_rule_fails_the_check(tmp_path, path, code, contract):
    copy = _copy_project(tmp_path)
    with (copy / path).open("a", encoding="utf-8") as module:
        module.write("\n" + code)
    done = _lint(copy)
    assert done.returncode != 0, done.stdout
    broken = [line for line in done.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(contract in line for line in broken), done.stdout


def test_every_desktop_module_but_ui_is_kept_from_pyside6():
    """A new desktop module is covered by the PySide6 rule as soon as it exists."""
    (rule,) = [c for c in _contracts() if c["name"] == "PySide6 only under desktop.ui"]
    modules = {
        f"desktop.{p.stem}"
        for p in (ROOT / "desktop").iterdir()
        if p.name != "__init__.py"
        and (p.suffix == ".py" or (p / "__init__.py").exists())
        and p.name != "ui"
    }
    assert modules <= set(rule["source_modules"]), modules - set(rule["source_modules"])
    assert {"forms", "office"} <= set(rule["source_modules"])
