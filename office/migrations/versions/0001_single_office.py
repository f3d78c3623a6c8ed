"""The single-office release: one SQLite file, receipts 潭优备〔YEAR〕NNNNNN号.

Databases at this revision were made by that release (``PRAGMA user_version = 1``, no
``alembic_version`` table); ``office.migrations.upgrade`` stamps them with this revision
before upgrading. A new database is created at the head revision, never here.

Revision ID: 0001
"""

from __future__ import annotations

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to create: this revision names what the single-office release made."""


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
