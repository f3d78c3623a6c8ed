"""Who acts at the office, and what each role may do — checked in the store layer.

Every store operation that changes something takes an :class:`Actor` and calls
:func:`require` before it changes anything; reads that staff make go through
:func:`can_read`. The web workbench and the command line call the same operations, so
a check cannot be skipped by coming in another way.

Roles (in one office): ``admin`` (units, tokens, users, reference data), ``reviewer``
(review and return), ``justice`` (the justice bureau of that level: reads everything
the office holds, never changes it), ``park`` (a park committee: reads filings for
enterprises in its park), ``viewer`` (reads). The operator at the server's shell
(``Actor.cli()``, recorded as ``cli``) may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from office.errors import OfficeError
from office.tables import ROLES

OPERATOR = "operator"

# action -> the roles that may do it in their own office
MAY = {
    "return": frozenset({"admin", "reviewer"}),
    "token": frozenset({"admin"}),
    "user": frozenset({"admin"}),
    "reference": frozenset({"admin"}),
    "office": frozenset(),  # creating offices: the operator only
    "complaint": frozenset({"admin", "reviewer"}),  # the enterprise's page (office.enterprise)
    # the office's 退回原因模板 (office/console/return_templates.py)
    "return_template": frozenset({"admin", "reviewer"}),
    # a park committee's reply to a filing of its park (office.park_replies checks the park)
    "park_reply": frozenset({"park"}),
}

ROLE_TEXT = {
    "admin": "管理员",
    "reviewer": "审核人员",
    "justice": "司法行政部门",
    "park": "园区管委会",
    "viewer": "查看人员",
    OPERATOR: "服务器操作员",
}

ACTION_TEXT = {
    "return": "退回备案",
    "token": "签发或吊销单位令牌",
    "user": "管理工作人员账号",
    "reference": "载入参考数据",
    "office": "设立办公室",
    "complaint": "处理企业投诉",
    "return_template": "管理退回原因模板",
    "park_reply": "回复备案（园区管委会）",
}


class Forbidden(OfficeError):  # noqa: N818 - a refusal, like Refusal
    """The actor's role does not allow this; ``str(exc)`` is Chinese."""


@dataclass(frozen=True)
class Actor:
    """Who does something: a staff user (name, role, office, park) or the operator."""

    name: str
    role: str
    office: str | None
    park: str | None = None

    @classmethod
    def cli(cls) -> Actor:
        return cls("cli", OPERATOR, None)

    @property
    def operator(self) -> bool:
        return self.role == OPERATOR


def require(actor: Actor, action: str, office: str | None) -> None:
    """Raise Forbidden unless ``actor`` may do ``action`` in ``office``."""
    if actor.operator:
        return
    if actor.role not in ROLES:
        raise Forbidden(f"未知的角色：{actor.role}")
    if actor.role in MAY[action] and office is not None and actor.office == office:
        return
    where = f"（办公室 {office}）" if office else ""
    raise Forbidden(f"“{actor.name}”（{ROLE_TEXT[actor.role]}）无权{ACTION_TEXT[action]}{where}。")


def can_read(actor: Actor, office: str, park: str | None, parents: dict[str, str | None]) -> bool:
    """Whether ``actor`` may read a filing held by ``office`` (for an enterprise in
    ``park``). ``parents`` maps office codes to their parent office (the city sees its
    counties' filings, read-only)."""
    if actor.operator:
        return True
    in_reach = actor.office == office or parents.get(office) == actor.office
    if actor.role == "park":
        return in_reach and park is not None and park == actor.park
    return in_reach
