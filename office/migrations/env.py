"""Alembic's environment: always the store's own connection (``office.migrations``).

Importing this module as a plain module (the installer's analysis collects every module
of the package) does nothing: only Alembic, running a migration, sets ``context.config``.
"""

from __future__ import annotations

from alembic import context

from office.tables import metadata


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


try:
    _running = context.config is not None
except (NameError, AttributeError):  # no migration running: imported as a module
    _running = False
if _running:
    run()
