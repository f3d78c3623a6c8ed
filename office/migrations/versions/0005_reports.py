"""Reports: the addresses digests go to, and the outbox of digest e-mails (a failed send
stays, with its attempts and last error, until it goes out; rows are never deleted).

Revision ID: 0005_reports
Revises: 0004_crosscheck
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_reports"
down_revision = "0004_crosscheck"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "digest_addresses",
        sa.Column("office", sa.Text, sa.ForeignKey("offices.code"), nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("office", "recipient", name="pk_digest_addresses"),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", Serial, primary_key=True, autoincrement=True),
        sa.Column("office", sa.Text, sa.ForeignKey("offices.code"), nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("attachment_name", sa.Text, nullable=False),
        sa.Column("attachment", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_attempt_at", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.Text),
        sa.PrimaryKeyConstraint("seq", name="pk_outbox"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_sent_at", "outbox")
    op.drop_table("outbox")
    op.drop_table("digest_addresses")
