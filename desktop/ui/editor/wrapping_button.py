"""A push button whose text wraps to the width the layout gives it.

The fix a problem offers (改为名册中“侯燕娟”的执法证号 43031142003) names an officer and a
number: on a 1024 × 768 screen at 150 % that line is wider than the whole form, and a
plain QPushButton would push the form past the side of its scroll area. ``text()`` stays
the whole text (for tests, screen readers and shortcuts); only the drawing wraps.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QWidget,
)

# The fewest characters a line of the button holds, however narrow the form.
MIN_CHARS = 6
_FLAGS = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextShowMnemonic


class WrappingButton(QPushButton):
    """A QPushButton that is as tall as its wrapped text at its width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Read by tests.support.text_fit: judge this button's text as a wrapped label's.
        self.setProperty("wordWrap", True)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _padding(self) -> QSize:
        """What the style puts around the text (bevel, margins)."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        text = self.fontMetrics().size(int(Qt.TextFlag.TextShowMnemonic), self.text())
        full = self.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, option, text, self)
        return QSize(max(full.width() - text.width(), 0), max(full.height() - text.height(), 0))

    def _text_height(self, width: int) -> int:
        bound = QRect(0, 0, max(width, 1), 1 << 16)
        return self.fontMetrics().boundingRect(bound, int(_FLAGS), self.text()).height()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        pad = self._padding()
        one_line = super().sizeHint()
        narrow = self.fontMetrics().horizontalAdvance("汉" * MIN_CHARS) + pad.width()
        width = min(narrow, one_line.width())
        return QSize(width, self.heightForWidth(width))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        pad = self._padding()
        return max(
            self._text_height(width - pad.width()) + pad.height(), super().sizeHint().height()
        )

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        text = option.text
        option.text = ""
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)  # bevel and focus
        # The width heightForWidth wrapped at, so the lines drawn are the lines measured.
        pad = self._padding()
        contents = QRect(
            pad.width() // 2,
            pad.height() // 2,
            self.width() - pad.width(),
            self.height() - pad.height(),
        )
        painter.drawItemText(
            contents,
            int(Qt.AlignmentFlag.AlignCenter | _FLAGS),
            self.palette(),
            self.isEnabled(),
            text,
            QPalette.ColorRole.ButtonText,
        )
