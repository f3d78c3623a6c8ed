"""The optimization office's intake service: HTTP API, its own store, the same rules."""
