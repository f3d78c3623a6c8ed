"""The unit's roster of certified officers: the strongest check of a certificate number."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from forms.normalize import code, person_name


@dataclass(frozen=True)
class Officer:
    name: str
    cert_no: str
    title: str = ""
    unit: str = ""
    kind: str = ""  # certificate kind, matching a kind in the certificate rules
    expires: date | None = None

    def expired_on(self, day: date) -> bool:
        return self.expires is not None and self.expires < day


class Roster:
    """Officers by normalised certificate number and by normalised name."""

    def __init__(self, officers: Iterable[Officer] = ()):
        self._by_cert: dict[str, Officer] = {}
        self._by_name: dict[str, list[Officer]] = {}
        for o in officers:
            o = Officer(person_name(o.name), code(o.cert_no), o.title, o.unit, o.kind, o.expires)
            self._by_cert[o.cert_no] = o
            self._by_name.setdefault(o.name, []).append(o)

    def by_cert(self, cert_no: str) -> Officer | None:
        return self._by_cert.get(code(cert_no))

    def by_name(self, name: str) -> list[Officer]:
        return list(self._by_name.get(person_name(name), ()))

    def __len__(self) -> int:
        return len(self._by_cert)

    def __iter__(self) -> Iterator[Officer]:
        return iter(self._by_cert.values())
