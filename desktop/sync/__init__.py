"""Sending the outbox to the office and bringing its answers back (docs/sync.md).

Plain Python; no Qt. ``service.sync_once(store, data_dir)`` runs one full pass with the
saved settings; ``engine.run_pass(store, client)`` is the pass itself; ``client`` speaks
the office API (docs/office-api.md); ``backoff`` decides when a failed send is tried
again; ``bundle`` carries filings and receipts on a USB stick where there is no network.
"""

from typing import Any

__all__ = ["PassResult", "run_pass", "sync_once"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: ``desktop.sync.states`` and ``problems`` are imported by the
    # window before its first paint, and must not bring the HTTP client with them.
    if name in ("PassResult", "run_pass"):
        from desktop.sync import engine

        return getattr(engine, name)
    if name == "sync_once":
        from desktop.sync.service import sync_once

        return sync_once
    raise AttributeError(name)
