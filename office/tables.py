"""The office store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

This is the schema at the newest migration (``office/migrations``): a new database is
created from it and stamped with the head revision; an existing one is upgraded by the
migrations. ``tests/office/test_migrations.py`` checks that both end up alike.

Receipts are UNIQUE and their numbers are UNIQUE per office and year: a number is never
reused, whatever the code above does. Rows of filings, changes, notifications and audit
are never deleted; a return changes a filing's status and appends a change.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)

# Named constraints, so that later migrations can name what they change on both backends.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite's INTEGER PRIMARY KEY AUTOINCREMENT (never reuses a key) and PostgreSQL's
# identity column: ``seq`` of changes, notifications and audit only grows.
Serial = BigInteger().with_variant(Integer(), "sqlite")

ROLES = ("admin", "reviewer", "justice", "park", "viewer")

offices = Table(
    "offices",
    metadata,
    Column("code", Text, primary_key=True),  # the division code, e.g. 430300
    Column("name", Text, nullable=False),
    Column("parent", Text, ForeignKey("offices.code"), nullable=True),
    Column("prefix", Text, nullable=False, unique=True),  # 潭优备: receipts never collide
    Column("created_at", Text, nullable=False),
)

units = Table(
    "units",
    metadata,
    Column("name", Text, primary_key=True),  # normalised (office.tokens.unit_key)
    Column("office", Text, ForeignKey("offices.code"), nullable=False),
    Column("created_at", Text, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("unit", Text, nullable=False, index=True),
    Column("hash", Text, nullable=False, unique=True),
    Column("created_at", Text, nullable=False),
    Column("revoked_at", Text),
    sqlite_autoincrement=True,
)

filings = Table(
    "filings",
    metadata,
    Column("id", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("unit", Text, nullable=False),
    Column("office", Text, ForeignKey("offices.code"), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("content_sha256", Text, nullable=False),
    Column("digest", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("receipt", Text, nullable=False, unique=True),
    Column("receipt_year", Integer, nullable=False),
    Column("receipt_no", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("reason", Text),
    Column("returned_at", Text),
    Column("warnings", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("park", Text),  # the park's full name when the enterprise is in one
    PrimaryKeyConstraint("id", "revision"),
    UniqueConstraint("office", "receipt_year", "receipt_no"),
    CheckConstraint("revision >= 1", name="revision"),
    CheckConstraint("receipt_no >= 1", name="receipt_no"),
    CheckConstraint("status IN ('filed', 'returned')", name="status"),
    CheckConstraint("source IN ('api', 'bundle')", name="source"),
    Index("ix_filings_unit_id", "unit", "id"),
    Index("ix_filings_office_received", "office", "received_at"),
)

receipt_series = Table(
    "receipt_series",
    metadata,
    Column("office", Text, ForeignKey("offices.code"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("last", Integer, nullable=False),
    PrimaryKeyConstraint("office", "year"),
)

changes = Table(
    "changes",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("unit", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("id", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("receipt", Text, nullable=False),
    Column("reason", Text),
    Column("at", Text, nullable=False),
    ForeignKeyConstraint(["id", "revision"], ["filings.id", "filings.revision"]),
    CheckConstraint("type IN ('receipt', 'returned', 'reviewed', 'notice')", name="type"),
    Index("ix_changes_unit_seq", "unit", "seq"),
    sqlite_autoincrement=True,
)

notifications = Table(
    "notifications",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("id", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("recipient_kind", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("sent_at", Text),
    ForeignKeyConstraint(["id", "revision"], ["filings.id", "filings.revision"]),
    CheckConstraint(
        "recipient_kind IN ('justice_bureau', 'park_committee')", name="recipient_kind"
    ),
    sqlite_autoincrement=True,
)

reference = Table(
    "reference",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("data", Text, nullable=False),
    Column("loaded_at", Text, nullable=False),
    Column("source", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # Argon2id, never the password
    Column("role", Text, nullable=False),
    Column("office", Text, ForeignKey("offices.code"), nullable=False),
    Column("park", Text),  # for role park: the park's full name
    Column("created_at", Text, nullable=False),
    Column("disabled_at", Text),
    CheckConstraint("role IN ('admin', 'reviewer', 'justice', 'park', 'viewer')", name="role"),
    sqlite_autoincrement=True,
)

# Staff sessions (for the web workbench's cookies): only the SHA-256 of the session id.
sessions = Table(
    "sessions",
    metadata,
    Column("hash", Text, primary_key=True),
    Column("user_id", Serial, ForeignKey("users.id"), nullable=False),
    Column("created_at", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
    Column("ended_at", Text),
    Column("address", Text),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("username", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("at", Text, nullable=False),  # UTC ISO 8601: compared as text
    Column("ok", Integer, nullable=False),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_address_at", "address", "at"),
    sqlite_autoincrement=True,
)

# Append-only: every staff action, by whom, when, on what, and what changed (JSON).
audit = Table(
    "audit",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("office", Text),
    Column("target", Text, nullable=False),
    Column("details", Text, nullable=False),
    sqlite_autoincrement=True,
)

# --- the workbench (office/console, migration 0003_console) -----------------------------
# A review decision (审核通过) of one revision; its change in the unit's feed is
# ``reviewed``. Internal notes (备注) the unit never sees. The office's return reasons
# kept as templates (退回原因模板).
CHANGE_TYPES = ("receipt", "returned", "reviewed", "notice")  # notice: cross-filing checks

reviews = Table(
    "reviews",
    metadata,
    Column("id", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("office", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("at", Text, nullable=False),
    PrimaryKeyConstraint("id", "revision"),
    ForeignKeyConstraint(["id", "revision"], ["filings.id", "filings.revision"]),
)

notes = Table(
    "notes",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("id", Text, nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("office", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("at", Text, nullable=False),
    sqlite_autoincrement=True,
)

return_templates = Table(
    "return_templates",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("office", Text, ForeignKey("offices.code"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("retired_at", Text),
    # its place in the office's list once templates were moved (else by seq);
    # added by 0008_pending_seen (office/console/return_templates.py)
    Column("position", Integer),
    sqlite_autoincrement=True,
)

# One row per filing: what the workbench's list filters on, taken from the latest
# revision's body at intake (so a filter never parses a million JSON bodies).
filing_facts = Table(
    "filing_facts",
    metadata,
    Column("id", Text, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("office", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("enterprise", Text, nullable=False),
    Column("uscc", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("inspection_start", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("park", Text),
    Column("flagged", Integer, nullable=False),  # 1 when intake recorded warnings
    # 1 while the latest revision waits for review (received, neither returned nor
    # reviewed): set at intake, cleared by 审核通过 and 退回 in their transactions;
    # added by 0011_pending_marker (office/console/pending.py)
    Column("waiting", Integer, nullable=False, server_default=text("1")),
    Index("ix_filing_facts_office_received_at_id", "office", "received_at", "id"),
    Index("ix_filing_facts_uscc", "uscc"),
    Index("ix_filing_facts_office_enterprise", "office", "enterprise"),
    Index("ix_filing_facts_office_inspection_start", "office", "inspection_start"),
    Index("ix_filing_facts_office_unit_received_at", "office", "unit", "received_at"),
)

# --- Reports and digests (office/reports) ---------------------------------------------------

# Where an office's daily digest to a recipient (司法行政部门, a park's committee) is e-mailed.
digest_addresses = Table(
    "digest_addresses",
    metadata,
    Column("office", Text, ForeignKey("offices.code"), nullable=False),
    Column("recipient", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    PrimaryKeyConstraint("office", "recipient"),
)

# Digest e-mails: queued with their attachment, sent later; a failure keeps the row with
# its attempts and last error (never a secret) until a later run sends it. Never deleted.
outbox = Table(
    "outbox",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("office", Text, ForeignKey("offices.code"), nullable=False),
    Column("recipient", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("attachment_name", Text, nullable=False),
    Column("attachment", LargeBinary, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_attempt_at", Text),
    Column("last_error", Text),
    Column("sent_at", Text),
    Index("ix_outbox_sent_at", "sent_at"),
    sqlite_autoincrement=True,
)

# --- the enterprise's page (visits, evaluations, complaints) --------------------------------
# What an enterprise tells the office on the QR page. Never reaches the inspecting unit:
# no change, feed or unit route reads these tables (office/enterprise/).

# One evaluation per filing revision; a second within the edit window replaces it.
# A complaint is the same row with ``complaint`` = 1: an office task with a state and a
# reply the enterprise reads on the page.
evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("satisfaction", Integer, nullable=False),
    Column("disrupted", Integer, nullable=False),
    Column("principal_required", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("complaint", Integer, nullable=False),
    Column("contact", Text, nullable=False),  # for a call-back; "" when none was left
    Column("created_at", Text, nullable=False),  # the first one: the edit window starts here
    Column("at", Text, nullable=False),  # the latest edit
    Column("complaint_state", Text),  # received / in_progress / done; NULL: not a complaint
    Column("reply", Text, nullable=False),
    Column("replied_at", Text),
    PrimaryKeyConstraint("id", "revision"),
    ForeignKeyConstraint(["id", "revision"], ["filings.id", "filings.revision"]),
    CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction"),
    CheckConstraint(
        "complaint_state IS NULL OR complaint_state IN ('received', 'in_progress', 'done')",
        name="complaint_state",
    ),
)

# 扫码留痕: the enterprise confirms the inspectors' arrival (and departure).
visits = Table(
    "visits",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("id", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("arrived_at", Text, nullable=False),
    Column("left_at", Text),
    Column("recorded_at", Text, nullable=False),
    Column("standing", Text, nullable=False),  # the revision's standing when recorded
    ForeignKeyConstraint(["id", "revision"], ["filings.id", "filings.revision"]),
    Index("ix_visits_id_revision", "id", "revision"),
    sqlite_autoincrement=True,
)

# Requests of the public page's posts, counted per address and per filing id across
# every worker process (the rate limit); rows older than a day are dropped.
enterprise_hits = Table(
    "enterprise_hits",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False),
    Column("at", Text, nullable=False),  # UTC ISO 8601: compared as text
    Index("ix_enterprise_hits_key_at", "key", "at"),
    sqlite_autoincrement=True,
)

# --- Cross-filing checks (joint, repeated, white list, key supervision, unplanned) --------

# One row per filing id: its latest accepted revision as the checks compare it.
# ``enterprise`` is the credit code, or ``name:`` + the name key when there is none.
inspections = Table(
    "inspections",
    metadata,
    Column("id", Text, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("unit", Text, nullable=False),
    Column("office", Text, nullable=False),
    Column("enterprise", Text, nullable=False),
    Column("enterprise_name", Text, nullable=False),
    Column("start_day", Text, nullable=False),  # YYYY-MM-DD in Shanghai time
    Column("year", Integer, nullable=False),
    Column("matter", Text, nullable=False),  # the name key of the items inspected
    Column("joint_units", Text, nullable=False),  # JSON list of unit keys
    Index("ix_inspections_enterprise_start", "enterprise", "start_day"),
)

# The flags of each accepted revision, for the workbench's filters and clusters.
crosscheck_flags = Table(
    "crosscheck_flags",
    metadata,
    Column("id", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("code", Text, nullable=False),
    Column("other_id", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("id", "revision", "code", "other_id"),
    ForeignKeyConstraint(["id", "revision"], ["filings.id", "filings.revision"]),
    Index("ix_crosscheck_flags_code", "code"),
)

# Notices put in a unit's changes feed: one per pair of filings (``id`` is the notified
# unit's filing, ``other_id`` the later one), whatever retries or revisions follow.
crosscheck_notices = Table(
    "crosscheck_notices",
    metadata,
    Column("id", Text, nullable=False),
    Column("other_id", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("seq", Serial, ForeignKey("changes.seq"), nullable=False),
    Column("other_unit", Text, nullable=False),
    Column("other_date", Text, nullable=False),
    Column("message", Text, nullable=False),
    PrimaryKeyConstraint("id", "other_id", "code"),
)

# Each unit's annual 双随机 plan: replaced whole by PUT; ``arrived_at`` is the first
# registration (a plan first registered after 31 March is late), ``updated_at`` the last.
plans = Table(
    "plans",
    metadata,
    Column("unit", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("items", Text, nullable=False),  # JSON list of items
    Column("arrived_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("late", Integer, nullable=False),
    PrimaryKeyConstraint("unit", "year"),
)

# A reviewer's decision on a cluster of overlapping filings (已协调 / 无需联合).
crosscheck_clusters = Table(
    "crosscheck_clusters",
    metadata,
    Column("key", Text, primary_key=True),  # enterprise + first day of the cluster
    Column("state", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("decided_by", Text, nullable=False),
    Column("decided_at", Text, nullable=False),
    CheckConstraint("state IN ('coordinated', 'not_needed')", name="state"),
)

# --- Reference data uploads (office/reference_uploads.py, the workbench's 参考数据) ---------
# An uploaded list or calendar year between its preview and the admin's confirmation:
# the rows as they will be stored, held for the session that uploaded it (the SHA-256 of
# its id) until it is confirmed, cancelled or expires. Never a re-posted payload.
reference_uploads = Table(
    "reference_uploads",
    metadata,
    Column("id", Text, primary_key=True),  # random; names the preview in its URL
    Column("session", Text, nullable=False),  # office.auth.session_hash of the uploader's
    Column("actor", Text, nullable=False),
    Column("section", Text, nullable=False),
    Column("base_version", Integer, nullable=False),  # the reference version it was read against
    Column("source", Text, nullable=False),
    Column("preview", Text, nullable=False),  # JSON: the section's value, rows, problems, diff
    Column("created_at", Text, nullable=False),
    Column("expires_at", Text, nullable=False),  # UTC ISO 8601: compared as text
    Index("ix_reference_uploads_expires_at", "expires_at"),
)

# --- 待审: how far each reviewer has looked (office/console/pending.py) -------------------
# Per user and office, the newest receipt (year, number of the office's series) the user
# marked 已看 on the 待审 page: a pending filing with a later receipt is new to them.
# Receipt numbers are taken under the office's series lock, so they follow commit order.
pending_seen = Table(
    "pending_seen",
    metadata,
    Column("username", Text, nullable=False),
    Column("office", Text, ForeignKey("offices.code"), nullable=False),
    Column("receipt_year", Integer, nullable=False),
    Column("receipt_no", Integer, nullable=False),
    Column("at", Text, nullable=False),
    PrimaryKeyConstraint("username", "office"),
)

# --- Park committees' replies (office/park_replies.py, migration 0009_park_replies) -------
# A park committee's reply to a filing (派员参加 with staff, or 无补充意见). One current
# reply per park and filing (``superseded_by`` NULL); a later one supersedes it, the
# earlier stays. ``change_seq`` is the notice put in the unit's changes feed.
PARK_REPLY_KINDS = ("send_staff", "nothing_to_add")

park_replies = Table(
    "park_replies",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("id", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("park", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("staff", Text, nullable=False),  # JSON list of {"name", "phone"}
    Column("note", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("change_seq", Serial, ForeignKey("changes.seq"), nullable=False, unique=True),
    Column("superseded_by", BigInteger),
    ForeignKeyConstraint(["id", "revision"], ["filings.id", "filings.revision"]),
    CheckConstraint("kind IN ('send_staff', 'nothing_to_add')", name="kind"),
    Index("ix_park_replies_id", "id"),
    Index(
        "uq_park_replies_current",
        "id",
        "park",
        unique=True,
        sqlite_where=text("superseded_by IS NULL"),
        postgresql_where=text("superseded_by IS NULL"),
    ),
    sqlite_autoincrement=True,
)

# --- The workbench's list at scale (office/console/listing.py, migration 0010_list_indexes)
# 已退回 is a small part of what an office holds: the list's status filter finds those
# rows through this partial index instead of reading every filing. The filter row's
# parks, the park filter and a park committee's list walk only the rows that have a
# park, in the list's order.
# (Indexes in this block are named by hand, as the migration names them.)
Index(
    "ix_filings_returned",
    filings.c.status,  # first: an equality SQLite's planner prefers even without ANALYZE
    filings.c.id,
    filings.c.revision,
    sqlite_where=text("status = 'returned'"),
    postgresql_where=text("status = 'returned'"),
)
Index(
    "ix_filing_facts_office_park",
    filing_facts.c.office,
    filing_facts.c.park,
    filing_facts.c.received_at,  # the park filter pages newest first without a sort
    filing_facts.c.id,
    sqlite_where=text("park IS NOT NULL"),
    postgresql_where=text("park IS NOT NULL"),
)

# --- 待审 at scale (office/console/pending.py, migration 0011_pending_marker)
# What waits for review is a small, recent part of an office's filings: 待审, its counts
# and the list's 已接收 filter walk only those rows, oldest (or newest) first.
Index(
    "ix_filing_facts_waiting",
    filing_facts.c.waiting,  # first: an equality SQLite's planner prefers without ANALYZE
    filing_facts.c.office,
    filing_facts.c.received_at,
    filing_facts.c.id,
    sqlite_where=text("waiting = 1"),
    postgresql_where=text("waiting = 1"),
)

# --- 统计汇总 at scale (office/reports/counts.py, office/report_facts.py, migration
# 0012_report_facts) -------------------------------------------------------------------------
# What the period's counts need of a filing, one row per filing kept at intake beside its
# ``filing_facts`` row (whose office, unit, kind, enterprise and uscc it copies), so a
# quarter is counted without parsing a JSON body: the first revision's received_at (the
# period a filing counts in), how many revisions arrived, the latest revision's
# inspection end (a Shanghai day, YYYY-MM-DD; NULL when it names none) and joint units,
# and the cross-filing checks raised on any revision (codes, comma-separated, sorted).
# A table of its own: columns added to ``filing_facts`` tipped SQLite's planner into
# scanning filings for the list's 已接收 filter.
report_facts = Table(
    "report_facts",
    metadata,
    Column("id", Text, primary_key=True),
    Column("revision", Integer, nullable=False),  # the latest
    Column("office", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("enterprise", Text, nullable=False),
    Column("uscc", Text, nullable=False),
    Column("first_received_at", Text, nullable=False),
    Column("revisions", Integer, nullable=False),
    Column("inspection_end", Text),
    Column("joint_units", Integer, nullable=False),
    Column("report_flags", Text, nullable=False),
    Index("ix_report_facts_office_first_received_at", "office", "first_received_at"),
    Index("ix_report_facts_office_inspection_end", "office", "inspection_end"),
)
