"""The store's schema, as an ordered list of migrations.

``PRAGMA user_version`` holds the number of migrations applied. Each migration runs in
its own transaction together with the version bump, so a crash leaves the file at the
previous version, never half-way. The caller backs the file up before the first one.
Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from desktop.store.api import EVENT_KINDS, STATUSES


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _v1(conn: sqlite3.Connection) -> None:
    """The first schema: filings, revisions, events, outbox, settings, reference data."""
    statuses = _quoted(STATUSES)
    kinds = _quoted(EVENT_KINDS)
    _run_script(
        conn,
        f"""
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL              -- JSON
        );

        -- Current state of each filing, one row per id, kept narrow so the list can
        -- scan, sort and filter 100,000 of them quickly: the summary columns are copies
        -- of fields of the JSON, which lives in filing_docs.
        CREATE TABLE filings (
            id               TEXT PRIMARY KEY,
            revision         INTEGER NOT NULL CHECK (revision >= 1),
            status           TEXT NOT NULL CHECK (status IN ({statuses})),
            created_at       TEXT NOT NULL,
            updated_at       TEXT NOT NULL,
            seq              INTEGER NOT NULL UNIQUE,  -- change order; immune to clock jumps
            kind             TEXT NOT NULL DEFAULT '',
            enterprise       TEXT NOT NULL DEFAULT '',
            uscc             TEXT NOT NULL DEFAULT '',
            lead_unit        TEXT NOT NULL DEFAULT '',
            inspection_start TEXT NOT NULL DEFAULT '',
            inspection_date  TEXT,           -- YYYY-MM-DD in Shanghai time, NULL if unknown
            receipt          TEXT,
            return_reason    TEXT,
            last_error       TEXT
        );
        CREATE INDEX filings_by_status ON filings (status, seq);
        CREATE INDEX filings_by_inspection ON filings (inspection_start, seq);
        CREATE INDEX filings_by_enterprise ON filings (enterprise, seq);
        CREATE INDEX filings_by_receipt ON filings (receipt, seq);
        CREATE INDEX filings_by_date ON filings (inspection_date, seq);

        -- Filings per status, kept by triggers: the status bar asks after every change.
        CREATE TABLE status_counts (
            status TEXT PRIMARY KEY,
            n      INTEGER NOT NULL
        );
        CREATE TRIGGER filings_count_insert AFTER INSERT ON filings BEGIN
            INSERT INTO status_counts (status, n) VALUES (new.status, 1)
                ON CONFLICT (status) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER filings_count_update AFTER UPDATE OF status ON filings
        WHEN old.status IS NOT new.status BEGIN
            UPDATE status_counts SET n = n - 1 WHERE status = old.status;
            INSERT INTO status_counts (status, n) VALUES (new.status, 1)
                ON CONFLICT (status) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER filings_count_delete AFTER DELETE ON filings BEGIN
            UPDATE status_counts SET n = n - 1 WHERE status = old.status;
        END;

        -- The current content of each filing (interchange JSON), one row per filing.
        CREATE TABLE filing_docs (
            filing_id TEXT PRIMARY KEY REFERENCES filings (id),
            filing    TEXT NOT NULL
        );

        -- Search indexes. Their rowid is the filing's seq, so "most recently changed
        -- first" is the index's own order and a search stops after one page.
        -- Every piece of text, trigram-tokenised (Chinese needs no word segmenter; a
        -- query needs 3+ characters):
        CREATE VIRTUAL TABLE filings_fts USING fts5 (search_text, tokenize = 'trigram');
        -- 1- and 2-character pieces of names, units and codes, for short queries (a
        -- two-character name is common):
        CREATE VIRTUAL TABLE filings_grams USING fts5 (
            grams, tokenize = 'unicode61 remove_diacritics 0', detail = 'none'
        );

        -- The content of each revision as queued. Once the office has a revision
        -- (sent_at set) its row can never change or go away.
        CREATE TABLE revisions (
            filing_id  TEXT NOT NULL REFERENCES filings (id),
            revision   INTEGER NOT NULL CHECK (revision >= 1),
            filing     TEXT NOT NULL,        -- JSON
            digest     TEXT NOT NULL,        -- forms.record.content_digest
            queued_at  TEXT NOT NULL,
            sent_at    TEXT,
            receipt    TEXT,                 -- JSON: the office's receipt
            PRIMARY KEY (filing_id, revision)
        );
        CREATE TRIGGER revisions_sent_immutable BEFORE UPDATE ON revisions
        WHEN old.sent_at IS NOT NULL BEGIN
            SELECT RAISE(ABORT, 'a sent revision cannot be changed');
        END;
        CREATE TRIGGER revisions_sent_kept BEFORE DELETE ON revisions
        WHEN old.sent_at IS NOT NULL BEGIN
            SELECT RAISE(ABORT, 'a sent revision cannot be deleted');
        END;

        -- Append-only history (留痕).
        CREATE TABLE events (
            seq       INTEGER PRIMARY KEY AUTOINCREMENT,
            filing_id TEXT NOT NULL REFERENCES filings (id),
            revision  INTEGER NOT NULL,
            at        TEXT NOT NULL,
            kind      TEXT NOT NULL CHECK (kind IN ({kinds})),
            detail    TEXT NOT NULL DEFAULT '{{}}'  -- JSON
        );
        CREATE INDEX events_by_filing ON events (filing_id, seq);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
            SELECT RAISE(ABORT, 'events are append-only');
        END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
            SELECT RAISE(ABORT, 'events are append-only');
        END;

        -- What waits to be sent: at most one revision per filing.
        CREATE TABLE outbox (
            filing_id       TEXT PRIMARY KEY REFERENCES filings (id),
            revision        INTEGER NOT NULL,
            queued_at       TEXT NOT NULL,
            position        INTEGER NOT NULL UNIQUE,  -- oldest first
            attempts        INTEGER NOT NULL DEFAULT 0,
            last_attempt_at TEXT,
            next_try_at     TEXT,
            last_error      TEXT,
            permanent       INTEGER NOT NULL DEFAULT 0,  -- refused: wait for the clerk
            FOREIGN KEY (filing_id, revision) REFERENCES revisions (filing_id, revision)
        );

        CREATE TABLE officers (
            cert_no  TEXT PRIMARY KEY,
            name     TEXT NOT NULL,
            title    TEXT NOT NULL DEFAULT '',
            unit     TEXT NOT NULL DEFAULT '',
            kind     TEXT NOT NULL DEFAULT '',
            expires  TEXT,                   -- YYYY-MM-DD
            position INTEGER NOT NULL
        );
        CREATE INDEX officers_by_name ON officers (name);

        CREATE TABLE enterprises (
            key        TEXT PRIMARY KEY,     -- the credit code, or 'name:' + name without one
            name       TEXT NOT NULL,
            uscc       TEXT NOT NULL DEFAULT '',
            address    TEXT NOT NULL DEFAULT '',
            park       TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        );
        CREATE INDEX enterprises_by_name ON enterprises (name);
        CREATE INDEX enterprises_by_uscc ON enterprises (uscc);

        CREATE TABLE profile (
            id   INTEGER PRIMARY KEY CHECK (id = 1),
            data TEXT NOT NULL               -- JSON of UnitProfile
        );
        """,
    )


def _v2(conn: sqlite3.Connection) -> None:
    """Discarded drafts and post-hoc deadlines.

    - ``filings.discarded_at``: a draft the clerk threw away (丢弃草稿). The row stays
      (its history refers to it) but is no longer listed, counted or searchable.
    - ``filings.inspection_end_date``: the inspection's last day in Shanghai time, so the
      list can find post-hoc filings whose deadline is near or past.
    - ``events`` again with the event kinds of today (SQLite cannot change a CHECK in
      place): the same rows, index and append-only triggers.
    """
    from desktop.store.search import inspection_date

    kinds = _quoted(EVENT_KINDS)
    _run_script(
        conn,
        f"""
        ALTER TABLE filings ADD COLUMN discarded_at TEXT;
        ALTER TABLE filings ADD COLUMN inspection_end_date TEXT;
        CREATE INDEX filings_post_hoc_by_end ON filings (inspection_end_date)
            WHERE kind = 'post_hoc';
        CREATE TRIGGER filings_count_discard AFTER UPDATE OF discarded_at ON filings
        WHEN old.discarded_at IS NULL AND new.discarded_at IS NOT NULL BEGIN
            UPDATE status_counts SET n = n - 1 WHERE status = new.status;
        END;

        CREATE TABLE events_v2 (
            seq       INTEGER PRIMARY KEY AUTOINCREMENT,
            filing_id TEXT NOT NULL REFERENCES filings (id),
            revision  INTEGER NOT NULL,
            at        TEXT NOT NULL,
            kind      TEXT NOT NULL CHECK (kind IN ({kinds})),
            detail    TEXT NOT NULL DEFAULT '{{}}'  -- JSON
        );
        INSERT INTO events_v2 (seq, filing_id, revision, at, kind, detail)
            SELECT seq, filing_id, revision, at, kind, detail FROM events ORDER BY seq;
        DROP TABLE events;
        ALTER TABLE events_v2 RENAME TO events;
        CREATE INDEX events_by_filing ON events (filing_id, seq);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
            SELECT RAISE(ABORT, 'events are append-only');
        END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
            SELECT RAISE(ABORT, 'events are append-only');
        END;
        """,
    )
    ends = conn.execute(
        "SELECT filing_id, json_extract(filing, '$.inspection_end') FROM filing_docs"
    ).fetchall()
    for filing_id, end in ends:
        day = inspection_date(end.strip()) if isinstance(end, str) else None
        if day is not None:
            conn.execute(
                "UPDATE filings SET inspection_end_date = ? WHERE id = ?", (day, filing_id)
            )


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit the open transaction."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                conn.execute(pending)
            pending = ""
    if pending.strip(" \n;"):
        raise ValueError("incomplete SQL statement in a migration")


def _v3(conn: sqlite3.Connection) -> None:
    """``filings.reviewed_revision``: the revision the office marked 审核通过 (the
    ``reviewed`` change of its feed); the list shows 已审核通过 while it is the current one."""
    conn.execute("ALTER TABLE filings ADD COLUMN reviewed_revision INTEGER")


Migration = Callable[[sqlite3.Connection], None]

# MIGRATIONS[i] brings the file from version i to version i + 1.
MIGRATIONS: list[Migration] = [_v1, _v2, _v3]
LATEST = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def apply(conn: sqlite3.Connection, version: int) -> None:
    """Apply migration ``version`` (1-based) and record it, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        MIGRATIONS[version - 1](conn)
        conn.execute(f"PRAGMA user_version = {int(version)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
