"""No input crashes the loader or the rules (property-based)."""

import contextlib
import json
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import normalize, record, rules
from forms.definition import load_definition

AT = datetime.fromisoformat("2026-11-27T10:00:00+08:00")
DEFINITION = load_definition()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

# Text the way clerks produce it: CJK, full-width forms, dots, dashes, spaces, emoji,
# control characters and characters outside the BMP.
clerk_text = st.text(
    alphabet=st.sampled_from(
        [
            *list("湘潭市局张王李阿·・•．.-－— \u3000\t\n\r0１2３ABcｄ转()（）"),
            "\u202e",
            "\x00",
            "\u200b",
            "😀",
            "𬌗",
            "\ufeff",
        ]
    )
    | st.characters(),
    max_size=60,
)


def filing_strategy():
    fields = {}
    for f in DEFINITION.fields:
        if f.meta:
            continue
        if f.is_group:
            fields[f.id] = st.fixed_dictionaries({c.id: clerk_text for c in f.fields})
        elif f.is_repeat:
            fields[f.id] = st.lists(
                st.fixed_dictionaries({c.id: clerk_text for c in f.fields}), max_size=4
            )
        elif f.type == "text_list":
            fields[f.id] = st.lists(clerk_text, max_size=3)
        elif f.type == "datetime":
            fields[f.id] = st.datetimes().map(lambda d: d.isoformat() + "+08:00") | clerk_text
        elif f.type == "choice":
            fields[f.id] = st.sampled_from([*DEFINITION.choices(f), ""]) | clerk_text
        else:
            fields[f.id] = clerk_text
    return st.fixed_dictionaries(fields).map(
        lambda d: {
            "form": DEFINITION.id,
            "id": "6f1c2a7e-3b4d-4c5e-9f60-7a8b9c0d1e2f",
            "revision": 1,
            **d,
        }
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_loader_never_crashes(value):
    data = json.dumps(value).encode()
    try:
        filing, _ = record.load(data)
    except record.NotAFiling:
        return
    rules.validate(filing, at=AT)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_bytes_never_crash_the_loader(data):
    with contextlib.suppress(record.NotAFiling):
        record.load(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([f.id for f in DEFINITION.fields] + ["x"]), json_values))
def test_any_shape_under_known_keys_never_crashes(extra):
    filing = record.new_filing()
    filing.update(extra)
    filing["form"] = DEFINITION.id
    rules.validate(filing, at=AT)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(filing_strategy())
def test_rules_never_crash_and_report_is_consistent(filing):
    report = rules.validate(filing, at=AT)
    for p in report.problems:
        assert p.severity in ("error", "warning") and p.message
    # Validating the normalised filing again finds no new kinds of problem.
    again = rules.validate(report.normalized, at=AT)
    assert {p.code for p in again.problems} <= {p.code for p in report.problems}


@settings(deadline=None)
@given(clerk_text)
def test_normalisation_is_idempotent(text):
    for kind in ("text", "multiline", "person_name", "cert_no", "uscc"):
        once = normalize.by_type(kind, text)
        assert normalize.by_type(kind, once) == once


def test_normalisation_settles_compositions():
    assert normalize.by_type("cert_no", "A\u00b4") == "\u00c1"
