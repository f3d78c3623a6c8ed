"""``beian pdf`` end to end, as a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from forms import rules
from forms.definition import load_definition
from tests.forms.test_pdf import COPIES, MARKS, pages_by_copy, qr_texts, squash

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def font_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("font-cache")


@pytest.fixture
def beian(tmp_path, font_cache):
    def run(*args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, BEIAN_FONT_CACHE=str(font_cache), PYTHONIOENCODING="utf-8")
        env["BEIAN_DATA_DIR"] = str(tmp_path / "data")
        return subprocess.run(
            [sys.executable, "-m", "desktop.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    return run


@pytest.fixture
def valid_file(tmp_path) -> Path:
    filing = json.loads((DATA / "pdf_twelve_officers.json").read_text("utf-8"))
    assert not rules.validate(filing).has_errors  # inspection in 2030
    path = tmp_path / "filing.json"
    path.write_text(json.dumps(filing, ensure_ascii=False), "utf-8")
    return path


def test_writes_the_triplicate(beian, valid_file, tmp_path):
    out = tmp_path / "out.pdf"
    result = beian("pdf", str(valid_file), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    by_copy = pages_by_copy(out.read_bytes())
    assert sorted(by_copy) == [1, 2, 3]
    for pages in by_copy.values():
        assert all(squash(MARKS["draft"]) not in text for text in pages)
        assert "阿依古丽·买买提" in "".join(pages)


def test_one_copy_with_office_link_and_receipt(beian, valid_file, tmp_path):
    out = tmp_path / "copy2.pdf"
    result = beian(
        "pdf",
        str(valid_file),
        "-o",
        str(out),
        "--copy",
        "2",
        "--office-url",
        "https://yhb.example.cn",
        "--receipt",
        "XTYH-2030-000007",
    )
    assert result.returncode == 0, result.stderr
    by_copy = pages_by_copy(out.read_bytes())
    assert list(by_copy) == [2]
    text = "".join(by_copy[2])
    assert squash(COPIES[2]["keeper"]) in text
    assert squash(MARKS["receipt"].format(receipt="XTYH-2030-000007")) in text
    filing = json.loads(valid_file.read_text("utf-8"))
    (code,) = qr_texts(out.read_bytes())
    assert code.startswith(f"https://yhb.example.cn/verify/{filing['id']}?r=1&d=")


def test_invalid_filing_prints_as_a_draft(beian, tmp_path):
    filing = json.loads((DATA / "good_prior.json").read_text("utf-8"))
    filing["leader"]["phone"] = "不是电话"
    src = tmp_path / "draft.json"
    src.write_text(json.dumps(filing, ensure_ascii=False), "utf-8")
    out = tmp_path / "draft.pdf"
    result = beian("pdf", str(src), "-o", str(out), "--copy", "3")
    assert result.returncode == 0, result.stderr
    assert "草稿" in result.stdout
    pages = pypdf.PdfReader(out).pages
    assert pages
    for page in pages:
        assert squash(MARKS["draft"]) in squash(page.extract_text())


@pytest.mark.parametrize(
    "content",
    [b"not json at all", b'{"form": "other/1"}'],
)
def test_not_a_filing_exits_2_with_one_chinese_line(beian, tmp_path, content):
    src = tmp_path / "bad.json"
    src.write_bytes(content)
    out = tmp_path / "never.pdf"
    result = beian("pdf", str(src), "-o", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])
    assert not out.exists()


def test_missing_input_file_exits_2(beian, tmp_path):
    result = beian("pdf", str(tmp_path / "nowhere.json"), "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 2
    assert "无法读取" in result.stderr


def test_unwritable_output_exits_1(beian, valid_file, tmp_path):
    result = beian("pdf", str(valid_file), "-o", str(tmp_path / "no" / "such" / "dir.pdf"))
    assert result.returncode == 1
    assert "无法写入" in result.stderr


def test_definition_has_the_copies_the_command_offers():
    assert sorted(c["number"] for c in load_definition().paper["copies"]) == [1, 2, 3]
