"""The workbench's reference data uploads: a list or calendar year held between its
preview and the admin's confirmation.

Revision ID: 0007_reference_uploads
Revises: 0006_enterprise
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_reference_uploads"
down_revision = "0006_enterprise"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_uploads",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("session", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("section", sa.Text, nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("preview", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reference_uploads"),
    )
    op.create_index("ix_reference_uploads_expires_at", "reference_uploads", ["expires_at"])


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
