"""Helpers shared by tests: real processes and edges the tests cannot otherwise have."""
