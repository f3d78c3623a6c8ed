"""Check the office's reference data before the store takes it.

A malformed calendar or certificate rule set from the office must not replace good data
on the desk: it is checked here with the same classes that will use it.
"""

from __future__ import annotations

import re
from typing import Any

from desktop.store.settings import published_verification_url
from forms.certificates import CertRules
from forms.workdays import WorkCalendar

LIST_KEYS = ("white_list", "key_supervision", "parks", "forms")


def check_reference(data: Any) -> str | None:
    """None when ``data`` can be used; otherwise a short Chinese reason."""
    if not isinstance(data, dict):
        return "不是对象"
    calendar = data.get("calendar")
    if calendar is not None:
        if not isinstance(calendar, dict):
            return "节假日安排格式不正确"
        try:
            WorkCalendar().extend(calendar)
        except (AttributeError, TypeError, ValueError):
            return "节假日安排格式不正确"
    rules = data.get("cert_rules")
    if rules is not None:
        try:
            CertRules.from_dict(rules)
        except (KeyError, TypeError, ValueError, AttributeError, re.error):
            return "执法证号规则格式不正确"
    for key in LIST_KEYS:
        value = data.get(key)
        if value is not None and not isinstance(value, list):
            return f"{key} 格式不正确"
    if published_verification_url(data) is None and data.get("verify_url"):
        return "核验网址格式不正确"
    return None
