"""Park committees' replies to filings (派员参加 / 无补充意见).

Revision ID: 0009_park_replies
Revises: 0008_pending_seen
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_park_replies"
down_revision = "0008_pending_seen"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "park_replies",
        sa.Column("seq", Serial, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("park", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("staff", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("change_seq", Serial, nullable=False),
        sa.Column("superseded_by", sa.BigInteger),
        sa.ForeignKeyConstraint(
            ["id", "revision"],
            ["filings.id", "filings.revision"],
            name="fk_park_replies_id_revision",
        ),
        sa.ForeignKeyConstraint(["change_seq"], ["changes.seq"], name="fk_park_replies_change_seq"),
        sa.UniqueConstraint("change_seq", name="uq_park_replies_change_seq"),
        sa.CheckConstraint("kind IN ('send_staff', 'nothing_to_add')", name="ck_park_replies_kind"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_park_replies_id", "park_replies", ["id"])
    op.create_index(
        "uq_park_replies_current",
        "park_replies",
        ["id", "park"],
        unique=True,
        sqlite_where=sa.text("superseded_by IS NULL"),
        postgresql_where=sa.text("superseded_by IS NULL"),
    )


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
