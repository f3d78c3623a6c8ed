"""One sync pass: reach the office, send the outbox, pull changes and reference data.

Plain Python, no Qt: the command line runs it directly, the window runs it on a worker
thread (``desktop.ui.sync_worker``). Exactly once rests on two things: every send is
recorded as attempted (committed) before the request leaves, and a revision is only
ever resent unchanged, so the office's idempotency on (id, revision) answers a resend
with the receipt it already issued.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from desktop.store.api import QUEUED, StoreError, StoreFull
from desktop.sync import backoff, messages
from desktop.sync.changes import apply_changes
from desktop.sync.client import NoAnswer, OfficeClient, Reply, Unreachable
from desktop.sync.reference import check_reference
from forms.record import format_timestamp, parse_timestamp
from forms.record import now as shanghai_now

log = logging.getLogger(__name__)

# Meta keys written by a pass.
META_CURSOR = "changes_cursor"
META_ETAG = "reference_etag"
META_LAST_SYNC = "last_sync"  # the last pass that reached the office and finished
META_LAST_TRY = "last_sync_try"
META_LAST_ERROR = "last_error"
META_SKEW = "clock_skew_s"

PERMANENT = frozenset({400, 403, 409, 413, 422})
RETRYABLE_4XX = frozenset({408, 429})
CLOCK_SKEW_WARN_S = 5 * 60
MAX_CHANGE_PAGES = 10_000  # a feed that never ends is a broken office, not more work

# Pass states, also shown by the window.
OK = "ok"
OFFLINE = "offline"  # the office could not be reached; nothing was attempted
PARTIAL = "partial"  # reached, but something failed (see errors)
NEEDS_TOKEN = "needs_token"
NOT_CONFIGURED = "not_configured"


@dataclass
class Failure:
    id: str
    revision: int
    message: str  # Chinese
    permanent: bool
    status: int | None = None  # HTTP status, None for a transport failure
    next_try_at: str | None = None


@dataclass
class PassResult:
    state: str = OK
    sent: list[tuple[str, int, str]] = field(default_factory=list)  # id, revision, receipt
    returned: list[tuple[str, int, str]] = field(default_factory=list)  # id, revision, reason
    failed: list[Failure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # Chinese, pass-level
    code: messages.Code | None = None  # with NEEDS_TOKEN: why (None: no token saved)
    warnings: list[str] = field(default_factory=list)  # Chinese (clock skew, bad reference)
    reference_updated: bool = False
    clock_skew_s: float | None = None
    remaining: int = 0  # filings still queued after the pass
    next_due_at: str | None = None  # earliest next_try_at among waiting filings

    @property
    def error(self) -> str | None:
        return self.errors[0] if self.errors else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "sent": [{"id": i, "revision": r, "receipt": x} for i, r, x in self.sent],
            "returned": [{"id": i, "revision": r, "reason": x} for i, r, x in self.returned],
            "failed": [f.__dict__ for f in self.failed],
            "errors": self.errors,
            "warnings": self.warnings,
            "reference_updated": self.reference_updated,
            "clock_skew_s": self.clock_skew_s,
            "remaining": self.remaining,
            "next_due_at": self.next_due_at,
        }


class _Stop(Exception):  # noqa: N818
    """Ends the pass early; the result already says why."""


class SyncPass:
    def __init__(
        self,
        store: Any,
        client: OfficeClient,
        *,
        clock: Callable[[], datetime] = shanghai_now,
        rand: Callable[[], float] = random.random,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self.store = store
        self.client = client
        self.clock = clock
        self.rand = rand
        self.should_stop = should_stop
        self.result = PassResult()
        self._reached = False

    def run(self) -> PassResult:
        r = self.result
        self.store.set_meta(META_LAST_TRY, format_timestamp(self.clock()))
        try:
            self._health()
            self._reached = True
            self._send()
            self._pull_changes()
            self._pull_reference()
        except _Stop:
            pass
        except Unreachable as exc:  # includes CertificateError
            r.state = PARTIAL if self._reached else OFFLINE
            r.errors.append(str(exc))
        except NoAnswer as exc:
            r.state = PARTIAL
            r.errors.append(str(exc))
        except StoreError as exc:  # e.g. the disk is full: stop before anything goes out
            r.state = PARTIAL
            r.errors.append(str(exc))
        if r.state == OK and (r.errors or r.failed):
            r.state = PARTIAL
        self._finish()
        return r

    # --- steps ----------------------------------------------------------------------------
    def _health(self) -> None:
        before = self.clock()
        reply = self.client.health()
        after = self.clock()
        body = reply.body if reply.is_json_object else {}
        office_time = body.get("time") if reply.status == 200 else None
        if not isinstance(office_time, str):
            self.result.state = OFFLINE
            if reply.status >= 500 or reply.status in RETRYABLE_4XX:
                text = messages.SERVER_BUSY.format(status=reply.status)
            else:
                text = messages.NOT_AN_OFFICE.format(detail=f"/health 返回 HTTP {reply.status}")
            self.result.errors.append(text)
            raise _Stop
        try:
            theirs = parse_timestamp(office_time)
        except ValueError:
            self.result.warnings.append("办公室答复的时间无法识别，未比较时钟。")
            return
        ours = before + (after - before) / 2
        skew = round((theirs - ours).total_seconds(), 1)
        self.result.clock_skew_s = skew
        self.store.set_meta(META_SKEW, skew)
        if abs(skew) > CLOCK_SKEW_WARN_S:
            self.result.warnings.append(messages.CLOCK_SKEW.format(minutes=round(abs(skew) / 60)))

    def _send(self) -> None:
        for item in self.store.outbox(due_only=True):
            if self.should_stop():
                raise _Stop
            try:
                self.store.mark_attempt(item.id, item.revision)  # committed before it goes out
            except StoreFull:
                raise
            except StoreError as exc:  # taken out of the outbox since the list was read
                log.info("not sending %s: %s", item.id, exc)
                continue
            try:
                reply = self.client.submit(item.filing)
            except (NoAnswer, Unreachable) as exc:
                # The office may have committed; the same revision goes again later and
                # gets the same receipt. The pull below may already bring that receipt.
                self._transient(item, str(exc), None)
                if isinstance(exc, Unreachable):
                    raise
                self.result.errors.append(str(exc))
                return  # stop sending: the office is not answering now
            self._handle_submit_reply(item, reply)

    def _handle_submit_reply(self, item: Any, reply: Reply) -> None:
        status = reply.status
        if status in (200, 201):
            receipt = self._receipt(item, reply)
            if receipt is None:
                self._transient(item, messages.BAD_ANSWER.format(status=status), reply)
                return
            self.store.mark_sent(item.id, item.revision, receipt)
            self.result.sent.append((item.id, item.revision, receipt["receipt"]))
            return
        if status == 401:
            self.store.mark_failed(
                item.id, item.revision, messages.TOKEN_REJECTED, next_try_at=None, permanent=False
            )
            self.result.state = NEEDS_TOKEN
            self.result.errors.append(messages.TOKEN_REJECTED)
            self.result.code = messages.Code.TOKEN_REJECTED
            raise _Stop
        if status in PERMANENT:
            text = reply.office_message() or messages.REFUSED_DEFAULT[status]
            self.store.mark_failed(item.id, item.revision, text, next_try_at=None, permanent=True)
            self.result.failed.append(Failure(item.id, item.revision, text, True, status))
            return
        if status in RETRYABLE_4XX or status >= 500:
            self._transient(item, messages.SERVER_BUSY.format(status=status), reply)
            return
        # 3xx, 404, 405 ...: not the office's API answering; try again later.
        self._transient(item, messages.BAD_ANSWER.format(status=status), reply)

    @staticmethod
    def _receipt(item: Any, reply: Reply) -> dict[str, Any] | None:
        body = reply.body
        if not isinstance(body, dict):
            return None
        if body.get("id") != item.id or body.get("revision") != item.revision:
            return None
        number = body.get("receipt")
        if not isinstance(number, str) or not number.strip() or len(number) > 100:
            return None
        return body

    def _transient(self, item: Any, text: str, reply: Reply | None) -> None:
        now = self.clock()
        retry_after = None
        if reply is not None:
            retry_after = backoff.parse_retry_after(reply.headers.get("retry-after"), now=now)
        attempt = item.attempts + 1
        when = backoff.next_try_at(attempt, now=now, retry_after=retry_after, rand=self.rand)
        when_text = format_timestamp(when)
        self.store.mark_failed(item.id, item.revision, text, next_try_at=when_text, permanent=False)
        self.result.failed.append(
            Failure(item.id, item.revision, text, False, reply.status if reply else None, when_text)
        )

    def _pull_changes(self) -> None:
        cursor = self.store.get_meta(META_CURSOR)
        for _ in range(MAX_CHANGE_PAGES):
            if self.should_stop():
                raise _Stop
            reply = self.client.changes(cursor)
            if reply.status == 401:
                self.result.state = NEEDS_TOKEN
                self.result.errors.append(messages.TOKEN_REJECTED)
                self.result.code = messages.Code.TOKEN_REJECTED
                raise _Stop
            body = reply.body if reply.is_json_object else None
            changes = body.get("changes") if body else None
            new_cursor = body.get("cursor") if body else None
            if reply.status != 200 or not isinstance(changes, list):
                self.result.errors.append(_pull_problem(reply.status))
                return
            if not changes:
                return
            applied = apply_changes(self.store, changes, now_text=format_timestamp(self.clock()))
            self.result.sent.extend(applied.sent)
            self.result.returned.extend(applied.returned)
            if not isinstance(new_cursor, str | int) or str(new_cursor) == str(cursor):
                # No progress: asking again would return the same page forever.
                self.result.errors.append(messages.BAD_ANSWER.format(status=reply.status))
                return
            cursor = str(new_cursor)
            self.store.set_meta(META_CURSOR, cursor)  # only after the page is applied
        self.result.errors.append(messages.BAD_ANSWER.format(status="（变更过多）"))

    def _pull_reference(self) -> None:
        etag = self.store.get_meta(META_ETAG)
        reply = self.client.reference(etag)
        if reply.status == 304:
            return
        if reply.status == 401:
            self.result.state = NEEDS_TOKEN
            self.result.errors.append(messages.TOKEN_REJECTED)
            self.result.code = messages.Code.TOKEN_REJECTED
            raise _Stop
        if reply.status != 200 or not reply.is_json_object:
            self.result.errors.append(_pull_problem(reply.status))
            return
        problem = check_reference(reply.body)
        if problem:
            self.result.warnings.append(messages.BAD_REFERENCE.format(detail=problem))
            return
        try:
            self.store.save_reference(reply.body)
        except StoreError as exc:
            self.result.warnings.append(str(exc))
            return
        new_etag = reply.headers.get("etag")
        self.store.set_meta(META_ETAG, new_etag[:200] if new_etag else None)
        self.result.reference_updated = True

    def _finish(self) -> None:
        r = self.result
        waiting = self.store.outbox()
        r.remaining = self.store.counts_by_status().get(QUEUED, len(waiting))
        dues = [i.next_try_at for i in waiting if i.next_try_at]
        r.next_due_at = min(dues, key=_sort_key) if dues else None
        if self._reached and r.state != NEEDS_TOKEN:
            self.store.set_meta(META_LAST_SYNC, format_timestamp(self.clock()))
        if r.errors:
            self.store.set_meta(META_LAST_ERROR, r.errors[0])
        elif r.failed:
            self.store.set_meta(META_LAST_ERROR, r.failed[0].message)
        else:
            self.store.set_meta(META_LAST_ERROR, None)


def _pull_problem(status: int) -> str:
    if status in RETRYABLE_4XX or status >= 500:
        return messages.SERVER_BUSY.format(status=status)
    return messages.BAD_ANSWER.format(status=status)


def _sort_key(text: str) -> datetime:
    try:
        return parse_timestamp(text)
    except ValueError:
        return datetime.max.replace(tzinfo=parse_timestamp("2000-01-01T00:00:00+08:00").tzinfo)


def run_pass(store: Any, client: OfficeClient, **kwargs: Any) -> PassResult:
    """Run one full pass and return what happened (also recorded in the store's meta)."""
    return SyncPass(store, client, **kwargs).run()
