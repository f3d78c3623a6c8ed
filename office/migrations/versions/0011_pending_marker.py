"""待审 at scale: a marker on each filing's facts saying its latest revision waits for
review, and a partial index over the waiting rows.

``filing_facts.waiting`` is 1 when the latest revision is received and neither returned
nor reviewed — what 待审 found before by probing ``filings`` and ``reviews`` for every
filing of the office. Intake sets it, 审核通过 and 退回 clear it (office/filing_facts.py);
here it is filled for the filings already held.

Revision ID: 0011_pending_marker
Revises: 0010_list_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_pending_marker"
down_revision = "0010_list_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every row waits until the statement below says otherwise (a row the fill
    # misses shows in 待审 rather than being skipped by review).
    op.add_column(
        "filing_facts",
        sa.Column("waiting", sa.Integer, nullable=False, server_default=sa.text("1")),
    )
    op.execute(
        "UPDATE filing_facts SET waiting = 0 WHERE NOT EXISTS ("
        "SELECT 1 FROM filings f WHERE f.id = filing_facts.id "
        "AND f.revision = filing_facts.revision AND f.status = 'filed' "
        "AND NOT EXISTS (SELECT 1 FROM reviews r "
        "WHERE r.id = f.id AND r.revision = f.revision))"
    )
    waiting = sa.text("waiting = 1")
    op.create_index(
        "ix_filing_facts_waiting",
        "filing_facts",
        ["waiting", "office", "received_at", "id"],
        sqlite_where=waiting,
        postgresql_where=waiting,
    )


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
