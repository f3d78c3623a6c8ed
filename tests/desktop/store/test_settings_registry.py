"""One registry of stored settings: every meta key declared once, read through typed
accessors, and nothing outside the store touching get_meta/set_meta."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop.store import Store
from desktop.store import settings_registry as settings

ROOT = Path(__file__).resolve().parents[3]
# The store implements get_meta/set_meta; the registry is the only code that calls them.
ALLOWED = {
    "desktop/store/api.py",
    "desktop/store/settings.py",
    "desktop/store/settings_registry.py",
}


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path) as s:
        yield s


def test_no_module_outside_the_registry_reads_or_writes_meta_directly():
    offenders = []
    for path in sorted(ROOT.glob("desktop/**/*.py")) + sorted(ROOT.glob("forms/**/*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED:
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if re.search(r"\b(get_meta|set_meta)\(", line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_every_key_is_declared_once():
    keys = [s.key for s in settings.ALL]
    assert len(keys) == len(set(keys))
    declared = {
        value.key for value in vars(settings).values() if isinstance(value, settings.Setting)
    }
    assert declared == set(keys), "a Setting is missing from settings.ALL"


def test_unset_settings_read_as_their_defaults(store):
    for setting in settings.ALL:
        assert setting.get(store) == setting.default, setting.key


def test_a_setting_round_trips_and_none_resets_it(store):
    settings.OFFICE_URL.set(store, "https://beian.example.gov.cn")
    assert settings.OFFICE_URL.get(store) == "https://beian.example.gov.cn"
    settings.OFFICE_URL.set(store, None)
    assert settings.OFFICE_URL.get(store) is None
    settings.UI_SPLITTERS.set(store, ["AAA=", "BBB="])
    assert settings.UI_SPLITTERS.get(store) == ["AAA=", "BBB="]
    settings.CLOCK_SKEW_S.set(store, -12.5)
    assert settings.CLOCK_SKEW_S.get(store) == -12.5


@pytest.mark.parametrize(
    ("setting", "stored", "read"),
    [
        (settings.OFFICE_URL, 42, None),  # edited by hand, or an older version's value
        (settings.OFFICE_TIMEOUT_S, "12", 12.0),  # a number written as text still counts
        (settings.OFFICE_TIMEOUT_S, "soon", None),
        (settings.OFFICE_TIMEOUT_S, True, None),
        (settings.OFFICE_TIMEOUT_S, "nan", None),
        (settings.CHANGES_CURSOR, 17, "17"),
        (settings.UI_SPLITTERS, ["a", 1], None),
        (settings.REFERENCE, ["not", "an", "object"], {}),
    ],
)
def test_a_value_of_the_wrong_type_reads_as_the_default(store, setting, stored, read):
    store.set_meta(setting.key, stored)
    assert setting.get(store) == read


def test_the_reference_default_is_not_shared_between_reads(store):
    first = settings.REFERENCE.get(store)
    first["cert_rules"] = {"changed": True}
    assert settings.REFERENCE.get(store) == {}


def test_replacing_the_roster_stamps_it(store):
    from forms.roster import Officer

    store.replace_roster([Officer("张三", "43030012345", "科员", "湘潭市市场监管局", "", None)])
    assert settings.ROSTER_UPDATED_AT.get(store)
