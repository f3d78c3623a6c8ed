"""Normalise what clerks type before it is checked.

Clerks type full-width digits, stray spaces, dashes of every width, and paste from
Word. Each function returns the normalised text; the rules keep the original when
the normalised value is still invalid, so nothing typed is lost.

Only identifiers (phones, certificate numbers, credit codes) are folded with NFKC
(full-width digits and letters → ASCII). Every other text keeps the characters the
clerk typed — "湖南华菱湘钢（湘潭）有限公司" is the name on the business licence, with
its full-width brackets — and only loses zero-width characters and surplus white space.
Two names are compared with :func:`name_key`, which does fold, so "（湘潭）" and "(湘潭)"
still name one unit.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

# Look-alikes people type for the middle dot in names (·).
NAME_DOTS = "\u00b7\u30fb\u2022\u2027\u2219\u22c5\u0387\u16eb\u2e31\uff0e\uff65\u318d\u00b7.\u30fb"
_NAME_DOT_RE = re.compile(f"[{re.escape(NAME_DOTS)}]")
MIDDLE_DOT = "\u00b7"

# Dash look-alikes → "-" (hyphen, en/em dash, minus, full-width hyphen-minus, ...).
_DASHES_RE = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc]")

# Zero-width characters that sneak in from Word and web pages.
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES_RE = re.compile(r"[ \t\u3000\u00a0]+")
_ALL_WS_RE = re.compile(r"\s+")

# Han characters need no spaces between them: "张 三" → "张三", "湘潭市 市场监督管理局" →
# "湘潭市市场监督管理局", but "Smith John" keeps its space.
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff\u3000-\u303f\uff00-\uffef（）]"
_SPACE_NEAR_CJK_RE = re.compile(f"(?<={_CJK}) +|  *(?={_CJK})")


# Full-width Latin letters (Ａ-Ｚ, ａ-ｚ) in a person's name are the letters of the name.
_FULL_WIDTH_LATIN = {
    c: c - 0xFEE0 for r in ((0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)
}


def nfkc(text: str) -> str:
    """NFKC without zero-width characters: for identifiers and comparison keys only."""
    return unicodedata.normalize("NFKC", _ZERO_WIDTH_RE.sub("", text))


def single_line(text: str) -> str:
    """Trim, fold every run of white space to one space, drop spaces next to Han text.

    Every other character stays as typed (full-width brackets and punctuation too)."""
    text = _ZERO_WIDTH_RE.sub("", text)
    text = _ALL_WS_RE.sub(" ", text).strip()
    return _SPACE_NEAR_CJK_RE.sub("", text)


def name_key(text: str) -> str:
    """The key two names (units, parks, enterprises) are compared by: NFKC-folded, so
    "湘钢（湘潭）" and "湘钢(湘潭)" are one name. Never stored or printed in its place."""
    return single_line(nfkc(text))


def multi_line(text: str) -> str:
    """Keep line breaks; trim each line; at most one blank line in a row."""
    text = _ZERO_WIDTH_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def person_name(text: str) -> str:
    """Names: dot look-alikes → U+00B7, full-width Latin letters → ASCII, no spaces
    around Han characters or dots."""
    text = _NAME_DOT_RE.sub(MIDDLE_DOT, _ZERO_WIDTH_RE.sub("", text))
    text = single_line(text.translate(_FULL_WIDTH_LATIN))
    return re.sub(r" *\u00b7 *", MIDDLE_DOT, text)


def code(text: str) -> str:
    """Identifiers: full-width → ASCII, upper case, no white space, dashes unified."""
    text = _DASHES_RE.sub("-", nfkc(text))
    return _ALL_WS_RE.sub("", text).upper()


def uscc(text: str) -> str:
    """Credit codes are printed in groups or with dashes; the code itself has neither."""
    return code(text).replace("-", "")


def phone_input(text: str) -> str:
    """Phones as people write them; extensions (转8001, 分机8001) for phonenumbers."""
    text = _DASHES_RE.sub("-", nfkc(text)).strip()
    return re.sub(r"\s*(转|分机|-?ext\.?|x)\s*(?=\d+$)", " ext. ", text, flags=re.IGNORECASE)


def by_type(field_type: str, text: str) -> str:
    """The normalised form of a scalar value of the given field type.

    Removing characters after NFKC (identifiers) can leave a sequence that NFKC composes
    further ("A´" → "A \u0301" → "A\u0301" → "Á"), so apply until nothing changes.
    """
    for _ in range(4):
        once = _by_type_once(field_type, text)
        if once == text:
            break
        text = once
    return text


def _by_type_once(field_type: str, text: str) -> str:
    if field_type == "multiline":
        return multi_line(text)
    if field_type == "person_name":
        return person_name(text)
    if field_type == "cert_no":
        return code(text)
    if field_type == "uscc":
        return uscc(text)
    if field_type in ("choice", "uuid", "datetime", "form_id"):
        return text.strip()
    return single_line(text)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text its reader saw: whole numbers without ".0" (credit
    codes and phones typed as numbers), dates as ISO dates, booleans as 是/否. The desk's
    imports and the office's reference lists read cells alike."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
