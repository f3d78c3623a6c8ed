"""Checks for the identifiers on the form: names, phones, credit codes.

Each check takes a normalised value and returns ``None`` when it is fine, or the
problem code (see ``data/messages.json``) when it is not.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from stdnum.cn import uscc as stdnum_uscc

from forms.normalize import MIDDLE_DOT, phone_input

# --- characters ---------------------------------------------------------------------------

_BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF  # pictographs, emoticons, transport, flags, ...
        or 0x2600 <= cp <= 0x27BF  # misc symbols and dingbats
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors
        or 0xE0000 <= cp <= 0xE007F  # tags
        or cp == 0x200D
    )


def has_bad_characters(text: str, *, allow_newlines: bool = False) -> bool:
    """Control, bidi-override, unassigned or private-use characters, or emoji."""
    for ch in text:
        if ch == "\n" and allow_newlines:
            continue
        if ch in _BIDI_CONTROLS or _is_emoji(ch):
            return True
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return True
    return False


# --- names --------------------------------------------------------------------------------


def _is_han(ch: str) -> bool:
    if ch == "\u3007":  # 〇, used in names
        return True
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def check_person_name(name: str) -> str | None:
    """1–25 Han or Latin letters; a middle dot only between parts; spaces only in Latin."""
    if not 1 <= len(name) <= 25:
        return "bad_name"
    if has_bad_characters(name):
        return "bad_characters"
    if name.startswith(MIDDLE_DOT) or name.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in name:
        return "bad_name_dot"
    for i, ch in enumerate(name):
        if ch == MIDDLE_DOT or _is_han(ch) or _is_latin_letter(ch):
            continue
        between_latin = 0 < i < len(name) - 1 and (
            _is_latin_letter(name[i - 1]) and _is_latin_letter(name[i + 1])
        )
        if ch == " " and between_latin:
            continue
        return "bad_name"
    return None


# --- phones -------------------------------------------------------------------------------


def parse_phone(text: str) -> tuple[str | None, str | None]:
    """(normalised phone, None) or (None, problem code).

    Mainland mobile numbers print as 13812345678; landlines as 0731-58812345, with an
    extension as 0731-58812345转8001.
    """
    if len(text) > 40:
        return None, "bad_phone"
    try:
        number = phonenumbers.parse(phone_input(text), "CN")
    except phonenumbers.NumberParseException:
        return None, "bad_phone"
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        digits = re.sub(r"\D", "", text)
        if len(digits) in (7, 8) and not digits.startswith("1"):
            return None, "phone_needs_area_code"
        return None, "bad_phone"
    kind = phonenumbers.number_type(number)
    national = str(number.national_number)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        out = national
    else:
        area = phonenumbers.length_of_geographical_area_code(number)
        if area <= 0:
            out = "0" + national if kind == phonenumbers.PhoneNumberType.FIXED_LINE else national
        else:
            out = f"0{national[:area]}-{national[area:]}"
    if number.extension:
        out += f"转{number.extension}"
    return out, None


# --- credit codes (GB 32100-2015) ---------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_SHAPE = re.compile(f"[{USCC_ALPHABET}]{{2}}[0-9]{{6}}[{USCC_ALPHABET}]{{10}}")


def check_uscc(code: str) -> str | None:
    """Shape and check character of a 统一社会信用代码.

    python-stdnum computes the check character; its validate() also demands digits in
    the first two positions, which GB 32100 does not (N2…, Y1…, A1…), so the shape is
    checked here.
    """
    if not _USCC_SHAPE.fullmatch(code):
        return "bad_uscc"
    if stdnum_uscc.calc_check_digit(code[:17]) != code[17]:
        return "uscc_check"
    return None
