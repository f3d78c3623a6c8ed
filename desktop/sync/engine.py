"""One sync pass: reach the office, send the outbox, pull changes and reference data.

Plain Python, no Qt: the command line runs it directly, the window runs it on a worker
thread (``desktop.ui.sync_worker``). Exactly once rests on two things: every send is
recorded as attempted (committed) before the request leaves, and a revision is only
ever resent unchanged, so the office's idempotency on (id, revision) answers a resend
with the receipt it already issued.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop.store import settings_registry as settings
from desktop.store.api import QUEUED, StoreError
from desktop.sync import backoff
from desktop.sync.changes import apply_changes
from desktop.sync.client import NoAnswer, OfficeClient, OfficeError, Reply, Unreachable
from desktop.sync.problems import Code, Problem
from desktop.sync.reference import check_reference
from desktop.sync.states import PassState
from forms.record import format_timestamp, parse_timestamp
from forms.record import now as shanghai_now

if TYPE_CHECKING:
    from desktop.store.api import StoreProtocol

log = logging.getLogger(__name__)

PERMANENT = frozenset({400, 403, 409, 413, 422})
RETRYABLE_4XX = frozenset({408, 429})
CLOCK_SKEW_WARN_S = 5 * 60
MAX_CHANGE_PAGES = 10_000  # a feed that never ends is a broken office, not more work
# Submissions in flight at once (two batches of BATCH), once the office has answered
# WIDEN_AFTER in a row with a receipt: one commit then records a batch's attempts and one
# its receipts, and the office works while the desk commits (docs/benchmarks.md). One at
# a time before that, so a small outbox, a refusing or a rate-limiting office see the
# oldest filing first, and nothing is sent ahead of an answer that stops the pass.
MAX_IN_FLIGHT = 8
BATCH = 4
WIDEN_AFTER = 8

# Pass states, also shown by the window.
# Pass states (desktop.sync.states); the names stay for the code that imports them here.
OK = PassState.OK
OFFLINE = PassState.OFFLINE
PARTIAL = PassState.PARTIAL
NEEDS_TOKEN = PassState.NEEDS_TOKEN
NOT_CONFIGURED = PassState.NOT_CONFIGURED


@dataclass
class Failure:
    id: str
    revision: int
    message: str  # the problem worded for the record (kept with the filing in the outbox)
    permanent: bool
    status: int | None = None  # HTTP status, None for a transport failure
    next_try_at: str | None = None
    problem: Problem | None = None  # what the window and the command line word

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "problem"}
        out["code"] = self.problem.code.value if self.problem else None
        return out


@dataclass
class PassResult:
    state: str = OK  # a PassState
    sent: list[tuple[str, int, str]] = field(default_factory=list)  # id, revision, receipt
    returned: list[tuple[str, int, str]] = field(default_factory=list)  # id, revision, reason
    failed: list[Failure] = field(default_factory=list)
    park_replies: list[str] = field(default_factory=list)  # filings a park newly replied to
    # Pass-level problems and warnings (clock skew, bad reference data) as codes, and the
    # same worded for a terminal and the record (``errors``, ``warnings``: what
    # ``beian sync --json`` prints and the store keeps as the last error).
    problems: list[Problem] = field(default_factory=list)
    warning_problems: list[Problem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reference_updated: bool = False
    clock_skew_s: float | None = None
    remaining: int = 0  # filings still queued after the pass
    next_due_at: str | None = None  # earliest next_try_at among waiting filings

    @property
    def error(self) -> str | None:
        return self.errors[0] if self.errors else None

    @property
    def problem(self) -> Problem | None:
        """The first pass-level problem, else the first failed filing's."""
        if self.problems:
            return self.problems[0]
        return self.failed[0].problem if self.failed else None

    def add_error(self, problem: Problem) -> None:
        if problem not in self.problems:  # several submissions may meet the same trouble
            self.problems.append(problem)
            self.errors.append(str(problem))

    def add_warning(self, problem: Problem) -> None:
        self.warning_problems.append(problem)
        self.warnings.append(str(problem))

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "sent": [{"id": i, "revision": r, "receipt": x} for i, r, x in self.sent],
            "returned": [{"id": i, "revision": r, "reason": x} for i, r, x in self.returned],
            "failed": [f.to_dict() for f in self.failed],
            "errors": self.errors,
            "codes": [p.code.value for p in self.problems],
            "warnings": self.warnings,
            "reference_updated": self.reference_updated,
            "clock_skew_s": self.clock_skew_s,
            "remaining": self.remaining,
            "next_due_at": self.next_due_at,
        }


