"""The unit profile fills a new filing's lead unit, partners and leader."""

from desktop.profile_prefill import prefill
from desktop.store.api import UnitProfile
from forms.definition import load_definition
from forms.record import new_filing


def test_a_profile_fills_the_unit_partners_and_leader_and_blank_values_leave_fields():
    filing = new_filing(load_definition().id)
    profile = UnitProfile(
        unit_name="湘潭市市场监督管理局",
        joint_units=["湘潭市应急管理局"],
        default_leader={"name": "张三", "phone": "", "unknown": "x"},
    )
    out = prefill(filing, profile)
    assert out is filing
    assert filing["lead_unit"] == "湘潭市市场监督管理局"
    assert filing["joint_units"] == ["湘潭市应急管理局"]
    assert filing["leader"]["name"] == "张三"
    assert filing["leader"]["phone"] == ""  # blank in the profile: left as it was
    assert "unknown" not in filing["leader"]


def test_an_empty_profile_changes_nothing():
    blank = new_filing(load_definition().id)
    filing = new_filing(load_definition().id)
    prefill(filing, UnitProfile())
    blank.pop("id"), filing.pop("id")
    for key in ("created_at", "updated_at"):
        blank.pop(key, None), filing.pop(key, None)
    assert filing == blank
