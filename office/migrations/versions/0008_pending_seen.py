"""待审: how far each reviewer has looked (``pending_seen``); the return-reason
templates' place in their office's list (``return_templates.position``).

Revision ID: 0008_pending_seen
Revises: 0007_reference_uploads
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_pending_seen"
down_revision = "0007_reference_uploads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_seen",
        sa.Column("username", sa.Text, nullable=False),
        sa.Column("office", sa.Text, nullable=False),
        sa.Column("receipt_year", sa.Integer, nullable=False),
        sa.Column("receipt_no", sa.Integer, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("username", "office", name="pk_pending_seen"),
        sa.ForeignKeyConstraint(["office"], ["offices.code"], name="fk_pending_seen_office"),
    )
    op.add_column("return_templates", sa.Column("position", sa.Integer, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
