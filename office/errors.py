"""Refusals: every answer that is not a success has a code, a status and a Chinese message."""

from __future__ import annotations

from typing import Any


class Refusal(Exception):  # noqa: N818 - a refusal is an answer, not a crash
    """A request the office refuses. ``message`` is plain Chinese for the clerk."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers or {}
        self.extra = extra  # more keys of the body, e.g. held_revision

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.extra}


class OfficeError(Exception):
    """An administrative command cannot do what it was asked; ``str(exc)`` is Chinese."""


UNAUTHORIZED = "缺少有效的单位令牌，或令牌已被吊销。请向优化营商环境部门申请新令牌。"


def unauthorized(message: str = UNAUTHORIZED) -> Refusal:
    return Refusal(401, "unauthorized", message)


def bad_request(message: str) -> Refusal:
    return Refusal(400, "bad_request", message)


def not_found(message: str = "未找到此备案。") -> Refusal:
    return Refusal(404, "not_found", message)
