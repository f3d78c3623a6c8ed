"""Runs sync passes off the UI thread and tells the window what happened, through signals.

A pass (``desktop.sync.service.sync_once``) runs on ``QThreadPool.globalInstance()`` via
``desktop.ui.workers.run_in_background`` with its own Store connection, opened and closed on
that worker thread (SQLite connections stay on the thread that made them). Passes are
triggered by:

- a timer: soon after start, then when the next backed-off filing falls due, and at
  least every few minutes to pull receipts and returns;
- Qt's network information (``QNetworkInformation``): when the machine goes from offline
  to any kind of network, a pass starts at once;
- ``sync_now()``: the clerk's 立即同步 (F5).

Only one pass runs at a time; a request during a pass runs one more right after it.
No widgets here: the window connects to the signals and shows what they say.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from desktop.sync import engine
from desktop.sync.problems import Problem
from desktop.sync.service import BUSY, sync_once
from desktop.sync.states import WorkerState
from desktop.ui import wording
from desktop.ui.workers import Job, run_in_background
from forms.record import now as shanghai_now
from forms.record import parse_timestamp

if TYPE_CHECKING:
    from PySide6.QtNetwork import QNetworkInformation

log = logging.getLogger(__name__)

# States (the first argument of ``state_changed``): desktop.sync.states.WorkerState.
IDLE = WorkerState.IDLE
SYNCING = WorkerState.SYNCING
OFFLINE = WorkerState.OFFLINE
PROBLEM = WorkerState.PROBLEM
NEEDS_TOKEN = WorkerState.NEEDS_TOKEN
NOT_CONFIGURED = WorkerState.NOT_CONFIGURED

FIRST_PASS_MS = 2_000
PERIODIC_MS = 5 * 60_000  # pull receipts and returns at least this often
OFFLINE_RETRY_MS = 60_000
MIN_DELAY_MS = 1_000


def _default_opener(data_dir: Path) -> Any:
    from desktop.store import Store

    # The window's own connection takes the daily backup; a pass only syncs.
    return Store.open(data_dir, daily_backup=False)


class SyncWorker(QObject):
    sent = Signal(str, int, str)  # filing id, revision, receipt number
    returned = Signal(str, int, str)  # filing id, revision, the office's reason
    failed = Signal(str, int, str, bool)  # filing id, revision, Chinese message, permanent
    state_changed = Signal(str, str)  # state, Chinese text for the status bar
    pass_finished = Signal(object)  # desktop.sync.engine.PassResult
    reference_updated = Signal()  # new holiday calendar / rules: refresh validation

    def __init__(
        self,
        data_dir: Path,
        *,
        store_opener: Callable[[Path], Any] = _default_opener,
        periodic_ms: int = PERIODIC_MS,
        parent: QObject | None = None,
        **pass_options: Any,
    ) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self._opener = store_opener
        self._periodic_ms = periodic_ms
        self._pass_options = pass_options
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)
        self._job: Job | None = None
        self._again = False
        self._stopping = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._state: str = IDLE
        # The code of what the last pass met (None: nothing), for the window to act on;
        # the text of ``state_changed`` is its wording for the clerk (desktop.ui.wording).
        self.last_problem: Problem | None = None
        self._network: QNetworkInformation | None = None
        self._online: bool | None = None

    # --- control --------------------------------------------------------------------------
    def start(self) -> None:
        """Begin: watch the network and schedule the first pass."""
        self._stopping.clear()
        self._watch_network()
        self._timer.start(FIRST_PASS_MS)

    def stop(self, wait_ms: int = 10_000) -> bool:
        """Stop timers, ask a running pass to stop between filings and wait for it.

        True when no pass is running any more. A request already on the wire finishes or
        times out by itself; its filing was recorded as attempted, so nothing is lost."""
        self._stopping.set()
        self._timer.stop()
        self._again = False
        return self._idle.wait(wait_ms / 1000)

    @property
    def state(self) -> str:
        return self._state

    def is_running(self) -> bool:
        return self._job is not None

    @Slot()
    def sync_now(self) -> bool:
        """Start a pass now; False if one is running (another follows right after it)."""
        if self._stopping.is_set():
            return False
        if self._job is not None:
            self._again = True
            return False
        self._timer.stop()
        self._set_state(SYNCING, self.tr("正在与备案办公室同步……"))
        self._idle.clear()
        self._job = run_in_background(self._run_pass)
        self._job.finished.connect(self._on_finished)
        self._job.failed.connect(self._on_failed)
        return True

    @Slot(object)
    def on_reachability(self, reachability: Any) -> None:
        """Network state changed: going from none to any network starts a pass."""
        from PySide6.QtNetwork import QNetworkInformation

        r = QNetworkInformation.Reachability
        if reachability == r.Unknown:
            return
        online = reachability != r.Disconnected
        was, self._online = self._online, online
        if online and was is not True:
            log.info("network became reachable (%s): syncing", reachability)
            self.sync_now()
        elif not online:
            self._set_state(OFFLINE, self.tr("本机没有网络连接；网络恢复后会自动发送。"))

    # --- the pass, on a pool thread -------------------------------------------------------
    def _run_pass(self) -> engine.PassResult:
        try:
            store = self._opener(self.data_dir)
            try:
                return sync_once(
                    store,
                    self.data_dir,
                    should_stop=self._stopping.is_set,
                    **self._pass_options,
                )
            finally:
                store.close()
        finally:
            self._idle.set()

    # --- results, back on the worker's thread ---------------------------------------------
    @Slot(object)
    def _on_finished(self, result: engine.PassResult) -> None:
        self._job = None
        for fid, rev, receipt in result.sent:
            self.sent.emit(fid, rev, receipt)
        for fid, rev, reason in result.returned:
            self.returned.emit(fid, rev, reason)
        for f in result.failed:
            said = wording.text(f.problem) if f.problem else f.message
            self.failed.emit(f.id, f.revision, said, f.permanent)
        if result.reference_updated:
            self.reference_updated.emit()
        self._report(result)
        self.pass_finished.emit(result)
        self._schedule(result)

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        self._job = None
        log.error("sync pass failed:\n%s", details)
        self._set_state(PROBLEM, message)
        self._schedule(None)

    def _report(self, result: engine.PassResult) -> None:
        self.last_problem = result.problem
        first = wording.text(result.problem) if result.problem else ""
        if result.state == engine.OK:
            at = shanghai_now().strftime("%H:%M")
            text = self.tr("已同步（%1）").replace("%1", at)
            if result.remaining:
                text += self.tr("，%n 份等待重发", "", result.remaining)
            self._set_state(IDLE, text)
        elif result.state == engine.OFFLINE:
            self._set_state(OFFLINE, first)
        elif result.state == engine.NEEDS_TOKEN:
            self._set_state(NEEDS_TOKEN, first)
        elif result.state == engine.NOT_CONFIGURED:
            self._set_state(NOT_CONFIGURED, first)
        elif result.state == BUSY:
            pass  # a command-line sync holds the lock; its results show at the next pass
        else:
            self._set_state(PROBLEM, first)
        for text in result.warnings:
            log.warning("sync: %s", text)

    def _schedule(self, result: engine.PassResult | None) -> None:
        if self._stopping.is_set():
            return
        if self._again:
            self._again = False
            QTimer.singleShot(0, self.sync_now)
            return
        delay = self._periodic_ms
        if result is not None and result.state in (engine.OFFLINE, BUSY):
            delay = min(delay, OFFLINE_RETRY_MS)
        if result is not None and result.state in (engine.NEEDS_TOKEN, engine.NOT_CONFIGURED):
            delay = self._periodic_ms  # nothing will change until the clerk acts
        elif result is not None and result.next_due_at:
            delay = min(delay, _ms_until(result.next_due_at))
        self._timer.start(max(MIN_DELAY_MS, delay))

    def _set_state(self, state: str, text: str) -> None:
        self._state = state
        self.state_changed.emit(state, text)

    def _watch_network(self) -> None:
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if QNetworkInformation.instance() is None:
                QNetworkInformation.loadDefaultBackend()
            info = QNetworkInformation.instance()
        except (ImportError, RuntimeError):
            info = None
        if info is None:
            log.info("no network information backend: relying on periodic tries")
            return
        self._network = info
        info.reachabilityChanged.connect(self.on_reachability)
        r = info.reachability()
        if r != QNetworkInformation.Reachability.Unknown:
            self._online = r != QNetworkInformation.Reachability.Disconnected

    def tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate("SyncWorker", text, disambiguation, n)


def _ms_until(text: str) -> int:
    try:
        when = parse_timestamp(text)
    except ValueError:
        return PERIODIC_MS
    delta = (when - datetime.now(when.tzinfo)).total_seconds()
    return int(max(0.0, delta) * 1000)
