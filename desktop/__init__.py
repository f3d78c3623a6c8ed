"""The clerk's program: windows, the local store, the outbox and sync, printing."""
