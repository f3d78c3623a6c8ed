"""The office's suite runs on both backends: every test that uses an office or a store
runs once on SQLite and once on a real PostgreSQL server."""

from tests.support.office_store import office_backend, store  # noqa: F401 (both backends)
