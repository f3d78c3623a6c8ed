"""Offices (市县两级), units, receipt series per office, staff, sessions, audit.

The one office of a single-office database becomes 430300 湘潭市 with its prefix
潭优备: every filing, receipt, change, token and notification is kept as it was, and
every unit that holds a token or filed becomes a unit of that office, so the desks go
on with the same tokens. Only SQLite databases were ever at 0001.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from forms.record import format_timestamp
from forms.record import now as now_in_shanghai

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CITY = ("430300", "湘潭市", "潭优备")
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AUTO = {"sqlite_autoincrement": True}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        raise RuntimeError("only the single-office release's SQLite databases are at 0001")
    now = format_timestamp(now_in_shanghai())
    config = op.get_context().config
    told = (config.attributes.get("single_office") if config else None) or {}
    city = (told.get("code", CITY[0]), told.get("name", CITY[1]), told.get("prefix", CITY[2]))

    op.create_table(
        "offices",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("parent", sa.Text, sa.ForeignKey("offices.code"), nullable=True),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_offices"),
        sa.UniqueConstraint("prefix", name="uq_offices_prefix"),
    )
    op.execute(
        sa.text(
            "INSERT INTO offices (code, name, parent, prefix, created_at) "
            "VALUES (:code, :name, NULL, :prefix, :at)"
        ).bindparams(code=city[0], name=city[1], prefix=city[2], at=now)
    )
    op.create_table(
        "units",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("office", sa.Text, sa.ForeignKey("offices.code"), nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_units"),
    )
    op.execute(
        sa.text(
            "INSERT INTO units (name, office, created_at) "
            "SELECT unit, :code, :at FROM (SELECT unit FROM tokens UNION SELECT unit FROM filings)"
        ).bindparams(code=city[0], at=now)
    )

    # filings: + office, + park; receipt numbers unique per office and year.
    op.create_table(
        "filings_v2",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("office", sa.Text, sa.ForeignKey("offices.code"), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("content_sha256", sa.Text, nullable=False),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("received_at", sa.Text, nullable=False),
        sa.Column("receipt", sa.Text, nullable=False),
        sa.Column("receipt_year", sa.Integer, nullable=False),
        sa.Column("receipt_no", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("returned_at", sa.Text),
        sa.Column("warnings", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("park", sa.Text),
        sa.PrimaryKeyConstraint("id", "revision", name="pk_filings"),
        sa.UniqueConstraint("receipt", name="uq_filings_receipt"),
        sa.UniqueConstraint(
            "office", "receipt_year", "receipt_no", name="uq_filings_office_receipt_year_receipt_no"
        ),
        sa.CheckConstraint("revision >= 1", name="ck_filings_revision"),
        sa.CheckConstraint("receipt_no >= 1", name="ck_filings_receipt_no"),
        sa.CheckConstraint("status IN ('filed', 'returned')", name="ck_filings_status"),
        sa.CheckConstraint("source IN ('api', 'bundle')", name="ck_filings_source"),
    )
    op.execute(
        sa.text(
            "INSERT INTO filings_v2 (id, revision, unit, office, body, content_sha256, digest, "
            "received_at, receipt, receipt_year, receipt_no, status, reason, returned_at, "
            "warnings, source, park) "
            "SELECT f.id, f.revision, f.unit, :code, f.body, f.content_sha256, f.digest, "
            "f.received_at, f.receipt, f.receipt_year, f.receipt_no, f.status, f.reason, "
            "f.returned_at, f.warnings, f.source, "
            "(SELECT substr(n.recipient, 1, length(n.recipient) - 5) FROM notifications n "
            " WHERE n.id = f.id AND n.revision = f.revision "
            " AND n.recipient_kind = 'park_committee' LIMIT 1) "
            "FROM filings f ORDER BY f.rowid"
        ).bindparams(code=city[0])
    )
    op.drop_index("filings_unit", table_name="filings")
    op.drop_table("filings")
    op.rename_table("filings_v2", "filings")
    op.create_index("ix_filings_unit_id", "filings", ["unit", "id"])
    op.create_index("ix_filings_office_received", "filings", ["office", "received_at"])

    op.create_table(
        "receipt_series_v2",
        sa.Column("office", sa.Text, sa.ForeignKey("offices.code"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("last", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("office", "year", name="pk_receipt_series"),
    )
    op.execute(
        sa.text(
            "INSERT INTO receipt_series_v2 (office, year, last) "
            "SELECT :code, year, last FROM receipt_series"
        ).bindparams(code=city[0])
    )
    op.drop_table("receipt_series")
    op.rename_table("receipt_series_v2", "receipt_series")

    # The indexes under the names the new schema gives them.
    op.drop_index("tokens_unit", table_name="tokens")
    op.create_index("ix_tokens_unit", "tokens", ["unit"])
    op.drop_index("changes_unit", table_name="changes")
    op.create_index("ix_changes_unit_seq", "changes", ["unit", "seq"])

    op.create_table(
        "users",
        sa.Column("id", Serial, primary_key=True, autoincrement=True),
        sa.Column("username", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("office", sa.Text, sa.ForeignKey("offices.code"), nullable=False),
        sa.Column("park", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("disabled_at", sa.Text),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.CheckConstraint(
            "role IN ('admin', 'reviewer', 'justice', 'park', 'viewer')", name="ck_users_role"
        ),
        **AUTO,
    )
    op.create_table(
        "sessions",
        sa.Column("hash", sa.Text, primary_key=True),
        sa.Column("user_id", Serial, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
        sa.Column("ended_at", sa.Text),
        sa.Column("address", sa.Text),
    )
    op.create_table(
        "login_attempts",
        sa.Column("seq", Serial, primary_key=True, autoincrement=True),
        sa.Column("username", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("ok", sa.Integer, nullable=False),
        **AUTO,
    )
    op.create_index("ix_login_attempts_username_at", "login_attempts", ["username", "at"])
    op.create_index("ix_login_attempts_address_at", "login_attempts", ["address", "at"])
    op.create_table(
        "audit",
        sa.Column("seq", Serial, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("office", sa.Text),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        **AUTO,
    )
    op.execute(
        sa.text(
            "INSERT INTO audit (at, actor, action, office, target, details) "
            "VALUES (:at, 'migrate', 'schema_upgraded', :code, '0002', :details)"
        ).bindparams(
            at=now,
            code=city[0],
            details=json.dumps(
                {"from": "0001", "office": city[0], "prefix": city[2]}, ensure_ascii=False
            ),
        )
    )


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
