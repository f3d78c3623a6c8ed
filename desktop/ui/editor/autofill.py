"""Completers on the editor's inputs and the filling that follows a choice.

Typing in a name offers the roster, marking officers whose certificate has expired.
Choosing an officer (picking from the list, or changing the name to one the roster knows
exactly once, or the certificate number to one it knows) is the clerk saying "this one":
the certificate number, title and leader's phone are the chosen officer's (see
``desktop.record_choice``). The enterprise name or credit code offers the directory, and
choosing an enterprise replaces its code, address and park the same way. Each choice that
replaced something is announced (``chosen``) so the editor can offer to undo it. A name
that matches no record changes nothing else.

The field ids used here (``lead_unit``, ``leader``, ``enterprise`` …) are the
interchange format's, which is a contract; labels and limits still come from the
definition.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from desktop.record_choice import ChoiceFill, choose
from desktop.ui.editor.completion import CompletionSource
from desktop.ui.editor.fields import ScalarField
from forms.record import now as shanghai_now

COMPLETION_ROLE = Qt.ItemDataRole.UserRole + 1  # the text put into the input
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2  # the officer or enterprise behind a row
MAX_ENTERPRISE_HITS = 20


def _item(display: str, completion: str, record: Any = None) -> QStandardItem:
    item = QStandardItem(display)
    item.setData(completion, COMPLETION_ROLE)
    item.setData(record, RECORD_ROLE)
    item.setEditable(False)
    return item


def _completer(model: QStandardItemModel, parent: QObject, *, unfiltered=False) -> QCompleter:
    completer = QCompleter(model, parent)
    completer.setCompletionRole(COMPLETION_ROLE)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    if unfiltered:
        # The store already searched (names, codes, addresses); show what it found.
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
    else:
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setMaxVisibleItems(8)
    return completer


def _line(field: ScalarField | None) -> QLineEdit | None:
    return field.input if field is not None and isinstance(field.input, QLineEdit) else None


def _unchanged(field: ScalarField) -> bool:
    """The clerk only went through the field: nothing new to look up."""
    return field.value() == field.entered_value


def _same(value: str) -> str:
    """Equal for a choice: a full-width or spaced copy of a value is the same value."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


@dataclass(frozen=True)
class AppliedChoice:
    """A choice that replaced fields: what changed, in which widgets, and whom for."""

    fill: ChoiceFill
    fields: Mapping[str, ScalarField]
    picked: str  # the key of the field the clerk chose in
    record: str  # the chosen officer's or enterprise's name
    kind: str  # "officer" or "enterprise"

    def values(self) -> dict[str, str]:
        return {key: field.value() for key, field in self.fields.items()}


def _set_completer(field: ScalarField, edit: QLineEdit, completer: QCompleter) -> None:
    edit.setCompleter(completer)
    # A completer eats the focus-out of its input while its list is open. The field's own
    # filter goes in again, so it runs first and still sees the clerk leave.
    edit.removeEventFilter(field)
    edit.installEventFilter(field)


