"""The line above the editor: which filing, its status, and what the clerk can do with it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.filing_summary import enterprise_name
from desktop.store.api import DRAFT, QUEUED, READY, RETURNED, SENT, FilingRow
from desktop.ui import style, wording
from desktop.ui.labels import revision_label, status_label

_BANNER_STYLE = {
    DRAFT: style.ERROR_BANNER,  # shown only for a revision after a return
    READY: style.ERROR_BANNER,
    QUEUED: style.INFO_BANNER,
    SENT: style.OK_BANNER,
    RETURNED: style.ERROR_BANNER,
}


WORD_JOINER = "\u2060"
GLUED_UP_TO = 24  # characters; a longer enterprise name may still wrap inside itself


def unbreakable(phrase: str) -> str:
    """``phrase`` as one unit for line wrapping (a very long one stays breakable)."""
    if len(phrase) > GLUED_UP_TO:
        return phrase
    return WORD_JOINER.join(phrase.replace(" ", "\u00a0"))


class FilingHeader(QWidget):
    reviseRequested = Signal()  # noqa: N815 - Qt signal naming
    unqueueRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("filingTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)

        self.banner = QFrame()
        self.banner.setObjectName("filingBanner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = QLabel()
        self.message.setObjectName("bannerMessage")
        self.message.setWordWrap(True)
        self.revise_button = QPushButton()
        self.revise_button.setObjectName("reviseButton")
        self.revise_button.setAutoDefault(False)
        self.revise_button.clicked.connect(self.reviseRequested)
        self.unqueue_button = QPushButton(self.tr("撤回提交"))
        self.unqueue_button.setObjectName("unqueueButton")
        self.unqueue_button.setAutoDefault(False)
        self.unqueue_button.clicked.connect(self.unqueueRequested)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.message, 1)
        banner_layout.addWidget(self.revise_button)
        banner_layout.addWidget(self.unqueue_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.banner)
        self.show_row(None)

    def show_row(self, row: FilingRow | None) -> None:
        self.banner.setVisible(False)
        self.revise_button.setVisible(False)
        self.unqueue_button.setVisible(False)
        if row is None:
            self.title.setText("")
            return
        enterprise = enterprise_name(row.filing)
        parts = [
            enterprise or self.tr("新备案"),
            status_label(row.status),
            revision_label(row.revision),
        ]
        # A narrow window wraps the line between its phrases, never inside one
        # ("第 1 / 版"): each phrase is glued (no-break spaces, word joiners).
        self.title.setText(" · ".join(unbreakable(p) for p in parts))
        self.title.setAccessibleName(" · ".join(parts))
        text = self._banner_text(row)
        if text:
            banner = _BANNER_STYLE.get(row.status, style.NOTE_BANNER)
            self.banner.setStyleSheet(banner.sheet("filingBanner", "bannerMessage"))
            self.message.setText(text)
            self.banner.setVisible(True)
        if row.status == RETURNED:
            self.revise_button.setText(
                self.tr("修改（生成%1）").replace("%1", revision_label(row.revision + 1))
            )
            self.revise_button.setVisible(True)
        if row.status == QUEUED:
            self.unqueue_button.setVisible(True)

    def _banner_text(self, row: FilingRow) -> str:
        if row.status == QUEUED:
            text = self.tr("已提交，在发件箱中等待发送。发送前如需修改，可以撤回提交。")
            if row.last_error:
                last = wording.stored_text(row.last_problem, row.last_error)
                text += "\n" + self.tr("上次发送没有成功：") + last
            if self._revising(row):
                text += "\n" + self._previous_return(row)
            return text
        if row.status == SENT:
            receipt = row.receipt or ""
            return self.tr("已备案，回执号 %1。已备案的备案表不能再修改。").replace("%1", receipt)
        if row.status == RETURNED:
            reason = row.return_reason or self.tr("（未说明）")
            return (
                self.tr("被优化营商环境部门退回。退回理由：")
                + reason
                + "\n"
                + self.tr("请点“修改”生成新的版本，改正后重新提交。")
            )
        if row.status in (DRAFT, READY) and self._revising(row):
            return self._previous_return(row) + "\n" + self.tr("请按退回理由改正本版，再提交。")
        return ""

    @staticmethod
    def _revising(row: FilingRow) -> bool:
        """A revision made after a return: the store keeps the office's reason on it
        until that revision is filed."""
        return row.revision > 1 and bool(row.return_reason)

    def _previous_return(self, row: FilingRow) -> str:
        return self.tr("%1被优化营商环境部门退回。退回理由：").replace(
            "%1", revision_label(row.revision - 1)
        ) + (row.return_reason or "")

    def show_office_hints(self, hints: list[str]) -> None:
        """The office's cross-filing hints (联合检查, 重复检查, 白名单 …) under the banner."""
        if not hints:
            return
        lines = "\n".join(f"• {h}" for h in hints)
        head = self.tr("优化营商环境部门提示：")
        text = self.message.text() if not self.banner.isHidden() else ""
        self.message.setText((text + "\n" if text else "") + head + "\n" + lines)
        self.banner.setVisible(True)

    def show_park_replies(self, replies: list[str]) -> None:
        """The park committees' replies (派员参加 / 无补充意见) under the banner."""
        if not replies:
            return
        lines = "\n".join(f"• {r}" for r in replies)
        head = self.tr("园区管委会回复：")
        text = self.message.text() if not self.banner.isHidden() else ""
        self.message.setText((text + "\n" if text else "") + head + "\n" + lines)
        self.banner.setVisible(True)

    def show_refusal(self, message: str) -> None:
        """A queued filing the office refused: said instead of "waiting to be sent" (it is
        not retried until the clerk takes it back, fixes it and submits it again)."""
        self.message.setText(
            self.tr("备案办公室拒收了这份备案：")
            + message
            + "\n"
            + self.tr("不会自动重发。请点“撤回提交”，改正后重新提交。")
        )
        self.banner.setStyleSheet(style.ERROR_BANNER.sheet("filingBanner", "bannerMessage"))
        self.banner.setVisible(True)
