"""The default leader in 设置 → 本单位 completes from the roster, as the form's leader does.

Typing in 姓名 offers the roster's officers (with number and title; an officer whose
certificate has expired is marked). Picking one, or leaving 姓名 with a name the roster
has exactly once, fills 职务 and 执法证号 with that officer's: choosing an officer is the
clerk saying "this one". 联系电话 is left as it is (the roster keeps no phones).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from forms.record import now as shanghai_now

log = logging.getLogger(__name__)

NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # what the completer matches and puts in
OFFICER_ROLE = Qt.ItemDataRole.UserRole + 2


def _same(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


class LeaderCompletion(QObject):
    """Attach to the profile's leader inputs (keys ``name``, ``title``, ``cert_no``)."""

    def __init__(self, store: Any, fields: Mapping[str, QLineEdit], parent: QObject) -> None:
        super().__init__(parent)
        self.store = store
        self.fields = fields
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionRole(NAME_ROLE)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setMaxVisibleItems(8)
        # The index overload tells two officers of one name apart (the text would not);
        # PySide6's stubs do not know overloaded signals.
        self.completer.activated[QModelIndex].connect(self._picked)  # type: ignore[index]
        name = fields["name"]
        name.setCompleter(self.completer)
        name.editingFinished.connect(self._name_done)
        self._officers: list[Any] = []
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        """Reload the roster (after an import from the dialog)."""
        today = today or shanghai_now().date()
        try:
            self._officers = list(self.store.officers())
        except Exception:  # a store error means no suggestions, never a failure
            log.exception("roster for the default leader")
            self._officers = []
        self.model.clear()
        expired = self.tr("（执法证已过期）")
        for officer in self._officers:
            extra = "　".join(x for x in (officer.cert_no, officer.title) if x)
            mark = expired if officer.expired_on(today) else ""
            item = QStandardItem(f"{officer.name}　{extra}{mark}")
            item.setData(officer.name, NAME_ROLE)
            item.setData(officer, OFFICER_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)

    def _picked(self, index: QModelIndex) -> None:
        officer = index.data(OFFICER_ROLE)
        if officer is not None:
            self._choose(officer)

    def _name_done(self) -> None:
        popup = self.completer.popup()
        if popup is not None and popup.isVisible():
            return  # the clerk is still choosing in the list
        typed = self.fields["name"].text()
        found = [o for o in self._officers if _same(o.name, typed)]
        if len(found) == 1:  # two officers of one name: the clerk must pick
            self._choose(found[0])

    def _choose(self, officer: Any) -> None:
        for key, value in (("name", officer.name), ("title", officer.title)):
            field = self.fields.get(key)
            if field is not None and value and field.text() != value:
                field.setText(value)
        cert = self.fields.get("cert_no")
        if cert is not None and cert.text() != officer.cert_no:
            cert.setText(officer.cert_no)
