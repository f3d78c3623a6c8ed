"""Who may see and do what in the workbench: the one place the console asks.

Pages declare the roles that may open them (``PAGE_ROLES``); actions go through
:func:`may_act`, built on ``office.staff.MAY`` — the same table the store's
``require`` checks, so the console offers exactly what the store would allow, and the
store refuses whatever is posted anyway. Reading a filing goes through
``office.staff.can_read`` (the city reads its counties; a park committee only its park).
"""

from __future__ import annotations

from office.staff import MAY, Actor

ALL_ROLES = frozenset({"admin", "reviewer", "justice", "park", "viewer"})
READ_ONLY_ROLES = frozenset({"justice", "park", "viewer"})

# page key -> the roles that may open it
PAGE_ROLES: dict[str, frozenset[str]] = {
    "pending": frozenset({"admin", "reviewer"}),
    "filings": ALL_ROLES,
    "feed": frozenset({"justice", "park"}),
    "units": frozenset({"admin"}),
    "users": frozenset({"admin"}),
    "reference": frozenset({"admin"}),
    # the enterprise's page (office/console/enterprise.py): the office's own staff only
    "evaluations": frozenset({"admin", "reviewer", "viewer"}),
    "complaints": frozenset({"admin", "reviewer", "viewer"}),
    "visits": frozenset({"admin", "reviewer", "viewer"}),
    # counts of the whole office: not for a park committee (it reads only its park)
    "dashboard": frozenset({"admin", "reviewer", "justice", "viewer"}),
    # 联合检查, 重复检查, 检查计划 (office/console/crosscheck.py): the office's own staff
    "crosscheck": frozenset({"admin", "reviewer", "viewer"}),
    # 退回原因模板 (office/console/return_templates.py): those who return filings
    "return_templates": frozenset({"admin", "reviewer"}),
}


def may_open(actor: Actor, page: str) -> bool:
    return actor.operator or actor.role in PAGE_ROLES[page]


def may_act(actor: Actor, action: str, office: str | None) -> bool:
    """Whether ``actor`` may do ``action`` (a key of ``office.staff.MAY``) in ``office``:
    only in its own office (the city reads its counties but never acts on them)."""
    if actor.operator:
        return True
    return actor.role in MAY[action] and office is not None and actor.office == office