class _Stop(Exception):  # noqa: N818
    """Ends the pass early; the result already says why."""


class _StopSending(Exception):  # noqa: N818
    """Ends the sending (the office is not answering); the pass goes on to pull."""


class SyncPass:
    def __init__(
        self,
        store: StoreProtocol,
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
        settings.LAST_SYNC_TRY.set(self.store, format_timestamp(self.clock()))
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
            r.add_error(exc.problem)
        except NoAnswer as exc:
            r.state = PARTIAL
            r.add_error(exc.problem)
        except StoreError as exc:  # e.g. the disk is full: stop before anything goes out
            r.state = PARTIAL
            r.add_error(Problem.of(Code.STORE, text=str(exc)))
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
                # e.g. 503 "the office's disk is full": its own words say more than ours
                self.result.add_error(
                    Problem.of(
                        Code.SERVER_BUSY, status=reply.status, office=reply.office_message() or ""
                    )
                )
            else:
                self.result.add_error(Problem.of(Code.NOT_AN_OFFICE, status=reply.status))
            raise _Stop
        try:
            theirs = parse_timestamp(office_time)
        except ValueError:
            self.result.add_warning(Problem.of(Code.OFFICE_TIME_UNREADABLE))
            return
        ours = before + (after - before) / 2
        skew = round((theirs - ours).total_seconds(), 1)
        self.result.clock_skew_s = skew
        settings.CLOCK_SKEW_S.set(self.store, skew)
        if abs(skew) > CLOCK_SKEW_WARN_S:
            minutes = round(abs(skew) / 60)
            self.result.add_warning(Problem.of(Code.CLOCK_SKEW, minutes=minutes))

    def _send(self) -> None:
        """Send the due outbox, oldest first. One submission at a time until WIDEN_AFTER
        answers in a row were receipts; then batches of BATCH, the next batch leaving
        while the answers to the one before are recorded (MAX_IN_FLIGHT in all); any
        other answer narrows it to one at a time again. A batch's attempts are committed
        (in one transaction) before any of it leaves, and every answer is recorded,
        whatever happens to the others."""
        due = deque(self.store.outbox(due_only=True))
        pending: deque[list[tuple[Any, Future[Reply]]]] = deque()
        streak = 0
        with ThreadPoolExecutor(MAX_IN_FLIGHT, thread_name_prefix="beian-send") as pool:
            try:
                while due or pending:
                    widened = streak >= WIDEN_AFTER
                    while due and len(pending) < (MAX_IN_FLIGHT // BATCH if widened else 1):
                        if self.should_stop():
                            raise _Stop
                        pending.append(self._start(pool, due, BATCH if widened else 1))
                    if pending:
                        batch = pending.popleft()
                        sent = self._settle(batch)
                        streak = streak + len(batch) if sent else 0
            except _StopSending:
                pass  # the office is not answering now; the pass goes on to pull
            finally:
                # What is already on its way gets its answer recorded (a receipt stored,
                # or a retry planned), whatever stopped the sending.
                while pending:
                    with contextlib.suppress(_Stop, _StopSending, OfficeError, StoreError):
                        self._settle(pending.popleft())

    def _start(
        self, pool: ThreadPoolExecutor, due: deque[Any], size: int
    ) -> list[tuple[Any, Future[Reply]]]:
        """Record the attempts of the next ``size`` due filings, then send them."""
        batch = [due.popleft() for _ in range(min(size, len(due)))]
        # Committed before it goes out. A filing taken out of the outbox since the list
        # was read is skipped; StoreFull (the disk) stops the pass before anything leaves.
        marked = self.store.mark_attempts([(i.id, i.revision) for i in batch])
        for item, ok in zip(batch, marked, strict=True):
            if not ok:
                log.info("not sending %s: no longer in the outbox", item.id)
        going = [item for item, ok in zip(batch, marked, strict=True) if ok]
        return [(item, pool.submit(self.client.submit, item.filing)) for item in going]

    def _settle(self, batch: list[tuple[Any, Future[Reply]]]) -> bool:
        """Record the answer to each submission of ``batch`` (receipts in one
        transaction), then stop the pass or the sending if one answer says so. True when
        every one brought a receipt."""
        receipts: list[tuple[Any, dict[str, Any]]] = []
        stop: BaseException | None = None
        for item, future in batch:
            try:
                reply = future.result()
            except (NoAnswer, Unreachable) as exc:
                # The office may have committed; the same revision goes again later and
                # gets the same receipt. The pull below may already bring that receipt.
                self._transient(item, exc.problem, None)
                stop = stop or exc
                continue
            receipt = self._receipt(item, reply) if reply.status in (200, 201) else None
            if receipt is not None:
                receipts.append((item, receipt))
                continue
            try:
                self._handle_submit_reply(item, reply)
            except _Stop as exc:
                stop = stop or exc
        if receipts:
            outcomes = self.store.mark_sent_many([(i.id, i.revision, r) for i, r in receipts])
            for (item, receipt), problem in zip(receipts, outcomes, strict=True):
                if problem is None:
                    self.result.sent.append((item.id, item.revision, receipt["receipt"]))
                else:
                    stop = stop or problem
        if isinstance(stop, NoAnswer):
            self.result.add_error(stop.problem)
            raise _StopSending
        if stop is not None:
            raise stop  # Unreachable, _Stop (the token), StoreError: the pass ends
        return len(receipts) == len(batch)

    def _handle_submit_reply(self, item: Any, reply: Reply) -> None:
        status = reply.status
        if status in (200, 201):
            receipt = self._receipt(item, reply)
            if receipt is None:
                self._transient(item, Problem.of(Code.BAD_ANSWER, status=status), reply)
                return
            self.store.mark_sent(item.id, item.revision, receipt)
            self.result.sent.append((item.id, item.revision, receipt["receipt"]))
            return
        if status == 401:
            rejected = Problem.of(Code.TOKEN_REJECTED)
            self.store.mark_failed(
                item.id,
                item.revision,
                str(rejected),
                next_try_at=None,
                permanent=False,
                problem=rejected.stored(),
            )
            self.result.state = NEEDS_TOKEN
            self.result.add_error(rejected)
            raise _Stop
        if status in PERMANENT:
            refused = Problem.of(Code.REFUSED, status=status, office=reply.office_message() or "")
            text = str(refused)
            self.store.mark_failed(
                item.id,
                item.revision,
                text,
                next_try_at=None,
                permanent=True,
                problem=refused.stored(),
            )
            self.result.failed.append(
                Failure(item.id, item.revision, text, True, status, problem=refused)
            )
            return
        if status in RETRYABLE_4XX or status >= 500:
            office = (reply.office_message() or "") if status == 503 else ""
            self._transient(item, Problem.of(Code.SERVER_BUSY, status=status, office=office), reply)
            return
        # 3xx, 404, 405 ...: not the office's API answering; try again later.
        self._transient(item, Problem.of(Code.BAD_ANSWER, status=status), reply)

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

    def _transient(self, item: Any, problem: Problem, reply: Reply | None) -> None:
        now = self.clock()
        retry_after = None
        if reply is not None:
            retry_after = backoff.parse_retry_after(reply.headers.get("retry-after"), now=now)
        attempt = item.attempts + 1
        when = backoff.next_try_at(attempt, now=now, retry_after=retry_after, rand=self.rand)
        when_text = format_timestamp(when)
        text = str(problem)
        self.store.mark_failed(
            item.id,
            item.revision,
            text,
            next_try_at=when_text,
            permanent=False,
            problem=problem.stored(),
        )
        status = reply.status if reply else None
        self.result.failed.append(
            Failure(item.id, item.revision, text, False, status, when_text, problem)
        )

    def _pull_changes(self) -> None:
        cursor = settings.CHANGES_CURSOR.get(self.store)
        for _ in range(MAX_CHANGE_PAGES):
            if self.should_stop():
                raise _Stop
            reply = self.client.changes(cursor)
            if reply.status == 401:
                self.result.state = NEEDS_TOKEN
                self.result.add_error(Problem.of(Code.TOKEN_REJECTED))
                raise _Stop
            body = reply.body if reply.is_json_object else None
            changes = body.get("changes") if body else None
            new_cursor = body.get("cursor") if body else None
            if reply.status != 200 or not isinstance(changes, list):
                self.result.add_error(_pull_problem(reply.status))
                return
            if not changes:
                return
            applied = apply_changes(self.store, changes, now_text=format_timestamp(self.clock()))
            self.result.sent.extend(applied.sent)
            self.result.returned.extend(applied.returned)
            self.result.park_replies.extend(applied.park_replies)
            if not isinstance(new_cursor, str | int) or str(new_cursor) == str(cursor):
                # No progress: asking again would return the same page forever.
                self.result.add_error(Problem.of(Code.BAD_ANSWER, status=reply.status))
                return
            cursor = str(new_cursor)
            settings.CHANGES_CURSOR.set(self.store, cursor)  # only after the page is applied
        self.result.add_error(Problem.of(Code.TOO_MANY_CHANGES))

    def _pull_reference(self) -> None:
        etag = settings.REFERENCE_ETAG.get(self.store)
        reply = self.client.reference(etag)
        if reply.status == 304:
            return
        if reply.status == 401:
            self.result.state = NEEDS_TOKEN
            self.result.add_error(Problem.of(Code.TOKEN_REJECTED))
            raise _Stop
        if reply.status != 200 or not reply.is_json_object:
            self.result.add_error(_pull_problem(reply.status))
            return
        problem = check_reference(reply.body)
        if problem:
            self.result.add_warning(Problem.of(Code.BAD_REFERENCE, detail=problem))
            return
        try:
            self.store.save_reference(reply.body)
        except StoreError as exc:
            self.result.add_warning(Problem.of(Code.STORE, text=str(exc)))
            return
        new_etag = reply.headers.get("etag")
        settings.REFERENCE_ETAG.set(self.store, new_etag[:200] if new_etag else None)
        self.result.reference_updated = True

    def _finish(self) -> None:
        r = self.result
        waiting = self.store.outbox()
        r.remaining = self.store.counts_by_status().get(QUEUED, len(waiting))
        dues = [i.next_try_at for i in waiting if i.next_try_at]
        r.next_due_at = min(dues, key=_sort_key) if dues else None
        if self._reached and r.state != NEEDS_TOKEN:
            settings.LAST_SYNC.set(self.store, format_timestamp(self.clock()))
        first = r.problems[0] if r.problems else (r.failed[0].problem if r.failed else None)
        if r.errors:
            settings.LAST_ERROR.set(self.store, r.errors[0])
        elif r.failed:
            settings.LAST_ERROR.set(self.store, r.failed[0].message)
        else:
            settings.LAST_ERROR.set(self.store, None)
        settings.LAST_PROBLEM.set(self.store, first.stored() if first is not None else None)


def _pull_problem(status: int) -> Problem:
    if status in RETRYABLE_4XX or status >= 500:
        return Problem.of(Code.SERVER_BUSY, status=status)
    return Problem.of(Code.BAD_ANSWER, status=status)


def _sort_key(text: str) -> datetime:
    try:
        return parse_timestamp(text)
    except ValueError:
        return datetime.max.replace(tzinfo=parse_timestamp("2000-01-01T00:00:00+08:00").tzinfo)


def run_pass(store: StoreProtocol, client: OfficeClient, **kwargs: Any) -> PassResult:
    """Run one full pass and return what happened (also recorded in the store's meta)."""
    return SyncPass(store, client, **kwargs).run()
