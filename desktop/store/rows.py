"""Reading and writing one filing's rows: its state (``filings``), content
(``filing_docs``) and search entries (``filings_fts``, ``filings_grams``).

Every change of a filing takes the next ``seq``, and its search entries move with it
(their rowid is the seq). These helpers run inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from desktop.store import search
from desktop.store.api import FilingRow

_COLUMNS = (
    "f.id, f.revision, f.status, d.filing, f.created_at, f.updated_at, f.receipt,"
    " f.return_reason, f.last_error"
)
SELECT = f"SELECT {_COLUMNS} FROM filings f JOIN filing_docs d ON d.filing_id = f.id"
SUMMARY_COLUMNS = (
    "f.id, f.revision, f.status, f.enterprise, f.uscc, f.lead_unit, f.inspection_start,"
    " f.receipt, f.updated_at, f.kind, f.inspection_end_date, f.reviewed_revision"
)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def stored_error(text: str, problem: dict[str, Any] | None) -> str:
    """A send failure as kept in ``last_error``: the terminal's text, and with it the
    problem's code and params (``{"code", "params"}``) so the window can word it itself."""
    if problem is None:
        return text
    return dumps({"code": problem.get("code"), "params": problem.get("params", {}), "text": text})


def _coded(value: str | None) -> dict[str, Any] | None:
    if not value or not value.startswith("{"):
        return None
    try:
        coded = json.loads(value)
    except ValueError:
        return None
    if not isinstance(coded, dict) or not isinstance(coded.get("code"), str):
        return None
    return coded


def error_text(value: str | None) -> str | None:
    """The terminal's text of a stored ``last_error`` (plain text from older versions too)."""
    coded = _coded(value)
    return str(coded.get("text", "")) if coded is not None else value


def error_problem(value: str | None) -> dict[str, Any] | None:
    """The ``{"code", "params"}`` of a stored ``last_error``; None for old plain text."""
    coded = _coded(value)
    if coded is None:
        return None
    params = coded.get("params")
    return {"code": coded["code"], "params": params if isinstance(params, dict) else {}}


def to_row(r: tuple[Any, ...]) -> FilingRow:
    return FilingRow(
        id=r[0],
        revision=r[1],
        status=r[2],
        filing=json.loads(r[3]),
        created_at=r[4],
        updated_at=r[5],
        receipt=r[6],
        return_reason=r[7],
        last_error=error_text(r[8]),
        last_problem=error_problem(r[8]),
    )


def fetch(conn: sqlite3.Connection, filing_id: str) -> FilingRow | None:
    r = conn.execute(f"{SELECT} WHERE f.id = ?", (filing_id,)).fetchone()
    return to_row(r) if r else None


def next_seq(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM filings").fetchone()[0])


def _index(conn: sqlite3.Connection, seq: int, filing: dict[str, Any], receipt: str | None) -> None:
    conn.execute(
        "INSERT INTO filings_fts (rowid, search_text) VALUES (?, ?)",
        (seq, search.search_text(filing, receipt)),
    )
    conn.execute(
        "INSERT INTO filings_grams (rowid, grams) VALUES (?, ?)",
        (seq, search.grams(filing, receipt)),
    )


def unindex(conn: sqlite3.Connection, filing_id: str) -> None:
    """Take a filing out of the search indexes (a discarded draft)."""
    (seq,) = conn.execute("SELECT seq FROM filings WHERE id = ?", (filing_id,)).fetchone()
    _unindex(conn, seq)


def _unindex(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("DELETE FROM filings_fts WHERE rowid = ?", (seq,))
    conn.execute("DELETE FROM filings_grams WHERE rowid = ?", (seq,))


def _summary_values(filing: dict[str, Any]) -> tuple[Any, ...]:
    cols = search.summary(filing)
    return (
        cols["kind"],
        cols["enterprise"],
        cols["uscc"],
        cols["lead_unit"],
        cols["inspection_start"],
        cols["inspection_date"],
        cols["inspection_end_date"],
    )


def insert(conn: sqlite3.Connection, filing: dict[str, Any], status: str, at: str) -> None:
    """A new filing (its id must be free)."""
    seq = next_seq(conn)
    conn.execute(
        """INSERT INTO filings (id, revision, status, created_at, updated_at, seq, kind,
               enterprise, uscc, lead_unit, inspection_start, inspection_date,
               inspection_end_date)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (filing["id"], filing["revision"], status, at, at, seq, *_summary_values(filing)),
    )
    conn.execute(
        "INSERT INTO filing_docs (filing_id, filing) VALUES (?, ?)", (filing["id"], dumps(filing))
    )
    _index(conn, seq, filing, None)


def write(
    conn: sqlite3.Connection,
    filing_id: str,
    filing: dict[str, Any],
    at: str,
    **columns: Any,
) -> None:
    """New content (and any state ``columns``, e.g. status) for an existing filing."""
    old_seq, receipt = conn.execute(
        "SELECT seq, receipt FROM filings WHERE id = ?", (filing_id,)
    ).fetchone()
    receipt = columns.get("receipt", receipt)
    seq = next_seq(conn)
    names = "".join(f", {k} = ?" for k in columns)
    conn.execute(
        f"""UPDATE filings SET updated_at = ?, seq = ?, kind = ?, enterprise = ?, uscc = ?,
                lead_unit = ?, inspection_start = ?, inspection_date = ?,
                inspection_end_date = ?{names}
            WHERE id = ?""",
        (at, seq, *_summary_values(filing), *columns.values(), filing_id),
    )
    conn.execute(
        "UPDATE filing_docs SET filing = ? WHERE filing_id = ?", (dumps(filing), filing_id)
    )
    _unindex(conn, old_seq)
    _index(conn, seq, filing, receipt)


def touch(conn: sqlite3.Connection, filing_id: str, at: str, **columns: Any) -> None:
    """New state ``columns`` without new content: the search entries move to the new seq."""
    (old_seq,) = conn.execute("SELECT seq FROM filings WHERE id = ?", (filing_id,)).fetchone()
    seq = next_seq(conn)
    names = "".join(f", {k} = ?" for k in columns)
    conn.execute(
        f"UPDATE filings SET updated_at = ?, seq = ?{names} WHERE id = ?",
        (at, seq, *columns.values(), filing_id),
    )
    for table, column in (("filings_fts", "search_text"), ("filings_grams", "grams")):
        conn.execute(
            f"INSERT INTO {table} (rowid, {column})"
            f" SELECT ?, {column} FROM {table} WHERE rowid = ?",
            (seq, old_seq),
        )
        conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (old_seq,))
