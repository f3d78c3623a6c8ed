"""`beian validate` as a real process: exit codes, JSON output, readable Chinese."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

AT = "2026-11-27T10:00:00+08:00"
DATA = Path(__file__).parent.parent / "data"


def beian(*args, stdin: bytes | None = None, data_dir: Path):
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def bad_file(tmp_path, good_filing):
    good_filing["leader"]["phone"] = "12345"
    good_filing["enterprise"]["uscc"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(good_filing, ensure_ascii=False), "utf-8")
    return path


def test_good_filing_exits_0(tmp_path):
    result = beian("validate", str(DATA / "good_prior.json"), "--at", AT, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "没有发现问题" in result.stdout.decode()


def test_json_output(tmp_path, bad_file):
    result = beian("validate", str(bad_file), "--json", "--at", AT, data_dir=tmp_path)
    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    assert {(p["field"], p["code"], p["severity"]) for p in problems} == {
        ("leader.phone", "bad_phone", "error"),
        ("enterprise.uscc", "uscc_missing", "warning"),
    }


def test_readable_chinese_list(tmp_path, bad_file):
    result = beian("validate", str(bad_file), "--at", AT, data_dir=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "1 个错误、1 个提醒" in out and "[错误] leader.phone" in out


def test_warnings_only_exit_0(tmp_path, good_filing):
    good_filing["enterprise"]["uscc"] = ""
    data = json.dumps(good_filing, ensure_ascii=False).encode()
    result = beian("validate", "-", "--json", "--at", AT, stdin=data, data_dir=tmp_path)
    assert result.returncode == 0
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["uscc_missing"]


def test_default_moment_is_now(tmp_path):
    # The sample inspection (3 December 2026) is in the past by the time this runs late,
    # or in the future now: either way validation runs against the real clock.
    result = beian("validate", str(DATA / "good_prior.json"), "--json", data_dir=tmp_path)
    assert result.returncode in (0, 1)
    json.loads(result.stdout)


@pytest.mark.parametrize(
    "content,reason",
    [(b"{not json", "JSON"), (b"[]", "对象"), (b'{"form": "other/1"}', "未知的表单版本")],
)
def test_not_a_filing_exits_2_with_one_line(tmp_path, content, reason):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    result = beian("validate", str(path), "--json", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stdout == b""
    err = result.stderr.decode().strip()
    assert reason in err and "\n" not in err


def test_missing_file_exits_2(tmp_path):
    result = beian("validate", str(tmp_path / "nope.json"), data_dir=tmp_path)
    assert result.returncode == 2 and "无法读取" in result.stderr.decode()


def test_bad_at_exits_2(tmp_path):
    result = beian("validate", str(DATA / "good_prior.json"), "--at", "tomorrow", data_dir=tmp_path)
    assert result.returncode == 2


def test_version(tmp_path):
    result = beian("--version", data_dir=tmp_path)
    assert result.returncode == 0 and result.stdout.decode().startswith("beian ")
