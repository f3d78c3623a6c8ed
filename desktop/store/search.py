"""What the list shows and searches: summary columns, search text and short-query grams
of a filing, and the SQL for a ListQuery.

Two FTS5 indexes, both keyed by the filing's change sequence (``seq``):

- ``filings_fts``: every piece of text, trigram-tokenised. Works for Chinese without a
  word segmenter, but only for terms of three or more characters.
- ``filings_grams``: for shorter terms — a two-character name such as 易桐 is common —
  the one- and two-character pieces of names, units and codes (Latin letters and digits
  as whole words, matched by prefix). A LIKE scan would do the same but reads every
  row: about a second at 100,000 filings, against a millisecond here.

Because the indexes are keyed by ``seq``, the default order (most recently changed
first) is the index's own order: a search reads one page of matches and stops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from desktop.store.api import STATUSES, ListQuery
from forms import normalize
from forms.record import SHANGHAI, BadTimestamp, parse_timestamp

# Sort keys of ListQuery → indexed column. "updated_at" sorts by the change sequence,
# which follows the order of saves even when the PC clock was changed in between.
SORT_COLUMNS = {
    "updated_at": "seq",
    "inspection_start": "inspection_start",
    "enterprise": "enterprise",
    "status": "status",
    "receipt": "receipt",
}

KINDS = ("prior", "post_hoc")  # the form's kinds, as ListQuery.kinds may name them
MAX_TERMS = 8  # more words than this in a search box is a paste accident
SHORT = 3  # terms shorter than this go to the grams index
# Sorted by anything but the change order, a search either sorts its matches or walks
# the sort column's index checking each row's text. Past this many matches (10% of
# 100,000) walking is cheaper: a page of matches turns up within a few thousand rows.
DENSE = 10_000
SORT_INDEXES = {
    "inspection_start": "filings_by_inspection",
    "enterprise": "filings_by_enterprise",
    "status": "filings_by_status",
    "receipt": "filings_by_receipt",
}

# Keys that carry no text a clerk would search for.
_SKIPPED_KEYS = {"form", "id", "revision", "kind"}
_WORD_RE = re.compile(r"[^\W_]+")  # letters and digits of any script
_ASCII_RUN_RE = re.compile(r"[0-9a-z]+|[^0-9a-z]+")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- what is stored ---------------------------------------------------------------------


def summary(filing: dict[str, Any]) -> dict[str, Any]:
    """The denormalised list columns of one filing (missing or odd values give '')."""
    enterprise = filing.get("enterprise")
    if not isinstance(enterprise, dict):
        enterprise = {}
    start = _text(filing.get("inspection_start")).strip()
    return {
        "kind": _text(filing.get("kind")),
        "enterprise": normalize.single_line(_text(enterprise.get("name"))),
        "uscc": normalize.uscc(_text(enterprise.get("uscc"))),
        "lead_unit": normalize.single_line(_text(filing.get("lead_unit"))),
        "inspection_start": start,
        "inspection_date": inspection_date(start),
        "inspection_end_date": inspection_date(_text(filing.get("inspection_end")).strip()),
    }


def inspection_date(text: str) -> str | None:
    try:
        return parse_timestamp(text).astimezone(SHANGHAI).date().isoformat()
    except BadTimestamp:
        return None


def _strings(value: Any, key: str = "") -> list[str]:
    if key in _SKIPPED_KEYS:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def search_text(filing: dict[str, Any], receipt: str | None = None) -> str:
    """Every piece of text in the filing (and its receipt number), normalised, one per line."""
    parts = [normalize.single_line(s) for s in _strings(filing)]
    # The credit code also as one word, however it was typed ("9143 0304 …").
    enterprise = filing.get("enterprise")
    if isinstance(enterprise, dict) and _text(enterprise.get("uscc")):
        parts.append(normalize.uscc(enterprise["uscc"]))
    if receipt:
        parts.append(receipt)
    # lower case: the trigram index ignores case anyway, and a row check can use instr()
    return "\n".join(p for p in parts if p).lower()


def _short_fields(filing: dict[str, Any]) -> list[str]:
    out = [_text(filing.get("lead_unit"))]
    joint = filing.get("joint_units")
    if isinstance(joint, list):
        out += [_text(u) for u in joint]
    enterprise = filing.get("enterprise")
    if isinstance(enterprise, dict):
        out += [_text(enterprise.get(k)) for k in ("name", "uscc", "park")]
        out.append(normalize.uscc(_text(enterprise.get("uscc"))))
    people = [filing.get("leader")]
    if isinstance(filing.get("inspectors"), list):
        people += filing["inspectors"]
    for person in people:
        if isinstance(person, dict):
            out += [_text(person.get(k)) for k in ("name", "title", "cert_no")]
    return out


def _pieces(run: str) -> set[str]:
    """One run of letters/digits → its index tokens: Latin/digit words whole, every
    other script as single characters and pairs."""
    tokens: set[str] = set()
    for part in _ASCII_RUN_RE.findall(run):
        if part.isascii():
            tokens.add(part)
        else:
            tokens.update(part)
            tokens.update(part[i : i + 2] for i in range(len(part) - 1))
    return tokens


def grams(filing: dict[str, Any], receipt: str | None = None) -> str:
    """The grams index text: the tokens of names, units and codes, space-separated."""
    tokens: set[str] = set()
    for text in [*_short_fields(filing), receipt or ""]:
        for run in _WORD_RE.findall(normalize.nfkc(text).lower()):
            tokens |= _pieces(run)
    return " ".join(sorted(tokens))


# --- what is asked ----------------------------------------------------------------------


def terms(text: str) -> list[str]:
    """The words of a search box, normalised like the stored text."""
    return normalize.nfkc(text).lower().split()[:MAX_TERMS]


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _gram_parts(term: str) -> list[str]:
    """The grams tokens of a short term (Latin/digit parts are matched as prefixes)."""
    return [part for run in _WORD_RE.findall(term) for part in _ASCII_RUN_RE.findall(run)]


def _gram_query(parts: list[str]) -> str:
    return " AND ".join(_quoted(p) + ("*" if p.isascii() else "") for p in parts)


@dataclass
class Plan:
    """The SQL pieces for one ListQuery over ``filings f``."""

    matches: list[tuple[str, str]] = field(default_factory=list)  # (fts table, MATCH query)
    clauses: list[str] = field(default_factory=list)  # on filings f
    params: list[Any] = field(default_factory=list)
    impossible: bool = False  # a term that can match nothing
    # The same text conditions checked row by row (for walking a sort index).
    row_checks: list[str] = field(default_factory=list)
    row_params: list[Any] = field(default_factory=list)


_TEXT_OF_ROW = "(SELECT search_text FROM filings_fts WHERE rowid = f.seq)"
_GRAMS_OF_ROW = "(SELECT ' ' || grams || ' ' FROM filings_grams WHERE rowid = f.seq)"


def plan(query: ListQuery) -> Plan:
    p = Plan()
    words = terms(query.text)
    long_words = [w for w in words if len(w) >= SHORT]
    if long_words:
        p.matches.append(("filings_fts", " AND ".join(_quoted(w) for w in long_words)))
        for w in long_words:
            p.row_checks.append(f"instr({_TEXT_OF_ROW}, ?) > 0")
            p.row_params.append(w)
    short = [_gram_parts(w) for w in words if len(w) < SHORT]
    if any(not parts for parts in short):
        p.impossible = True
    elif short:
        p.matches.append(("filings_grams", " AND ".join(_gram_query(q) for q in short)))
        for part in (part for parts in short for part in parts):
            p.row_checks.append(f"instr({_GRAMS_OF_ROW}, ?) > 0")
            p.row_params.append(f" {part}" if part.isascii() else f" {part} ")
    if query.statuses:
        statuses = [s for s in query.statuses if s in STATUSES]
        if not statuses:
            p.impossible = True
        p.clauses.append(f"f.status IN ({', '.join('?' for _ in statuses)})")
        p.params.extend(statuses)
    if query.date_from is not None:
        p.clauses.append("f.inspection_date >= ?")
        p.params.append(query.date_from.isoformat())
    if query.date_to is not None:
        p.clauses.append("f.inspection_date <= ?")
        p.params.append(query.date_to.isoformat())
    if query.kinds:
        # Inline (from a fixed set), so that SQLite can use the partial index of
        # post-hoc filings by end date.
        kinds = [k for k in query.kinds if k in KINDS]
        if not kinds:
            p.impossible = True
        p.clauses.append(f"f.kind IN ({', '.join(repr(k) for k in kinds)})")
    if query.ended_by is not None:
        p.clauses.append("f.inspection_end_date <= ?")
        p.params.append(query.ended_by.isoformat())
    if not p.matches:
        # Discarded drafts leave the search indexes, so a text match never finds them.
        p.clauses.append("f.discarded_at IS NULL")
    return p


def _where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


def density_sql(query: ListQuery) -> tuple[str, list[Any]] | None:
    """SELECT telling whether a text search sorted by a column is dense (the count of
    matches of its first index, up to DENSE + 1); None when that does not matter."""
    p = plan(query)
    if p.impossible or not p.matches or SORT_COLUMNS.get(query.sort, "seq") == "seq":
        return None
    table, match = p.matches[0]
    sql = f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?)"
    return sql, [match, DENSE + 1]


def list_sql(
    query: ListQuery, columns: str, *, dense: bool = False
) -> tuple[str, list[Any]] | None:
    """SELECT of one page of ``query``; None when nothing can match. ``dense``: the text
    matches more than DENSE filings (see density_sql)."""
    p = plan(query)
    if p.impossible:
        return None
    column = SORT_COLUMNS.get(query.sort, "seq")
    direction = "DESC" if query.descending else "ASC"
    limit = max(0, min(int(query.limit), 10_000))
    offset = max(0, int(query.offset))
    if p.matches and column == "seq":
        # Walk the first index in its own (seq) order, stop after one page.
        (table, match), rest = p.matches[0], p.matches[1:]
        clauses = [f"{table} MATCH ?"]
        params: list[Any] = [match]
        for other, other_match in rest:
            clauses.append(f"f.seq IN (SELECT rowid FROM {other} WHERE {other} MATCH ?)")
            params.append(other_match)
        sql = (
            f"SELECT {columns} FROM {table} t JOIN filings f ON f.seq = t.rowid"
            f"{_where(clauses + p.clauses)} ORDER BY t.rowid {direction} LIMIT ? OFFSET ?"
        )
        return sql, [*params, *p.params, limit, offset]
    source = "filings f"
    clauses, params = [], []
    if p.matches and dense:
        # Walk the sort column's index; check each row's text until a page is full.
        source += f" INDEXED BY {SORT_INDEXES[column]}"
        clauses, params = list(p.row_checks), list(p.row_params)
    else:
        for table, match in p.matches:
            clauses.append(f"f.seq IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)")
            params.append(match)
    order = f"f.seq {direction}"
    if column != "seq":
        order = f"f.{column} {direction}, {order}"
    sql = f"SELECT {columns} FROM {source}{_where(clauses + p.clauses)} ORDER BY {order}"
    return sql + " LIMIT ? OFFSET ?", [*params, *p.params, limit, offset]


def count_sql(query: ListQuery, *, cap: int | None = None) -> tuple[str, list[Any]] | None:
    """SELECT count(*) for ``query``; None when nothing can match. With ``cap`` the
    count stops at cap + 1 rows (more than ``cap`` is all a caller needs to know)."""
    p = plan(query)
    if p.impossible:
        return None
    if len(p.matches) == 1 and not p.clauses:
        table, match = p.matches[0]
        select, params = f"SELECT {{}} FROM {table} WHERE {table} MATCH ?", [match]
    else:
        clauses, params = [], []
        for table, match in p.matches:
            clauses.append(f"f.seq IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)")
            params.append(match)
        select = f"SELECT {{}} FROM filings f{_where(clauses + p.clauses)}"
        params = [*params, *p.params]
    if cap is None:
        return select.format("count(*)"), params
    return f"SELECT count(*) FROM ({select.format('1')} LIMIT {int(cap) + 1})", params
