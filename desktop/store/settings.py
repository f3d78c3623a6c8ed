"""Settings and reference data: meta values, the unit profile, the roster of officers,
the enterprise directory, the office's reference data, and the validation context."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from datetime import date
from typing import Any

from desktop.store import rows, settings_registry
from desktop.store.api import Enterprise, StoreError, UnitProfile
from desktop.store.base import StoreBase
from forms import normalize
from forms.certificates import CertRules, default_cert_rules
from forms.roster import Officer, Roster
from forms.workdays import WorkCalendar


class SettingsMixin(StoreBase):
    def get_meta(self, key: str, default: Any = None) -> Any:
        found = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return json.loads(found[0][0]) if found else default

    def set_meta(self, key: str, value: Any) -> None:
        text = rows.dumps(value)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, text),
            )

    def profile(self) -> UnitProfile:
        found = self._read("SELECT data FROM profile WHERE id = 1")
        if not found:
            return UnitProfile()
        data = json.loads(found[0][0])
        return UnitProfile(
            unit_name=str(data.get("unit_name", "")),
            joint_units=[str(u) for u in data.get("joint_units", [])],
            default_leader={str(k): str(v) for k, v in data.get("default_leader", {}).items()},
        )

    def save_profile(self, profile: UnitProfile) -> None:
        text = rows.dumps(dataclasses.asdict(profile))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO profile (id, data) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                (text,),
            )

    def replace_roster(self, officers: list[Officer]) -> None:
        records: dict[str, dict[str, Any]] = {}
        for o in officers:
            cert_no = normalize.code(o.cert_no)
            name = normalize.person_name(o.name)
            if not cert_no or not name or cert_no in records:
                continue
            records[cert_no] = {
                "cert_no": cert_no,
                "name": name,
                "title": normalize.single_line(o.title or ""),
                "unit": normalize.single_line(o.unit or ""),
                "kind": normalize.single_line(o.kind or ""),
                "expires": o.expires.isoformat() if o.expires else None,
                "position": len(records),
            }
        with self._write() as conn:
            conn.execute("DELETE FROM officers")
            self._db["officers"].insert_all(records.values())
            conn.execute(  # in the same transaction as the roster itself
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (settings_registry.ROSTER_UPDATED_AT.key, rows.dumps(self._stamp())),
            )

    def officers(self) -> list[Officer]:
        records = self._read(
            "SELECT name, cert_no, title, unit, kind, expires FROM officers ORDER BY position"
        )
        return [
            Officer(name, cert_no, title, unit, kind, date.fromisoformat(exp) if exp else None)
            for name, cert_no, title, unit, kind, exp in records
        ]

    def roster(self) -> Roster:
        return Roster(self.officers())

    def upsert_enterprises(self, enterprises: list[Enterprise]) -> int:
        records: dict[str, dict[str, Any]] = {}
        at = self._stamp()
        for e in enterprises:
            name = normalize.single_line(e.name or "")
            if not name:
                continue
            code = normalize.uscc(e.uscc or "")
            key = code or f"name:{name}"
            records[key] = {
                "key": key,
                "name": name,
                "uscc": code,
                "address": normalize.single_line(e.address or ""),
                "park": normalize.single_line(e.park or ""),
                "updated_at": at,
            }
        with self._write():
            if records:
                self._db["enterprises"].upsert_all(records.values(), pk="key")
        return len(records)

    def find_enterprises(self, text: str, limit: int = 20) -> list[Enterprise]:
        """Autocomplete: exact matches, then names or credit codes starting with
        ``text``, then names containing it."""
        word = normalize.single_line(text or "")
        if not word:
            return []
        code = normalize.uscc(word)
        like = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        code_like = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        records = self._read(
            """SELECT name, uscc, address, park,
                      CASE WHEN name = :word OR (uscc != '' AND uscc = :code) THEN 0
                           WHEN name LIKE :prefix ESCAPE '\\'
                                OR (:code != '' AND uscc LIKE :code_prefix ESCAPE '\\') THEN 1
                           ELSE 2 END AS rank
               FROM enterprises
               WHERE name LIKE :inner ESCAPE '\\'
                  OR (:code != '' AND uscc LIKE :code_prefix ESCAPE '\\')
               ORDER BY rank, name LIMIT :limit""",
            {
                "word": word,
                "code": code,
                "prefix": like + "%",
                "inner": "%" + like + "%",
                "code_prefix": code_like + "%",
                "limit": max(1, min(int(limit), 500)),
            },
        )
        return [Enterprise(name, uscc, address, park) for name, uscc, address, park, _ in records]

    def enterprise_count(self) -> int:
        return int(self._read("SELECT count(*) FROM enterprises")[0][0])

    def save_reference(self, reference: dict[str, Any]) -> None:
        """Store the office's reference data; refuses (StoreError) what it cannot use."""
        problem = _reference_problem(reference)
        if problem:
            raise StoreError(f"备案部门发来的参考数据无法使用（{problem}），已保留原有的参考数据。")
        settings_registry.REFERENCE.set(self, reference)

    def reference(self) -> dict[str, Any]:
        return settings_registry.REFERENCE.get(self)

    def verification_url(self) -> str | None:
        """The address printed in the QR code: the public verification address the
        office publishes in its reference data, else the address the desk connects to
        (which may be an intranet address), else None (the compact payload)."""
        published = published_verification_url(self.reference())
        if published:
            return published
        office_url = settings_registry.OFFICE_URL.get(self)
        return office_url if office_url and office_url.strip() else None

    def validation_context(self) -> dict[str, Any]:
        reference = self.reference()
        cert_rules = default_cert_rules()
        if isinstance(reference.get("cert_rules"), dict):
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                cert_rules = CertRules.from_dict(reference["cert_rules"])
        calendar = WorkCalendar()
        if isinstance(reference.get("calendar"), dict):
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                calendar.extend(reference["calendar"])
        roster = self.roster()
        return {
            "roster": roster if len(roster) else None,
            "cert_rules": cert_rules,
            "calendar": calendar,
        }


def _reference_problem(reference: Any) -> str | None:
    if not isinstance(reference, dict):
        return "不是 JSON 对象"
    if "cert_rules" in reference:
        try:
            CertRules.from_dict(reference["cert_rules"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return "证件号规则格式不对"
    if "calendar" in reference:
        try:
            WorkCalendar().extend(reference["calendar"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return "节假日安排格式不对"
    return None


def published_verification_url(data: Any) -> str | None:
    """The office's public verification address from its reference data (the QR code
    links there), or None when it publishes none or gave no http(s) address."""
    value = data.get("verify_url") if isinstance(data, dict) else None
    if not isinstance(value, str):
        return None
    url = value.strip().rstrip("/")
    if not url.startswith(("https://", "http://")) or len(url) > 200 or not url.isascii():
        return None
    if any(ch.isspace() or ch in "?#" for ch in url):
        return None
    return url
