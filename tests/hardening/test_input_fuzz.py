"""Property-based fuzzing of what comes from outside: filing files and roster/enterprise lists.

tests/forms/test_properties.py already holds that the loader and the rules never crash
on arbitrary JSON, bytes and clerk text. This module adds what that leaves open:

- the interchange round trip: whatever the loader accepts, ``dump`` writes back exactly
  (same content, same digest), including text the JSON carries as ``\\uXXXX`` escapes —
  and a lone UTF-16 surrogate, which no UTF-8 file can hold, is refused as "not a
  filing" rather than crashing whatever encodes it next (the digest, SQLite, the PDF);
- ``desktop.spreadsheets`` on random bytes, on random CSV tables in the encodings Excel writes,
  and on random and damaged XLSX workbooks: a result or ``ImportFailed`` with a Chinese
  message, never anything else, and every accepted row really is acceptable.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desktop import spreadsheets
from forms import identifiers, record, rules
from forms.certificates import default_cert_rules
from forms.definition import load_definition

AT = datetime.fromisoformat("2026-11-27T10:00:00+08:00")
DEFINITION = load_definition()
CHINESE = re.compile(r"[\u4e00-\u9fff]")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads pairs what can be paired
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- the interchange format ---------------------------------------------------------------

# Text as it reaches a filing file: CJK (also outside the BMP), full-width forms, quotes
# and backslashes JSON must escape, line separators, controls, and any other character.
file_text = st.text(
    alphabet=st.sampled_from(list('湘潭局张·－ "\\/\n\r\t\x00\x7f\x85\u2028\u2029\ufeff😀𬌗')),
    max_size=30,
) | st.text(max_size=30)


def filing_values():
    """A filing dict whose every field holds text, lists or odd JSON values."""
    leaf = file_text | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
    fields = {}
    for f in DEFINITION.fields:
        if f.meta:
            continue
        if f.is_group:
            fields[f.id] = st.fixed_dictionaries({c.id: file_text for c in f.fields})
        elif f.is_repeat:
            fields[f.id] = st.lists(
                st.fixed_dictionaries({c.id: file_text for c in f.fields}), max_size=3
            )
        elif f.type == "text_list":
            fields[f.id] = st.lists(file_text, max_size=3)
        else:
            fields[f.id] = file_text | leaf
    return st.fixed_dictionaries(
        fields, optional={"unknown_key": leaf, "revision": st.integers()}
    ).map(lambda d: {"form": DEFINITION.id, "id": "6f1c2a7e-3b4d-4c5e-9f60-7a8b9c0d1e2f", **d})


def without_nulls(filing: dict) -> dict:
    """The filing as given, less the fields given as null ("not given"; meta fields keep
    theirs), which is what loading it must produce."""

    def drop(obj: dict, fields) -> dict:
        out = {}
        for key, value in obj.items():
            f = next((f for f in fields if f.id == key), None)
            if f is not None and value is None and not f.meta:
                continue
            if f is not None and f.is_group and isinstance(value, dict):
                value = drop(value, f.fields)
            elif f is not None and f.is_repeat and isinstance(value, list):
                value = [drop(r, f.fields) if isinstance(r, dict) else r for r in value]
            out[key] = value
        return out

    return drop(filing, DEFINITION.fields)


@FUZZ
@given(filing_values(), st.booleans(), st.sampled_from([None, 2]))
def test_whatever_loads_dumps_back_to_the_same_content(filing, ascii_only, indent):
    data = json.dumps(filing, ensure_ascii=ascii_only, indent=indent).encode("utf-8")
    try:
        loaded, _problems = record.load(data)
    except record.NotAFiling:
        # Only what is beyond a limit of forms.json_limits is no filing at all.
        assert _beyond_json_limits(filing), filing
        return
    expected = without_nulls(filing)
    assert loaded == expected

    written = record.dump(loaded)
    again, _ = record.load(written.encode("utf-8"))
    assert again == loaded
    assert record.canonical_bytes(again) == record.canonical_bytes(expected)
    assert record.content_digest(again) == record.content_digest(expected)
    assert record.dump(again) == written  # stable: a second dump is byte for byte the same


def _beyond_json_limits(value) -> bool:  # type: ignore[no-untyped-def]
    from forms import json_limits

    if isinstance(value, dict):
        revision = value.get("revision")
        if json_limits.revision_problem(revision):
            return True
        return any(_beyond_json_limits(v) for v in value.values())
    if isinstance(value, list):
        return any(_beyond_json_limits(v) for v in value)
    if isinstance(value, float):
        return not math.isfinite(value) or len(repr(value)) > json_limits.MAX_NUMBER_LENGTH
    if isinstance(value, int) and not isinstance(value, bool):
        return len(str(value)) > json_limits.MAX_NUMBER_LENGTH
    return False


@FUZZ
@given(filing_values())
def test_the_rules_normalised_filing_round_trips_too(filing):
    report = rules.validate(filing, at=AT)
    written = record.dump(report.normalized)
    if _beyond_json_limits(report.normalized):
        with pytest.raises(record.NotAFiling):
            record.load(written.encode("utf-8"))
        return
    again, _ = record.load(written.encode("utf-8"))
    assert again == report.normalized
    record.content_digest(again)  # what the store and the office compute next
    rules.validate(again, at=AT)


# A surrogate escape: \ud800-\udbff (high) or \udc00-\udfff (low), possibly paired.
surrogate = st.integers(0xD800, 0xDFFF).map(lambda n: f"\\u{n:04x}")


@FUZZ
@given(
    st.lists(surrogate | file_text.map(lambda t: json.dumps(t)[1:-1]), min_size=1, max_size=6),
    st.sampled_from(["items", "content", "enterprise.name", "leader.phone"]),
)
def test_escaped_text_either_loads_as_real_text_or_is_refused(pieces, where):
    escaped = "".join(pieces)
    good = json.loads(json.dumps(_sample()))
    outer, _, inner = where.partition(".")
    marker = "@@HERE@@"
    if inner:
        good[outer][inner] = marker
    else:
        good[outer] = marker
    data = json.dumps(good, ensure_ascii=False).replace(marker, escaped).encode("utf-8")
    try:
        filing, _ = record.load(data)
    except record.NotAFiling as refused:
        assert CHINESE.search(str(refused))
        assert LONE_SURROGATE.search(json.loads(f'"{escaped}"'))
        return
    # Whatever loaded is real text: it encodes, digests and dumps.
    record.canonical_bytes(filing).decode("utf-8")
    assert record.load(record.dump(filing).encode("utf-8"))[0] == filing


def test_a_lone_surrogate_is_not_a_filing():
    data = json.dumps(_sample()).replace('"items": "', '"items": "\\udc80', 1).encode()
    with pytest.raises(record.NotAFiling, match="字符"):
        record.load(data)
    paired = json.dumps(_sample()).replace('"items": "', '"items": "\\ud83d\\ude00', 1)
    assert record.load(paired.encode())[0]["items"].startswith("😀")


def _sample() -> dict:
    return {
        "form": DEFINITION.id,
        "id": "6f1c2a7e-3b4d-4c5e-9f60-7a8b9c0d1e2f",
        "revision": 1,
        "kind": "prior",
        "lead_unit": "湘潭市市场监督管理局",
        "enterprise": {"name": "湘潭顺阳新材料科技股份有限公司", "uscc": "", "address": ""},
        "leader": {"name": "熊平华", "title": "", "phone": "13807321234", "cert_no": "43031119004"},
        "items": "食品生产许可条件保持情况",
        "content": "查看生产场所。",
    }


# --- imports: roster and enterprise directory ---------------------------------------------

CERT_RULES = default_cert_rules()
TODAY = date(2026, 11, 27)

cell_text = st.text(
    alphabet=st.sampled_from(
        list("湘潭张王·・ 　,，;\t\"'\n\r0１23４ABxy-－*（必填）年月日/.:\x00\ufeff𬌗")
    ),
    max_size=14,
) | st.text(max_size=14)
roster_headers = st.lists(
    st.sampled_from(
        ["姓名", "执法证号", "证号", "职务", "单位", "证件类型", "有效期至", "有效期", "备注", ""]
    ),
    min_size=1,
    max_size=7,
)
enterprise_headers = st.lists(
    st.sampled_from(["企业名称", "统一社会信用代码", "地址", "所在园区", "名称", "备注", ""]),
    min_size=1,
    max_size=6,
)


def _check_result(result: spreadsheets.ImportResult, kind: str, data_rows: int) -> None:
    assert result.kind == kind
    assert len(result.accepted) + len(result.rejected) <= data_rows
    for note in result.rejected + result.warnings:
        assert note.row >= 2 and CHINESE.search(note.message), note
    result.report_lines()  # the preview the window and the command line print
    if kind == "roster":
        numbers = [o.cert_no for o in result.officers]
        assert len(numbers) == len(set(numbers))
        for officer in result.officers:
            assert identifiers.check_person_name(officer.name) is None, officer
            assert CERT_RULES.accepts(officer.cert_no, officer.kind or None), officer
    else:
        codes = [e.uscc for e in result.enterprises if e.uscc]
        assert len(codes) == len(set(codes))
        for enterprise in result.enterprises:
            assert enterprise.name
            assert not enterprise.uscc or identifiers.check_uscc(enterprise.uscc) is None


def _read(kind: str, path):
    if kind == "roster":
        return spreadsheets.read_roster(path, cert_rules=CERT_RULES, today=TODAY)
    return spreadsheets.read_enterprises(path)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["roster", "enterprises"]))
def test_random_bytes_are_a_result_or_a_clear_refusal(tmp_path_factory, data, kind):
    path = tmp_path_factory.mktemp("bytes") / "名单.csv"
    path.write_bytes(data)
    try:
        result = _read(kind, path)
    except spreadsheets.ImportFailed as refused:
        assert CHINESE.search(str(refused))
        return
    _check_result(result, kind, data.count(b"\n") + data.count(b"\r") + 1)


@FUZZ
@given(
    st.sampled_from(["roster", "enterprises"]).flatmap(
        lambda kind: st.tuples(
            st.just(kind), roster_headers if kind == "roster" else enterprise_headers
        )
    ),
    st.lists(st.lists(cell_text, max_size=8), max_size=8),
    st.sampled_from(["utf-8-sig", "utf-8", "gb18030", "utf-16"]),
    st.sampled_from([",", "\t", ";"]),
    st.integers(0, 3),
)
def test_random_csv_tables(tmp_path_factory, kind_headers, rows, encoding, delimiter, title_rows):
    kind, header = kind_headers
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter)
    for _ in range(title_rows):
        writer.writerow(["湘潭市市场监督管理局执法人员名单"])
    writer.writerow(header)
    writer.writerows(rows)
    try:
        data = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        assume(False)  # a character GB18030 cannot hold is no file Excel would write
    path = tmp_path_factory.mktemp("csv") / "table.csv"
    path.write_bytes(data)
    try:
        result = _read(kind, path)
    except spreadsheets.ImportFailed as refused:
        assert CHINESE.search(str(refused))
        return
    _check_result(result, kind, len(rows) + sum(r.count("\n") for row in rows for r in row) + 1)


# Cells as openpyxl hands them back: text, numbers, dates, booleans, empty. Text without the
# control characters an .xlsx cannot store (openpyxl refuses to write them).
xlsx_cell = (
    cell_text.map(lambda t: re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", t))
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2099, 12, 31))
    | st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))
    | st.booleans()
    | st.none()
)


@settings(FUZZ, max_examples=40)
@given(
    st.sampled_from(["roster", "enterprises"]).flatmap(
        lambda kind: st.tuples(
            st.just(kind), roster_headers if kind == "roster" else enterprise_headers
        )
    ),
    st.lists(st.lists(xlsx_cell, max_size=7), max_size=6),
    st.booleans(),
)
def test_random_xlsx_workbooks(tmp_path_factory, kind_headers, rows, cover_sheet_first):
    from openpyxl import Workbook

    kind, header = kind_headers
    book = Workbook()
    sheet = book.active
    if cover_sheet_first:
        sheet.title = "说明"
        sheet.append(["本表由人事科维护"])
        sheet = book.create_sheet("名单")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path_factory.mktemp("xlsx") / "名单.xlsx"
    book.save(path)
    try:
        result = _read(kind, path)
    except spreadsheets.ImportFailed as refused:
        assert CHINESE.search(str(refused))
        return
    _check_result(result, kind, len(rows) + 1)


def _workbook_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "执法证号", "有效期至"])
    book.active.append(["熊平华", "43031119004", date(2027, 10, 31)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WORKBOOK = _workbook_bytes()


@settings(FUZZ, max_examples=60)
@given(st.lists(st.tuples(st.integers(0, len(WORKBOOK) - 1), st.integers(0, 255)), max_size=12))
def test_damaged_xlsx_workbooks(tmp_path_factory, flips):
    data = bytearray(WORKBOOK)
    for at, value in flips:
        data[at] = value
    path = tmp_path_factory.mktemp("damaged") / "名单.xlsx"
    path.write_bytes(bytes(data))
    try:
        result = spreadsheets.read_roster(path, cert_rules=CERT_RULES, today=TODAY)
    except spreadsheets.ImportFailed as refused:
        assert CHINESE.search(str(refused))
        return
    _check_result(result, "roster", 2)


def test_the_damaged_workbook_fuzzer_starts_from_a_readable_workbook(tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(WORKBOOK)
    assert zipfile.is_zipfile(path)
    result = spreadsheets.read_roster(path, cert_rules=CERT_RULES, today=TODAY)
    assert [(o.name, o.cert_no) for o in result.officers] == [("熊平华", "43031119004")]
