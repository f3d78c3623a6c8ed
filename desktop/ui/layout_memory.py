"""The main window's layout between sessions: geometry, the two splitters, list columns.

Kept in stored settings (``desktop.store.settings_registry``: UI_WINDOW_GEOMETRY,
UI_SPLITTERS, UI_LIST_COLUMNS) as base64 of Qt's own state blobs (``saveGeometry``,
``saveState``), so a layout from another screen or Qt version is simply ignored by Qt.
Reading or writing it never bothers the clerk: a failure is logged (store_errors.LOG).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray

from desktop.store import settings_registry as settings
from desktop.ui.store_errors import LOG, store_call

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

# Without a remembered layout the list gets what its columns need, as long as the form
# keeps this many characters' width (at 1366 px the list shows status to receipt without
# scrolling); on a narrower screen the two share the window half and half.
FORM_MIN_EMS = 42


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

    def _get(self, setting: settings.Setting[Any]) -> Any:
        with store_call(self.window, LOG, f"window layout ({setting.key})"):
            return setting.get(self.window.store)
        return None

    def restore(self) -> None:
        w = self.window
        geometry = _decode(self._get(settings.UI_WINDOW_GEOMETRY))
        if geometry is not None:
            w.restoreGeometry(geometry)
        splitters = self._get(settings.UI_SPLITTERS)
        if isinstance(splitters, list) and len(splitters) == 2:
            for splitter, text in zip((w.splitter, w.left_splitter), splitters, strict=True):
                state = _decode(text)
                if state is not None:
                    splitter.restoreState(state)
        columns = self._get(settings.UI_LIST_COLUMNS)
        if isinstance(columns, dict):
            w.list_panel.restore_columns(columns.get("columns"), _decode(columns.get("state")))

    def has_saved_geometry(self) -> bool:
        return bool(self._get(settings.UI_WINDOW_GEOMETRY))

    def has_saved_splitters(self) -> bool:
        return self._get(settings.UI_SPLITTERS) is not None

    def save(self) -> None:
        w = self.window
        with store_call(w, LOG, "window layout not saved"):
            settings.UI_WINDOW_GEOMETRY.set(w.store, _encode(w.saveGeometry()))
            settings.UI_SPLITTERS.set(
                w.store,
                [_encode(w.splitter.saveState()), _encode(w.left_splitter.saveState())],
            )
            ids, state = w.list_panel.save_columns()
            settings.UI_LIST_COLUMNS.set(w.store, {"columns": list(ids), "state": _encode(state)})

    def first_show(self) -> None:
        """Without a remembered layout, give the list what it needs and the editor the rest."""
        w = self.window
        total = sum(w.splitter.sizes())
        if total <= 0 or self.has_saved_splitters():
            return
        form_min = w.fontMetrics().horizontalAdvance("中") * FORM_MIN_EMS
        left = min(w.list_panel.preferred_width(), max(total // 2, total - form_min))
        w.splitter.setSizes([left, total - left])
