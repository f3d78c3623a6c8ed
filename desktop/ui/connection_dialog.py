"""The connection to the optimization office: its address, the unit's token, a CA file.

Saving goes through ``desktop.sync.connect.save_settings`` only (the same path as
``beian connect``): the address and CA file go to the store, the token to the OS keyring
and nowhere else — not even back into this dialog. Then the connection is checked on a
worker thread (``connect.check_data_dir``) and the answer shown here; the UI thread never
waits on the network.
"""

from __future__ import annotations

import logging
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import token_keyring
from desktop.store import settings_registry as settings
from desktop.store.api import StoreError
from desktop.sync import connect
from desktop.sync.config import ConfigError, normalize_url
from desktop.sync.problems import Code
from desktop.ui import style, wording
from desktop.ui.form_helpers import add_row, tidy_form
from desktop.ui.workers import Job, run_in_background

log = logging.getLogger(__name__)

ERROR_STYLE = style.ERROR_TEXT
UNENCRYPTED_STYLE = style.ERROR_TEXT_BOLD
OK_STYLE = style.OK_TEXT


def encryption_note(url_text: str) -> tuple[str, str]:
    """(Chinese note on the address as typed, style): a problem, 未加密 or 已加密."""
    if not url_text.strip():
        return (
            QCoreApplication.translate(
                "ConnectionDialog", "尚未设置。未设置时，已提交的备案保存在发件箱中，不会丢失。"
            ),
            "",
        )
    try:
        url = normalize_url(url_text)
    except ConfigError as exc:
        return wording.text(exc.problem), ERROR_STYLE
    if url.startswith("http://"):
        return (
            QCoreApplication.translate(
                "ConnectionDialog",
                "未加密：此地址以 http:// 开头，备案内容和令牌在网络上不加密传输。"
                "只应在单位内网中使用；请尽量使用 https://。",
            ),
            UNENCRYPTED_STYLE,
        )
    return (
        QCoreApplication.translate("ConnectionDialog", "已加密（https），会验证办公室的证书。"),
        OK_STYLE,
    )


def add_row_with_note(
    form: QFormLayout, label: str, field: QLineEdit, note: QLabel, name: str
) -> None:
    """A form row whose field has a wrapped note right under it. (A note in a row of its
    own gets stray space around it: the form guesses its wrapped height too high.)"""
    column = QVBoxLayout()
    column.setSpacing(2)
    column.addWidget(field)
    column.addWidget(note)
    label_widget = add_row(form, label, column)
    field.setObjectName(name)
    field.setAccessibleName(label)
    label_widget.setBuddy(field)
    # Level with the input's text, not with the middle of input and note.
    label_widget.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    offset = (field.sizeHint().height() - label_widget.sizeHint().height()) // 2
    label_widget.setContentsMargins(0, max(0, offset), 0, 0)


