"""The enterprise's page: evaluations (and complaints), visits, the page's rate limit.

Revision ID: 0006_enterprise
Revises: 0005_reports
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_enterprise"
down_revision = "0005_reports"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("satisfaction", sa.Integer, nullable=False),
        sa.Column("disrupted", sa.Integer, nullable=False),
        sa.Column("principal_required", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("complaint", sa.Integer, nullable=False),
        sa.Column("contact", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("complaint_state", sa.Text),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("replied_at", sa.Text),
        sa.PrimaryKeyConstraint("id", "revision", name="pk_evaluations"),
        sa.ForeignKeyConstraint(
            ["id", "revision"],
            ["filings.id", "filings.revision"],
            name="fk_evaluations_id_revision",
        ),
        sa.CheckConstraint("satisfaction BETWEEN 1 AND 5", name="ck_evaluations_satisfaction"),
        sa.CheckConstraint(
            "complaint_state IS NULL OR complaint_state IN ('received', 'in_progress', 'done')",
            name="ck_evaluations_complaint_state",
        ),
    )
    op.create_table(
        "visits",
        sa.Column("seq", Serial, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("arrived_at", sa.Text, nullable=False),
        sa.Column("left_at", sa.Text),
        sa.Column("recorded_at", sa.Text, nullable=False),
        sa.Column("standing", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["id", "revision"], ["filings.id", "filings.revision"], name="fk_visits_id_revision"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_visits_id_revision", "visits", ["id", "revision"])
    op.create_table(
        "enterprise_hits",
        sa.Column("seq", Serial, primary_key=True, autoincrement=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_enterprise_hits_key_at", "enterprise_hits", ["key", "at"])


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
