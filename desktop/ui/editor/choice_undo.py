"""Undoing a choice from the roster or the directory: the notice under the form that
says what the choice replaced, with 撤销, and Ctrl+Z in a field the choice filled.

The decision (what undoing restores) is ``desktop.record_choice``; this is its wiring.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.ui import style
from desktop.ui.editor.autofill import AppliedChoice


class ChoiceNotice(QFrame):
    """Under the form: what a choice from the roster or the directory replaced, with 撤销.

    Below the form, so showing it only shortens the view from the bottom and never moves
    the field the clerk is in.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("choiceNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(style.INFO_BANNER.sheet("choiceNotice", "choiceNotice QLabel"))
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_button = QPushButton(self.tr("撤销"), self)
        self.undo_button.setAutoDefault(False)
        self.undo_button.setToolTip(self.tr("恢复换人（换企业）之前的内容（Ctrl+Z）"))
        self.close_button = QPushButton(self.tr("知道了"), self)
        self.close_button.setAutoDefault(False)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.close_button)
        self.hide()

    def show_text(self, text: str) -> None:
        self.text.setText(text)
        self.text.setAccessibleName(text)
        self.show()


class ChoiceUndo(QObject):
    """The last choice that replaced fields, while it can still be undone."""

    def __init__(self, notice: ChoiceNotice, parent: QObject | None = None):
        super().__init__(parent)
        self.notice = notice
        self.enabled = True  # off while the editor is read-only
        self.choice: AppliedChoice | None = None
        notice.undo_button.clicked.connect(self.undo)
        notice.close_button.clicked.connect(self.forget)

    def watch(self, widget: QWidget) -> None:
        """Ctrl+Z in ``widget`` may undo the choice (see ``eventFilter``)."""
        widget.installEventFilter(self)

    def announce(self, choice: AppliedChoice) -> None:
        self.choice = choice
        labels = [
            choice.fields[c.key].field.label for c in choice.fill.changes if c.key != choice.picked
        ]
        if choice.kind == "officer":
            text = self.tr("已按执法人员名册换为“%1”：%2。")
        else:
            text = self.tr("已按企业名录换为“%1”：%2。")
        self.notice.show_text(
            text.replace("%1", choice.record).replace("%2", self.tr("、").join(labels))
        )

    def undo(self) -> bool:
        """Put back what the choice replaced, in the fields that still hold its values."""
        choice = self.choice
        if choice is None or not self.enabled:
            return False
        restore = choice.fill.undo(choice.values())
        for key, value in restore.items():
            field = choice.fields[key]
            field.fill(value)
            field.autofilled = None
            field.entered_value = value
        self.forget()
        return bool(restore)

    def forget(self) -> None:
        self.choice = None
        self.notice.hide()

    def edited(self) -> None:
        """After any edit: once the clerk has retyped all the choice filled, there is
        nothing left to undo."""
        choice = self.choice
        if choice is not None and not choice.fill.can_undo(choice.values()):
            self.forget()

    def _undoable_in(self, watched: QObject) -> bool:
        choice = self.choice
        if choice is None or not self.enabled:
            return False
        inputs = [f.input for f in choice.fields.values()]
        if not any(w is watched or w.isAncestorOf(watched) for w in inputs):
            return False
        return choice.fill.can_undo(choice.values())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Ctrl+Z in a field the choice filled undoes the choice (the input's own undo
        history does not hold a fill); anywhere else it is the input's own undo."""
        kind = event.type()
        if (
            kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
            and self._undoable_in(watched)
        ):
            event.accept()
            if kind == QEvent.Type.KeyPress:
                self.undo()
            return True
        return False
