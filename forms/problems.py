"""A problem found in a filing: something wrong (error) or risky (warning)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    field: str  # path in the interchange format, e.g. "inspectors[1].cert_no"
    code: str
    severity: Severity
    message: str  # plain Chinese for the clerk

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@cache
def _messages() -> dict[str, str]:
    text = resources.files("forms").joinpath("data/messages.json").read_text("utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def message(code: str, **params: object) -> str:
    """The Chinese message for a problem code, filled with its parameters."""
    return _messages()[code].format(**params)


def problem(field: str, code: str, severity: Severity = "error", **params: object) -> Problem:
    return Problem(field, code, severity, message(code, **params))


def has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)
