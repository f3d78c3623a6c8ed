"""What the list shows and searches: summary columns and search text from a filing,
and the SQL for a ListQuery.

Search uses an FTS5 trigram index (works for Chinese without a word segmenter). A trigram
index cannot answer terms shorter than three characters, so those — common for Chinese
names such as 易桐 — are matched with LIKE over the same text.
"""

from __future__ import annotations

from datetime import date
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

# Keys that carry no text a clerk would search for.
_SKIPPED_KEYS = {"form", "id", "revision", "kind"}

MAX_TERMS = 8  # more words than this in a search box is a paste accident


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


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
    return "\n".join(p for p in parts if p)


def terms(text: str) -> list[str]:
    """The words of a search box, normalised like the stored text."""
    return normalize.nfkc(text).split()[:MAX_TERMS]


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def where(query: ListQuery) -> tuple[str, list[Any]]:
    """The WHERE clause (with its parameters) for the filters and text of ``query``."""
    clauses: list[str] = []
    params: list[Any] = []
    words = terms(query.text)
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    if long_words:
        clauses.append("rowid IN (SELECT rowid FROM filings_fts WHERE filings_fts MATCH ?)")
        params.append(" AND ".join(_fts_phrase(w) for w in long_words))
    for w in short_words:
        clauses.append("search_text LIKE ? ESCAPE '\\'")
        params.append(_like_pattern(w))
    statuses = [s for s in query.statuses if s in STATUSES]
    if query.statuses:
        if not statuses:
            clauses.append("0")
        else:
            clauses.append(f"status IN ({', '.join('?' for _ in statuses)})")
            params.extend(statuses)
    if query.date_from is not None:
        clauses.append("inspection_date >= ?")
        params.append(_iso(query.date_from))
    if query.date_to is not None:
        clauses.append("inspection_date <= ?")
        params.append(_iso(query.date_to))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def order_by(query: ListQuery) -> str:
    column = SORT_COLUMNS.get(query.sort, "seq")
    direction = "DESC" if query.descending else "ASC"
    if column == "seq":
        return f" ORDER BY seq {direction}"
    return f" ORDER BY {column} {direction}, seq {direction}"


def _iso(day: date) -> str:
    return day.isoformat()
