"""Phone numbers typed into text that is not a phone field: "…（联系人13807321234）",
"… 电话0731-58812345". The public verification page masks them, and the rules warn the
clerk when a name field carries one.

Phone-shaped means: a mainland mobile (11 digits from 13–19, optionally after +86/86),
a landline with its area code (0 + 2–3 digits, in brackets or not, then 7–8 digits), or
a 7–8 digit local number (starting 2–9) — with spaces, dashes, dots or full-width digits
anywhere between the digits. A run of digits longer than a phone (a credit code, a
certificate number) is not one: the match must not touch another digit or Latin letter.
"""

from __future__ import annotations

import re

MASK = "*"

# One character in, one character out, so a match in the folded text is at the same
# place in the original.
_FOLD = {ord("\uff10") + i: str(i) for i in range(10)}
_FOLD.update(
    {
        ord(c): "-"
        for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc\uff0e．"
    }
)
_FOLD.update({ord("\uff08"): "(", ord("\uff09"): ")", ord("\u3000"): " ", ord("\uff0b"): "+"})

_SEP = r"[ \-.]?"
_MOBILE = rf"(?:\+?86{_SEP})?1[3-9](?:{_SEP}\d){{9}}"
_AREA = rf"(?:\(0\d{{2,3}}\)|0\d{{2,3}}){_SEP}"
_LOCAL = rf"[2-9](?:{_SEP}\d){{6,7}}"
_PHONE_RE = re.compile(rf"(?<![0-9A-Za-z])(?:{_MOBILE}|{_AREA}{_LOCAL}|{_LOCAL})(?![0-9A-Za-z])")
_MOBILE_ONLY_RE = re.compile(rf"(?<![0-9A-Za-z]){_MOBILE}(?![0-9A-Za-z])")


def _fold(text: str) -> str:
    return text.translate(_FOLD)


def find_phones(text: str, *, mobiles_only: bool = False) -> list[str]:
    """The phone-shaped parts of ``text``, as typed."""
    pattern = _MOBILE_ONLY_RE if mobiles_only else _PHONE_RE
    return [text[m.start() : m.end()] for m in pattern.finditer(_fold(text))]


def mask_phones(text: str, *, mobiles_only: bool = False) -> str:
    """``text`` with every digit of a phone-shaped part replaced by ``*``."""
    pattern = _MOBILE_ONLY_RE if mobiles_only else _PHONE_RE
    folded = _fold(text)
    out = list(text)
    for m in pattern.finditer(folded):
        for i in range(m.start(), m.end()):
            if folded[i].isdigit():
                out[i] = MASK
    return "".join(out)
