"""Sending the outbox to the office and bringing its answers back (docs/sync.md).

Plain Python; no Qt. ``service.sync_once(store, data_dir)`` runs one full pass with the
saved settings; ``engine.run_pass(store, client)`` is the pass itself; ``client`` speaks
the office API (docs/office-api.md); ``backoff`` decides when a failed send is tried
again; ``bundle`` carries filings and receipts on a USB stick where there is no network.
"""

from desktop.sync.engine import PassResult, run_pass
from desktop.sync.service import sync_once

__all__ = ["PassResult", "run_pass", "sync_once"]
