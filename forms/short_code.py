"""The 查询码: a short code for a filing that a person can read out on the phone.

The 备案编号 is a 36-character UUID; the QR code and the data keep it. The 查询码 is
derived from it deterministically: the UUID's first 50 bits (its first 12 hex digits and
the top two bits of the 13th) in Crockford's base32, ten characters printed in two groups
of five (``5QR8M-ANVF1``). Crockford's alphabet has no I, L, O or U, so nothing is
mistaken for 1 or 0 when read aloud or typed, and a reader is forgiving: case, spaces and
dashes do not matter, and I/L are read as 1 and O as 0.

Fifty bits (48 of them random in a version-4 UUID) make a shared code unlikely: among a
province's million filings a year, two share a code with a chance of about 0.2 %; among
ten million, about 16 %. Where it happens, the office lists each filing with the code.
"""

from __future__ import annotations

import re
import uuid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
LENGTH = 10
BITS = LENGTH * 5
GROUP = 5
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\uff0d]+")


def short_code(filing_id: str) -> str | None:
    """The 查询码 of a filing id (``XXXXX-XXXXX``), or None when the id is not a UUID."""
    try:
        value = uuid.UUID(str(filing_id)).int >> (128 - BITS)
    except ValueError:
        return None
    chars = []
    for _ in range(LENGTH):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    text = "".join(reversed(chars))
    return f"{text[:GROUP]}-{text[GROUP:]}"


def parse_short_code(text: str) -> str | None:
    """The canonical ``XXXXX-XXXXX`` form of a 查询码 as someone typed or read it, or None."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    plain = _SEPARATORS.sub("", text).upper().translate(_READ_AS)
    if len(plain) != LENGTH or any(ch not in ALPHABET for ch in plain):
        return None
    return f"{plain[:GROUP]}-{plain[GROUP:]}"


def id_prefix(code: str) -> str:
    """The first 12 hex digits every id with this (canonical) 查询码 starts with, as the
    id is written (``xxxxxxxx-xxxx``); the code's last two bits go into the 13th digit."""
    value = 0
    for ch in code.replace("-", ""):
        value = value * 32 + ALPHABET.index(ch)
    digits = f"{value >> 2:012x}"
    return f"{digits[:8]}-{digits[8:]}"
