import json

import pytest

from forms import record


def dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def test_round_trip(good_filing):
    filing, problems = record.load(dumps(good_filing))
    assert problems == []
    assert json.loads(record.dump(filing)) == good_filing


def test_dump_is_stable_and_in_definition_order(good_filing):
    shuffled = dict(reversed(list(good_filing.items())))
    text = record.dump(shuffled)
    assert text == record.dump(good_filing)
    assert list(json.loads(text))[:4] == ["form", "id", "revision", "kind"]


def test_utf8_bom_is_accepted(good_filing):
    filing, problems = record.load(b"\xef\xbb\xbf" + dumps(good_filing))
    assert problems == [] and filing["lead_unit"] == good_filing["lead_unit"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'"text"',
        b"{}",
        b'{"form": 3}',
        b'{"form": "xiangtan-beian/1999"}',
        b"\xff\xfe\x00",
        b"[" * 100_000,
    ],
)
def test_not_a_filing(data):
    with pytest.raises(record.NotAFiling):
        record.load(data)


def test_too_large_document_is_refused():
    with pytest.raises(record.NotAFiling, match="过大"):
        record.parse(b" " * (record.MAX_DOCUMENT_BYTES + 1))


def test_unknown_keys_are_reported_not_dropped(good_filing):
    good_filing["colour"] = "red"
    good_filing["leader"]["nickname"] = "小王"
    good_filing["inspectors"][0]["age"] = 30
    filing, problems = record.load(dumps(good_filing))
    assert {(p.field, p.code) for p in problems} == {
        ("colour", "unknown_key"),
        ("leader.nickname", "unknown_key"),
        ("inspectors[0].age", "unknown_key"),
    }
    assert filing["colour"] == "red"
    assert json.loads(record.dump(filing))["leader"]["nickname"] == "小王"


@pytest.mark.parametrize(
    "key,value,path",
    [
        ("revision", "1", "revision"),
        ("revision", True, "revision"),
        ("lead_unit", 42, "lead_unit"),
        ("joint_units", "湘潭市应急管理局", "joint_units"),
        ("joint_units", ["ok", 3], "joint_units[1]"),
        ("leader", "熊平华", "leader"),
        ("inspectors", {"name": "易桐"}, "inspectors"),
        ("inspectors", ["易桐"], "inspectors[0]"),
        ("revision", None, "revision"),  # null is "not given" except for meta fields
    ],
)
def test_wrong_types_are_reported(good_filing, key, value, path):
    good_filing[key] = value
    _, problems = record.load(dumps(good_filing))
    assert [(p.field, p.code) for p in problems] == [(path, "wrong_type")]
    assert problems[0].severity == "error"
    assert "类型" in problems[0].message


@pytest.mark.parametrize(
    "value,code",
    [
        ("2026-12-03 09:00", "timestamp_no_offset"),
        ("2026-12-03T09:00:00", "timestamp_no_offset"),
        ("2026-12-03", "bad_timestamp"),
        ("下周三上午", "bad_timestamp"),
        ("2026-13-03T09:00:00+08:00", "bad_timestamp"),
        ("2026-12-03T09:00:00+25:00", "bad_timestamp"),
        ("0001-01-01T00:00:00+08:00", "bad_timestamp"),
        ("9999-12-31T23:59:59+08:00", "bad_timestamp"),
    ],
)
def test_timestamps_are_never_guessed(good_filing, value, code):
    good_filing["inspection_start"] = value
    _, problems = record.load(dumps(good_filing))
    assert [(p.field, p.code) for p in problems] == [("inspection_start", code)]


def test_other_offsets_are_accepted(good_filing):
    good_filing["inspection_start"] = "2026-12-03T01:00:00Z"
    _, problems = record.load(dumps(good_filing))
    assert problems == []


def test_new_filing_is_blank_with_a_fresh_id():
    a, b = record.new_filing(), record.new_filing()
    assert a["id"] != b["id"] and a["revision"] == 1 and a["kind"] == "prior"
    assert a["leader"] == {"name": "", "title": "", "phone": "", "cert_no": ""}
    assert a["inspectors"] == [{"name": "", "cert_no": ""}]
    assert "post_hoc_reason" not in a
    assert "post_hoc_reason" in record.new_filing(kind="post_hoc")
    assert record.structure_problems(a) == []


def test_content_digest_tracks_content(good_filing):
    digest = record.content_digest(good_filing)
    assert len(digest) == record.DIGEST_LENGTH
    assert record.content_digest(dict(reversed(list(good_filing.items())))) == digest
    good_filing["content"] += "。"
    assert record.content_digest(good_filing) != digest


def test_format_timestamp_is_shanghai_with_offset():
    value = record.parse_timestamp("2026-12-03T01:00:00Z")
    assert record.format_timestamp(value) == "2026-12-03T09:00:00+08:00"
