"""One rule for a store call that fails in the window: tell the clerk, or only log.

The rule:

- ``TELL`` when the clerk asked for something and it did not happen (新建, 提交, 撤回,
  丢弃, recording a print, opening a filing): the clerk must know, or they believe it was
  done. The store's message (``str(exc)``, Chinese, says what to do) is shown in a dialog.
- ``LOG`` when the call only refreshes what is on screen or remembers something for
  later (a list row after sync, the counts, the history, the window layout, reading a
  setting): the window carries on with what it shows, the next refresh tries again,
  and a dialog would interrupt typing for something the clerk did not ask for. The
  failure goes to the log file with ``what``.

Use it as a context manager; the block is skipped from the failing call on, and
``failed`` says whether it ran to the end::

    with store_call(self, TELL, "submit") as call:
        self.store.queue(row.id)
    if call.failed:
        return False
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desktop.store.api import StoreError
from desktop.ui import wording
from desktop.ui.errors import show_error

log = logging.getLogger(__name__)


class Outcome(enum.Enum):
    TELL = "tell"  # the clerk asked for it: show the store's message
    LOG = "log"  # a refresh or a memory: log it and carry on


TELL = Outcome.TELL
LOG = Outcome.LOG


@dataclass
class StoreCall:
    failed: bool = False
    message: str = ""


@contextmanager
def store_call(parent: QWidget | None, outcome: Outcome, what: str) -> Iterator[StoreCall]:
    """Run the block; a ``StoreError`` in it is told or logged (see the module's rule)."""
    call = StoreCall()
    try:
        yield call
    except StoreError as exc:
        call.failed = True
        call.message = wording.store_text(exc)  # by its code, for the window
        if outcome is TELL:
            log.warning("%s: %s", what, exc)
            show_error(parent, call.message)
        else:
            log.error("%s: %s", what, exc)
