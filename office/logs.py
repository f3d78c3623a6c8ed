"""Structured logs: one JSON object per line, to stderr or a file.

Callers log events with fields (``log_event("submit", decision="accepted", ...)``) and
never pass tokens, headers or filing content. A last filter masks anything that looks
like a phone number or a bearer token, in case a message ever carries one.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from forms.record import SHANGHAI

LOGGER_NAME = "beian.office"

# Mainland mobiles (13812345678, also +86 138…) and landlines with an area code
# (0731-58812345). Letters count as a boundary so that ids and hashes stay intact.
_PHONE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])"
)
_BEARER_RE = re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+")
# Characters JSON leaves as they are but some readers take as a line break (U+0085,
# U+2028, U+2029) or a terminal as a control (C1): a request path carrying one must not
# split or garble a log line, so they are written as \uXXXX escapes.
_UNSAFE_IN_LINE_RE = re.compile("[\x80-\x9f\u2028\u2029]")


def redact(text: str) -> str:
    """Mask phone numbers and bearer tokens in a piece of log text."""
    return _BEARER_RE.sub("Bearer ***", _PHONE_RE.sub("***", text))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, SHANGHAI).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            entry["event"] = record.getMessage()
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        text = json.dumps(_clean(entry), ensure_ascii=False)
        return _UNSAFE_IN_LINE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class OwnerOnlyFileHandler(logging.FileHandler):
    """A log file created ``0600`` (and narrowed if found wider), whatever the umask:
    it names units, filing ids and client addresses."""

    def _open(self) -> IO[Any]:  # type: ignore[override]  # text mode: a TextIOWrapper
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            if os.name == "posix":
                os.fchmod(fd, 0o600)
            return open(fd, self.mode, encoding=self.encoding, errors=self.errors)
        except BaseException:
            os.close(fd)
            raise


def configure(log_file: Path | None = None, *, level: int = logging.INFO) -> None:
    """Send the office's logs (and uvicorn's) as JSON lines to ``log_file`` or stderr."""
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler: logging.Handler = OwnerOnlyFileHandler(log_file, mode="a", encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in (LOGGER_NAME, "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # uvicorn's access log would repeat every request in prose; the office logs its own.
    logging.getLogger("uvicorn.access").disabled = True


def log_event(event: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event with its fields. Never pass tokens, headers or filing content."""
    logging.getLogger(LOGGER_NAME).log(level, event, extra={"fields": fields})


def silence() -> None:
    """Admin commands without ``--log-file``: their output is the record, no JSON lines."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.handlers[:] = [logging.NullHandler()]
    logger.propagate = False
