"""The desk's local store: the interface the windows, the command line and sync use.

This module fixes the contract (names, arguments, results). ``desktop.store.db``
implements it on one SQLite file through sqlite-utils. No Qt here: windows call
these methods from worker threads or the UI thread, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from forms.roster import Officer, Roster

# Filing statuses on the desk, in the order of their life.
DRAFT = "draft"  # 草稿: has errors, or never checked
READY = "ready"  # 待提交: no errors; printable
QUEUED = "queued"  # 已排队: in the outbox
SENT = "sent"  # 已备案: the office's receipt came back
RETURNED = "returned"  # 被退回: the office returned it with a reason
STATUSES = (DRAFT, READY, QUEUED, SENT, RETURNED)

# Events in a filing's append-only history (留痕).
EVENT_KINDS = (
    "created",
    "edited",
    "validated",
    "printed",
    "queued",
    "attempt",
    "sent",
    "failed",
    "returned",
    "revised",
    "exported",
    "unqueued",  # taken back out of the outbox before any attempt
    "discarded",  # a draft the clerk threw away: no longer listed, never sent
)


class StoreCode(StrEnum):
    """What kind of store failure a ``StoreError`` is; the window words each code
    (``desktop.ui.wording.store_text``), ``str(exc)`` is the terminal's wording."""

    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    IO_ERROR = "io_error"
    BUSY = "busy"
    DAMAGED = "damaged"
    CLOSED = "closed"
    NOT_FOUND = "not_found"
    OTHER = "other"  # a rule of the store's own (its message says which)


class StoreError(Exception):
    """Base class; ``code`` and ``params`` say what failed, ``str(exc)`` is a Chinese
    message for the terminal and the log (it names no command either)."""

    def __init__(self, message: str = "", *, code: StoreCode = StoreCode.OTHER, **params: Any):
        super().__init__(message)
        self.code = code
        self.params: dict[str, Any] = dict(params)


class StoreDamaged(StoreError):  # noqa: N818
    """The SQLite file failed its integrity check at start-up."""

    def __init__(self, message: str, backups: list[Path]):
        super().__init__(message)
        self.backups: list[Path] = list(backups)  # newest first


class AlreadySent(StoreError):  # noqa: N818
    """Queuing or editing a revision the office already has."""


class NotEditable(StoreError):  # noqa: N818
    """Editing a filing whose status does not allow it (queued, sent)."""


class StoreFull(StoreError):  # noqa: N818
    """The disk is full or the data folder is read-only; nothing was changed."""


@dataclass(frozen=True)
class FilingRow:
    id: str
    revision: int
    status: str
    filing: dict[str, Any]  # interchange format
    created_at: str  # ISO 8601 with offset
    updated_at: str
    receipt: str | None = None
    return_reason: str | None = None
    last_error: str | None = None  # last send failure, Chinese (the terminal's wording)
    # the same failure as {"code", "params"} of desktop.sync.problems, for the window's
    # own wording; None when it was stored as text only (older versions)
    last_problem: dict[str, Any] | None = None

    @property
    def editable(self) -> bool:
        return self.status in (DRAFT, READY)


@dataclass(frozen=True)
class FilingSummary:
    """One row of the filings list."""

    id: str
    revision: int
    status: str
    enterprise: str
    uscc: str
    lead_unit: str
    inspection_start: str
    receipt: str | None
    updated_at: str
    kind: str = ""  # prior | post_hoc ('' if not chosen)
    inspection_end_date: str | None = None  # YYYY-MM-DD in Shanghai time, None if unknown
    reviewed_revision: int | None = None  # the revision the office marked 审核通过

    @property
    def reviewed(self) -> bool:
        return self.status == SENT and self.reviewed_revision == self.revision


@dataclass(frozen=True)
class ListQuery:
    text: str = ""  # full-text: enterprise, credit code, officer, unit, any text
    statuses: tuple[str, ...] = ()  # empty: all
    date_from: date | None = None  # inspection date, inclusive
    date_to: date | None = None
    kinds: tuple[str, ...] = ()  # prior, post_hoc; empty: all
    ended_by: date | None = None  # inspection ended on or before (post-hoc deadlines)
    sort: str = "updated_at"  # updated_at | inspection_start | enterprise | status | receipt
    descending: bool = True
    limit: int = 200
    offset: int = 0


# Counting matches stops here: the list says "10,000+" (count_matches).
COUNT_CAP = 10_000


@dataclass(frozen=True)
class MatchCount:
    """How many filings match: ``count`` exactly, or at least ``count`` when ``capped``."""

    count: int
    capped: bool = False


@dataclass(frozen=True)
class Event:
    at: str
    kind: str
    revision: int
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboxItem:
    id: str
    revision: int
    filing: dict[str, Any]
    queued_at: str
    attempts: int
    next_try_at: str | None
    last_error: str | None
    permanent: bool = False  # refused by the office: not retried until queued again
    last_problem: dict[str, Any] | None = None  # as FilingRow.last_problem


