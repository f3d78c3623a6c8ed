"""预览/打印 from the main window: the triplicate in a dialog; printing and saving a PDF
are recorded in the filing's history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt

from desktop.ui.store_errors import TELL, store_call

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


def open_preview(window: MainWindow) -> Any:
    """The PreviewDialog of the open filing (None: nothing open), shown non-modal."""
    row = window.current_row()
    if row is None:
        return None
    from desktop.sync.changes import park_replies_for
    from desktop.ui.preview import PreviewDialog  # its PDF code only when first used

    window.autosave.flush()
    filing = window.editor.filing() if row.editable else row.filing
    dialog = PreviewDialog(
        filing,
        receipt=row.receipt,
        office_url=window.store.verification_url(),
        parent=window,
        park_replies=park_replies_for(window.store, row.id),
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    filing_id = row.id

    def printed(copies: Any) -> None:
        if _record(window, filing_id, "printed", {"copies": [int(c) for c in copies]}):
            window.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "已打印。"), 5000
            )

    def saved(path: str) -> None:
        if _record(window, filing_id, "exported", {"path": str(path)}):
            window.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "已存为 PDF：%1").replace("%1", str(path)),
                8000,
            )

    dialog.printed.connect(printed)
    dialog.saved.connect(saved)
    dialog.open()
    return dialog


def _record(window: MainWindow, filing_id: str, kind: str, detail: dict[str, Any]) -> bool:
    with store_call(window, TELL, f"recording {kind}") as call:
        window.store.record_event(filing_id, kind, detail)
    if call.failed:
        return False
    if window.current_id() == filing_id:
        window.refresh_history()
    return True
