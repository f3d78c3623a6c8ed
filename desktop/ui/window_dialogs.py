"""The dialogs the main window opens beside the filings: connection, settings, imports,
the log folder and 关于. Each opens, and afterwards tells the window what changed
(``refresh_context``, the sync status); none of them edits a filing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from desktop.ui.errors import log_file

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class WindowDialogs(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.connection_dialog: Any = None  # the open ConnectionDialog, once opened

    def open_connection(self, reason: str = ""):
        """The connection dialog (address, token, CA file), non-blocking; returns it."""
        from desktop.ui.connection_dialog import ConnectionDialog

        dialog = self.connection_dialog
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        dialog = ConnectionDialog(
            self.window.store, self.window.data_dir, reason=reason, parent=self.window
        )
        dialog.saved.connect(self.window.sync_presenter.connection_saved)
        dialog.checked.connect(self.window.sync_presenter.connection_checked)
        self.connection_dialog = dialog
        dialog.open()
        # The first thing missing gets the cursor: the address, else the token.
        (dialog.token if dialog.office_url.text() else dialog.office_url).setFocus()
        return dialog

    def open_settings(self) -> None:
        from desktop.ui.settings_dialog import SettingsDialog

        self.window.autosave.flush()
        dialog = SettingsDialog(
            self.window.store, parent=self.window, data_dir=self.window.data_dir
        )
        dialog.connectionSaved.connect(self.window.sync_presenter.connection_saved)
        dialog.connectionChecked.connect(self.window.sync_presenter.connection_checked)
        saved = dialog.exec()
        # Imports from the dialog apply at once, so the context may change either way.
        self.window.refresh_context()
        if saved:
            self.window.statusBar().showMessage(self.tr("设置已保存。"), 5000)

    def open_import(self, kind: str) -> None:
        from desktop.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.window.store, kind, parent=self.window)
        if dialog.exec():
            self.window.refresh_context()
            self.window.statusBar().showMessage(dialog.outcome, 10000)

    def open_log_folder(self) -> None:
        path = log_file()
        folder = path.parent if path is not None else self.window.data_dir / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def about(self) -> None:
        from forms import __version__

        QMessageBox.about(
            self.window,
            self.tr("关于"),
            self.tr("涉企行政执法检查备案 %1\n\n数据文件夹：%2")
            .replace("%1", __version__)
            .replace("%2", str(self.window.data_dir)),
        )
