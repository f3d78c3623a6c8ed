"""Drives the real desk in its own process, for the test that kills it (not a test module).

python tests/support/autosave_driver.py type DATA_DIR TEXT   start, 新建, type TEXT as the
    enterprise name, print "SAVED <id>" once autosave has stored it, keep running
python tests/support/autosave_driver.py show DATA_DIR        start, print what the window
    shows as JSON on one line, exit
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def field_named(window, name: str):
    from PySide6.QtWidgets import QWidget

    for widget in window.editor.findChildren(QWidget):
        if widget.accessibleName() == name and widget.isVisible():
            return widget
    raise LookupError(name)


def type_mode(window, text: str) -> int:
    from PySide6.QtWidgets import QApplication

    from tests.support.ui_helpers import type_text

    window.new_filing()
    target = field_named(window, "企业名称")
    target.setFocus()

    def saved(row) -> None:
        if row.filing.get("enterprise", {}).get("name") == text:
            print("SAVED", row.id, flush=True)

    # Only the debounced autosave may store it: focus stays in the field, nothing else runs.
    window.autosave.saved.connect(saved)
    type_text(target, text)
    print("TYPED", flush=True)
    return QApplication.instance().exec()


def show_mode(window) -> int:
    row = window.current_row()
    shown = {
        "id": row.id if row else None,
        "status": row.status if row else None,
        "enterprise": window.editor.filing().get("enterprise", {}).get("name") if row else None,
    }
    print(json.dumps(shown, ensure_ascii=False), flush=True)
    window.close()
    window.store.close()
    return 0


def main(argv: list[str]) -> int:
    from desktop.ui.app import start_desk

    mode, data_dir = argv[1], Path(argv[2])
    window = start_desk(data_dir)
    if window is None:
        print("NO WINDOW", flush=True)
        return 1
    if mode == "type":
        return type_mode(window, argv[3])
    return show_mode(window)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
