"""The outbox: what waits to be sent to the office, and what the office answered.

A revision is recorded as attempted (committed) before it goes out and as sent only
when a receipt comes back, so a crash in between leaves it queued and attempted: it is
sent again, and the office's idempotency on (id, revision) returns the same receipt.
Once attempted, a queued revision's content never changes — the office may hold it.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from desktop.store import rows
from desktop.store.api import (
    DRAFT,
    QUEUED,
    READY,
    RETURNED,
    SENT,
    AlreadySent,
    FilingRow,
    NotEditable,
    OutboxItem,
    StoreError,
)
from desktop.store.base import not_editable
from desktop.store.filings import FilingsMixin
from forms.record import BadTimestamp, content_digest, format_timestamp, parse_timestamp

# A retry planned further ahead than this can only come from a clock that jumped
# (the sync backoff is capped at minutes): treat it as due instead of waiting for months.
FUTURE_RETRY_LIMIT = timedelta(days=1)


class OutboxMixin(FilingsMixin):
    def queue(self, filing_id: str, filing: dict[str, Any] | None = None) -> FilingRow:
        """READY → QUEUED (see the api). With ``filing`` (checked by the caller: no
        errors), that content is queued: a new filing is created, a READY/DRAFT one is
        overwritten, a queued one not yet attempted has its queued revision replaced,
        and a returned one gets revision n+1 when ``filing`` carries that number."""
        if filing is not None and filing.get("id", filing_id) != filing_id:
            raise ValueError("the filing's id differs from filing_id")
        with self._write() as conn:
            at = self._stamp()
            row = rows.fetch(conn, filing_id)
            if row is None:
                if filing is None:
                    raise StoreError("没有找到这份备案表，可能已被删除或数据文件已更换。")
                content = copy.deepcopy(filing)
                content["id"] = filing_id
                revision = content.get("revision")
                if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
                    content["revision"] = 1
                self._insert(conn, content, at)
                row = self._require(conn, filing_id)
            if row.status == SENT:
                raise AlreadySent(
                    f"这份备案表（第 {row.revision} 版）已经备案"
                    + (f"（回执 {row.receipt}）" if row.receipt else "")
                    + "，不会再提交第二份。"
                )
            wanted = filing.get("revision") if filing is not None else None
            if row.status == RETURNED:
                if filing is None or wanted != row.revision + 1:
                    raise not_editable(RETURNED, row.revision)
                self._revise(conn, row, at)
                row = self._require(conn, filing_id)
            elif filing is not None and wanted not in (None, row.revision):
                raise NotEditable(
                    f"文件中的备案表是第 {wanted} 版，本机保存的是第 {row.revision} 版，"
                    "不能用它替换。"
                )
            if row.status == DRAFT and filing is None:
                raise NotEditable("这份备案表还有错误，不能提交。请先改正所有错误。")
            content = row.filing
            if filing is not None:
                content = copy.deepcopy(filing)
                content.update(id=filing_id, revision=row.revision)
            if row.status == QUEUED:
                self._requeue(conn, row, content, at, replace=filing is not None)
            else:
                self._enqueue(conn, row, content, at)
            return self._require(conn, filing_id)

    def _enqueue(
        self, conn: sqlite3.Connection, row: FilingRow, content: dict[str, Any], at: str
    ) -> None:
        digest = content_digest(content)
        held = conn.execute(
            "SELECT sent_at FROM revisions WHERE filing_id = ? AND revision = ?",
            (row.id, row.revision),
        ).fetchone()
        if held and held[0]:
            raise AlreadySent(f"这份备案表（第 {row.revision} 版）已经备案，不会再提交第二份。")
        conn.execute(
            """INSERT INTO revisions (filing_id, revision, filing, digest, queued_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (filing_id, revision) DO UPDATE SET
                   filing = excluded.filing, digest = excluded.digest,
                   queued_at = excluded.queued_at""",
            (row.id, row.revision, rows.dumps(content), digest, at),
        )
        position = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM outbox").fetchone()[0]
        conn.execute(
            "INSERT INTO outbox (filing_id, revision, queued_at, position) VALUES (?, ?, ?, ?)",
            (row.id, row.revision, at, position),
        )
        rows.write(conn, row.id, content, at, status=QUEUED, last_error=None)
        self._event(conn, row.id, row.revision, at, "queued", {"digest": digest})

    def _requeue(
        self,
        conn: sqlite3.Connection,
        row: FilingRow,
        content: dict[str, Any],
        at: str,
        *,
        replace: bool,
    ) -> None:
        attempts, permanent = conn.execute(
            "SELECT attempts, permanent FROM outbox WHERE filing_id = ?", (row.id,)
        ).fetchone()
        queued = self.get_revision_in(conn, row.id, row.revision)
        if replace and content == queued:
            replace = False  # the same content again: nothing to replace
        if not replace:
            if permanent:  # queued again after a refusal: try once more
                conn.execute(
                    "UPDATE outbox SET permanent = 0, next_try_at = NULL WHERE filing_id = ?",
                    (row.id,),
                )
                self._event(conn, row.id, row.revision, at, "queued", {"retry": True})
            return
        if attempts and not permanent:
            raise NotEditable(
                f"这份备案表已开始发送（已尝试 {attempts} 次），可能已到达备案部门，"
                "现在不能替换。请等待发送结果。"
            )
        digest = content_digest(content)
        conn.execute(
            "UPDATE revisions SET filing = ?, digest = ?, queued_at = ? "
            "WHERE filing_id = ? AND revision = ?",
            (rows.dumps(content), digest, at, row.id, row.revision),
        )
        conn.execute(
            """UPDATE outbox SET attempts = 0, permanent = 0, next_try_at = NULL,
                   last_error = NULL, last_attempt_at = NULL WHERE filing_id = ?""",
            (row.id,),
        )
        rows.write(conn, row.id, content, at, status=QUEUED, last_error=None)
        self._event(conn, row.id, row.revision, at, "queued", {"digest": digest, "replaced": True})

    @staticmethod
    def get_revision_in(conn: sqlite3.Connection, filing_id: str, revision: int) -> Any:
        r = conn.execute(
            "SELECT filing FROM revisions WHERE filing_id = ? AND revision = ?",
            (filing_id, revision),
        ).fetchone()
        return json.loads(r[0]) if r else None

    def unqueue(self, filing_id: str) -> FilingRow:
        with self._write() as conn:
            row = self._require(conn, filing_id)
            if row.status != QUEUED:
                raise NotEditable("这份备案表不在待发送队列中。")
            attempts, permanent = conn.execute(
                "SELECT attempts, permanent FROM outbox WHERE filing_id = ?", (filing_id,)
            ).fetchone()
            if attempts and not permanent:
                raise NotEditable(
                    "这份备案表已开始发送，可能已到达备案部门，不能撤回。请等待发送结果。"
                )
            at = self._stamp()
            conn.execute("DELETE FROM outbox WHERE filing_id = ?", (filing_id,))
            rows.touch(conn, filing_id, at, status=READY)
            self._event(conn, filing_id, row.revision, at, "unqueued")
            return self._require(conn, filing_id)

    _OUTBOX_SELECT = """SELECT o.filing_id, o.revision, r.filing, o.queued_at, o.attempts,
                        o.next_try_at, o.last_error, o.permanent
                 FROM outbox o JOIN revisions r
                   ON r.filing_id = o.filing_id AND r.revision = o.revision"""

    def outbox_item(self, filing_id: str) -> OutboxItem | None:
        """The outbox entry of ``filing_id``, or None when it does not wait there."""
        found = self._read(self._OUTBOX_SELECT + " WHERE o.filing_id = ?", (filing_id,))
        return _outbox_items(found)[0] if found else None

    def outbox(self, *, due_only: bool = False) -> list[OutboxItem]:
        sql = self._OUTBOX_SELECT
        params: tuple[str, ...] = ()
        if due_only:
            current = self._now()
            sql += """ WHERE o.permanent = 0 AND (o.next_try_at IS NULL OR o.next_try_at <= ?
                                                  OR o.next_try_at > ?)"""
            params = (
                format_timestamp(current),
                format_timestamp(current + FUTURE_RETRY_LIMIT),
            )
        return _outbox_items(self._read(sql + " ORDER BY o.position", params))

    def _outbox_revision(self, conn: sqlite3.Connection, filing_id: str) -> tuple[Any, ...] | None:
        found: tuple[Any, ...] | None = conn.execute(
            "SELECT revision, attempts, permanent FROM outbox WHERE filing_id = ?", (filing_id,)
        ).fetchone()
        return found

    def mark_attempt(self, filing_id: str, revision: int) -> None:
        with self._write() as conn:
            if not self._attempt(conn, filing_id, revision):
                raise StoreError(f"这份备案表（第 {revision} 版）不在待发送队列中，不能发送。")

    def mark_attempts(self, items: Sequence[tuple[str, int]]) -> list[bool]:
        """``mark_attempt`` for several (id, revision) in one durable transaction; for each,
        False when it is no longer in the outbox at that revision (nothing recorded)."""
        with self._write() as conn:
            return [self._attempt(conn, filing_id, revision) for filing_id, revision in items]

    def _attempt(self, conn: sqlite3.Connection, filing_id: str, revision: int) -> bool:
        held = self._outbox_revision(conn, filing_id)
        if held is None or held[0] != revision:
            return False
        at = self._stamp()
        conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE filing_id = ?",
            (at, filing_id),
        )
        self._event(conn, filing_id, revision, at, "attempt", {"attempt": held[1] + 1})
        return True

    def mark_sent(self, filing_id: str, revision: int, receipt: dict[str, Any]) -> None:
        """The office's receipt for ``revision``. Idempotent: a receipt seen twice (the
        reply and the changes feed) is recorded once."""
        # Not durable: a receipt lost in a power cut comes back, the same, when the
        # revision is resent or from the changes feed.
        with self._write(durable=False) as conn:
            self._sent(conn, filing_id, revision, receipt)

    def mark_sent_many(
        self, receipts: Sequence[tuple[str, int, dict[str, Any]]]
    ) -> list[StoreError | None]:
        """``mark_sent`` for several in one transaction; each receipt is recorded or
        refused on its own (its StoreError in the list, in order), never the others."""
        outcomes: list[StoreError | None] = []
        with self._write(durable=False) as conn:
            for filing_id, revision, receipt in receipts:
                conn.execute("SAVEPOINT one_receipt")
                try:
                    self._sent(conn, filing_id, revision, receipt)
                except StoreError as exc:
                    conn.execute("ROLLBACK TO one_receipt")
                    outcomes.append(exc)
                else:
                    outcomes.append(None)
                conn.execute("RELEASE one_receipt")
        return outcomes

    def _sent(
        self, conn: sqlite3.Connection, filing_id: str, revision: int, receipt: dict[str, Any]
    ) -> None:
        number = receipt.get("receipt") if isinstance(receipt, dict) else None
        row = self._require(conn, filing_id)
        at = self._stamp()
        if not self._hold_revision(conn, row, revision, at, receipt):
            return
        if row.revision == revision and row.status == RETURNED:
            rows.write(conn, filing_id, row.filing, at, receipt=number)
        elif row.revision == revision:
            conn.execute("DELETE FROM outbox WHERE filing_id = ?", (filing_id,))
            rows.write(
                conn,
                filing_id,
                row.filing,
                at,
                status=SENT,
                receipt=number,
                last_error=None,
                return_reason=None,
            )
        self._event(conn, filing_id, revision, at, "sent", receipt)

    def _hold_revision(
        self,
        conn: sqlite3.Connection,
        row: FilingRow,
        revision: int,
        at: str,
        receipt: dict[str, Any] | None,
    ) -> bool:
        """Mark ``revision`` as held by the office; False if it already was."""
        held = conn.execute(
            "SELECT sent_at, receipt FROM revisions WHERE filing_id = ? AND revision = ?",
            (row.id, revision),
        ).fetchone()
        if held is None:
            if row.revision != revision:
                raise StoreError(f"本机没有这份备案表的第 {revision} 版。")
            # The office holds a revision this store never queued (restored from an
            # older backup): keep the content we have, marked as the office's.
            conn.execute(
                """INSERT INTO revisions (filing_id, revision, filing, digest, queued_at,
                                          sent_at, receipt) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    row.id,
                    revision,
                    rows.dumps(row.filing),
                    content_digest(row.filing),
                    at,
                    at,
                    rows.dumps(receipt) if receipt else None,
                ),
            )
            return True
        if held[0] is not None:
            # Known already; but a return may have come first and the receipt only now.
            return bool(receipt) and held[1] is None
        conn.execute(
            "UPDATE revisions SET sent_at = ?, receipt = ? WHERE filing_id = ? AND revision = ?",
            (at, rows.dumps(receipt) if receipt else None, row.id, revision),
        )
        return True

    def mark_failed(
        self,
        filing_id: str,
        revision: int,
        error: str,
        *,
        next_try_at: str | None,
        permanent: bool,
        problem: dict[str, Any] | None = None,
    ) -> None:
        """Record a failed send: ``error`` is the terminal's text, ``problem`` (optional)
        its ``{"code", "params"}``, kept with it for the window's wording."""
        error = rows.stored_error(error, problem)
        retry = None
        if next_try_at:
            retry = format_timestamp(parse_timestamp(next_try_at))
        with self._write() as conn:
            held = self._outbox_revision(conn, filing_id)
            if held is None or held[0] != revision:
                return  # no longer waiting (a receipt arrived meanwhile): nothing to record
            at = self._stamp()
            conn.execute(
                "UPDATE outbox SET last_error = ?, next_try_at = ?, permanent = ? "
                "WHERE filing_id = ?",
                (error, retry, int(permanent), filing_id),
            )
            conn.execute("UPDATE filings SET last_error = ? WHERE id = ?", (error, filing_id))
            self._event(
                conn,
                filing_id,
                revision,
                at,
                "failed",
                {"error": error, "next_try_at": retry, "permanent": permanent},
            )

    def mark_reviewed(self, filing_id: str, revision: int) -> bool:
        """The office marked this sent revision 审核通过; False if it was already so
        marked, or the revision is not the filing's current sent one."""
        with self._write() as conn:
            done = conn.execute(
                "UPDATE filings SET reviewed_revision = ? WHERE id = ? AND revision = ?"
                " AND status = ? AND reviewed_revision IS NOT ?",
                (revision, filing_id, revision, SENT, revision),
            ).rowcount
        return bool(done)

    def mark_returned(self, filing_id: str, revision: int, reason: str, at: str) -> None:
        try:
            when = format_timestamp(parse_timestamp(at))
        except BadTimestamp:
            when = self._stamp()
        with self._write() as conn:
            row = self._require(conn, filing_id)
            seen = conn.execute(
                "SELECT 1 FROM events WHERE filing_id = ? AND revision = ? AND kind = 'returned'"
                " AND detail = ?",
                (filing_id, revision, rows.dumps({"reason": reason, "at": when})),
            ).fetchone()
            if seen:
                return
            stamp = self._stamp()
            self._hold_revision(conn, row, revision, stamp, None)
            if row.revision == revision:
                conn.execute("DELETE FROM outbox WHERE filing_id = ?", (filing_id,))
                rows.touch(
                    conn, filing_id, stamp, status=RETURNED, return_reason=reason, last_error=None
                )
            detail = {"reason": reason, "at": when}
            self._event(conn, filing_id, revision, stamp, "returned", detail)


def _outbox_items(found: list[tuple[Any, ...]]) -> list[OutboxItem]:
    return [
        OutboxItem(
            id=r[0],
            revision=r[1],
            filing=json.loads(r[2]),
            queued_at=r[3],
            attempts=r[4],
            next_try_at=r[5],
            last_error=rows.error_text(r[6]),
            permanent=bool(r[7]),
            last_problem=rows.error_problem(r[6]),
        )
        for r in found
    ]
