"""One input per scalar value of the form, each with its message line beneath.

Every field widget keeps what the clerk typed (or what a loaded filing held) exactly:
nothing is truncated, dropped or reformatted here. The editor decides when a valid value
is shown in its normalised form.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, QSize, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.editor.problems import MessageLine, severity_prefix
from desktop.ui.editor.wrapping_button import WrappingButton
from desktop.ui.holiday_calendar import HolidayCalendar
from forms.definition import FieldDef, FormDefinition
from forms.problems import Problem
from forms.record import SHANGHAI, BadTimestamp, format_timestamp, parse_timestamp

# Focus moving into a popup (a completer list, the calendar) or to another window is
# not the clerk leaving the field.
_NOT_LEAVING = (
    Qt.FocusReason.PopupFocusReason,
    Qt.FocusReason.ActiveWindowFocusReason,
)


def text_input_limit(max_length: int | None) -> int:
    """How many characters a single-line input accepts.

    Twice the form's limit plus a little: a clerk who pastes a too-long text sees
    "最多 50 个字，现在有 73 个字" and can shorten it, instead of having the end cut off
    silently. Only an absurd paste (a whole document) is cut, to keep the input usable.
    """
    if max_length is None:
        return 32767
    return max_length * 2 + 20


class ScalarField(QWidget):
    """Base: one input bound to one path of the filing (e.g. ``inspectors[1].name``)."""

    edited = Signal()  # the clerk changed the value (never emitted by set_value)
    left = Signal()  # focus left the input for another field

    def __init__(self, f: FieldDef, path: str, accessible_name: str, parent=None):
        super().__init__(parent)
        self.field = f
        self.path = path
        self.present = True  # the key existed in the loaded filing
        self.autofilled: str | None = None  # what autocompletion last put here
        # The value when the cursor came in (or when it was last set for the clerk): a
        # field left with this value was only passed through.
        self.entered_value = ""
        self._loading = False
        self.input = self._make_input()
        self.input.setAccessibleName(accessible_name)
        self.input.installEventFilter(self)
        self.message = MessageLine(self)
        # A one-click fix a problem offers (the named officer's number …); hidden if none.
        self.fix_button = WrappingButton(self)
        self.fix_button.setAutoDefault(False)
        policy = QSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # its text wraps on a narrow form
        self.fix_button.setSizePolicy(policy)
        self.fix_button.clicked.connect(self._apply_fix)
        self.fix_button.hide()
        self.fix_value: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.input)
        layout.addWidget(self.message)
        layout.addWidget(self.fix_button)

    # --- to implement ---------------------------------------------------------------------

    def _make_input(self) -> QWidget:
        raise NotImplementedError

    def value(self) -> str:
        raise NotImplementedError

    def _set(self, value: str) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        raise NotImplementedError

    # --- shared ---------------------------------------------------------------------------

    def set_value(self, value: object) -> None:
        """Show a loaded value; a non-text value is shown as text, never dropped."""
        text = value if isinstance(value, str) else ("" if value is None else str(value))
        self._loading = True
        try:
            self._set(text)
        finally:
            self._loading = False
        self.entered_value = self.value()

    def fill(self, value: str) -> None:
        """Set a value on the clerk's behalf (autocompletion): it counts as an edit."""
        self.set_value(value)
        self.edited.emit()

    def is_blank(self) -> bool:
        return not self.value().strip()

    def focus_widgets(self) -> list[QWidget]:
        return [self.input, self.fix_button]

    def set_problems(self, problems: list[Problem]) -> None:
        self.message.set_problems(problems)
        self.input.setAccessibleDescription(
            "\n".join(severity_prefix(p) + p.message for p in problems)
        )

    def set_fix(self, value: str | None, text: str = "") -> None:
        """Offer ``value`` as a one-click fix (button ``text``), or no fix (None)."""
        self.fix_value = value
        if value is None:
            self.fix_button.hide()
            return
        self.fix_button.setText(text)
        self.fix_button.setAccessibleName(text)
        self.fix_button.show()

    def _apply_fix(self) -> None:
        if self.fix_value is not None:
            value, self.fix_value = self.fix_value, None
            self.fix_button.hide()
            self.fill(value)
            self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def _changed_by_clerk(self) -> None:
        if not self._loading:
            self.edited.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.input and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            if event.reason() in _NOT_LEAVING:
                return False
            if event.type() == QEvent.Type.FocusIn:
                self.entered_value = self.value()
            else:
                self.left.emit()
        return False


