import tomllib
from pathlib import Path

import forms


def test_version_matches_pyproject():
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    assert forms.__version__ == tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"]
