"""Notices across the top of the window: what the office did while the clerk was busy.

A returned filing, a filing the office refused, a token the office no longer accepts:
the clerk must see these whichever filing is open, without a modal dialog interrupting
the typing. Each notice has its text, an optional action (打开, 输入令牌…) and 知道了;
a notice with the same key replaces the earlier one. At most a few show at once; the
rest wait behind a count and come forward as notices are dismissed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import style

MAX_VISIBLE = 3

# kind → its banner; never colour alone: the text says what happened.
_STYLES = {
    "returned": style.ERROR_BANNER,
    "refused": style.ERROR_BANNER,
    "token": style.WARNING_BANNER,
    "setup": style.WARNING_BANNER,
    "warning": style.WARNING_BANNER,
    "park_reply": style.INFO_BANNER,  # a park committee's reply: news, not a problem
}


@dataclass
class _Notice:
    key: str
    kind: str
    text: str
    action_text: str
    action: Callable[[], None] | None
    dismiss_on_action: bool = True


class NoticeBar(QFrame):
    """One notice: message, action button, dismiss button."""

    def __init__(self, notice: _Notice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = notice.key
        self.kind = notice.kind
        self.notice = notice
        self.setObjectName("notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            _STYLES.get(notice.kind, style.WARNING_BANNER).sheet("notice", "noticeMessage")
        )
        self.message = QLabel(notice.text)
        self.message.setObjectName("noticeMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action_button = QPushButton(notice.action_text)
        self.action_button.setObjectName("noticeAction")
        self.action_button.setVisible(bool(notice.action_text and notice.action))
        self.close_button = QPushButton(self.tr("知道了"))
        self.close_button.setObjectName("noticeClose")
        for button in (self.action_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        short = notice.text.splitlines()[0][:40]
        self.action_button.setAccessibleName(f"{notice.action_text}：{short}")
        self.close_button.setAccessibleName(self.tr("关闭通知：%1").replace("%1", short))
        layout = QHBoxLayout(self)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)


class NoticeArea(QScrollArea):
    """The notices, newest first; hidden when there are none.

    Never taller than ``set_height_limit`` (the window gives it a share of its height, so
    the list and the form stay usable on a small screen at 200 %); beyond that it scrolls.
    """

    changed = Signal()  # a notice was shown or dismissed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notices")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._limit = 10_000
        self._height = 0
        self._notices: list[_Notice] = []
        self._bars: list[NoticeBar] = []
        inner = QWidget()
        self.more = QLabel()
        self.more.setObjectName("moreNotices")
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 0, 0)
        self._bars_layout = QVBoxLayout()
        self._bars_layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._bars_layout)
        layout.addWidget(self.more)
        self.setWidget(inner)
        self._rebuild()

    def set_height_limit(self, pixels: int) -> None:
        self._limit = max(pixels, self.fontMetrics().height() * 3)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """As tall as the notices need at this width, up to the limit."""
        inner = self.widget()
        width = self.viewport().width()
        layout = inner.layout() if inner is not None else None
        if layout is None:
            return
        layout.activate()
        needed = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        height = min(needed, self._limit)
        if height != self._height:
            self._height = height
            # Up to what the notices need; on a window already at its smallest, down to
            # two lines (the rest scrolls) rather than pushing the window off the screen.
            self.setMaximumHeight(height)
            self.setMinimumHeight(min(height, self.fontMetrics().height() * 2))
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().sizeHint().width(), self._height)

    # --- the window's API -----------------------------------------------------------------
    def show_notice(
        self,
        key: str,
        text: str,
        *,
        kind: str = "warning",
        action_text: str = "",
        action: Callable[[], None] | None = None,
        dismiss_on_action: bool = True,
    ) -> None:
        """Show ``text`` (replacing an earlier notice with the same ``key``) at the top.

        The action button runs ``action``; by default that also dismisses the notice (the
        filing it opens says the same from then on)."""
        notice = _Notice(key, kind, text, action_text, action, dismiss_on_action)
        for i, old in enumerate(self._notices):
            if old.key == key and (old.kind, old.text, old.action_text) == (
                kind,
                text,
                action_text,
            ):
                self._notices[i] = notice  # the same news again: no flicker, no reordering
                for bar in self._bars:
                    if bar.key == key:
                        bar.notice = notice
                return
        self._notices = [n for n in self._notices if n.key != key]
        self._notices.insert(0, notice)
        self._rebuild()

    def dismiss(self, key: str) -> None:
        before = len(self._notices)
        self._notices = [n for n in self._notices if n.key != key]
        if len(self._notices) != before:
            self._rebuild()

    def dismiss_where(self, predicate: Callable[[str], bool]) -> None:
        """Dismiss every notice whose key ``predicate`` accepts."""
        before = len(self._notices)
        self._notices = [n for n in self._notices if not predicate(n.key)]
        if len(self._notices) != before:
            self._rebuild()

    def keys(self) -> list[str]:
        return [n.key for n in self._notices]

    def bar(self, key: str) -> NoticeBar | None:
        """The shown notice for ``key`` (None if absent or waiting behind others)."""
        return next((b for b in self._bars if b.key == key), None)

    def text(self, key: str) -> str:
        return next((n.text for n in self._notices if n.key == key), "")

    # --- building -------------------------------------------------------------------------
    def _rebuild(self) -> None:
        for bar in self._bars:
            self._bars_layout.removeWidget(bar)
            bar.hide()
            bar.deleteLater()
        self._bars = []
        for notice in self._notices[:MAX_VISIBLE]:
            bar = NoticeBar(notice, self.widget())
            bar.close_button.clicked.connect(lambda _=False, key=notice.key: self.dismiss(key))
            if notice.action is not None:
                bar.action_button.clicked.connect(lambda _=False, b=bar: self._act(b.notice))
            self._bars_layout.addWidget(bar)
            self._bars.append(bar)
        waiting = len(self._notices) - MAX_VISIBLE
        self.more.setText(self.tr("还有 %n 条通知，关闭上面的通知后显示。", "", waiting))
        self.more.setVisible(waiting > 0)
        # Limits first: shown with the old ones, it would make the window grow for good.
        self._fit()
        self.setVisible(bool(self._notices))
        self._fit()
        self.changed.emit()

    def _act(self, notice: _Notice) -> None:
        if notice.dismiss_on_action:
            self.dismiss(notice.key)
        if notice.action is not None:
            notice.action()
