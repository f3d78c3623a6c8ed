"""Completers on the editor's inputs and the filling that follows a choice.

Typing in a name offers the roster; picking an officer (or leaving the field with a name
the roster knows exactly once) fills the certificate number and title, and a certificate
number fills the name. The enterprise name or credit code offers the directory and fills
the rest. Filling never fights the clerk: a field is filled only when it is empty or
still holds what was filled there before.

The field ids used here (``lead_unit``, ``leader``, ``enterprise`` …) are the
interchange format's, which is a contract; labels and limits still come from the
definition.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from desktop.ui.editor.completion import CompletionSource
from desktop.ui.editor.fields import ScalarField

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


def _passed_through(field: ScalarField) -> bool:
    """The clerk only tabbed through a value filled for them: nothing new to look up."""
    return field.autofilled is not None and field.value() == field.autofilled


def _set_completer(field: ScalarField, edit: QLineEdit, completer: QCompleter) -> None:
    edit.setCompleter(completer)
    # A completer eats the focus-out of its input while its list is open. The field's own
    # filter goes in again, so it runs first and still sees the clerk leave.
    edit.removeEventFilter(field)
    edit.installEventFilter(field)


class Autofill(QObject):
    """Owns the completion models and does the filling for one editor."""

    def __init__(self, source: CompletionSource, parent: QObject | None = None):
        super().__init__(parent)
        self.source = source
        self.enabled = True  # off while the editor is read-only
        self.units = QStandardItemModel(self)
        self.names = QStandardItemModel(self)
        self.certs = QStandardItemModel(self)
        self.refresh()

    def refresh(self) -> None:
        """Reload the unit names and the roster from the source."""
        self.source.refresh()
        self.units.clear()
        for name in self.source.unit_names():
            self.units.appendRow(_item(name, name))
        self.names.clear()
        self.certs.clear()
        for o in self.source.officers():
            extra = "　".join(x for x in (o.cert_no, o.title) if x)
            self.names.appendRow(_item(f"{o.name}　{extra}", o.name, o))
            self.certs.appendRow(_item(f"{o.cert_no}　{o.name}", o.cert_no, o))

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

    # --- units ----------------------------------------------------------------------------

    def attach_unit(self, field: ScalarField) -> None:
        edit = _line(field)
        if edit is not None:
            _set_completer(field, edit, _completer(self.units, edit))

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

        def picked(index: QModelIndex) -> None:
            officer = index.data(RECORD_ROLE)
            if officer is not None:
                self._officer_chosen(officer, name, cert, title, phone, chose_name=True)

        def picked_cert(index: QModelIndex) -> None:
            officer = index.data(RECORD_ROLE)
            if officer is not None:
                self._officer_chosen(officer, name, cert, title, phone, chose_name=False)

        def name_done() -> None:
            if _passed_through(name):
                return
            found = self.source.officers_named(name.value())
            if len(found) == 1:  # two officers of one name: the clerk must pick
                self._officer_chosen(found[0], name, cert, title, phone, chose_name=True)
            elif not found:
                self._default_leader(name, title, phone, cert)

        def cert_done() -> None:
            if _passed_through(cert):
                return
            officer = self.source.officer_by_cert(cert.value())
            if officer is not None:
                self._officer_chosen(officer, name, cert, title, phone, chose_name=False)

        by_name.activated[QModelIndex].connect(picked)
        by_cert.activated[QModelIndex].connect(picked_cert)
        # On leaving the field (not on each key: half a name must not fill anything).
        name.left.connect(name_done)
        cert.left.connect(cert_done)

    def _officer_chosen(self, officer, name, cert, title, phone, *, chose_name: bool) -> None:
        if chose_name:
            self._set_chosen(name, officer.name)
            self.fill(cert, officer.cert_no)
        else:
            self._set_chosen(cert, officer.cert_no)
            self.fill(name, officer.name)
        self.fill(title, officer.title)
        if phone is not None:
            self._default_leader(name, title, phone, cert)

    def _default_leader(self, name, title, phone, cert) -> None:
        """The profile's default leader also knows a phone number the roster does not."""
        if phone is None:
            return
        leader = self.source.default_leader()
        if leader.get("name") and leader.get("name") == name.value().strip():
            self.fill(title, leader.get("title", ""))
            self.fill(phone, leader.get("phone", ""))
            self.fill(cert, leader.get("cert_no", ""))

    def _set_chosen(self, field: ScalarField, value: str) -> None:
        """The field the clerk picked from: its text is theirs, not a fill."""
        if field.value() != value:
            field.fill(value)
        field.autofilled = None

    # --- enterprises ----------------------------------------------------------------------

    def attach_enterprise(
        self,
        name: ScalarField,
        uscc: ScalarField | None,
        address: ScalarField | None,
        park: ScalarField | None,
    ) -> None:
        fields = {"name": name, "uscc": uscc, "address": address, "park": park}

        def chosen(enterprise, picked: str) -> None:
            for key, field in fields.items():
                value = getattr(enterprise, key, "")
                if key == picked:
                    self._set_chosen(field, value)
                else:
                    self.fill(field, value)

        for key, min_chars in (("name", 1), ("uscc", 4)):
            field = fields[key]
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
                if _passed_through(field):
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
