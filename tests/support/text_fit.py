"""Is every text a clerk must read fully visible? A check any window test can run.

``clipped_texts(window)`` returns one line per problem (empty: all readable):

- the window (with its frame) does not fit the screen's available area;
- a visible QLabel is smaller than its text: a wrapped label shorter than its
  ``heightForWidth`` at its width, an unwrapped one narrower or lower than its text;
- a button is narrower than its text (one whose ``wordWrap`` property is true and that
  has a height for its width, lower than that);
- a row of a list (QListView, QListWidget: the problems banner) taller than the list, or
  cut off by a list that cannot scroll to it, or (in a list that wraps) lower than its
  wrapped text;
- a status bar's message (``showMessage``, which the bar paints itself) is wider than
  the room the bar's permanent widgets leave it;
- a label or button is cut off by a parent widget (a scroll area's viewport may hide
  what is above or below it, where the clerk scrolls to, but not what is beside it).

Only texts a clerk reads are checked: labels with text and buttons with text, shown.
Table cells and headers are not (a table elides on purpose and can be scrolled).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QLabel,
    QListView,
    QPushButton,
    QRadioButton,
    QStatusBar,
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)

BUTTONS = (QPushButton, QCheckBox, QRadioButton)


def describe(widget: QWidget) -> str:
    name = widget.objectName() or type(widget).__name__
    text = widget.text() if hasattr(widget, "text") else ""
    short = text.replace("\n", " ")
    return f"{name} «{short[:24]}{'…' if len(short) > 24 else ''}»"


def _cut_by_parent(widget: QWidget, top: QWidget) -> str | None:
    """The first ancestor (up to ``top``) that hides part of ``widget``, if any."""
    rect = QRect(widget.rect())
    child = widget
    while child is not top and child.parentWidget() is not None:
        parent = child.parentWidget()
        rect = rect.translated(child.pos())  # now in parent's coordinates
        visible = rect.intersected(parent.rect())
        scrolls = isinstance(parent.parentWidget(), QAbstractScrollArea) and (
            parent is parent.parentWidget().viewport()
        )
        # A scroll area may hide what is above or below (the clerk scrolls a form down),
        # never what is beside: text that needs scrolling sideways is cut for a reader.
        area = parent.rect()
        sideways = rect.left() < area.left() or rect.right() > area.right()
        cut = not scrolls and visible.height() < rect.height()
        if sideways:
            return (
                f"{describe(widget)} runs past the side of {type(parent).__name__} "
                f"{parent.objectName() or ''}: x {rect.left()}…{rect.right()} in 0…{area.right()}"
            )
        if cut:
            return (
                f"{describe(widget)} is cut by {type(parent).__name__} "
                f"{parent.objectName() or ''}: {visible.width()}×{visible.height()} "
                f"of {rect.width()}×{rect.height()} shown"
            )
        if scrolls:
            return None
        rect = visible
        child = parent
    return None


def _label_problem(label: QLabel) -> str | None:
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height():
            return (
                f"{describe(label)} needs {needed} px height at width {label.width()}, "
                f"has {label.height()}"
            )
        return None
    hint = label.minimumSizeHint()
    if hint.width() > label.width() or hint.height() > label.height():
        return (
            f"{describe(label)} needs {hint.width()}×{hint.height()}, "
            f"has {label.width()}×{label.height()}"
        )
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    if button.property("wordWrap") is True and button.hasHeightForWidth():
        # A button that wraps its text (the editor's offered fix): judged like a label.
        needed = button.heightForWidth(button.width())
        if needed > button.height():
            return (
                f"{describe(button)} needs {needed} px height at width {button.width()}, "
                f"has {button.height()}"
            )
        return None
    if isinstance(button, QPushButton):
        # Its size hint is at least 80 px wide for looks; what matters is the text.
        text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        needed = button.fontMetrics().horizontalAdvance(text) + 8
        if not button.icon().isNull():
            needed += button.iconSize().width() + 4
    else:
        needed = button.sizeHint().width()
    if needed > button.width():
        return f"{describe(button)} needs {needed} px width, has {button.width()}"
    return None


def _row_text_height(view: QListView, index, width: int) -> int:
    """How tall a wrapping list's row must be for all of its text at ``width``: the
    style's measure, the one the default delegate draws by."""
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = QRect(0, 0, width, 1)
    option.text = str(index.data() or "")
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
    option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
    icon = index.data(Qt.ItemDataRole.DecorationRole)
    if isinstance(icon, QIcon) and not icon.isNull():
        option.icon = icon
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
    size = view.style().sizeFromContents(QStyle.ContentsType.CT_ItemViewItem, option, QSize(), view)
    return size.height()


