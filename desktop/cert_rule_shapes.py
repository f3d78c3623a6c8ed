"""Certificate-number rules as a clerk describes them: a shape and lengths, not a regex.

The settings' form offers a few shapes; each turns into the pattern stored in the rules
JSON (``forms.certificates`` format, still the storage and what the office sends), and a
stored pattern that one of them made is recognised again when the form loads. Any other
pattern is shown as a free pattern, kept exactly as it is. Checking a number against the
rules is ``forms.certificates.CertRules``' job; ``matching_kinds`` only asks it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from forms import normalize
from forms.certificates import CertRules

DIGITS = "digits"  # 0-9 only
LETTERS_DIGITS = "letters_digits"  # capital letters and digits
PREFIX_DIGITS = "prefix_digits"  # a fixed prefix (e.g. JT), then digits
GROUPS = "groups"  # letters and digits in groups joined by "-" (the default rule)
CUSTOM = "custom"  # a regular expression as given

SHAPES = (DIGITS, LETTERS_DIGITS, PREFIX_DIGITS, GROUPS, CUSTOM)

_FIXED = {
    DIGITS: "^[0-9]+$",
    LETTERS_DIGITS: "^[0-9A-Z]+$",
    GROUPS: "^[0-9A-Z]+(-[0-9A-Z]+)*$",
}
_PREFIX_RE = re.compile(r"^\^([0-9A-Z]+)\[0-9\]\+\$$")
_PREFIX_TEXT_RE = re.compile(r"^[0-9A-Z]+$")


@dataclass(frozen=True)
class RuleForm:
    """One rule as the form shows it. ``text`` is the prefix (PREFIX_DIGITS) or the
    pattern (CUSTOM), '' otherwise."""

    kind: str
    label: str
    shape: str
    text: str
    min_length: int
    max_length: int


def pattern_for(shape: str, text: str) -> str:
    """The stored pattern for a shape (``text``: prefix or free pattern)."""
    if shape in _FIXED:
        return _FIXED[shape]
    if shape == PREFIX_DIGITS:
        return f"^{normalize.code(text)}[0-9]+$"
    return text


def form_of(rule: dict[str, Any]) -> RuleForm:
    """A stored rule (one entry of ``rules``) as the form shows it."""
    pattern = str(rule.get("pattern", ""))
    shape, text = CUSTOM, pattern
    for name, fixed in _FIXED.items():
        if pattern == fixed:
            shape, text = name, ""
    found = _PREFIX_RE.match(pattern)
    if found:
        shape, text = PREFIX_DIGITS, found.group(1)
    return RuleForm(
        kind=str(rule.get("kind", "")),
        label=str(rule.get("label", rule.get("kind", ""))),
        shape=shape,
        text=text,
        min_length=int(rule.get("min_length", 1)),
        max_length=int(rule.get("max_length", 30)),
    )


def rule_of(form: RuleForm) -> dict[str, Any]:
    """The stored rule for a form row."""
    return {
        "kind": form.kind.strip(),
        "label": form.label.strip() or form.kind.strip(),
        "pattern": pattern_for(form.shape, form.text),
        "min_length": form.min_length,
        "max_length": form.max_length,
    }


def form_problem(form: RuleForm) -> str:
    """What is wrong with a form row, in Chinese ('' if nothing)."""
    if not form.kind.strip():
        return "每条规则都要填写证件类型代码（如 traffic）。"
    if form.shape == PREFIX_DIGITS and not _PREFIX_TEXT_RE.match(normalize.code(form.text)):
        return f"“{form.label or form.kind}”的前缀只能是字母和数字，如 JT。"
    if form.shape == CUSTOM:
        if not form.text:
            return f"“{form.label or form.kind}”选了自定义格式，请填写格式（正则表达式）。"
        try:
            re.compile(form.text)
        except re.error as exc:
            return f"“{form.label or form.kind}”的格式有误：{exc}"
    if not 1 <= form.min_length <= form.max_length <= 64:
        return f"“{form.label or form.kind}”的长度范围应在 1 到 64 之间，且最短不大于最长。"
    return ""


def matching_kinds(rules: dict[str, Any], number: str) -> list[tuple[str, str]]:
    """(kind, label) of every rule that accepts ``number`` as the desk would read it
    (full-width folded, capitals, no spaces: ``forms.normalize.code``)."""
    parsed = CertRules.from_dict(rules)
    code = normalize.code(number)
    return [(r.kind, r.label) for r in parsed.rules if r.accepts(code)]


def check_cert_rules(text: str) -> tuple[dict[str, Any] | None, str]:
    """The rules JSON as typed: (rules as a dict, or None; the problem in Chinese or "")."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}"
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return None, "规则应是一个对象，其中“rules”是规则列表。"
    try:
        rules = CertRules.from_dict(data)
    except KeyError as exc:
        return (
            None,
            f"有一条规则缺少“{exc.args[0]}”。每条规则需要 kind、pattern、min_length、max_length。",
        )
    except (TypeError, ValueError) as exc:
        return None, f"规则有误：{exc}"
    except re.error as exc:
        return None, f"规则中的格式（pattern）有误：{exc}"
    return rules.to_dict(), ""
