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

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

MAX_VISIBLE = 3

# kind → (background, border and text); never colour alone: the text says what happened.
_STYLES = {
    "returned": ("#fdecea", "#b3261e"),
    "refused": ("#fdecea", "#b3261e"),
    "token": ("#fff4e5", "#8a5300"),
    "setup": ("#fff4e5", "#8a5300"),
    "warning": ("#fff4e5", "#8a5300"),
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
        background, foreground = _STYLES.get(notice.kind, _STYLES["warning"])
        self.setStyleSheet(
            f"#notice {{ background: {background}; border: 1px solid {foreground};"
            f" border-radius: 4px; }} #noticeMessage {{ color: {foreground}; }}"
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


class NoticeArea(QWidget):
    """The notices, newest first; hidden when there are none."""

    changed = Signal()  # a notice was shown or dismissed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notices")
        self._notices: list[_Notice] = []
        self._bars: list[NoticeBar] = []
        self.more = QLabel()
        self.more.setObjectName("moreNotices")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._bars_layout = QVBoxLayout()
        self._bars_layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._bars_layout)
        layout.addWidget(self.more)
        self._rebuild()

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
            bar = NoticeBar(notice, self)
            bar.close_button.clicked.connect(lambda _=False, key=notice.key: self.dismiss(key))
            if notice.action is not None:
                bar.action_button.clicked.connect(lambda _=False, b=bar: self._act(b.notice))
            self._bars_layout.addWidget(bar)
            self._bars.append(bar)
        waiting = len(self._notices) - MAX_VISIBLE
        self.more.setText(self.tr("还有 %n 条通知，关闭上面的通知后显示。", "", waiting))
        self.more.setVisible(waiting > 0)
        self.setVisible(bool(self._notices))
        self.changed.emit()

    def _act(self, notice: _Notice) -> None:
        if notice.dismiss_on_action:
            self.dismiss(notice.key)
        if notice.action is not None:
            notice.action()
