"""Writing a report file: owner-only, never half-written under its final name."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from office.errors import OfficeError


def write_bytes(path: Path, data: bytes) -> None:
    path = path.expanduser()
    if not path.parent.is_dir():
        raise OfficeError(f"文件夹不存在：{path.parent}")
    # mkstemp makes the file 0600: the report names units and enterprises.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OfficeError(f"无法写入 {path}：{exc.strerror}") from None
