"""The filing editor: the form built from its definition, checked as the clerk goes.

Layout follows the paper (``forms/data/*.json`` → ``paper``); labels, limits and choices
come from the definition. Problems come from ``forms.rules.validate`` and show

- under a field once the clerk has left it (and for every field after ``validate_now``;
  a loaded filing's fields that hold a value count as left),
- in a summary list above the form whose entries jump to their field; it keeps its
  height whatever it holds, so problems coming and going never move the form,
- while the clerk types, only ever by going away: a fixed value clears its message at
  once, a new message waits until the field is left.

When problems show is ``desktop.problem_visibility``; what a choice from the roster or
the directory replaces (and what undoing it restores) is ``desktop.record_choice``.

``filing()`` returns what the widgets hold. When a field is left and its value is valid,
the normalised form is shown in its place (１３８… → 138…); an invalid value stays as
typed.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.offered_fix import offered_fixes
from desktop.post_hoc import default_end, default_start
from desktop.problem_visibility import ProblemVisibility, moved_path
from desktop.ui.editor.autofill import Autofill
from desktop.ui.editor.choice_undo import ChoiceNotice, ChoiceUndo
from desktop.ui.editor.completion import CompletionSource
from desktop.ui.editor.deadline import DeadlineLabel
from desktop.ui.editor.fields import DateTimeField, ScalarField, make_field
from desktop.ui.editor.layout import Section, editor_sections
from desktop.ui.editor.problems import ProblemSummary
from desktop.ui.editor.rows import RepeatField, RowsField, TextListField
from forms import normalize, rules
from forms.definition import FieldDef, FormDefinition
from forms.problems import Problem
from forms.record import Filing, copy_filing, new_filing
from forms.record import now as shanghai_now
from forms.workdays import WorkCalendar

# After focus leaves a field: soon, but after Qt has settled where focus went.
LEAVE_DELAY_MS = 120
# While typing: only to clear messages that no longer apply, so not on every key.
EDIT_DELAY_MS = 400
# How a locked (queued, filed, returned) filing's inputs look: text on the window's own
# background with a thin frame, like a printed form, not a white box waiting for input.
READ_ONLY_STYLE = (
    "QLineEdit, QPlainTextEdit, QDateTimeEdit, QComboBox {"
    " background: palette(window); color: palette(window-text);"
    " border: 1px solid palette(mid); border-radius: 2px; padding: 1px 3px; }"
    # A choice or a date that cannot be changed shows no drop-down arrow (it would invite
    # a click).
    " QComboBox::drop-down, QDateTimeEdit::drop-down { width: 0px; border: none; }"
    " QComboBox::down-arrow, QDateTimeEdit::down-arrow { image: none; width: 0px; }"
)
# Kinds of fields whose normalised value may replace what was typed, once valid.
_NORMALISED_TYPES = {"text", "multiline", "person_name", "phone", "cert_no", "uscc"}


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    return value is None


def _parent_path(path: str) -> str | None:
    """``inspectors[1].name`` → ``inspectors[1]`` → ``inspectors`` → None."""
    if path.endswith("]"):
        return path[: path.rindex("[")]
    if "." in path:
        return path[: path.rindex(".")]
    return None


def _value_at(filing: Any, path: str) -> Any:
    value = filing
    for step in path.replace("]", "").replace("[", ".").split("."):
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


class _SectionBox(QWidget):
    """One section of the paper: a heading and its rows."""

    def __init__(self, section: Section, parent=None):
        super().__init__(parent)
        self.section = section
        self.heading = QLabel(section.title, self)
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.heading.setFont(font)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(line)
        layout.addLayout(self.form)
        self.rows: list[QWidget] = []

    def add(self, label: str | None, widget: QWidget, buddy: QWidget | None = None) -> None:
        if label is None:
            self.form.addRow(widget)
            if buddy is not None:
                self.heading.setBuddy(buddy)
        else:
            text = QLabel(label, self)
            text.setWordWrap(True)
            if buddy is not None:
                text.setBuddy(buddy)
            self.form.addRow(text, widget)
        self.rows.append(widget)

    def add_below(self, widget: QWidget) -> None:
        """A note under the section's rows, as wide as the section. Not a spanning row
        of the form layout: QFormLayout can keep a wrapped label at the height it had
        at another width (the 事前 note was cut after switching filings on a narrow
        form); a box layout asks it for its height at the width it gets."""
        self.layout().addWidget(widget)

    def set_row_visible(self, widget: QWidget, visible: bool) -> None:
        self.form.setRowVisible(widget, visible)
        self.setVisible(any(self.form.isRowVisible(w) for w in self.rows))


class FilingEditor(QWidget):
    """The form for one filing. See ``docs/editor.md``."""

    changed = Signal()  # any edit by the clerk (never emitted by set_filing)
    problemsChanged = Signal(object)  # noqa: N815 - the contract's name; a rules.Report

    def __init__(
        self,
        definition: FormDefinition,
        completions: CompletionSource | None = None,
        parent: QWidget | None = None,
        *,
        load_blank: bool = True,
    ):
        """``load_blank=False``: the caller shows a filing next (``set_filing``), so the
        blank one is not validated first (the window's start-up validates once)."""
        super().__init__(parent)
        self._definition = definition
        self._completions = completions
        self._context: dict[str, Any] = {}
        self._base: Filing = new_filing(definition.id)
        self._read_only = False
        self._loading = 0
        self._visibility = ProblemVisibility()
        self._to_normalise: set[str] = set()
        self._report: rules.Report | None = None

        # Top-level fields (and group members) by path; rows fields by top-level id.
        self._scalars: dict[str, ScalarField] = {}
        self._rows: dict[str, RowsField] = {}
        self._groups: dict[str, dict[str, ScalarField]] = {}
        self._group_extra: dict[str, dict[str, Any]] = {}
        self._order: list[Any] = []  # blocks in paper order, for Tab
        self._kind_rows: list[tuple[_SectionBox, FieldDef, QWidget]] = []
        self._sections: list[_SectionBox] = []
        self._deadline: DeadlineLabel | None = None
        self._deadline_box: _SectionBox | None = None

        self._leave_timer = QTimer(self, singleShot=True, interval=LEAVE_DELAY_MS)
        self._leave_timer.timeout.connect(lambda: self._validate("leave"))
        self._edit_timer = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS)
        self._edit_timer.timeout.connect(lambda: self._validate("edit"))

        self._autofill = Autofill(completions, self) if completions is not None else None
        if self._autofill is not None:
            self._autofill.filing_id = lambda: str(self._base.get("id") or "")
            self._autofill.chosen.connect(lambda choice: self._undo.announce(choice))
        self._build()
        if load_blank:
            self.set_filing(self._base)

    # ==== building ==========================================================================

    def _build(self) -> None:
        self.banner = QLabel(self.tr("此备案表已提交，只能查看，不能修改。"), self)
        self.banner.setWordWrap(True)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.hide()
        self.summary = ProblemSummary(self._definition, self)
        self.summary.jump.connect(self.focus_field)
        self.choice_notice = ChoiceNotice(self)
        self._undo = ChoiceUndo(self.choice_notice, self)

        # Not ``scroll``: that would shadow QWidget.scroll().
        self.form_scroll = QScrollArea(self)
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.form = QWidget(self.form_scroll)
        self.form.setObjectName("filingForm")
        form_layout = QVBoxLayout(self.form)
        form_layout.setSpacing(form_layout.spacing() * 2)

        self.profile_button = QPushButton(self.tr("填入本单位常用信息"), self.form)
        self.profile_button.setAutoDefault(False)
        self.profile_button.setToolTip(
            self.tr("按本单位资料填写检查单位、常用联合单位和带队人员中尚未填写的项")
        )
        self.profile_button.clicked.connect(self.fill_from_profile)
        top = QHBoxLayout()
        top.addWidget(self.profile_button)
        top.addStretch(1)
        form_layout.addLayout(top)
        self._order.append(self.profile_button)

        for section in editor_sections(self._definition):
            box = _SectionBox(section, self.form)
            for f in section.fields:
                self._add_field(box, f)
            form_layout.addWidget(box)
            self._sections.append(box)
        form_layout.addStretch(1)
        self.form_scroll.setWidget(self.form)

        # The summary above and the choice notice below the form keep still: the summary
        # always takes the same height, and the notice only shortens the view from the
        # bottom. Nothing the clerk is working on moves when problems come and go.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addWidget(self.form_scroll, 1)
        layout.addWidget(self.choice_notice)
        self._wire_completion()
        self._watch_rows()

    def _add_field(self, box: _SectionBox, f: FieldDef) -> None:
        own_label = None if f.label == box.section.title else f.label
        if f.is_group:
            members = {}
            for child in f.fields:
                field = self._scalar(child, f"{f.id}.{child.id}")
                box.add(child.label, field, field.input)
                members[child.id] = field
            self._groups[f.id] = members
            return
        if f.is_repeat or f.type == "text_list":
            cls = RepeatField if f.is_repeat else TextListField
            rows = cls(self._definition, f, f.id, box)
            rows.field_edited.connect(self._on_edited)
            rows.field_left.connect(self._on_left)
            rows.structure_edited.connect(self._on_structure_edited)
            rows.rows_changed.connect(self._on_rows_changed)
            box.add(own_label, rows)
            self._rows[f.id] = rows
            self._order.append(rows)
            return
        field = self._scalar(f, f.id)
        box.add(own_label, field, field.input)
        if f.id == "kind":
            self._add_exempt_notice(box)
        if f.only_for_kind:
            self._kind_rows.append((box, f, field))
            if self._deadline is None:
                self._deadline = DeadlineLabel(box)
                self._deadline_box = box
        last = self._last_kind_field(box)
        if self._deadline is not None and self._deadline_box is box and f is last:
            box.add(self.tr("补报截止日"), self._deadline)

    def _last_kind_field(self, box: _SectionBox) -> FieldDef | None:
        kind_fields = [f for f in box.section.fields if f.only_for_kind]
        return kind_fields[-1] if kind_fields else None

    def _add_exempt_notice(self, box: _SectionBox) -> None:
        notice = self._definition.exempt_notice
        if notice:
            label = QLabel(notice, box)
            label.setWordWrap(True)
            label.setFrameShape(QFrame.Shape.StyledPanel)
            label.setMargin(label.fontMetrics().height() // 3)
            box.add_below(label)

    def _scalar(self, f: FieldDef, path: str) -> ScalarField:
        field = make_field(self._definition, f, path, f.label, self.form)
        field.edited.connect(lambda field=field: self._on_edited(field))
        field.left.connect(lambda field=field: self._on_left(field))
        self._undo.watch(field.input)
        self._scalars[path] = field
        self._order.append(field)
        return field

    def _wire_completion(self) -> None:
        end = self._scalars.get("inspection_end")
        start = self._scalars.get("inspection_start")
        if isinstance(start, DateTimeField):
            start.default_moment = lambda: default_start(self._kind(), self._now())
        if isinstance(end, DateTimeField) and isinstance(start, DateTimeField):
            end.default_moment = lambda: default_end(self._kind(), start.moment(), self._now())
        if self._autofill is None:
            return
        fill = self._autofill
        if "lead_unit" in self._scalars:
            fill.attach_unit(self._scalars["lead_unit"])
        if "plan_ref" in self._scalars:
            fill.attach_plan(self._scalars["plan_ref"])
        if "joint_units" in self._rows:
            self._rows["joint_units"].row_hook = lambda row: fill.attach_unit(row.scalars[0])
        leader = self._groups.get("leader", {})
        if "name" in leader and "cert_no" in leader:
            fill.attach_officer(
                leader["name"], leader["cert_no"], leader.get("title"), leader.get("phone")
            )
        if "inspectors" in self._rows:
            self._rows["inspectors"].row_hook = lambda row: fill.attach_officer(
                row.fields["name"], row.fields["cert_no"]
            )
        enterprise = self._groups.get("enterprise", {})
        if "name" in enterprise:
            fill.attach_enterprise(
                enterprise["name"],
                enterprise.get("uscc"),
                enterprise.get("address"),
                enterprise.get("park"),
            )

    def _watch_rows(self) -> None:
        """Ctrl+Z in a row's input may undo a choice too."""
        for rows in self._rows.values():

            def watch(row: Any, hook: Any = rows.row_hook) -> None:
                for scalar in row.scalars:
                    self._undo.watch(scalar.input)
                if hook is not None:
                    hook(row)

            rows.row_hook = watch

    def _apply_tab_order(self) -> None:
        chain: list[QWidget] = [self.summary.list]
        for block in self._order:
            chain.extend(block.focus_widgets() if hasattr(block, "focus_widgets") else [block])
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    # ==== the contract ======================================================================

    def set_context(self, context: dict) -> None:
        """Keyword arguments for ``forms.rules.validate``: roster, cert_rules, calendar.

        ``at`` (a datetime with a zone) fixes the moment problems are judged at; without
        it, each check uses the current time.
        """
        self._context = dict(context)
        if self._report is not None:  # nothing shown and judged yet: set_filing will
            self._validate("context")

    def set_filing(
        self,
        filing: dict,
        *,
        read_only: bool = False,
        banner: bool = True,
        reveal_all: bool = False,
    ) -> None:
        """Show ``filing``. Read-only filings show the editor's own "submitted" banner
        unless ``banner`` is False: a window that says why with a banner of its own
        (queued, sent, returned …) turns it off, so the two never contradict.

        The problems of every field that holds a value show at once (a reopened draft
        says what is wrong with it); ``reveal_all`` shows every problem, as after
        ``validate_now``."""
        self._leave_timer.stop()
        self._edit_timer.stop()
        self._loading += 1
        try:
            self._base = copy_filing(filing)
            for f in self._definition.fields:
                if f.meta:
                    continue
                present = f.id in filing
                value = filing.get(f.id)
                if f.is_group:
                    group = value if isinstance(value, dict) else {}
                    members = self._groups[f.id]
                    self._group_extra[f.id] = {k: v for k, v in group.items() if k not in members}
                    for key, field in members.items():
                        field.set_value(group.get(key, ""))
                        field.present = key in group
                        field.autofilled = None
                elif f.id in self._rows:
                    self._rows[f.id].set_value(value if present else [])
                    self._rows[f.id].present = present
                else:
                    field = self._scalars[f.id]
                    field.set_value(value if present else "")
                    field.present = present
                    field.autofilled = None
            self._to_normalise.clear()
            self._undo.forget()
            self._apply_read_only(read_only)
            self.banner.setVisible(read_only and banner)
            self._update_kind_rows()
            self._apply_tab_order()
        finally:
            self._loading -= 1
        filled = [s.path for s in self._all_scalars() if not s.is_blank() and s.path != "kind"]
        self._visibility.load(filled, reveal_all=reveal_all)
        if self._autofill is not None:
            self._autofill.refresh(self._now().date())
        self._update_profile_button()
        self._validate("load")
        self.form_scroll.verticalScrollBar().setValue(0)

    def filing(self) -> dict:
        """The filing as the widgets hold it, in the interchange format."""
        out = copy_filing(self._base)
        kind = self._scalars["kind"].value() if "kind" in self._scalars else out.get("kind")
        for f in self._definition.fields:
            if f.meta:
                continue
            value = self._value_of(f)
            keep = f.id in self._base or not _blank(value)
            if f.only_for_kind:
                keep = keep or f.only_for_kind == kind
            if keep:
                out[f.id] = value
            else:
                out.pop(f.id, None)
        return out

    def validate_now(self) -> rules.Report:
        """Check everything and show every problem, like the clerk pressing 检查."""
        self._leave_timer.stop()
        self._edit_timer.stop()
        self._visibility.reveal_everything()
        return self._validate("now")

    def focus_field(self, path: str) -> None:
        """Put the cursor in the field of a problem path (``inspectors[1].cert_no``)."""
        target = self._target_for(path, self._targets())
        if target is None:
            return
        sink, widget = target
        self._update_kind_rows(force_path=path)
        # Where the field is once rows shown, messages and reflowed officer rows are laid
        # out, not where it was before.
        self._settle_layouts()
        if isinstance(sink, QWidget):
            # The whole field: its input, its messages and any fix it offers.
            self.form_scroll.ensureWidgetVisible(sink, 0, 0)
        self.form_scroll.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        # A third: on a 1024 × 768 screen at 150 % a quarter is less than the four lines
        # the lateness warning wraps to there, and its last line needed scrolling.
        self.summary.set_height_limit(self.height() // 3)

    # ==== more, for the window ==============================================================

    def report(self) -> rules.Report | None:
        """The latest validation (as emitted by ``problemsChanged``)."""
        return self._report

    def is_read_only(self) -> bool:
        return self._read_only

    def undo_choice(self) -> bool:
        """Undo the last choice from the roster or the directory (its 撤销): the fields
        it replaced and still hold its values get their previous values back."""
        return self._undo.undo()

    def fill_from_profile(self) -> None:
        """Fill blank unit and leader fields from the unit profile (a clerk's action)."""
        if self._completions is None or self._read_only:
            return
        profile = self._completions.profile()
        if profile is None:
            return
        filled = False
        lead = self._scalars.get("lead_unit")
        if lead is not None and lead.is_blank() and profile.unit_name:
            lead.fill(profile.unit_name)
            filled = True
        joint = self._rows.get("joint_units")
        if joint is not None and _blank(joint.value()) and profile.joint_units:
            self._loading += 1
            try:
                joint.set_value(list(profile.joint_units))
                self._apply_tab_order()
            finally:
                self._loading -= 1
            filled = True
        leader = self._completions.default_leader()
        for key, field in self._groups.get("leader", {}).items():
            if field.is_blank() and leader.get(key):
                field.fill(leader[key])
                filled = True
        if filled:
            self.changed.emit()
            self._edit_timer.start()
        self._update_profile_button()
        nxt = self._rows.get("joint_units") or lead
        if nxt is not None and self.profile_button.hasFocus():
            nxt.focus_widgets()[0].setFocus(Qt.FocusReason.TabFocusReason)

    # ==== reacting to the clerk =============================================================

    def _on_edited(self, field: ScalarField) -> None:
        if self._loading:
            return
        if field.path == "kind":
            self._update_kind_rows()
        if field.path == "lead_unit":
            self._update_profile_button()
        self._undo.edited()
        self._edit_timer.start()
        self.changed.emit()

    def _on_left(self, field: ScalarField) -> None:
        if self._loading or self._read_only:
            return
        self._visibility.left(field.path)
        self._to_normalise.add(field.path)
        self._leave_timer.start()

    def _on_structure_edited(self) -> None:
        if self._loading:
            return
        self._edit_timer.start()
        self.changed.emit()

    def _on_rows_changed(self, removed: int) -> None:
        rows = self.sender()
        if removed >= 0 and isinstance(rows, RowsField):
            self._renumber_revealed(rows.path, removed)
        self._apply_tab_order()

    def _renumber_revealed(self, path: str, removed: int) -> None:
        """Row ``removed`` is gone: later rows moved up by one, and so do their paths."""
        self._visibility.row_removed(path, removed)
        self._to_normalise = {
            m for p in self._to_normalise if (m := moved_path(p, path, removed)) is not None
        }
        self._undo.forget()  # its fields may have moved or gone

    # ==== validation and its display ========================================================

    def _now(self) -> datetime:
        at = self._context.get("at")
        return at if isinstance(at, datetime) else shanghai_now()

    def _validate(self, trigger: str) -> rules.Report:
        context = {k: v for k, v in self._context.items() if k != "at"}
        report = rules.validate(self.filing(), at=self._now(), **context)
        if trigger == "leave" and self._normalise_left(report):
            report = rules.validate(self.filing(), at=self._now(), **context)
            self.changed.emit()
        self._report = report
        self._show(report, only_clear=trigger == "edit")
        self._update_deadline(report)
        self._update_kind_rows()
        self.problemsChanged.emit(report)
        return report

    def _normalise_left(self, report: rules.Report) -> bool:
        """Show the normalised form of fields just left whose value is valid."""
        paths, self._to_normalise = self._to_normalise, set()
        if self._read_only:
            return False
        errors = {p.field for p in report.problems if p.is_error}
        fields = {s.path: s for s in self._all_scalars()}
        changed = False
        self._loading += 1
        try:
            for path in paths:
                field = fields.get(path)
                if (
                    field is None
                    or path in errors
                    or field.field.type not in _NORMALISED_TYPES
                    or field.input.hasFocus()
                ):
                    continue
                if field.field.type == "text" and path.startswith("joint_units["):
                    wanted = normalize.by_type("text", field.value())
                else:
                    wanted = _value_at(report.normalized, path)
                if isinstance(wanted, str) and wanted != field.value():
                    field.set_value(wanted)
                    changed = True
        finally:
            self._loading -= 1
        return changed

    def _all_scalars(self) -> list[ScalarField]:
        out = list(self._scalars.values())
        for rows in self._rows.values():
            out.extend(rows.scalars())
        return out

    def _targets(self) -> dict[str, tuple[Any, QWidget]]:
        """Where each path's problems show and what to focus, in paper order."""
        targets: dict[str, tuple[Any, QWidget]] = {}
        for block in self._order:
            if isinstance(block, ScalarField):
                targets[block.path] = (block, block.input)
            elif isinstance(block, RowsField):
                targets.update(block.targets())
        return targets

    @staticmethod
    def _target_for(path: str, targets: dict) -> tuple[Any, QWidget] | None:
        p: str | None = path
        while p is not None:
            if p in targets:
                return targets[p]
            p = _parent_path(p)
        return None

    def _focus_path(self) -> str | None:
        focus = QApplication.focusWidget()
        if focus is None:
            return None
        for field in self._all_scalars():
            if field.input is focus or field.input.isAncestorOf(focus):
                return field.path
        return None

    def _show(self, report: rules.Report, *, only_clear: bool) -> None:
        if self._read_only:
            # A locked filing was checked when it was submitted; it is there to be read.
            shown: list[Problem] = []
        else:
            shown = self._visibility.select(
                report.problems, self._focus_path(), only_clear=only_clear
            )
        targets = self._targets()
        anchor = self._anchor()
        by_sink: dict[int, list[Problem]] = {}
        for p in shown:
            target = self._target_for(p.field, targets)
            if target is not None:
                by_sink.setdefault(id(target[0]), []).append(p)
        for sink, _widget in targets.values():
            sink.set_problems(by_sink.get(id(sink), []))
        self._offer_fixes(shown, targets)
        order = {path: i for i, path in enumerate(targets)}

        def place(p: Problem) -> int:
            path: str | None = p.field
            while path is not None:
                if path in order:
                    return order[path]
                path = _parent_path(path)
            return len(order)

        self.summary.set_problems(shown, place, complete=self._visibility.reveal_all)
        # QFormLayout keeps the heights for width it measured before messages came or
        # went (a row's message, a reflowed officer row, the 事前 note were cut after
        # switching filings); measure again.
        for box in self._sections:
            box.form.invalidate()
        self._keep_anchor(anchor)

    def _anchor(self) -> tuple[QWidget, int] | None:
        """The input the clerk is in and where it is in the view."""
        focus = QApplication.focusWidget()
        if focus is None or not self.form.isAncestorOf(focus):
            return None
        return focus, focus.mapTo(self.form_scroll.viewport(), QPoint(0, 0)).y()

    def _keep_anchor(self, anchor: tuple[QWidget, int] | None) -> None:
        """Messages that came or went above the clerk's input must not move it: scroll
        by what they added or took away (as browsers anchor scrolling)."""
        if anchor is None:
            return
        self._settle_layouts()
        widget, before = anchor
        after = widget.mapTo(self.form_scroll.viewport(), QPoint(0, 0)).y()
        if after != before:
            bar = self.form_scroll.verticalScrollBar()
            bar.setValue(bar.value() + after - before)

    @staticmethod
    def _settle_layouts() -> None:
        """Let the layouts settle now (messages shown or hidden), not at the next paint."""
        for _ in range(4):
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _offer_fixes(self, shown: list[Problem], targets: dict[str, tuple[Any, QWidget]]) -> None:
        """A problem that knows the right value offers it under its field (one click)."""
        fixes = {}
        if self._completions is not None and not self._read_only:
            fixes = offered_fixes(
                shown,
                self.filing(),
                officers_named=self._completions.officers_named,
                enterprise_named=self._completions.enterprise_named,
            )
        for path, (sink, _widget) in targets.items():
            if not isinstance(sink, ScalarField):
                continue
            fix = fixes.get(path)
            if fix is None:
                sink.set_fix(None)
            elif sink.fix_value != fix.value:
                text = (
                    self.tr("改为名册中“%2”的执法证号 %1")
                    if fix.source == "roster"
                    else self.tr("改为企业名录中“%2”的代码 %1")
                )
                sink.set_fix(fix.value, text.replace("%1", fix.value).replace("%2", fix.owner))

    def _kind(self) -> str:
        kind = self._scalars.get("kind")
        return kind.value() if kind is not None else str(self._base.get("kind") or "")

    def _update_deadline(self, report: rules.Report) -> None:
        if self._deadline is not None:
            calendar = self._context.get("calendar")
            self._deadline.show_deadline(
                report.deadline,
                self._now().date(),
                calendar if isinstance(calendar, WorkCalendar) else WorkCalendar(),
            )

    def _update_kind_rows(self, force_path: str | None = None) -> None:
        """Post-hoc fields show for post-hoc filings, and wherever they still hold text."""
        if "kind" not in self._scalars:
            return
        kind = self._scalars["kind"].value()
        focus_path = self._focus_path()
        for box, f, field in self._kind_rows:
            visible = (
                f.only_for_kind == kind
                or not field.is_blank()
                or (focus_path == field.path)
                or (force_path == field.path)
            )
            box.set_row_visible(field, visible)
        if self._deadline is not None and self._deadline_box is not None:
            kinds = {f.only_for_kind for _b, f, _w in self._kind_rows}
            self._deadline_box.set_row_visible(self._deadline, kind in kinds)

    # ==== read-only and the profile button ==================================================

    def _apply_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for field in self._scalars.values():
            field.set_read_only(read_only)
        for rows in self._rows.values():
            rows.set_read_only(read_only)
        if self._autofill is not None:
            self._autofill.enabled = not read_only
        self._undo.enabled = not read_only
        # Locked filings must not look editable: inputs lose their white boxes and
        # placeholders (see READ_ONLY_STYLE), and there is no problems list to act on.
        self.form.setStyleSheet(READ_ONLY_STYLE if read_only else "")
        self.summary.setVisible(not read_only)

    def _update_profile_button(self) -> None:
        profile = self._completions.profile() if self._completions is not None else None
        has_profile = profile is not None and bool(
            profile.unit_name or profile.joint_units or profile.default_leader
        )
        lead = self._scalars.get("lead_unit")
        self.profile_button.setVisible(
            has_profile and not self._read_only and (lead is None or lead.is_blank())
        )

    def _value_of(self, f: FieldDef) -> Any:
        if f.is_group:
            out: dict[str, Any] = {}
            for key, field in self._groups[f.id].items():
                value = field.value()
                if field.present or value.strip():
                    out[key] = value
            out.update(self._group_extra.get(f.id, {}))
            return out
        if f.id in self._rows:
            return self._rows[f.id].value()
        return self._scalars[f.id].value()
