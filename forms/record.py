"""The interchange format: one filing as JSON (docs/office-api.md, POST /filings).

A filing is kept as a plain ``dict`` shaped like its JSON so that the editor, the
store, the PDF and the office all share one representation. Loading is strict:
unknown keys, wrong types and unparseable timestamps become problems — nothing is
dropped or guessed. Input that is not a filing at all raises :class:`NotAFiling`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from forms.definition import (
    DEFAULT_FORM_ID,
    JSON_TYPE_NAMES,
    FieldDef,
    FormDefinition,
    load_definition,
)
from forms.json_limits import JsonLimitError, revision_problem
from forms.json_limits import loads as bounded_json
from forms.problems import Problem, problem

Filing = dict[str, Any]

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991

# Refuse absurd input before parsing it: a filing is a few kilobytes.
MAX_DOCUMENT_BYTES = 5_000_000


# Inspections happen in this century; anything else is a typo.
MIN_YEAR, MAX_YEAR = 2000, 2099


class NotAFiling(ValueError):  # noqa: N818 - reads better at call sites than NotAFilingError
    """The input is not a filing at all (not JSON, not an object, unknown form)."""


class BadTimestamp(ValueError):  # noqa: N818
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code  # "bad_timestamp" or "timestamp_no_offset"


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 timestamp with an offset. Raises BadTimestamp, never guesses a zone."""
    if not isinstance(text, str) or not 10 <= len(text) <= 40:
        raise BadTimestamp("bad_timestamp")
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadTimestamp("bad_timestamp") from None
    if "T" not in text and " " not in text.strip():
        raise BadTimestamp("bad_timestamp")  # a bare date is not a moment
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadTimestamp("timestamp_no_offset")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise BadTimestamp("bad_timestamp")  # a typo, and date arithmetic must stay in range
    return value


