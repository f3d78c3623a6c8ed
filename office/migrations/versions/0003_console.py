"""The workbench: review decisions, internal notes, return-reason templates, and the
``reviewed`` change type in the units' feed.

Revision ID: 0003_console
Revises: 0002
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003_console"
down_revision = "0002"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AUTO = {"sqlite_autoincrement": True}
TYPES = "type IN ('receipt', 'returned', 'reviewed')"


def _changes_allow_reviewed() -> None:
    if op.get_bind().dialect.name != "sqlite":
        # op.f: the name as it is, not run through the naming convention a second time
        # (which would look for "ck_changes_ck_changes_type").
        op.drop_constraint(op.f("ck_changes_type"), "changes", type_="check")
        op.create_check_constraint("type", "changes", TYPES)
        return
    # SQLite cannot change a CHECK in place: the table is rebuilt with its rows and
    # their seq (AUTOINCREMENT carries on from the copied maximum).
    op.create_table(
        "changes_v3",
        sa.Column("seq", Serial, primary_key=True, autoincrement=True),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("receipt", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("at", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["id", "revision"],
            ["filings.id", "filings.revision"],
            name="fk_changes_id_revision",
        ),
        sa.CheckConstraint(TYPES, name="ck_changes_type"),
        sa.PrimaryKeyConstraint("seq", name="pk_changes"),
        **AUTO,
    )
    op.execute(
        "INSERT INTO changes_v3 (seq, unit, type, id, revision, receipt, reason, at) "
        "SELECT seq, unit, type, id, revision, receipt, reason, at FROM changes ORDER BY seq"
    )
    op.drop_index("ix_changes_unit_seq", table_name="changes")
    op.drop_table("changes")
    op.rename_table("changes_v3", "changes")
    op.create_index("ix_changes_unit_seq", "changes", ["unit", "seq"])


def upgrade() -> None:
    _changes_allow_reviewed()
    op.create_table(
        "reviews",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("office", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", "revision", name="pk_reviews"),
        sa.ForeignKeyConstraint(
            ["id", "revision"],
            ["filings.id", "filings.revision"],
            name="fk_reviews_id_revision",
        ),
    )
    op.create_table(
        "notes",
        sa.Column("seq", Serial, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("office", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_notes"),
        **AUTO,
    )
    op.create_index("ix_notes_id", "notes", ["id"])
    op.create_table(
        "return_templates",
        sa.Column("seq", Serial, primary_key=True, autoincrement=True),
        sa.Column("office", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("retired_at", sa.Text),
        sa.ForeignKeyConstraint(["office"], ["offices.code"], name="fk_return_templates_office"),
        sa.PrimaryKeyConstraint("seq", name="pk_return_templates"),
        **AUTO,
    )
    _filing_facts()


def _filing_facts() -> None:
    op.create_table(
        "filing_facts",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("office", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("enterprise", sa.Text, nullable=False),
        sa.Column("uscc", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("inspection_start", sa.Text, nullable=False),
        sa.Column("received_at", sa.Text, nullable=False),
        sa.Column("park", sa.Text),
        sa.Column("flagged", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_filing_facts"),
    )
    for name, columns in (
        ("ix_filing_facts_office_received_at_id", ["office", "received_at", "id"]),
        ("ix_filing_facts_uscc", ["uscc"]),
        ("ix_filing_facts_office_enterprise", ["office", "enterprise"]),
        ("ix_filing_facts_office_inspection_start", ["office", "inspection_start"]),
        ("ix_filing_facts_office_unit_received_at", ["office", "unit", "received_at"]),
    ):
        op.create_index(name, "filing_facts", columns)
    # Filings already held: their latest revisions, from the bodies as received.
    from office import filing_facts as facts

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT f.id, f.revision, f.office, f.unit, f.body, f.received_at, f.park, "
            "f.warnings FROM filings f WHERE f.revision = "
            "(SELECT MAX(g.revision) FROM filings g WHERE g.id = f.id)"
        )
    )
    for row in rows:
        facts.record(
            bind,
            facts.facts(
                filing_id=row.id,
                revision=row.revision,
                office=row.office,
                unit=row.unit,
                body=bytes(row.body),
                received_at=row.received_at,
                park=row.park,
                warnings=json.loads(row.warnings),
            ),
        )


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
