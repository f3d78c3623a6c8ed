"""Fields with rows the clerk adds and removes: the joint units (a list of texts) and the
other inspectors (a repeat group: one row per officer, 姓名 and 执法证号).

Rows are numbered like the paper (第1行); removing a row renumbers the rest, and the
paths of their fields (``inspectors[2].name``) follow. Add and remove are ordinary
buttons, reachable by Tab; neither is ever a default button, so Enter does nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.editor.fields import LineField, ScalarField, make_field
from desktop.ui.editor.problems import MessageLine
from forms.definition import FieldDef, FormDefinition

# How wide, in characters, each input of an officer row must be for the row to stay on
# one line: its message and offered fix then wrap to two or three lines, not five.
ROW_INPUT_CHARS = 14
# Where a problem's message goes (anything with ``set_problems``) and what to focus.
Target = tuple[Any, QWidget]


def _button(text: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


class _Row:
    """One row: its widget, its inputs, its remove button."""

    widget: QWidget
    remove_button: QPushButton
    scalars: list[ScalarField]

    def reindex(self, index: int) -> None:
        raise NotImplementedError

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def targets(self) -> dict[str, Target]:
        return {s.path: (s, s.input) for s in self.scalars}

    def focus_widgets(self) -> list[QWidget]:
        return [w for s in self.scalars for w in s.focus_widgets()] + [self.remove_button]


class RowsField(QWidget):
    """Base for a field made of rows."""

    field_edited = Signal(object)  # the ScalarField the clerk changed
    field_left = Signal(object)  # the ScalarField focus left
    rows_changed = Signal(int)  # index of a removed row, or -1 after an addition
    structure_edited = Signal()  # a row added or removed by the clerk

    def __init__(self, definition: FormDefinition, f: FieldDef, path: str, parent=None):
        super().__init__(parent)
        self.definition = definition
        self.field = f
        self.path = path
        self.present = True
        self.row_hook: Callable[[_Row], None] | None = None  # e.g. attach completers
        self.rows: list[_Row] = []
        self._read_only = False

        self.hint = QLabel(f.placeholder, self)
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # reads as a hint, like a placeholder
        self.rows_box = QVBoxLayout()
        self.rows_box.setContentsMargins(0, 0, 0, 0)
        self.add_button = _button(
            QCoreApplication.translate("FilingEditor", "添加%1").replace("%1", self._item_name()),
            self,
        )
        self.add_button.setAccessibleName(self.add_button.text())
        self.add_button.clicked.connect(self._add_clicked)
        self.message = MessageLine(self)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addLayout(self.rows_box)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._update_state()

    # --- subclasses -----------------------------------------------------------------------

    def _item_name(self) -> str:
        return self.field.label

    def _make_row(self, index: int) -> _Row:
        raise NotImplementedError

    def _row_blank(self) -> Any:
        raise NotImplementedError

    # --- values ---------------------------------------------------------------------------

    def value(self) -> list[Any]:
        return [row.value() for row in self.rows]

    def set_value(self, value: Any) -> None:
        items = value if isinstance(value, list) else []
        while len(self.rows) > len(items):
            self._drop_row(len(self.rows) - 1)
        while len(self.rows) < len(items):
            self._append_row()
        for row, item in zip(self.rows, items, strict=True):
            row.set_value(item)
        self._update_state()

    def scalars(self) -> list[ScalarField]:
        return [s for row in self.rows for s in row.scalars]

    def targets(self) -> dict[str, Target]:
        out: dict[str, Target] = {}
        first = self.rows[0].focus_widgets()[0] if self.rows else self.add_button
        out[self.path] = (self.message, first)
        for row in self.rows:
            out.update(row.targets())
        return out

    def focus_widgets(self) -> list[QWidget]:
        return [w for row in self.rows for w in row.focus_widgets()] + [self.add_button]

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for s in self.scalars():
            s.set_read_only(read_only)
        self._update_state()

    # --- rows -----------------------------------------------------------------------------

    def add_row(self) -> _Row:
        """Add an empty row as the clerk would, and put the cursor in it."""
        row = self._append_row()
        self._update_state()
        self.rows_changed.emit(-1)
        self.structure_edited.emit()
        row.focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)
        return row

    def remove_row(self, index: int) -> None:
        """Remove a row as the clerk would; the cursor goes to the row now in its place."""
        self._drop_row(index)
        for i, row in enumerate(self.rows):
            row.reindex(i)
        self._update_state()
        self.rows_changed.emit(index)
        self.structure_edited.emit()
        if self.rows:
            self.rows[min(index, len(self.rows) - 1)].focus_widgets()[0].setFocus(
                Qt.FocusReason.OtherFocusReason
            )
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _add_clicked(self) -> None:
        if self._can_add():
            self.add_row()

    def _append_row(self) -> _Row:
        row = self._make_row(len(self.rows))
        row.remove_button.clicked.connect(lambda: self._remove_clicked(row))
        for s in row.scalars:
            s.edited.connect(lambda s=s: self.field_edited.emit(s))
            s.left.connect(lambda s=s: self.field_left.emit(s))
            s.set_read_only(self._read_only)
        self.rows.append(row)
        self.rows_box.addWidget(row.widget)
        row.widget.show()  # a row added to a shown form appears now, not on the next pass
        if self.row_hook is not None:
            self.row_hook(row)
        return row

    def _remove_clicked(self, row: _Row) -> None:
        if row in self.rows and self._can_remove():
            self.remove_row(self.rows.index(row))

    def _drop_row(self, index: int) -> None:
        row = self.rows.pop(index)
        self.rows_box.removeWidget(row.widget)
        row.widget.hide()
        row.widget.setParent(None)  # out of the form now; freed once its events are done
        row.widget.deleteLater()

    def _can_add(self) -> bool:
        limit = self.field.max_items
        return not self._read_only and (limit is None or len(self.rows) < limit)

    def _can_remove(self) -> bool:
        return not self._read_only

    def _update_state(self) -> None:
        self.hint.setVisible(not self.rows and bool(self.field.placeholder))
        self.add_button.setVisible(not self._read_only)
        self.add_button.setEnabled(self._can_add())
        for row in self.rows:
            row.remove_button.setVisible(not self._read_only)
            row.remove_button.setEnabled(self._can_remove())


class _TextRow(_Row):
    def __init__(self, owner: TextListField, index: int):
        self.owner = owner
        self.widget = QWidget(owner)
        self.edit = LineField(owner.field, "", "", self.widget)
        self.remove_button = _button(
            QCoreApplication.translate("FilingEditor", "删除"), self.widget
        )
        self.scalars = [self.edit]
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        self.reindex(index)

    def reindex(self, index: int) -> None:
        label = self.owner.field.label
        number = QCoreApplication.translate("FilingEditor", "第%1项").replace("%1", str(index + 1))
        self.edit.path = f"{self.owner.path}[{index}]"
        self.edit.input.setAccessibleName(f"{label} {number}")
        self.remove_button.setAccessibleName(
            QCoreApplication.translate("FilingEditor", "删除%1").replace("%1", f"{label} {number}")
        )

    def value(self) -> str:
        return self.edit.value()

    def set_value(self, value: Any) -> None:
        self.edit.set_value(value)


class TextListField(RowsField):
    """A list of short texts (the joint units): one line per item."""

    def _make_row(self, index: int) -> _Row:
        return _TextRow(self, index)


def _min_width(widget: QWidget) -> int:
    """The width a layout will not give ``widget`` less of (as Qt's layouts reckon it)."""
    return max(widget.minimumWidth(), widget.minimumSizeHint().width())


class _RowFrame(QFrame):
    """An officer's row: on one line where it fits (第1行 姓名 [ ] 执法证号 [ ] 删除本行),
    else each input on a line of its own under the row's number and its remove button.

    Its minimum width is the stacked one, whatever the arrangement now: the form may
    then be given less than one line needs, and the row reflows instead of pushing the
    form past the side of its scroll area.
    """

    def __init__(self, row: _GroupRow, parent: QWidget):
        super().__init__(parent)
        self._row = row

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        if self._row.stacked:
            return hint
        return QSize(min(hint.width(), self._row.stacked_min_width()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._row.arrange(self.width() < self._row.line_width())


class _GroupRow(_Row):
    def __init__(self, owner: RepeatField, index: int):
        self.owner = owner
        self.extra: dict[str, Any] = {}  # keys the form does not know, kept as they were
        self.absent: set[str] = set()
        self.widget = _RowFrame(self, owner)
        self.widget.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(self.widget)
        self.remove_button = _button(
            QCoreApplication.translate("FilingEditor", "删除本行"), self.widget
        )
        self.message = MessageLine(self.widget)
        self.grid = QGridLayout(self.widget)
        self.fields: dict[str, ScalarField] = {}
        self.labels: list[QLabel] = []
        for child in owner.field.fields:
            label = QLabel(child.label, self.widget)
            field = make_field(owner.definition, child, "", "", self.widget)
            field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            label.setBuddy(field.input)
            self.fields[child.id] = field
            self.labels.append(label)
        self.scalars = list(self.fields.values())
        self.stacked: bool | None = None
        self.arrange(False)
        self.reindex(index)

    def _pieces(self) -> list[QWidget]:
        return [self.title, *self.labels, *self.scalars, self.remove_button]

    def line_width(self) -> int:
        """The narrowest the row is on one line with each input ``ROW_INPUT_CHARS`` wide
        (a number and its message squeezed into a few characters read badly). From the
        inputs, never their messages: a message coming or going never reflows the row."""
        margins = self.grid.contentsMargins()
        spacing = max(self.grid.horizontalSpacing(), 0)
        pieces = [self.title, *self.labels, self.remove_button]
        inputs = [s.input for s in self.scalars]
        wanted = self.widget.fontMetrics().horizontalAdvance("汉" * ROW_INPUT_CHARS)
        return (
            sum(_min_width(w) for w in pieces)
            + sum(max(w.sizeHint().width(), _min_width(w), wanted) for w in inputs)
            + spacing * (len(pieces) + len(inputs) - 1)
            + margins.left()
            + margins.right()
        )

    def stacked_min_width(self) -> int:
        """The narrowest the row can be with each input on a line of its own."""
        margins = self.grid.contentsMargins()
        spacing = max(self.grid.horizontalSpacing(), 0)
        names = max(_min_width(w) for w in [self.title, *self.labels])
        inputs = max(_min_width(w) for w in [*self.scalars, self.remove_button])
        return names + spacing + inputs + margins.left() + margins.right()

    def arrange(self, stacked: bool) -> None:
        """Lay the row out on one line, or stacked; only when that changes."""
        if stacked == self.stacked:
            return
        self.stacked = stacked
        grid = self.grid
        for w in [*self._pieces(), self.message]:
            grid.removeWidget(w)
        for column in range(grid.columnCount()):
            grid.setColumnStretch(column, 0)
        top = Qt.AlignmentFlag.AlignTop
        if stacked:
            # 第1行            [删除本行]
            # 姓名      [          ]
            # 执法证号  [          ]
            grid.addWidget(self.title, 0, 0, top)
            grid.addWidget(self.remove_button, 0, 1, top | Qt.AlignmentFlag.AlignRight)
            for line, (label, field) in enumerate(zip(self.labels, self.scalars, strict=True)):
                grid.addWidget(label, line + 1, 0, top)
                grid.addWidget(field, line + 1, 1, top)
            grid.setColumnStretch(1, 1)
            grid.addWidget(self.message, len(self.labels) + 1, 0, 1, 2)
        else:
            grid.addWidget(self.title, 0, 0, top)
            column = 1
            for label, field in zip(self.labels, self.scalars, strict=True):
                grid.addWidget(label, 0, column, top)
                # Top-aligned: a message wrapping under one input must not push the
                # others of the row down to the middle.
                grid.addWidget(field, 0, column + 1, top)
                grid.setColumnStretch(column + 1, 1)
                column += 2
            grid.addWidget(self.remove_button, 0, column, top)
            grid.addWidget(self.message, 1, 0, 1, column + 1)
        self.widget.updateGeometry()

    @property
    def path(self) -> str:
        return f"{self.owner.path}[{self.index}]"

    def reindex(self, index: int) -> None:
        self.index = index
        label = self.owner.field.label
        number = QCoreApplication.translate("FilingEditor", "第%1行").replace("%1", str(index + 1))
        self.title.setText(number)
        for child_id, field in self.fields.items():
            field.path = f"{self.path}.{child_id}"
            field.input.setAccessibleName(f"{label} {number} {field.field.label}")
        self.remove_button.setAccessibleName(
            QCoreApplication.translate("FilingEditor", "删除%1").replace("%1", f"{label} {number}")
        )

    def value(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for child_id, field in self.fields.items():
            value = field.value()
            if child_id in self.absent and not value.strip():
                continue
            out[child_id] = value
        out.update(self.extra)
        return out

    def set_value(self, value: Any) -> None:
        row = value if isinstance(value, dict) else {}
        self.extra = {k: v for k, v in row.items() if k not in self.fields}
        self.absent = {k for k in self.fields if k not in row}
        for child_id, field in self.fields.items():
            field.set_value(row.get(child_id, ""))

    def targets(self) -> dict[str, Target]:
        out = super().targets()
        out[self.path] = (self.message, self.scalars[0].input)
        return out


class RepeatField(RowsField):
    """A repeat group (the other inspectors): rows of sub-fields, at least one row kept."""

    def _item_name(self) -> str:
        return self.field.label

    def _make_row(self, index: int) -> _Row:
        return _GroupRow(self, index)

    def _can_remove(self) -> bool:
        # The last row is kept: an empty row says more than an empty space on the form.
        return not self._read_only and len(self.rows) > max(self.field.min_items, 1)
