"""Run one pass for a data folder: settings from the store, token from the keyring, the lock.

This is what ``beian sync`` and the window's worker call; ``engine`` holds the pass itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import token_keyring
from desktop.store import settings_registry as settings
from desktop.store.api import QUEUED
from desktop.sync import engine
from desktop.sync.client import OfficeClient
from desktop.sync.config import ConfigError, OfficeConfig
from desktop.sync.lock import SyncBusy, SyncLock
from desktop.sync.problems import Code, Problem
from desktop.sync.states import PassState

if TYPE_CHECKING:
    from desktop.store.api import StoreProtocol

BUSY = PassState.BUSY


def _stopped(
    state: PassState, problem: Problem, store: StoreProtocol | None = None
) -> engine.PassResult:
    result = engine.PassResult(state=state)
    result.add_error(problem)
    if store is not None:
        result.remaining = store.counts_by_status().get(QUEUED, 0)
        if state != BUSY:
            settings.LAST_ERROR.set(store, str(problem))
            settings.LAST_PROBLEM.set(store, problem.stored())
    return result


def sync_once(store: StoreProtocol, data_dir: Path, **pass_options: Any) -> engine.PassResult:
    """One full pass; never raises for network, keyring or settings trouble."""
    try:
        config = OfficeConfig.from_store(store)
    except ConfigError as exc:
        return _stopped(PassState.NOT_CONFIGURED, exc.problem, store)
    if config is None:
        return _stopped(PassState.NOT_CONFIGURED, Problem.of(Code.NO_OFFICE), store)
    try:
        token = token_keyring.load_token(config.url)
    except token_keyring.NoKeyring as exc:
        return _stopped(PassState.NOT_CONFIGURED, exc.problem, store)
    if not token:
        return _stopped(PassState.NEEDS_TOKEN, Problem.of(Code.NO_TOKEN), store)
    lock = SyncLock(data_dir)
    try:
        lock.acquire()
    except SyncBusy:
        return _stopped(BUSY, Problem.of(Code.SYNC_BUSY), store)
    try:
        try:
            client = OfficeClient(config, token)
        except ConfigError as exc:
            return _stopped(PassState.NOT_CONFIGURED, exc.problem, store)
        with client:
            return engine.run_pass(store, client, **pass_options)
    finally:
        lock.release()
