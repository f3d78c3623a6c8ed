"""Certificate-number rules, per certificate kind, as data (``data/cert-rules.json``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class CertRule:
    kind: str
    label: str
    pattern: re.Pattern[str]
    min_length: int
    max_length: int

    def accepts(self, number: str) -> bool:
        return (
            self.min_length <= len(number) <= self.max_length
            and self.pattern.fullmatch(number) is not None
        )


class CertRules:
    def __init__(self, rules: list[CertRule], version: int = 0):
        if not rules:
            raise ValueError("at least one certificate rule is needed")
        self.rules = rules
        self.version = version

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CertRules:
        rules = []
        for r in data["rules"]:
            min_len, max_len = int(r["min_length"]), int(r["max_length"])
            if not 1 <= min_len <= max_len <= 64:
                raise ValueError(f"bad length range for certificate kind {r['kind']}")
            rules.append(
                CertRule(
                    r["kind"], r.get("label", r["kind"]), re.compile(r["pattern"]), min_len, max_len
                )
            )
        return cls(rules, int(data.get("version", 0)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "rules": [
                {
                    "kind": r.kind,
                    "label": r.label,
                    "pattern": r.pattern.pattern,
                    "min_length": r.min_length,
                    "max_length": r.max_length,
                }
                for r in self.rules
            ],
        }

    def rule_for(self, kind: str | None) -> CertRule | None:
        for r in self.rules:
            if r.kind == kind:
                return r
        return None

    def accepts(self, number: str, kind: str | None = None) -> bool:
        """True if the rule of ``kind`` (or, for an unknown kind, any rule) accepts it."""
        rule = self.rule_for(kind)
        if rule is not None:
            return rule.accepts(number)
        return any(r.accepts(number) for r in self.rules)

    @property
    def length_range(self) -> tuple[int, int]:
        return min(r.min_length for r in self.rules), max(r.max_length for r in self.rules)


@cache
def default_cert_rules() -> CertRules:
    text = resources.files("forms").joinpath("data/cert-rules.json").read_text("utf-8")
    return CertRules.from_dict(json.loads(text))
