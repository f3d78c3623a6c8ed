"""The workbench's list at scale: partial indexes for 已退回 and for the rows with a park.

A park's rows in the list's order (office, park, received_at, id): the park filter and a
park committee's list page through them without a sort, and the filter row's parks
walk them by a loose index scan.

Revision ID: 0010_list_indexes
Revises: 0009_park_replies
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_list_indexes"
down_revision = "0009_park_replies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    returned = sa.text("status = 'returned'")
    op.create_index(
        "ix_filings_returned",
        "filings",
        ["status", "id", "revision"],
        sqlite_where=returned,
        postgresql_where=returned,
    )
    with_park = sa.text("park IS NOT NULL")
    op.create_index(
        "ix_filing_facts_office_park",
        "filing_facts",
        ["office", "park", "received_at", "id"],
        sqlite_where=with_park,
        postgresql_where=with_park,
    )


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