class LineField(ScalarField):
    """Single-line text: names, numbers, units, codes."""

    input: QLineEdit

    def _make_input(self) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setMaxLength(text_input_limit(self.field.max_length))
        edit.setPlaceholderText(self.field.placeholder)
        # textChanged, not textEdited: a completion the clerk picks changes the text too.
        edit.textChanged.connect(self._changed_by_clerk)
        return edit

    def value(self) -> str:
        return self.input.text()

    def _set(self, value: str) -> None:
        if len(value) > self.input.maxLength():
            self.input.setMaxLength(len(value))  # a loaded value is never cut
        self.input.setText(value)
        self.input.setCursorPosition(0)

    def set_read_only(self, read_only: bool) -> None:
        self.input.setReadOnly(read_only)
        # A placeholder ("如：…") on a locked filing would invite typing.
        self.input.setPlaceholderText("" if read_only else self.field.placeholder)


# The fewest characters a line of a text box shows, however narrow the form.
MIN_TEXT_CHARS = 8


class _GrowingTextEdit(QPlainTextEdit):
    """A text box a few lines high, measured in lines so it scales with the font."""

    def __init__(self, lines: int, parent=None):
        super().__init__(parent)
        self._lines = lines

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().sizeHint()
        margins = self.contentsMargins()
        doc_margin = int(self.document().documentMargin() * 2)
        height = (
            self.fontMetrics().lineSpacing() * self._lines
            + margins.top()
            + margins.bottom()
            + doc_margin
        )
        return QSize(hint.width(), height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # As high as its lines, but only a few characters wide: the box widens with the
        # form, and on a narrow screen at 150 % it must not push the form past the view
        # (QPlainTextEdit's own width hint is a fixed 256 px).
        margins = self.contentsMargins()
        doc_margin = int(self.document().documentMargin() * 2)
        width = (
            self.fontMetrics().horizontalAdvance("汉" * MIN_TEXT_CHARS)
            + margins.left()
            + margins.right()
            + doc_margin
        )
        return QSize(width, self.sizeHint().height())


class MultilineField(ScalarField):
    """Longer text (items, basis, content, opinion), with a counter near the limit."""

    input: QPlainTextEdit

    def __init__(self, f: FieldDef, path: str, accessible_name: str, parent=None):
        super().__init__(f, path, accessible_name, parent)
        self.counter = QLabel(self)
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.counter.hide()
        self.layout().insertWidget(1, self.counter)
        self.input.textChanged.connect(self._update_counter)

    def _make_input(self) -> QPlainTextEdit:
        limit = self.field.max_length or 500
        edit = _GrowingTextEdit(3 if limit <= 500 else 4, self)
        edit.setTabChangesFocus(True)  # Tab moves on through the form, as everywhere else
        edit.setPlaceholderText(self.field.placeholder)
        edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        edit.textChanged.connect(self._changed_by_clerk)
        return edit

    def value(self) -> str:
        return self.input.toPlainText()

    def _set(self, value: str) -> None:
        self.input.setPlainText(value)

    def set_read_only(self, read_only: bool) -> None:
        self.input.setReadOnly(read_only)
        self.input.setPlaceholderText("" if read_only else self.field.placeholder)

    def _update_counter(self) -> None:
        limit = self.field.max_length
        length = len(self.input.toPlainText())
        if not limit or length < limit * 0.8:
            self.counter.hide()
            return
        self.counter.setText(
            self.tr("%1 / %2 字").replace("%1", str(length)).replace("%2", str(limit))
        )
        self.counter.show()


# Shanghai has had no daylight saving since 1991: a fixed +08:00 zone is exact and needs
# no time-zone database on the PC.
SHANGHAI_ZONE = QTimeZone(8 * 3600)
# The value that stands for "not filled in yet"; shown as the special text.
_EMPTY = QDateTime(QDate(2000, 1, 1), QTime(0, 0), SHANGHAI_ZONE)
_PASS_KEYS = {
    Qt.Key.Key_Tab,
    Qt.Key.Key_Backtab,
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_Escape,
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
}
_STEP_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


def to_qdatetime(value: datetime) -> QDateTime:
    v = value.astimezone(SHANGHAI)
    return QDateTime(QDate(v.year, v.month, v.day), QTime(v.hour, v.minute), SHANGHAI_ZONE)


def from_qdatetime(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), SHANGHAI)