def _list_problems(view: QListView) -> list[str]:
    viewport = view.viewport().rect()
    can_scroll = view.verticalScrollBar().maximum() > 0
    model = view.model()
    if model is None:
        return []
    problems = []
    for row in range(model.rowCount(view.rootIndex())):
        index = model.index(row, view.modelColumn(), view.rootIndex())
        rect = view.visualRect(index)
        if rect.height() > viewport.height() or (not can_scroll and not viewport.contains(rect)):
            text = str(index.data() or "").replace("\n", " ")
            shown = viewport.intersected(rect).height()
            problems.append(
                f"{view.objectName() or type(view).__name__} row {row} «{text[:24]}…» "
                f"needs {rect.height()} px height, {shown} shown"
            )
        elif view.wordWrap() and str(index.data() or "").strip():
            # A row shorter than its wrapped text: its last lines are cut inside the row
            # (an item size hint measured at the wrong width).
            needed = _row_text_height(view, index, rect.width())
            if needed > rect.height():
                text = str(index.data() or "").replace("\n", " ")
                problems.append(
                    f"{view.objectName() or type(view).__name__} row {row} «{text[:24]}…» "
                    f"needs {needed} px height for its text, the row has {rect.height()}"
                )
    return problems


def _status_message_problem(bar: QStatusBar) -> str | None:
    """QStatusBar paints its message from x = 6 to 2 px before the first visible permanent
    widget (or to 12 px before its end); QStatusBarPrivate::messageRect. While a message
    shows, the bar hides its normal widgets: the visible ones are permanent."""
    text = bar.currentMessage()
    if not text:
        return None
    right = bar.width() - 12
    permanent = [w for w in bar.findChildren(QWidget) if w.parentWidget() is bar and w.isVisible()]
    if permanent:
        right = min(right, min(w.x() for w in permanent) - 2)
    room = right - 6
    need = bar.fontMetrics().horizontalAdvance(text)
    if need > room:
        return f"status bar message «{text[:24]}…» needs {need} px, the bar leaves it {room} px"
    return None


def clipped_texts(window: QWidget) -> list[str]:
    """Every way a text in ``window`` (a shown top-level widget) is not fully readable."""
    problems: list[str] = []
    screen = window.screen()
    if screen is not None:
        # One pixel of slack: fractional scaling (125 %) rounds a maximised window's
        # logical size up.
        available = screen.availableGeometry().adjusted(-1, -1, 1, 1)
        frame = window.frameGeometry()
        if not available.contains(frame):
            problems.append(
                f"window {describe(window)} {frame.width()}×{frame.height()} at "
                f"({frame.x()},{frame.y()}) does not fit the screen's "
                f"{available.width()}×{available.height()}"
            )
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.window() is not window:
            continue
        problem = None
        if isinstance(widget, QListView):
            problems += _list_problems(widget)
            continue
        if isinstance(widget, QStatusBar):
            problem = _status_message_problem(widget)
            if problem:
                problems.append(problem)
            continue
        if isinstance(widget, QLabel) and widget.text().strip():
            problem = _label_problem(widget)
        elif isinstance(widget, BUTTONS) and widget.text().strip():
            problem = _button_problem(widget)
        else:
            continue
        problem = problem or _cut_by_parent(widget, window)
        if problem:
            problems.append(problem)
    return problems