class Autofill(QObject):
    """Owns the completion models and does the filling for one editor."""

    chosen = Signal(object)  # an AppliedChoice that replaced something besides the pick

    def __init__(self, source: CompletionSource, parent: QObject | None = None):
        super().__init__(parent)
        self.source = source
        self.enabled = True  # off while the editor is read-only
        self.filing_id: Callable[[], str] = lambda: ""  # the filing being edited
        self.units = QStandardItemModel(self)
        self.names = QStandardItemModel(self)
        self.certs = QStandardItemModel(self)
        self.plan = QStandardItemModel(self)
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        """Reload the unit names and the roster from the source; officers whose
        certificate has expired by ``today`` are marked in the lists."""
        today = today or shanghai_now().date()
        self.source.refresh()
        self.units.clear()
        for name in self.source.unit_names():
            self.units.appendRow(_item(name, name))
        self.plan.clear()
        for ref, matter in self.source.plan_items(today.year):
            self.plan.appendRow(_item(f"{ref}　{matter}", ref))
        self.names.clear()
        self.certs.clear()
        expired = self.tr("（执法证已过期）")
        for o in self.source.officers():
            mark = expired if o.expired_on(today) else ""
            extra = "　".join(x for x in (o.cert_no, o.title) if x)
            self.names.appendRow(_item(f"{o.name}　{extra}{mark}", o.name, o))
            self.certs.appendRow(_item(f"{o.cert_no}　{o.name}{mark}", o.cert_no, o))

    # --- filling ----------------------------------------------------------------------------

    def fill(self, target: ScalarField | None, value: str) -> bool:
        """Fill ``target`` unless the clerk has typed something of their own there."""
        if target is None or not value or not self.enabled:
            return False
        current = target.value()
        if current == value:
            return False
        if current.strip() and current != getattr(target, "autofilled", None):
            return False
        target.fill(value)
        target.autofilled = value
        return True

    def _choose(
        self,
        fields: Mapping[str, ScalarField | None],
        provided: Mapping[str, str],
        picked: str,
        record: str,
        kind: str,
    ) -> None:
        """Apply a choice (see ``desktop.record_choice``) and announce what it replaced."""
        if not self.enabled:
            return
        present = {k: f for k, f in fields.items() if f is not None}
        current = {k: (f.entered_value if k == picked else f.value()) for k, f in present.items()}
        fill = choose(current, {k: v for k, v in provided.items() if k in present}, same=_same)
        for change in fill.changes:
            field = present[change.key]
            if field.value() != change.after:
                field.fill(change.after)
            field.autofilled = None if change.key == picked else change.after
        # The choice is made: leaving the field now is only passing through.
        present[picked].entered_value = present[picked].value()
        if fill.replaced(picked):
            self.chosen.emit(AppliedChoice(fill, present, picked, record, kind))

    # --- units ----------------------------------------------------------------------------

    def attach_unit(self, field: ScalarField) -> None:
        edit = _line(field)
        if edit is not None:
            _set_completer(field, edit, _completer(self.units, edit))

    def attach_plan(self, field: ScalarField) -> None:
        """The plan's items as choices for 抽查计划 (its ref goes in; any text may too)."""
        edit = _line(field)
        if edit is not None:
            _set_completer(field, edit, _completer(self.plan, edit))

    # --- officers -------------------------------------------------------------------------

    def attach_officer(
        self,
        name: ScalarField,
        cert: ScalarField,
        title: ScalarField | None = None,
        phone: ScalarField | None = None,
    ) -> None:
        name_edit, cert_edit = _line(name), _line(cert)
        if name_edit is None or cert_edit is None:
            return
        by_name = _completer(self.names, name_edit)
        by_cert = _completer(self.certs, cert_edit)
        _set_completer(name, name_edit, by_name)
        _set_completer(cert, cert_edit, by_cert)
        fields = {"name": name, "cert_no": cert, "title": title, "phone": phone}

        def picked(index: QModelIndex, key: str) -> None:
            officer = index.data(RECORD_ROLE)
            if officer is not None:
                self._officer_chosen(officer, fields, key)

        def name_done() -> None:
            if _unchanged(name):
                return
            found = self.source.officers_named(name.value())
            if len(found) == 1:  # two officers of one name: the clerk must pick
                self._officer_chosen(found[0], fields, "name")
            elif not found:
                self._default_leader(name, title, phone, cert)

        def cert_done() -> None:
            if _unchanged(cert):
                return
            officer = self.source.officer_by_cert(cert.value())
            if officer is not None:
                self._officer_chosen(officer, fields, "cert_no")

        by_name.activated[QModelIndex].connect(lambda index: picked(index, "name"))
        by_cert.activated[QModelIndex].connect(lambda index: picked(index, "cert_no"))
        # On leaving the field (not on each key: half a name must not fill anything).
        name.left.connect(name_done)
        cert.left.connect(cert_done)

    def _officer_chosen(
        self, officer: Any, fields: Mapping[str, ScalarField | None], picked: str
    ) -> None:
        provided = {"name": officer.name, "cert_no": officer.cert_no, "title": officer.title}
        if fields.get("phone") is not None:
            leader = self.source.default_leader()
            if not provided["title"] and leader.get("name") == officer.name:
                provided["title"] = leader.get("title", "")
            provided["phone"] = self.source.leader_phone(officer, exclude_id=self.filing_id())
        self._choose(fields, provided, picked, officer.name, "officer")

    def _default_leader(self, name, title, phone, cert) -> None:
        """A leader the roster does not know may still be the profile's default leader."""
        if phone is None:
            return
        leader = self.source.default_leader()
        if leader.get("name") and leader.get("name") == name.value().strip():
            self.fill(title, leader.get("title", ""))
            self.fill(phone, leader.get("phone", ""))
            self.fill(cert, leader.get("cert_no", ""))

    # --- enterprises ----------------------------------------------------------------------

    def attach_enterprise(
        self,
        name: ScalarField,
        uscc: ScalarField | None,
        address: ScalarField | None,
        park: ScalarField | None,
    ) -> None:
        fields = {"name": name, "uscc": uscc, "address": address, "park": park}

        def chosen(enterprise: Any, picked: str) -> None:
            provided = {key: str(getattr(enterprise, key, "") or "") for key in fields}
            self._choose(fields, provided, picked, enterprise.name, "enterprise")

        for key, min_chars in (("name", 1), ("uscc", 4)):
            field = fields[key]
            if field is None:
                continue
            edit = _line(field)
            if edit is None:
                continue
            model = QStandardItemModel(self)
            completer = _completer(model, edit, unfiltered=True)
            _set_completer(field, edit, completer)

            def search(text: str, model=model, completer=completer, key=key, n=min_chars):
                model.clear()
                if not self.enabled or len(text.strip()) < n:
                    return
                for e in self.source.find_enterprises(text, MAX_ENTERPRISE_HITS):
                    value = getattr(e, key, "")
                    if not value:
                        continue
                    other = e.uscc if key == "name" else e.name
                    display = "　".join(x for x in (value, other, e.park) if x)
                    model.appendRow(_item(display, value, e))
                if model.rowCount():
                    completer.setCompletionPrefix(text)
                    completer.complete()

            def picked(index: QModelIndex, key=key) -> None:
                enterprise = index.data(RECORD_ROLE)
                if enterprise is not None:
                    chosen(enterprise, key)

            def done(key=key, field=field) -> None:
                if _unchanged(field):
                    return
                value = field.value()
                if key == "name":
                    enterprise = self.source.enterprise_named(value)
                else:
                    enterprise = self.source.enterprise_with_uscc(value)
                if enterprise is not None:
                    chosen(enterprise, key)

            edit.textEdited.connect(search)
            completer.activated[QModelIndex].connect(picked)
            field.left.connect(done)