class _DateTimeEdit(QDateTimeEdit):
    """Tab leaves the box like every other field (QDateTimeEdit would step through the
    year, month, day … first). Sections still advance by themselves as digits are typed,
    and Left/Right move between them."""

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt API
        return QAbstractSpinBox.focusNextPrevChild(self, forward)


class DateTimeField(ScalarField):
    """A moment in Shanghai time, picked with a calendar, stored as ISO 8601 with +08:00.

    Empty is allowed (a new draft). The loaded text is returned unchanged until the clerk
    changes the value, so seconds, another offset or an invalid text survive a round trip
    (an invalid text is shown in the box, in place of a date).
    """

    input: QDateTimeEdit

    def __init__(self, f: FieldDef, path: str, accessible_name: str, parent=None):
        self._raw: str | None = ""
        self.default_moment = self._tomorrow_morning  # replaced by the editor for "end"
        super().__init__(f, path, accessible_name, parent)

    def _make_input(self) -> QDateTimeEdit:
        edit = _DateTimeEdit(self)
        edit.setTimeZone(SHANGHAI_ZONE)
        edit.setCalendarPopup(True)
        edit.setCalendarWidget(HolidayCalendar(edit))
        edit.setDisplayFormat(self.tr("yyyy年MM月dd日 HH:mm"))
        edit.setMinimumDateTime(_EMPTY)
        edit.setSpecialValueText(self.tr("未填写"))
        edit.setDateTime(_EMPTY)
        edit.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        edit.dateTimeChanged.connect(self._on_changed)
        # A click only places the cursor inside a section, where digits are refused; see
        # eventFilter.
        edit.lineEdit().installEventFilter(self)
        return edit

    @staticmethod
    def _tomorrow_morning() -> datetime:
        now = datetime.now(SHANGHAI)
        return (now + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)

    def is_empty(self) -> bool:
        return self.input.dateTime() == _EMPTY

    def moment(self) -> datetime | None:
        """The value as a datetime, or None when empty or not a valid time."""
        text = self.value()
        try:
            return parse_timestamp(text)
        except BadTimestamp:
            return None

    def value(self) -> str:
        if self._raw is not None:
            return self._raw
        if self.is_empty():
            return ""
        return format_timestamp(from_qdatetime(self.input.dateTime()))

    def _set(self, value: str) -> None:
        self._raw = value
        try:
            moment = parse_timestamp(value)
        except BadTimestamp:
            moment = None
        if moment is None:
            self.input.setSpecialValueText(value.strip() or self.tr("未填写"))
            self.input.setDateTime(_EMPTY)
        else:
            self.input.setSpecialValueText(self.tr("未填写"))
            self.input.setDateTime(to_qdatetime(moment))

    def set_moment(self, moment: datetime) -> None:
        """Set a value as the clerk would (emits ``edited``)."""
        self.input.setDateTime(to_qdatetime(moment))

    def set_read_only(self, read_only: bool) -> None:
        self.input.setReadOnly(read_only)
        self.input.setButtonSymbols(
            QAbstractSpinBox.ButtonSymbols.NoButtons
            if read_only
            else QAbstractSpinBox.ButtonSymbols.UpDownArrows
        )

    def _on_changed(self) -> None:
        if self._loading:
            return
        self._raw = None
        self.input.setSpecialValueText(self.tr("未填写"))
        self.edited.emit()

    def _start_from_default(self) -> bool:
        """The first key or click on an empty box starts from a sensible moment, not 2000.

        The year is selected, so digits typed next replace it and run on through month,
        day, hour and minute (202612030930); arrow keys step the selected section.
        Returns whether the box was empty (and now holds the suggested moment).
        """
        if not self.is_empty() or self.input.isReadOnly():
            return False
        self.set_moment(self.default_moment())
        self.input.setCurrentSectionIndex(0)
        self.input.setSelectedSection(self.input.sectionAt(0))
        return True

    def _select_first_section(self) -> None:
        """After a plain click on a filled box: digits typed next replace the date from
        the year on, as after tabbing in (a drag that selected text is left alone)."""
        edit = self.input
        if self.is_empty() or edit.isReadOnly() or edit.lineEdit().hasSelectedText():
            return
        edit.setCurrentSectionIndex(0)
        edit.setSelectedSection(edit.sectionAt(0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.input.lineEdit() and event.type() == QEvent.Type.MouseButtonRelease:
            self._select_first_section()  # the press placed the cursor; release keeps it
        if watched is self.input:
            kind = event.type()
            key = event.key() if kind == QEvent.Type.KeyPress else None
            typed = key is not None and key not in _PASS_KEYS and bool(event.text())
            if key in _STEP_KEYS:
                # The first Up/Down on an empty box only sets the suggested moment: it
                # must not also step a section (which one would depend on the cursor).
                if self._start_from_default():
                    return True
            elif typed or kind == QEvent.Type.MouseButtonPress:
                self._start_from_default()
        return super().eventFilter(watched, event)


class ChoiceField(ScalarField):
    """A choice among the definition's options; the filing holds the option's key."""

    input: QComboBox

    def __init__(
        self, f: FieldDef, path: str, accessible_name: str, choices: dict[str, str], parent=None
    ):
        self._choices = choices
        super().__init__(f, path, accessible_name, parent)

    def _make_input(self) -> QComboBox:
        combo = QComboBox(self)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        if not self.field.required:
            combo.addItem(self.tr("（请选择）"), "")
        for key, label in self._choices.items():
            combo.addItem(label, key)
        combo.currentIndexChanged.connect(self._changed_by_clerk)
        return combo

    def value(self) -> str:
        data = self.input.currentData()
        return data if isinstance(data, str) else ""

    def _set(self, value: str) -> None:
        index = self.input.findData(value)
        if index < 0:
            if value.strip():
                # Not one of ours (an old or damaged file): kept and shown, to be replaced.
                self.input.addItem(self.tr("%1（不在可选范围内）").replace("%1", value), value)
            else:
                self.input.insertItem(0, self.tr("（请选择）"), "")
            index = self.input.findData(value)
        self.input.setCurrentIndex(index)

    def set_choice(self, key: str) -> None:
        """Choose as the clerk would (emits ``edited``)."""
        self.input.setCurrentIndex(self.input.findData(key))

    def set_read_only(self, read_only: bool) -> None:
        self.input.setEnabled(not read_only)


def make_field(
    definition: FormDefinition, f: FieldDef, path: str, accessible_name: str, parent=None
) -> ScalarField:
    """The widget for a scalar field type of the definition."""
    if f.type == "multiline":
        return MultilineField(f, path, accessible_name, parent)
    if f.type == "datetime":
        return DateTimeField(f, path, accessible_name, parent)
    if f.type == "choice":
        return ChoiceField(f, path, accessible_name, definition.choices(f), parent)
    return LineField(f, path, accessible_name, parent)
