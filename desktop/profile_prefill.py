"""A new filing prefilled from the unit profile (lead unit, usual partners, the leader)."""

from __future__ import annotations

from typing import Any

from desktop.store.api import UnitProfile


def prefill(filing: dict[str, Any], profile: UnitProfile) -> dict[str, Any]:
    """``filing`` (a blank one) with the profile's values in the fields they fill; a
    blank profile value leaves the field as it is. Changes and returns ``filing``."""
    if profile.unit_name:
        filing["lead_unit"] = profile.unit_name
    if profile.joint_units:
        filing["joint_units"] = list(profile.joint_units)
    leader = filing.get("leader")
    if isinstance(leader, dict):
        for key in leader:
            value = (profile.default_leader or {}).get(key)
            if value:
                leader[key] = str(value)
    return filing
