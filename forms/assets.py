"""Find bundled assets (fonts, icons, translations) in a checkout and in a frozen build.

Assets live in the top-level ``resources/`` folder; PyInstaller copies that folder
into the bundle, where ``sys._MEIPASS`` points. This is the one place that knows.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