def format_timestamp(value: datetime) -> str:
    """ISO 8601 in Shanghai time with its offset, to the second."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


def now() -> datetime:
    return datetime.now(SHANGHAI)


def parse(data: str | bytes) -> Filing:
    """Parse JSON text into a filing dict, or raise NotAFiling with a one-line reason."""
    if isinstance(data, bytes):
        if len(data) > MAX_DOCUMENT_BYTES:
            raise NotAFiling(f"文件过大（超过 {MAX_DOCUMENT_BYTES // 1000} KB），不是备案表")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NotAFiling("文件不是 UTF-8 编码的文本") from None
    elif len(data) > MAX_DOCUMENT_BYTES:
        raise NotAFiling(f"文件过大（超过 {MAX_DOCUMENT_BYTES // 1000} KB），不是备案表")
    try:
        value = bounded_json(data)
    except JsonLimitError as exc:
        raise NotAFiling(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise NotAFiling(f"不是有效的 JSON：{exc}") from None
    if isinstance(value, dict) and (too_high := revision_problem(value.get("revision"))):
        raise NotAFiling(too_high)
    if _has_lone_surrogate(value):
        # JSON may spell half of a UTF-16 pair ("\\ud800"); no text can hold it, and
        # everything that encodes the filing next (digest, SQLite, PDF) would fail on it.
        raise NotAFiling("文件中有无效的字符（不成对的 Unicode 代理码），不是有效的备案表")
    filing = as_filing(value)
    _drop_nulls(filing, definition_of(filing).fields)
    return filing


def _drop_nulls(obj: dict[str, Any], fields: tuple[FieldDef, ...]) -> None:
    """JSON null for a field means "not given": drop it, so that every reader (rules, PDF,
    store, digest) sees the filing without it. Meta fields keep null (a wrong type)."""
    for f in fields:
        value = obj.get(f.id)
        if value is None and f.id in obj and not f.meta:
            del obj[f.id]
        elif f.is_group and isinstance(value, dict):
            _drop_nulls(value, f.fields)
        elif f.is_repeat and isinstance(value, list):
            for row in value:
                if isinstance(row, dict):
                    _drop_nulls(row, f.fields)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads pairs what can be paired


def _has_lone_surrogate(value: Any) -> bool:
    pending = [value]  # a loop, not recursion: JSON may nest as deep as json.loads allows
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def as_filing(value: Any) -> Filing:
    """Check that a decoded JSON value is a filing of a known form."""
    if not isinstance(value, dict):
        raise NotAFiling("JSON 顶层不是对象，不是备案表")
    form_id = value.get("form")
    if not isinstance(form_id, str):
        raise NotAFiling("缺少表单版本（form），不是备案表")
    try:
        load_definition(form_id)
    except KeyError:
        raise NotAFiling(f"未知的表单版本：{form_id[:80]}") from None
    return value


def definition_of(filing: Filing) -> FormDefinition:
    return load_definition(filing["form"])


def _type_problem(f: FieldDef, path: str) -> Problem:
    expected = JSON_TYPE_NAMES[f.json_type.__name__]
    return problem(path, "wrong_type", label=f.label, expected=expected)


def _check_object(
    obj: dict[str, Any], fields: tuple[FieldDef, ...], prefix: str, out: list[Problem]
) -> None:
    known = {f.id: f for f in fields}
    for key in obj:
        if key not in known:
            out.append(problem(f"{prefix}{key}", "unknown_key", key=f"{prefix}{key}"))
    for f in fields:
        if f.id not in obj or (obj[f.id] is None and not f.meta):
            continue  # JSON null is "not given": the rules treat it as absent
        _check_value(f, obj[f.id], f"{prefix}{f.id}", out)


def _check_value(f: FieldDef, value: Any, path: str, out: list[Problem]) -> None:
    # bool is an int in Python; JSON true is never a revision number.
    # Any: the value's type is checked against the definition, which mypy cannot follow.
    value_type: Any = f.json_type
    if not isinstance(value, value_type) or isinstance(value, bool):
        out.append(_type_problem(f, path))
        return
    if f.is_group:
        _check_object(value, f.fields, f"{path}.", out)
    elif f.is_repeat:
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                out.append(problem(f"{path}[{i}]", "wrong_type", label=f.label, expected="对象"))
                continue
            _check_object(item, f.fields, f"{path}[{i}].", out)
    elif f.type == "text_list":
        for i, item in enumerate(value):
            if not isinstance(item, str):
                out.append(problem(f"{path}[{i}]", "wrong_type", label=f.label, expected="文本"))
    elif f.type == "datetime" and value.strip():  # blank is "missing", for the rules
        try:
            parse_timestamp(value)
        except BadTimestamp as exc:
            out.append(problem(path, exc.code, label=f.label))


def structure_problems(filing: Filing) -> list[Problem]:
    """Unknown keys, wrong JSON types and unparseable timestamps."""
    out: list[Problem] = []
    _check_object(filing, definition_of(filing).fields, "", out)
    return out


def load(data: str | bytes) -> tuple[Filing, list[Problem]]:
    """Parse and check the structure. Raises NotAFiling; other faults are problems."""
    filing = parse(data)
    return filing, structure_problems(filing)


def _ordered(value: Any, fields: tuple[FieldDef, ...]) -> Any:
    """Keys in definition order (unknown keys kept, last) so dumps are stable."""
    if not isinstance(value, dict):
        return value
    out = {}
    for f in fields:
        if f.id in value:
            v = value[f.id]
            if f.is_group:
                v = _ordered(v, f.fields)
            elif f.is_repeat and isinstance(v, list):
                v = [_ordered(item, f.fields) for item in v]
            out[f.id] = v
    for key, v in value.items():
        if key not in out:
            out[key] = v
    return out


def dump(filing: Filing, *, indent: int | None = 2) -> str:
    """The filing as interchange JSON (UTF-8 text, Chinese kept readable)."""
    ordered = _ordered(filing, definition_of(filing).fields)
    return json.dumps(ordered, ensure_ascii=False, indent=indent)


def canonical_bytes(filing: Filing) -> bytes:
    """A stable byte form of the content, for digests and conflict checks."""
    return json.dumps(filing, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


DIGEST_LENGTH = 16  # hex characters: 64 bits, enough to tell an altered paper copy apart


def content_digest(filing: Filing) -> str:
    """A short digest of a filing's content, printed in the QR code and checked by the
    office's verification page. Both sides compute it from the same canonical bytes."""
    return hashlib.sha256(canonical_bytes(filing)).hexdigest()[:DIGEST_LENGTH]


def new_filing(form_id: str = DEFAULT_FORM_ID, *, kind: str = "prior") -> Filing:
    """An empty filing with a fresh id, every field present and blank."""
    definition = load_definition(form_id)

    def blank(f: FieldDef) -> Any:
        if f.is_group:
            return {c.id: blank(c) for c in f.fields}
        if f.is_repeat:
            return [{c.id: blank(c) for c in f.fields} for _ in range(max(f.min_items, 1))]
        if f.type == "text_list":
            return []
        return ""

    filing: Filing = {}
    for f in definition.fields:
        if f.only_for_kind and f.only_for_kind != kind:
            continue
        filing[f.id] = blank(f)
    filing.update(form=form_id, id=str(uuid.uuid4()), revision=1, kind=kind)
    return filing


def copy_filing(filing: Filing) -> Filing:
    return copy.deepcopy(filing)