@dataclass(frozen=True)
class Enterprise:
    name: str
    uscc: str = ""
    address: str = ""
    park: str = ""


@dataclass
class UnitProfile:
    unit_name: str = ""
    joint_units: list[str] = field(default_factory=list)  # the usual partners
    default_leader: dict[str, str] = field(default_factory=dict)  # name/title/phone/cert_no


class StoreProtocol(Protocol):
    """What ``desktop.store.Store`` offers. Every write is one transaction."""

    # --- life -------------------------------------------------------------------------
    # Store.open(data_dir: Path) -> Store   classmethod; raises StoreDamaged
    # Store.restore(data_dir: Path, backup: Path) -> None   classmethod; keeps the bad file
    def close(self) -> None: ...
    def backup_now(self) -> Path: ...  # the new backup
    def backups(self) -> list[Path]: ...  # newest first

    # --- filings ----------------------------------------------------------------------
    def create_filing(self, filing: dict[str, Any]) -> FilingRow: ...  # draft; "created"
    def save_draft(self, filing_id: str, filing: dict[str, Any], *, has_errors: bool) -> FilingRow:
        """Autosave. Status becomes READY without errors, DRAFT with. Raises NotEditable.
        Consecutive saves within a few minutes make one "edited" event, not hundreds."""
        ...

    def get(self, filing_id: str) -> FilingRow | None: ...
    def list_filings(self, query: ListQuery) -> list[FilingSummary]: ...
    def count_filings(self, query: ListQuery) -> int: ...
    def count_matches(self, query: ListQuery) -> MatchCount: ...  # stops at COUNT_CAP
    def counts_by_status(self) -> dict[str, int]: ...  # every status present, 0 if none
    def history(self, filing_id: str) -> list[Event]: ...  # oldest first
    def record_event(
        self, filing_id: str, kind: str, detail: dict[str, Any] | None = None
    ) -> None: ...
    def new_similar(self, filing_id: str) -> FilingRow: ...  # "新建类似": new id, revision 1
    def new_revision(self, filing_id: str) -> FilingRow: ...  # returned → revision n+1, draft
    def discard_draft(self, filing_id: str) -> None:
        """丢弃草稿: a draft or ready filing never sent (revision 1) leaves the list for
        good; its content and history stay, with a "discarded" event. Anything queued,
        sent or returned raises NotEditable."""
        ...

    # --- outbox -----------------------------------------------------------------------
    def queue(self, filing_id: str, filing: dict[str, Any] | None = None) -> FilingRow:
        """READY → QUEUED. An already queued id has its queued revision replaced;
        a SENT revision raises AlreadySent; a DRAFT raises NotEditable.
        With ``filing`` (already checked: no errors) that content is queued in one
        transaction: an unknown id is created, a DRAFT/READY one overwritten, a queued
        one replaced if never attempted, a RETURNED one revised when ``filing`` carries
        revision n+1."""
        ...

    def unqueue(self, filing_id: str) -> FilingRow: ...  # QUEUED → READY, if never attempted
    def outbox(self, *, due_only: bool = False) -> list[OutboxItem]: ...  # oldest first
    def outbox_item(self, filing_id: str) -> OutboxItem | None: ...  # None: not waiting
    def mark_attempt(self, filing_id: str, revision: int) -> None: ...  # before it goes out
    def mark_attempts(self, items: list[tuple[str, int]]) -> list[bool]:
        """Several attempts in one durable transaction; False: no longer in the outbox."""
        ...

    def mark_sent(self, filing_id: str, revision: int, receipt: dict[str, Any]) -> None: ...
    def mark_sent_many(
        self, receipts: list[tuple[str, int, dict[str, Any]]]
    ) -> list[StoreError | None]:
        """Several receipts in one transaction, each recorded or refused on its own."""
        ...

    def mark_failed(
        self,
        filing_id: str,
        revision: int,
        error: str,
        *,
        next_try_at: str | None,
        permanent: bool,
        problem: dict[str, Any] | None = None,
    ) -> None: ...
    def mark_returned(self, filing_id: str, revision: int, reason: str, at: str) -> None: ...
    def mark_reviewed(self, filing_id: str, revision: int) -> bool: ...

    # --- settings and reference data --------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any: ...  # JSON values
    def set_meta(self, key: str, value: Any) -> None: ...
    def profile(self) -> UnitProfile: ...
    def save_profile(self, profile: UnitProfile) -> None: ...
    def replace_roster(self, officers: list[Officer]) -> None: ...
    def officers(self) -> list[Officer]: ...
    def roster(self) -> Roster: ...
    def upsert_enterprises(self, enterprises: list[Enterprise]) -> int: ...
    def find_enterprises(self, text: str, limit: int = 20) -> list[Enterprise]: ...
    def save_reference(self, reference: dict[str, Any]) -> None: ...  # from the office
    def reference(self) -> dict[str, Any]: ...
    def verification_url(self) -> str | None: ...  # what the QR code links to
    def validation_context(self) -> dict[str, Any]:
        """Keyword arguments for forms.rules.validate: roster, cert_rules, calendar."""
        ...
