"""The main window's layout between sessions: geometry, the two splitters, list columns.

Kept in the store's meta as base64 of Qt's own state blobs (``saveGeometry``,
``saveState``), so a layout from another screen or Qt version is simply ignored by Qt.
Reading or writing it never bothers the clerk: a failure is logged (store_errors.LOG).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray

from desktop.ui.store_errors import LOG, store_call

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

# Without a remembered layout the list gets what its columns need, as long as the form
# keeps this many characters' width (at 1366 px the list shows status to receipt without
# scrolling); on a narrower screen the two share the window half and half.
FORM_MIN_EMS = 42

META_GEOMETRY = "ui_window_geometry"
META_SPLITTERS = "ui_splitters"
META_COLUMNS = "ui_list_columns"  # the list's header state (column widths, order)


def _encode(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _decode(text: Any) -> QByteArray | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return QByteArray(base64.b64decode(text, validate=True))
    except ValueError:
        return None


class LayoutMemory:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def _get(self, key: str) -> Any:
        with store_call(self.window, LOG, f"window layout ({key})"):
            return self.window.store.get_meta(key)
        return None

    def restore(self) -> None:
        w = self.window
        geometry = _decode(self._get(META_GEOMETRY))
        if geometry is not None:
            w.restoreGeometry(geometry)
        splitters = self._get(META_SPLITTERS)
        if isinstance(splitters, list) and len(splitters) == 2:
            for splitter, text in zip((w.splitter, w.left_splitter), splitters, strict=True):
                state = _decode(text)
                if state is not None:
                    splitter.restoreState(state)
        columns = self._get(META_COLUMNS)
        if isinstance(columns, dict):
            w.list_panel.restore_columns(columns.get("columns"), _decode(columns.get("state")))

    def has_saved_geometry(self) -> bool:
        return bool(self._get(META_GEOMETRY))

    def has_saved_splitters(self) -> bool:
        return self._get(META_SPLITTERS) is not None

    def save(self) -> None:
        w = self.window
        with store_call(w, LOG, "window layout not saved"):
            w.store.set_meta(META_GEOMETRY, _encode(w.saveGeometry()))
            w.store.set_meta(
                META_SPLITTERS,
                [_encode(w.splitter.saveState()), _encode(w.left_splitter.saveState())],
            )
            ids, state = w.list_panel.save_columns()
            w.store.set_meta(META_COLUMNS, {"columns": list(ids), "state": _encode(state)})

    def first_show(self) -> None:
        """Without a remembered layout, give the list what it needs and the editor the rest."""
        w = self.window
        total = sum(w.splitter.sizes())
        if total <= 0 or self.has_saved_splitters():
            return
        form_min = w.fontMetrics().horizontalAdvance("中") * FORM_MIN_EMS
        left = min(w.list_panel.preferred_width(), max(total // 2, total - form_min))
        w.splitter.setSizes([left, total - left])