class ConnectionDialog(QDialog):
    """``ConnectionDialog(store, data_dir, parent=…, reason="")``; open with ``open()``.

    ``reason`` is shown at the top (e.g. why a new token is needed)."""

    saved = Signal()  # address, CA file and token (if one was typed) are saved
    checked = Signal(object)  # desktop.sync.connect.Check, after each check

    def __init__(
        self,
        store,
        data_dir: Path,
        *,
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.data_dir = Path(data_dir)
        self.last_check: connect.Check | None = None
        self._job: Job | None = None
        self.setObjectName("connectionDialog")
        self.setWindowTitle(self.tr("连接备案办公室"))

        self.reason = QLabel(reason)
        self.reason.setObjectName("connectionReason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(ERROR_STYLE)
        self.reason.setVisible(bool(reason))

        form = tidy_form(QFormLayout())
        self.office_url = QLineEdit()
        self.office_url.setPlaceholderText("https://beian.example.gov.cn")
        self.url_note = QLabel()
        self.url_note.setObjectName("urlNote")
        self.url_note.setWordWrap(True)
        add_row_with_note(
            form, self.tr("备案办公室地址"), self.office_url, self.url_note, "officeUrl"
        )
        self.office_url.textChanged.connect(self._update_url_note)

        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("办公室发放给本单位的令牌"))
        # No completion, no undo history worth keeping: it is a secret.
        self.token.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData
        )
        token_note = QLabel(
            self.tr(
                "令牌只保存在系统密钥环中，不写入任何文件。地址不变时留空，保留已保存的令牌；"
                "更换办公室地址时，请输入新地址对应的令牌。"
            )
        )
        token_note.setObjectName("tokenNote")
        token_note.setWordWrap(True)
        add_row_with_note(form, self.tr("令牌"), self.token, token_note, "token")

        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText(self.tr("单位内网使用自己的根证书时才需要"))
        browse = QPushButton(self.tr("浏览…"))
        browse.setObjectName("browseCaFile")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._choose_ca_file)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        ca_label = add_row(form, self.tr("根证书文件（CA）"), ca_row)
        self.ca_file.setObjectName("caFile")
        self.ca_file.setAccessibleName(self.tr("根证书文件（CA）"))
        ca_label.setBuddy(self.ca_file)

        self.result_label = QLabel()
        self.result_label.setObjectName("connectionResult")
        self.result_label.setContentsMargins(0, self.fontMetrics().height() // 2, 0, 0)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setAccessibleName(self.tr("连接检查结果"))
        self.result_label.hide()

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("保存并检查连接"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button.setObjectName("saveConnection")
        self.close_button = buttons.addButton(
            self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.close_button.setObjectName("closeConnection")
        for button in (self.save_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.save_button.clicked.connect(self.save_and_check)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.load()
        em = self.fontMetrics().horizontalAdvance("中")
        self.resize(em * 44, self.sizeHint().height())
        self._fit_height()

    # --- state ----------------------------------------------------------------------------
    def load(self) -> None:
        try:
            url = settings.OFFICE_URL.get(self.store) or ""
            ca = settings.CA_FILE.get(self.store) or ""
        except StoreError as exc:
            self._show_result(str(exc), ERROR_STYLE)
            url, ca = "", ""
        self.office_url.setText(url)
        self.ca_file.setText(ca)
        self.token.clear()
        self._update_url_note()

    def is_checking(self) -> bool:
        return self._job is not None

    # --- saving and checking --------------------------------------------------------------
    def save_and_check(self) -> bool:
        """Save through ``connect.save_settings``; on success, check in the background.

        On a problem (bad address or CA file, text that is no token, no usable keyring)
        the message is shown, the field to fix gets the cursor, and nothing is saved."""
        typed = self.token.text()
        token = typed if typed.strip() else None
        ca = self.ca_file.text().strip() or None
        try:
            connect.save_settings(self.store, self.office_url.text(), token=token, ca_file=ca)
        except token_keyring.NoKeyring as exc:
            self._refused(wording.text(exc.problem), self.token)
            return False
        except token_keyring.BadToken as exc:
            self._refused(wording.text(exc.problem), self.token)
            return False
        except ConfigError as exc:
            ca_problem = exc.code == Code.CA_FILE_BAD
            self._refused(
                wording.text(exc.problem), self.ca_file if ca_problem else self.office_url
            )
            return False
        except StoreError as exc:
            self._refused(str(exc), self.office_url)
            return False
        # The secret is in the keyring now; keep no copy of it in the widget.
        self.token.clear()
        self.load()
        self.saved.emit()
        self.start_check()
        return True

    def start_check(self) -> None:
        """Check the saved connection on a worker thread."""
        self._show_result(self.tr("已保存。正在检查与备案办公室的连接……"), "")
        self.save_button.setEnabled(False)
        job = run_in_background(connect.check_data_dir, self.data_dir)
        self._job = job
        job.finished.connect(lambda check, job=job: self._checked(job, check))
        job.failed.connect(lambda message, _details, job=job: self._check_failed(job, message))

    def _checked(self, job: Job, check: connect.Check) -> None:
        if job is not self._job or not shiboken6.isValid(self):
            return  # an older check, overtaken by a newer save; or the dialog is gone
        self._job = None
        self.save_button.setEnabled(True)
        self.last_check = check
        text = wording.text(check.problem)
        if not check.encrypted and self.office_url.text().startswith("http://"):
            text += "\n" + self.tr("注意：连接未加密（http://）。")
        if check.ok:
            self.reason.hide()  # whatever brought the clerk here is solved
        self._show_result(text, OK_STYLE if check.ok else ERROR_STYLE)
        if check.state in (connect.NO_TOKEN, connect.TOKEN_REJECTED, connect.NO_KEYRING):
            self.token.setFocus()
        self.checked.emit(check)

    def _check_failed(self, job: Job, message: str) -> None:
        if job is not self._job or not shiboken6.isValid(self):
            return
        self._job = None
        self.save_button.setEnabled(True)
        self._show_result(message, ERROR_STYLE)

    def _refused(self, message: str, field: QWidget) -> None:
        log.info("connection settings not saved: %s", message)
        self._show_result(self.tr("没有保存。") + message, ERROR_STYLE)
        field.setFocus()

    def _show_result(self, text: str, style: str) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(style)
        self.result_label.show()
        self._fit_height()

    def _fit_height(self) -> None:
        """Fit the height to the wrapped messages: a dialog keeps its size when labels
        get longer (the 未加密 warning appears as the address is typed, a check result
        arrives), and would squeeze them until they are cut off."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = (
            layout.totalHeightForWidth(self.width())
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        if needed != self.height():
            self.resize(self.width(), needed)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        # A label's text changed (or the font, the scaling): the layout asks again.
        if event.type() == QEvent.Type.LayoutRequest:
            self._fit_height()
        return handled

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        # Narrower means more lines: grow once the resize is done (not inside it).
        if event.size().width() != event.oldSize().width():
            QTimer.singleShot(0, self._fit_height_if_alive)

    def _fit_height_if_alive(self) -> None:
        if shiboken6.isValid(self):
            self._fit_height()

    # --- helpers --------------------------------------------------------------------------
    def _update_url_note(self) -> None:
        text, style = encryption_note(self.office_url.text())
        self.url_note.setText(text)
        self.url_note.setStyleSheet(style)

    def _choose_ca_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("选择根证书文件"),
            self.ca_file.text(),
            self.tr("证书文件 (*.pem *.crt *.cer);;所有文件 (*)"),
        )
        if path:
            self.ca_file.setText(path)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Enter in a field must not close the dialog or save; only the buttons do.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self.token.clear()  # closing forgets whatever was typed and not saved
        super().done(result)
