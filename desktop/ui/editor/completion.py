"""What the editor can offer while the clerk types: the unit profile, the roster of
certified officers and the enterprise directory, read from the store.

Plain Python (no Qt): the editor's widgets build their completers from it. A failing
store never breaks typing: completion then simply offers nothing (and logs why).
"""

from __future__ import annotations

import logging
from typing import Any

from desktop.store.api import ListQuery
from forms import normalize
from forms.roster import Officer

log = logging.getLogger(__name__)
# How many recent filings that mention a leader's name are looked at for their phone.
LEADER_LOOKUP = 20


class CompletionSource:
    """A read-only adapter over ``desktop.store.Store`` (see ``desktop/store/api.py``).

    Profile and roster are small and cached until :meth:`refresh`; the enterprise
    directory can be large and is asked for each time.
    """

    def __init__(self, store: Any):
        self._store = store
        self._profile: Any = None
        self._officers: list[Officer] | None = None

    def refresh(self) -> None:
        """Forget cached profile and roster (after an import or a settings change)."""
        self._profile = None
        self._officers = None

    # --- unit profile ---------------------------------------------------------------------

    def profile(self) -> Any:
        """The unit profile (``UnitProfile``), or ``None`` when the store cannot say."""
        if self._profile is None:
            try:
                self._profile = self._store.profile()
            except Exception:  # completion is a convenience, never a failure
                log.exception("reading the unit profile for completion failed")
                return None
        return self._profile

    def plan_items(self, year: int) -> list[tuple[str, str]]:
        """``(ref, matter)`` of the unit's plans kept for ``year`` and the next year
        (desktop.plan_sheet): the 抽查计划 field offers them; free text stays possible."""
        from desktop import plan_sheet

        try:
            return plan_sheet.refs(self._store, year) + plan_sheet.refs(self._store, year + 1)
        except Exception:  # completion is a convenience, never a failure
            log.exception("reading the plan for completion failed")
            return []

    def unit_names(self) -> list[str]:
        """Units worth offering: the clerk's own, the usual joint units, roster units."""
        names: list[str] = []
        profile = self.profile()
        if profile is not None:
            names.append(profile.unit_name)
            names.extend(profile.joint_units)
        names.extend(o.unit for o in self.officers())
        seen: set[str] = set()
        out = []
        for name in names:
            if name and name not in seen:
                seen.add(name)
                out.append(name)
        return out

    def default_leader(self) -> dict[str, str]:
        profile = self.profile()
        leader = getattr(profile, "default_leader", None) or {}
        return {k: v for k, v in leader.items() if isinstance(v, str)}

    # --- roster ---------------------------------------------------------------------------

    def officers(self) -> list[Officer]:
        if self._officers is None:
            try:
                self._officers = list(self._store.officers())
            except Exception:
                log.exception("reading the roster for completion failed")
                return []
        return self._officers

    def officers_named(self, name: str) -> list[Officer]:
        key = normalize.person_name(name)
        if not key:
            return []
        return [o for o in self.officers() if normalize.person_name(o.name) == key]

    def officer_by_cert(self, cert_no: str) -> Officer | None:
        key = normalize.code(cert_no)
        if not key:
            return None
        for o in self.officers():
            if normalize.code(o.cert_no) == key:
                return o
        return None

    def leader_phone(self, officer: Officer, *, exclude_id: str = "") -> str:
        """The phone to fill for ``officer`` as the leader: the roster's, if it keeps one;
        else the profile's default leader's (same person); else the phone of the last
        filing led by them (``exclude_id``: the filing being edited)."""
        phone = getattr(officer, "phone", "") or ""
        if phone:
            return phone
        key = normalize.person_name(officer.name)
        leader = self.default_leader()
        if leader.get("phone") and normalize.person_name(leader.get("name", "")) == key:
            return leader["phone"]
        return self.last_leader_phone(officer.name, officer.cert_no, exclude_id=exclude_id)

    def last_leader_phone(self, name: str, cert_no: str = "", *, exclude_id: str = "") -> str:
        """The leader's phone on the most recently changed filing this officer led."""
        key = normalize.person_name(name)
        if not key:
            return ""
        try:
            found = self._store.list_filings(ListQuery(text=key, limit=LEADER_LOOKUP))
            for summary in found:
                if summary.id == exclude_id:
                    continue
                row = self._store.get(summary.id)
                leader = row.filing.get("leader") if row is not None else None
                if not isinstance(leader, dict):
                    continue
                if normalize.person_name(str(leader.get("name") or "")) != key:
                    continue
                if cert_no and normalize.code(str(leader.get("cert_no") or "")) != normalize.code(
                    cert_no
                ):
                    continue
                phone = str(leader.get("phone") or "").strip()
                if phone:
                    return phone
        except Exception:
            log.exception("looking up the leader's last phone failed")
        return ""

    # --- enterprise directory -------------------------------------------------------------

    def find_enterprises(self, text: str, limit: int = 20) -> list[Any]:
        """Enterprises whose name, credit code or address match ``text``."""
        text = text.strip()
        if not text:
            return []
        try:
            return list(self._store.find_enterprises(text, limit))
        except Exception:
            log.exception("searching the enterprise directory failed")
            return []

    def enterprise_named(self, name: str) -> Any:
        """The directory entry with exactly this (normalised) name, if there is one."""
        key = normalize.single_line(name)
        if not key:
            return None
        for e in self.find_enterprises(key):
            if normalize.single_line(e.name) == key:
                return e
        return None

    def enterprise_with_uscc(self, code: str) -> Any:
        key = normalize.uscc(code)
        if len(key) != 18:
            return None
        for e in self.find_enterprises(key):
            if normalize.uscc(e.uscc) == key:
                return e
        return None
