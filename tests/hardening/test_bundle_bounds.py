"""``beian-office import`` on hostile bundles: it used to commit the first filing of
[good, 600-deep, good] and die with a traceback before the third, to read ``/dev/zero``
until MemoryError (the size check trusted ``stat``), and to take 3.85 GB for a 40 MB
bundle. Now it reads at most 64 MB of whatever it is given, refuses only the filing that
is bad, goes on with the rest, prints one line per filing and exits 1 if any was refused.
Memory is measured as the peak resident size of the real ``beian-office`` process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.office import DEFAULT_UNIT, REPO, _env, valid_filing
from tests.support.peak_memory import run_measured

PEAK_LIMIT_MB = 300


def _bundle(path: Path, items: list[str]) -> Path:
    head = json.dumps(
        {
            "format": "beian-bundle/1",
            "unit": DEFAULT_UNIT,
            "created_at": "2026-11-27T10:00:00+08:00",
        },
        ensure_ascii=False,
    )
    path.write_text(head[:-1] + ', "filings": [' + ", ".join(items) + "]}", "utf-8")
    return path


def _import(db: Path, bundle: str, *extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """``beian-office import`` in a child of a small Python that reports the child's peak
    resident memory in MB (ru_maxrss of RUSAGE_CHILDREN)."""
    command = [sys.executable, "-m", "office", "import", bundle]
    return run_measured(
        [*command, "--unit", DEFAULT_UNIT, "--db", str(db), *extra],
        cwd=REPO,
        env=_env(),
        timeout=300,
    )


def _held(db: Path) -> set[str]:
    from tests.support.office import office_cli

    return {r["id"] for r in json.loads(office_cli(db, "filings", "--json").stdout)}


def test_a_bad_filing_in_the_middle_refuses_only_that_filing(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    first, deep, third = valid_filing(), valid_filing(), valid_filing()
    deep_text = json.dumps(deep, ensure_ascii=False)[:-1] + ', "x": ' + "[" * 600 + "]" * 600 + "}"
    bundle = _bundle(
        tmp_path / "bundle.json",
        [json.dumps(first, ensure_ascii=False), deep_text, json.dumps(third, ensure_ascii=False)],
    )
    result, _ = _import(db, str(bundle))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3, result.stdout
    assert "已受理" in lines[0] and "不予受理" in lines[1] and "已受理" in lines[2]
    assert "嵌套" in lines[1]
    assert _held(db) == {first["id"], third["id"]}


def test_every_kind_of_bad_item_is_one_refused_line(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    good = valid_filing()
    items = [
        '"not a filing"',
        "{not: json}",
        '{"form": "xiangtan-beian/2024", "revision": ' + "9" * 5000 + "}",
        json.dumps(dict(valid_filing(), revision=2**63)),
        json.dumps(good, ensure_ascii=False),
    ]
    result, _ = _import(db, str(_bundle(tmp_path / "bundle.json", items)))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 5 and all("不予受理" in line for line in lines[:4])
    assert "已受理" in lines[4]
    assert _held(db) == {good["id"]}


def test_dev_zero_is_refused_within_the_byte_limit(tmp_path: Path) -> None:
    result, peak = _import(tmp_path / "office.db", "/dev/zero")
    assert result.returncode == 1
    message = result.stderr
    assert message.startswith("错误：") and "过大" in message and len(message.splitlines()) == 1
    print(f"/dev/zero: peak {peak:.0f} MB")
    assert peak < PEAK_LIMIT_MB


@pytest.mark.slow
def test_a_40_mb_bundle_stays_within_the_memory_bound(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    # 200 filings of 200 KB each: every one too long for the rules, each refused alone.
    items = [json.dumps(valid_filing(content="查" * 66_000), ensure_ascii=False)] * 200
    bundle = _bundle(tmp_path / "big.json", items)
    assert bundle.stat().st_size > 39_000_000
    result, peak = _import(db, str(bundle))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stdout.strip().splitlines()) == 200
    print(f"40 MB bundle: peak {peak:.0f} MB")
    assert peak < PEAK_LIMIT_MB
