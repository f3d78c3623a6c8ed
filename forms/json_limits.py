"""Strict, bounded JSON for everything that reads a filing, a bundle or a changes file.

``json.loads`` alone takes whatever it is given: nesting until the interpreter's
recursion limit (and past it in whatever walks the value next), integer literals of any
length (Python refuses to convert more than 4,300 digits, with a ValueError nobody
expects), ``NaN`` and ``Infinity`` (not JSON, and not what another parser reads), and
duplicate keys (the last one wins here, the first one in other parsers — two readers of
one accepted body could see two different ``lead_unit``). Every reader in ``forms``, the
desk and the office goes through :func:`loads`, which checks these before the work they
limit: nesting depth and list lengths are counted by a scan of the text *before* it is
parsed; numbers and keys are checked while parsing.

The limits are above what a filing needs (it nests 3 levels, its longest list has at
most 30 rows) and low enough that validating, hashing and storing what passes is cheap.
Readers of other documents (a changes file, the office's answers) pass their own
``max_items``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 16  # a filing nests 3 levels; a bundle adds 2, a changes file 2
# The longest list of a filing has at most 30 rows (inspectors, the definition's
# max_items): up to 100 the rules say "too many" (422); beyond, validating each row is
# work no filing needs, and 5,400 officers took 0.5 s of CPU from every other unit.
MAX_ARRAY_ITEMS = 100
MAX_NUMBER_LENGTH = 40  # characters of one number literal; a revision has at most 10 digits
MAX_REVISION = 2**31 - 1  # every SQLite, PostgreSQL and JSON reader holds this exactly

# A JSON string (with its escapes) or one structural character. Strings are matched whole
# so that brackets and commas inside them are not counted.
_TOKEN_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]', re.DOTALL)


class JsonLimitError(ValueError):
    """The text is JSON beyond a limit, or not the JSON every reader agrees on.

    ``str(exc)`` is a one-line Chinese reason."""


def _tokens(text: str) -> Iterator[re.Match[str]]:
    return _TOKEN_RE.finditer(text)


def check_shape(text: str, *, max_depth: int = MAX_DEPTH, max_items: int = MAX_ARRAY_ITEMS) -> None:
    """Refuse nesting deeper than ``max_depth`` or a list longer than ``max_items``.

    A linear scan that stops at the first excess; it does not check that the text is JSON
    (the parser does that next)."""
    stack: list[list[int]] = []  # per open bracket: [is_list, commas seen]
    for match in _tokens(text):
        char = match.group()
        if char in "[{":
            stack.append([char == "[", 0])
            if len(stack) > max_depth:
                raise JsonLimitError(f"JSON 嵌套超过 {max_depth} 层，不是本程序的文件")
        elif char in "]}":
            if stack:
                stack.pop()
        elif char == "," and stack and stack[-1][0]:
            stack[-1][1] += 1
            if stack[-1][1] >= max_items:
                raise JsonLimitError(f"JSON 列表超过 {max_items} 项，不是本程序的文件")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonLimitError(f"JSON 中有重复的键“{key[:40]}”，无法确定以哪个为准")
        result[key] = value
    return result


def _bounded_int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise JsonLimitError(f"JSON 中的数字超过 {MAX_NUMBER_LENGTH} 位")
    return int(literal)


def _bounded_float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise JsonLimitError(f"JSON 中的数字超过 {MAX_NUMBER_LENGTH} 位")
    value = float(literal)
    if not math.isfinite(value):
        raise JsonLimitError("JSON 中的数字超出范围")
    return value


def _no_constant(name: str) -> Any:
    raise JsonLimitError(f"JSON 不允许 {name}")


_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicate_keys,
    parse_int=_bounded_int,
    parse_float=_bounded_float,
    parse_constant=_no_constant,
)


def loads(text: str, *, max_depth: int = MAX_DEPTH, max_items: int = MAX_ARRAY_ITEMS) -> Any:
    """Parse JSON within the limits.

    Raises :class:`JsonLimitError` beyond a limit and ``json.JSONDecodeError`` for text
    that is not JSON; nothing else (no RecursionError, no ValueError of int())."""
    check_shape(text, max_depth=max_depth, max_items=max_items)
    try:
        return _DECODER.decode(text)
    except RecursionError:  # unreachable within MAX_DEPTH; kept so no caller sees it
        raise JsonLimitError(f"JSON 嵌套超过 {max_depth} 层，不是本程序的文件") from None


def revision_problem(value: Any) -> str | None:
    """Why ``value`` cannot be a filing's revision number at parse time, or None.

    Only the range is checked here (a revision beyond 32 bits cannot be stored or compared
    everywhere alike); a missing, zero or non-integer revision is a problem of the rules."""
    if isinstance(value, int) and not isinstance(value, bool) and value > MAX_REVISION:
        return f"修订版次超出范围（最大 {MAX_REVISION}）"
    return None


def split_list(text: str, key: str) -> tuple[str, list[str]] | None:
    """``text`` (a JSON object) with the list under top-level ``key`` emptied, and that
    list's items as texts; None when there is no such list.

    Offline bundles carry many filings in one file: each item is then parsed (and
    refused) on its own, so one filing beyond a limit refuses only that filing. Depth
    and length of the envelope itself are for the caller to check on what is returned.
    """
    depth = 0
    expect_key = False
    last_string: re.Match[str] | None = None
    start = end = -1
    items: list[str] = []
    item_start = -1
    for match in _tokens(text):
        char = match.group()
        if start >= 0 and end < 0:
            # Inside the list: items are separated by commas at the list's own depth.
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 1:
                    end = match.start()
                    items.append(text[item_start:end])
            elif char == "," and depth == 2:
                items.append(text[item_start : match.start()])
                item_start = match.end()
            continue
        if char in "[{":
            depth += 1
            if (
                depth == 2
                and char == "["
                and last_string is not None
                and _is_key(text, last_string, match.start(), key)
            ):
                if start >= 0:
                    return None  # the key twice: the strict parse of the envelope says so
                start, item_start = match.start(), match.end()
            expect_key = char == "{"
        elif char in "]}":
            depth -= 1
        elif char == ",":
            expect_key = depth == 1
        elif depth == 1 and expect_key:
            last_string = match
            expect_key = False
    if start < 0 or end < 0:
        return None
    items = [item for item in items if item.strip()] if len(items) == 1 else items
    return text[:start] + "[]" + text[end + 1 :], items


def _is_key(text: str, string: re.Match[str], bracket: int, key: str) -> bool:
    between = text[string.end() : bracket]
    if between.strip() != ":":
        return False
    try:
        return bool(json.loads(string.group()) == key)
    except json.JSONDecodeError:
        return False
