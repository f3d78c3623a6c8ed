"""Unit names as ``token create`` takes them: what a filing's ``lead_unit`` can match, and
nothing a person would read as another unit's name.

A token acts for the unit named when it was issued, and a filing is that unit's when its
``lead_unit``, normalised by the form's rules, is the same name. A name with a soft hyphen,
a bidi control, a variation selector, a tag or private-use character, U+034F or U+3164,
or a line break either matches no filing a clerk can type, or looks exactly like another
unit's name in every list. So a new unit name is checked as the form checks ``lead_unit``
(``forms.normalize``, ``forms.identifiers``: the same functions, so a change of the form's
rules changes this too), must not carry invisible characters even where the form's
normalisation would drop them, and must not be *confusable* with a unit that already
holds a token: equal to it once invisible characters, white space, punctuation and case
are set aside (after NFKC), yet not the same name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from forms import identifiers, normalize
from forms.definition import FieldDef, load_definition
from office.errors import OfficeError

# Characters that show as nothing (or as a blank) but are letters or marks to Unicode,
# so that neither the form's character check nor NFKC takes them away.
INVISIBLE = frozenset(
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u2800"  # braille blank
)


def _lead_unit_field() -> FieldDef:
    return next(f for f in load_definition().fields if f.id == "lead_unit")


def _invisible(ch: str) -> bool:
    return ch in INVISIBLE or unicodedata.category(ch) in ("Cf", "Mn", "Me", "Cc", "Zl", "Zp")


def skeleton(name: str) -> str:
    """What a reader sees of a name: NFKC, no invisible characters, no white space or
    punctuation, case folded. Two names with one skeleton are confusable."""
    text = unicodedata.normalize("NFKC", name)
    kept = (
        ch
        for ch in text
        if not _invisible(ch)
        and not ch.isspace()
        and not unicodedata.category(ch).startswith(("P", "Z"))
    )
    return unicodedata.normalize("NFKC", "".join(kept)).casefold()


def check_new_unit(name: str, existing: Iterable[str]) -> str:
    """The unit name as it is stored, or OfficeError saying in Chinese why it cannot be."""
    field = _lead_unit_field()
    for ch in name:
        if ch in "\r\n\u2028\u2029\x85":
            raise OfficeError("单位名称不能换行。")
        if ch in INVISIBLE or identifiers.has_bad_characters(ch):
            raise OfficeError(
                f"单位名称中有不可见字符或控制字符（U+{ord(ch):04X}），"
                "这样的名称与备案表填写的单位对不上。请直接输入单位全称。"
            )
        if unicodedata.category(ch) in ("Mn", "Me"):
            raise OfficeError(f"单位名称中有组合符号（U+{ord(ch):04X}），请直接输入单位全称。")
    unit = normalize.by_type(field.type, name)
    if not unit:
        raise OfficeError("单位名称不能为空。")
    if field.max_length is not None and len(unit) > field.max_length:
        raise OfficeError(f"单位名称最多 {field.max_length} 个字。")
    if identifiers.has_bad_characters(unit):
        raise OfficeError("单位名称中有备案表不接受的字符，请直接输入单位全称。")
    mine = skeleton(unit)
    for other in sorted(set(existing)):
        if other != unit and skeleton(other) == mine:
            raise OfficeError(
                f"单位名称“{unit}”与已有的单位“{other}”几乎相同，容易混淆。"
                f"如果是同一单位，请使用“{other}”；如果不是，请使用能区分的全称。"
            )
    return unit
