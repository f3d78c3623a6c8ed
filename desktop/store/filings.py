"""Filings in the store: create, autosave, read, list and search, history, revisions."""

from __future__ import annotations

import copy
import json
import sqlite3
import uuid
from datetime import datetime, timedelta
from typing import Any

from desktop.store import rows, search
from desktop.store.api import (
    COUNT_CAP,
    DRAFT,
    EVENT_KINDS,
    READY,
    RETURNED,
    STATUSES,
    Event,
    FilingRow,
    FilingSummary,
    ListQuery,
    MatchCount,
    NotEditable,
    StoreError,
)
from desktop.store.base import StoreBase, not_editable
from forms.record import BadTimestamp, format_timestamp, parse_timestamp

# Saves closer together than this make one "edited" event: a clerk typing for an hour
# leaves a readable history, not thousands of lines.
COALESCE_EDITS = timedelta(minutes=5)

DISCARD_REFUSED = "只能丢弃尚未提交过的草稿。已提交、已备案或被退回的备案表会一直保留，不能丢弃。"


class FilingsMixin(StoreBase):
    def create_filing(self, filing: dict[str, Any]) -> FilingRow:
        if not isinstance(filing, dict):
            raise TypeError("a filing is a dict")
        filing = copy.deepcopy(filing)
        filing_id = filing.get("id")
        if not isinstance(filing_id, str) or not filing_id.strip():
            filing_id = str(uuid.uuid4())
        revision = filing.get("revision")
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
            revision = 1
        filing.update(id=filing_id, revision=revision)
        with self._write() as conn:
            self._insert(conn, filing, self._stamp())
            return self._require(conn, filing_id)

    def _insert(
        self,
        conn: sqlite3.Connection,
        filing: dict[str, Any],
        at: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        if conn.execute("SELECT 1 FROM filings WHERE id = ?", (filing["id"],)).fetchone():
            raise StoreError(f"已经有编号相同的备案表（{filing['id']}），不能重复创建。")
        rows.insert(conn, filing, DRAFT, at)
        self._event(conn, filing["id"], filing["revision"], at, "created", detail)

    def save_draft(self, filing_id: str, filing: dict[str, Any], *, has_errors: bool) -> FilingRow:
        if isinstance(filing.get("id"), str) and filing["id"] != filing_id:
            raise ValueError("the filing's id differs from filing_id")
        with self._write() as conn:
            row = self._require(conn, filing_id)
            if not row.editable:
                raise not_editable(row.status, row.revision)
            content = dict(filing)
            content.update(id=filing_id, revision=row.revision)
            status = DRAFT if has_errors else READY
            if content == row.filing and status == row.status:
                return row  # nothing changed: no write, no fsync
            at_dt = self._now()
            at = format_timestamp(at_dt)
            rows.write(conn, filing_id, content, at, status=status)
            if content != row.filing and not self._continues_editing(conn, row, at_dt):
                self._event(conn, filing_id, row.revision, at, "edited")
            return self._require(conn, filing_id)

    @staticmethod
    def _continues_editing(conn: sqlite3.Connection, row: FilingRow, at: datetime) -> bool:
        last = conn.execute(
            "SELECT kind FROM events WHERE filing_id = ? ORDER BY seq DESC LIMIT 1", (row.id,)
        ).fetchone()
        if last is None or last[0] != "edited":
            return False
        try:
            since = at - parse_timestamp(row.updated_at)
        except BadTimestamp:
            return False
        return timedelta(0) <= since < COALESCE_EDITS

    def get(self, filing_id: str) -> FilingRow | None:
        found = self._read(f"{rows.SELECT} WHERE f.id = ?", (filing_id,))
        return rows.to_row(found[0]) if found else None

    def get_revision(self, filing_id: str, revision: int) -> dict[str, Any] | None:
        """The content of a revision as it was queued (and sent), or None."""
        found = self._read(
            "SELECT filing FROM revisions WHERE filing_id = ? AND revision = ?",
            (filing_id, revision),
        )
        return json.loads(found[0][0]) if found else None

    def list_filings(self, query: ListQuery) -> list[FilingSummary]:
        probe = search.density_sql(query)
        dense = probe is not None and self._read(*probe)[0][0] > search.DENSE
        planned = search.list_sql(query, rows.SUMMARY_COLUMNS, dense=dense)
        if planned is None:
            return []
        return [FilingSummary(*r) for r in self._read(*planned)]

    def count_filings(self, query: ListQuery) -> int:
        planned = search.count_sql(query)
        return int(self._read(*planned)[0][0]) if planned else 0

    def count_matches(self, query: ListQuery) -> MatchCount:
        """What the list shows as its count: exact up to COUNT_CAP, else "more than"
        (counting every match of a common word in a large store is work nobody reads)."""
        planned = search.count_sql(query, cap=COUNT_CAP)
        n = int(self._read(*planned)[0][0]) if planned else 0
        return MatchCount(min(n, COUNT_CAP), capped=n > COUNT_CAP)

    def counts_by_status(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for status, n in self._read("SELECT status, n FROM status_counts"):
            counts[status] = n
        return counts

    def history(self, filing_id: str) -> list[Event]:
        found = self._read(
            "SELECT at, kind, revision, detail FROM events WHERE filing_id = ? ORDER BY seq",
            (filing_id,),
        )
        return [Event(at, kind, rev, json.loads(detail)) for at, kind, rev, detail in found]

    def record_event(self, filing_id: str, kind: str, detail: dict[str, Any] | None = None) -> None:
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind: {kind}")
        with self._write() as conn:
            row = self._require(conn, filing_id)
            self._event(conn, filing_id, row.revision, self._stamp(), kind, detail)

    def new_similar(self, filing_id: str) -> FilingRow:
        """A new draft (new id, revision 1) with the content of ``filing_id``; the
        inspection times and the head's opinion are left blank for the new inspection."""
        with self._write() as conn:
            source = self._require(conn, filing_id)
            filing = copy.deepcopy(source.filing)
            new_id = str(uuid.uuid4())
            filing.update(id=new_id, revision=1)
            for key in ("inspection_start", "inspection_end", "head_opinion"):
                if key in filing:
                    filing[key] = ""
            self._insert(conn, filing, self._stamp(), {"from": filing_id})
            return self._require(conn, new_id)

    def new_revision(self, filing_id: str) -> FilingRow:
        with self._write() as conn:
            row = self._require(conn, filing_id)
            if row.status != RETURNED:
                raise NotEditable("只有被退回的备案表才能修改后重新提交（生成新版本）。")
            self._revise(conn, row, self._stamp())
            return self._require(conn, filing_id)

    def discard_draft(self, filing_id: str) -> None:
        with self._write() as conn:
            row = self._require(conn, filing_id)
            sent = conn.execute(
                "SELECT 1 FROM revisions WHERE filing_id = ? AND sent_at IS NOT NULL",
                (filing_id,),
            ).fetchone()
            if row.status not in (DRAFT, READY) or row.revision > 1 or sent:
                raise NotEditable(DISCARD_REFUSED)
            stamp = self._stamp()
            rows.unindex(conn, filing_id)
            conn.execute("UPDATE filings SET discarded_at = ? WHERE id = ?", (stamp, filing_id))
            self._event(conn, filing_id, row.revision, stamp, "discarded")

    def _revise(self, conn: sqlite3.Connection, row: FilingRow, at: str) -> int:
        """Revision n+1 of a returned filing, as a draft; the return reason stays visible."""
        revision = row.revision + 1
        filing = copy.deepcopy(row.filing)
        filing["revision"] = revision
        rows.write(
            conn,
            row.id,
            filing,
            at,
            revision=revision,
            status=DRAFT,
            receipt=None,
            last_error=None,
        )
        self._event(conn, row.id, revision, at, "revised", {"from_revision": row.revision})
        return revision
