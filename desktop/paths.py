"""Where the desk keeps its data, and where bundled assets are found."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from forms.assets import resource, resources_dir  # noqa: F401 - re-exported for the desk

APP_NAME = "beian"


def default_data_dir() -> Path:
    """The platform's per-user data folder (Windows: %LOCALAPPDATA%\\beian)."""
    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))


def resolve_data_dir(option: str | os.PathLike[str] | None) -> Path:
    """--data-dir wins, then BEIAN_DATA_DIR, then the platform default."""
    chosen = option or os.environ.get("BEIAN_DATA_DIR") or default_data_dir()
    return Path(chosen).expanduser().resolve()


def ensure_data_dir(path: Path) -> Path:
    """Create the data folder with owner-only permissions."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
