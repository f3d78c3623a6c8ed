"""Cross-filing checks: the inspections compared, their flags, the notices in the units'
feeds (a new change type ``notice``), the annual plans and cluster decisions.

Revision ID: 0004_crosscheck
Revises: 0003_console
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_crosscheck"
down_revision = "0003_console"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    _allow_notices_in_changes()
    op.create_table(
        "inspections",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("office", sa.Text, nullable=False),
        sa.Column("enterprise", sa.Text, nullable=False),
        sa.Column("enterprise_name", sa.Text, nullable=False),
        sa.Column("start_day", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("matter", sa.Text, nullable=False),
        sa.Column("joint_units", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inspections"),
    )
    op.create_index("ix_inspections_enterprise_start", "inspections", ["enterprise", "start_day"])
    _index_held_filings()
    op.create_table(
        "crosscheck_flags",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("other_id", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", "revision", "code", "other_id", name="pk_crosscheck_flags"),
        sa.ForeignKeyConstraint(
            ["id", "revision"],
            ["filings.id", "filings.revision"],
            name="fk_crosscheck_flags_id_revision",
        ),
    )
    op.create_index("ix_crosscheck_flags_code", "crosscheck_flags", ["code"])
    op.create_table(
        "crosscheck_notices",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("other_id", sa.Text, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("seq", Serial, nullable=False),
        sa.Column("other_unit", sa.Text, nullable=False),
        sa.Column("other_date", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", "other_id", "code", name="pk_crosscheck_notices"),
        sa.ForeignKeyConstraint(["seq"], ["changes.seq"], name="fk_crosscheck_notices_seq"),
    )
    op.create_table(
        "plans",
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("arrived_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("late", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("unit", "year", name="pk_plans"),
    )
    op.create_table(
        "crosscheck_clusters",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("decided_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_crosscheck_clusters"),
        sa.CheckConstraint(
            "state IN ('coordinated', 'not_needed')", name="ck_crosscheck_clusters_state"
        ),
    )


def _index_held_filings() -> None:
    """The filings already held take part in the checks from now on: each id's latest
    revision is indexed as intake indexes a new one (no warnings or notices for them)."""

    from forms.record import NotAFiling, parse
    from office.crosscheck import inspection_of

    bind = op.get_bind()
    latest: dict[str, tuple[int, str, str, bytes]] = {}
    rows = bind.execute(
        sa.text("SELECT id, revision, unit, office, body FROM filings ORDER BY id, revision")
    )
    for row in rows:
        latest[row.id] = (row.revision, row.unit, row.office, bytes(row.body))
    table = sa.table(
        "inspections",
        *(
            sa.column(name)
            for name in (
                "id",
                "revision",
                "unit",
                "office",
                "enterprise",
                "enterprise_name",
                "start_day",
                "year",
                "matter",
                "joint_units",
            )
        ),
    )
    for filing_id, (revision, unit, office, body) in latest.items():
        try:
            filing = parse(body)
        except (NotAFiling, ValueError):
            continue
        found = inspection_of(
            filing, filing_id=filing_id, revision=revision, unit=unit, office=office
        )
        if found is not None:
            bind.execute(table.insert().values(**found.row()))


def _allow_notices_in_changes() -> None:
    """The changes feed takes another type, ``notice``. PostgreSQL names the constraint;
    SQLite cannot alter a CHECK, so the table is rebuilt with its rows, keys and
    AUTOINCREMENT counter as they were."""
    allowed = "type IN ('receipt', 'returned', 'reviewed', 'notice')"
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_changes_type"), "changes", type_="check")
        op.create_check_constraint("type", "changes", allowed)
        return
    op.execute(
        "CREATE TABLE changes_v2 ("
        " seq INTEGER PRIMARY KEY AUTOINCREMENT, unit TEXT NOT NULL, type TEXT NOT NULL,"
        " id TEXT NOT NULL, revision INTEGER NOT NULL, receipt TEXT NOT NULL, reason TEXT,"
        " at TEXT NOT NULL,"
        " CONSTRAINT fk_changes_id_revision FOREIGN KEY(id, revision)"
        " REFERENCES filings (id, revision),"
        f" CONSTRAINT ck_changes_type CHECK ({allowed})"
        ")"
    )
    op.execute(
        "INSERT INTO changes_v2 (seq, unit, type, id, revision, receipt, reason, at)"
        " SELECT seq, unit, type, id, revision, receipt, reason, at FROM changes"
    )
    op.execute("DROP INDEX IF EXISTS ix_changes_unit_seq")
    op.execute("DROP TABLE changes")
    op.execute("ALTER TABLE changes_v2 RENAME TO changes")
    op.create_index("ix_changes_unit_seq", "changes", ["unit", "seq"])


def downgrade() -> None:
    raise NotImplementedError("the office's migrations go forward only")
