"""Autosave: what the clerk types reaches the store within a moment, whatever happens next.

A change starts a short timer (debounce); when it fires, or when focus moves, or when the
window closes, or before another filing is shown, the editor's content is saved with
``store.save_draft``. The store commits each save in one SQLite transaction, so a save
that returned survives the program or the PC dying.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.store.api import FilingRow, NotEditable, StoreError
from desktop.ui import wording

if TYPE_CHECKING:
    from forms import rules

log = logging.getLogger(__name__)

DEBOUNCE_MS = 300
RETRY_MS = 5000


class Autosaver(QObject):
    saved = Signal(object)  # FilingRow after each successful save
    failed = Signal(str)  # Chinese message: the save did not happen; what to do

    def __init__(self, store, editor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._editor = editor
        self._context: dict = {}
        self._filing_id: str | None = None
        self._dirty = False
        self._failing = False
        self._failure = ""  # the message the clerk was last told about
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)

    def attach(self, editor) -> None:
        """The editor whose content is saved (built after the window first paints)."""
        self._editor = editor

    def set_context(self, context: dict) -> None:
        """Roster, certificate rules and calendar for deciding draft vs ready."""
        self._context = dict(context)

    def track(self, row: FilingRow | None) -> None:
        """Save changes of this filing from now on (None, or read-only: save nothing)."""
        self._timer.stop()
        self._dirty = False
        self._failing = False
        self._failure = ""
        self._filing_id = row.id if row is not None and row.editable else None

    def tracked_id(self) -> str | None:
        return self._filing_id

    def is_dirty(self) -> bool:
        return self._dirty

    def note_change(self) -> None:
        """The clerk edited something: save soon."""
        if self._filing_id is None:
            return
        self._dirty = True
        self._timer.start(RETRY_MS if self._failing else DEBOUNCE_MS)

    def flush(self) -> FilingRow | None:
        """Save now if there are unsaved changes."""
        if not self._dirty:
            return None
        return self.save_now()

    def save_now(self, report: rules.Report | None = None) -> FilingRow | None:
        """Save the editor's content now (even when unchanged, e.g. after "保存并检查")."""
        self._timer.stop()
        if self._filing_id is None:
            return None
        filing = self._editor.filing()
        has_errors = self._has_errors(filing, report)
        try:
            row = self._store.save_draft(self._filing_id, filing, has_errors=has_errors)
        except NotEditable as exc:
            log.warning("autosave refused for %s: %s", self._filing_id, exc)
            self._filing_id = None
            self._dirty = False
            self.failed.emit(wording.store_text(exc))
            return None
        except StoreError as exc:
            log.error("autosave failed for %s: %s", self._filing_id, exc, exc_info=exc)
            # Tell the clerk once per failure, not at every retry: each retry (the timer,
            # every focus change) would otherwise open another message box, whose focus
            # change retries again — a flood of dialogs, then a crash.
            told = self._failing and self._failure == str(exc)
            self._failing = True
            self._failure = str(exc)
            self._timer.start(RETRY_MS)  # keep trying: the disk may have been freed
            if not told:
                self.failed.emit(wording.store_text(exc))
            return None
        self._dirty = False
        self._failing = False
        self._failure = ""
        self.saved.emit(row)
        return row

    def _has_errors(self, filing: dict, report: rules.Report | None) -> bool:
        if report is not None:
            return report.has_errors
        from forms import rules  # not before the window's first paint

        try:
            return rules.validate(filing, **self._context).has_errors
        except Exception:
            # A fault in checking must never cost the clerk's typing: save it as a draft.
            log.exception("validation failed during autosave")
            return True
