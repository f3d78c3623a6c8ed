"""Alembic's environment: always the store's own connection (``office.migrations``)."""

from __future__ import annotations

from alembic import context

from office.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
