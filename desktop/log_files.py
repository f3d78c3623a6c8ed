"""The desk's log file, owner-only like every other file the desk writes.

``RotatingFileHandler`` opens its file (and each new one after a rollover) with the
process umask: 0644 on most systems, so any user of the PC could read what the clerk
did. This handler creates every log file ``0600`` and narrows one found wider.
"""

from __future__ import annotations

import os
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from typing import cast


class OwnerOnlyRotatingFileHandler(RotatingFileHandler):
    def _open(self) -> TextIOWrapper:
        path = self.baseFilename
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            if os.name == "posix":
                os.fchmod(fd, 0o600)  # a file left 0644 by an earlier version
            return cast(
                TextIOWrapper, open(fd, self.mode, encoding=self.encoding, errors=self.errors)
            )
        except BaseException:
            os.close(fd)
            raise
