"""The workbench's tests: the store-level ones run on both backends."""

from tests.support.office_store import office_backend, store  # noqa: F401 (both backends)
