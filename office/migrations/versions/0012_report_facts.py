"""统计汇总 at scale: what the period's counts need of each filing, in ``report_facts``.

One row per filing (office/report_facts.py): the office, unit, kind, enterprise and
credit code of its ``filing_facts`` row, the first revision's received_at, the number
of revisions, the latest revision's inspection end (a Shanghai day) and joint units,
the cross-filing checks of any revision — filled here for the filings already held,
with the indexes the counts read them by.

Revision ID: 0012_report_facts
Revises: 0011_pending_marker
"""

from __future__ import annotations

from itertools import groupby

import sqlalchemy as sa
from alembic import op

revision = "0012_report_facts"
down_revision = "0011_pending_marker"
branch_labels = None
depends_on = None

CHUNK = 500  # filings per round: their revisions' warnings and one body each in memory


def upgrade() -> None:
    op.create_table(
        "report_facts",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("office", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("enterprise", sa.Text, nullable=False),
        sa.Column("uscc", sa.Text, nullable=False),
        sa.Column("first_received_at", sa.Text, nullable=False),
        sa.Column("revisions", sa.Integer, nullable=False),
        sa.Column("inspection_end", sa.Text),
        sa.Column("joint_units", sa.Integer, nullable=False),
        sa.Column("report_flags", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_facts"),
    )
    _fill(op.get_bind())
    op.create_index(
        "ix_report_facts_office_first_received_at",
        "report_facts",
        ["office", "first_received_at"],
    )
    op.create_index(
        "ix_report_facts_office_inspection_end", "report_facts", ["office", "inspection_end"]
    )


def _fill(bind: sa.Connection) -> None:
    from office import report_facts

    after = ""
    while True:
        ids = list(
            bind.execute(
                sa.text(
                    "SELECT id, revision, office, unit, kind, enterprise, uscc FROM filing_facts "
                    "WHERE id > :after ORDER BY id LIMIT :n"
                ),
                {"after": after, "n": CHUNK},
            )
        )
        if not ids:
            return
        after = ids[-1].id
        latest = [r.id for r in ids]
        listed = {r.id: r for r in ids}
        id_list: sa.BindParameter[list[str]] = sa.bindparam("ids", expanding=True)
        revisions = bind.execute(
            sa.text(
                "SELECT id, revision, received_at, warnings FROM filings WHERE id IN :ids "
                "ORDER BY id, revision"
            ).bindparams(id_list),
            {"ids": latest},
        )
        # The latest revision's body only (the row's revision is the latest).
        bodies = {
            r.id: bytes(r.body)
            for r in bind.execute(
                sa.text(
                    "SELECT f.id, f.body FROM filings f JOIN filing_facts x "
                    "ON x.id = f.id AND x.revision = f.revision WHERE f.id IN :ids"
                ).bindparams(id_list),
                {"ids": latest},
            )
        }
        values = []
        for filing_id, group in groupby(revisions, key=lambda r: r.id):
            revs = list(group)
            flags: set[str] = set()
            for r in revs:
                flags |= report_facts.warnings_flags(r.warnings)
            row = listed[filing_id]
            values.append(
                {
                    "id": filing_id,
                    "revision": row.revision,
                    "office": row.office,
                    "unit": row.unit,
                    "kind": row.kind,
                    "enterprise": row.enterprise,
                    "uscc": row.uscc,
                    "first_received_at": revs[0].received_at,
                    "revisions": len(revs),
                    "report_flags": report_facts.joined(flags),
                    **report_facts.body_values(bodies.get(filing_id, b"")),
                }
            )
        if values:
            bind.execute(
                sa.text(
                    "INSERT INTO report_facts (id, revision, office, unit, kind, enterprise, "
                    "uscc, first_received_at, revisions, inspection_end, joint_units, "
                    "report_flags) VALUES (:id, :revision, :office, :unit, :kind, "
                    ":enterprise, :uscc, :first_received_at, :revisions, :inspection_end, "
                    ":joint_units, :report_flags)"
                ),
                values,
            )


def downgrade() -> None:
    raise NotImplementedError("the office is never downgraded: restore a backup instead")
