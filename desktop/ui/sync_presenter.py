"""What the main window shows of sending and syncing: the worker, notices and status.

``SyncPresenter`` owns the ``desktop.ui.sync_worker.SyncWorker`` (started just after the
window first shows), turns its signals into notices across the top (returned, refused,
a token needed, warnings), the sync word in the status bar, and status-bar messages
(receipts), and asks the window to refresh the filings a pass changed (``show_synced``).
The UI thread never waits on the network.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from desktop.filing_summary import enterprise_name
from desktop.store import settings_registry as settings
from desktop.ui import sync_status
from desktop.ui.labels import revision_label
from desktop.ui.store_errors import LOG, store_call

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow
    from desktop.ui.sync_worker import SyncWorker

log = logging.getLogger(__name__)

SYNC_STOP_WAIT_MS = 10_000


class SyncPresenter(QObject):
    def __init__(self, window: MainWindow, data_dir: Path) -> None:
        super().__init__(window)
        self.window = window
        self.store = window.store
        self.notices = window.notices
        self.data_dir = data_dir
        self.worker: SyncWorker | None = None
        self.closing = False
        self._state: tuple[str, str] | None = None
        self._manual = False  # the running pass was asked for by the clerk (F5)
        self._synced_ids: set[str] = set()
        self._sent_receipts: list[str] = []
        self._warned: set[str] = set()
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(0)  # after all signals of one pass
        self._refresh.timeout.connect(self._refresh_after_sync)

    # --- the worker -----------------------------------------------------------------------
    def start(self) -> None:
        """Create and start the sync worker (once)."""
        if self.worker is not None or self.closing:
            return
        from desktop.ui.sync_worker import SyncWorker

        self.worker = SyncWorker(self.data_dir, parent=self.window)
        self.worker.sent.connect(self._on_sent)
        self.worker.returned.connect(self._on_returned)
        self.worker.failed.connect(self._on_send_failed)
        self.worker.state_changed.connect(self._on_state)
        self.worker.reference_updated.connect(self._on_reference_updated)
        self.worker.pass_finished.connect(self._on_pass_finished)
        self.worker.start()

    def sync_now(self, *, manual: bool = True) -> None:
        """A pass now (one more follows a running one); ``manual``: the clerk asked (F5)."""
        self.start()
        if self.worker is None:
            return  # closing
        if manual:
            self._manual = True
            if not self.office_url():
                self._offer_connection(self._no_office_text())
        if not self.worker.sync_now() and manual:
            self.window.statusBar().showMessage(self.tr("正在同步，完成后会再同步一次。"), 5000)

    def stop(self) -> None:
        """At close: a pass in flight stops between filings; a request on the wire has
        its attempt recorded, so whatever it did is found again at the next start."""
        self.closing = True
        if self.worker is not None and not self.worker.stop(wait_ms=SYNC_STOP_WAIT_MS):
            log.warning("a sync pass was still running at exit")

    # --- what the worker reports ----------------------------------------------------------
    def _on_sent(self, filing_id: str, revision: int, receipt: str) -> None:
        if self.closing:
            return
        self._sent_receipts.append(receipt)
        self._note_synced(filing_id)

    def _on_returned(self, filing_id: str, revision: int, reason: str) -> None:
        if self.closing:
            return
        name = self._enterprise_of(filing_id)
        text = (
            self.tr("“%1”的备案（%2）被优化营商环境部门退回。")
            .replace("%1", name)
            .replace("%2", revision_label(revision))
            + "\n"
            + self.tr("退回理由：")
            + (reason or self.tr("（未说明）"))
        )
        self.notices.show_notice(
            f"returned:{filing_id}",
            text,
            kind="returned",
            action_text=self.tr("打开并修改"),
            action=lambda: self.window.open_filing(filing_id),
        )
        QApplication.alert(self.window)  # the taskbar entry flashes if the window is behind
        self._note_synced(filing_id)

    def _on_send_failed(self, filing_id: str, revision: int, message: str, permanent: bool) -> None:
        if self.closing:
            return
        if permanent:
            name = self._enterprise_of(filing_id)
            self.notices.show_notice(
                f"refused:{filing_id}",
                self.tr("备案办公室拒收了“%1”的备案（%2）：")
                .replace("%1", name)
                .replace("%2", revision_label(revision))
                + message
                + "\n"
                + self.tr("请打开它，撤回提交，改正后重新提交。"),
                kind="refused",
                action_text=self.tr("打开"),
                action=lambda: self.window.open_filing(filing_id),
            )
        self._note_synced(filing_id)

    def _note_synced(self, filing_id: str) -> None:
        self._synced_ids.add(filing_id)
        self._refresh.start()

    def _refresh_after_sync(self) -> None:
        """After a pass changed filings: the window's rows and counts, then the receipts."""
        ids, self._synced_ids = self._synced_ids, set()
        receipts, self._sent_receipts = self._sent_receipts, []
        if self.closing:
            return
        self.window.show_synced(ids)
        bar = self.window.statusBar()
        if len(receipts) == 1:
            bar.showMessage(self.tr("已备案，回执号 %1").replace("%1", receipts[0]), 15000)
        elif receipts:
            bar.showMessage(
                self.tr("%n 份备案已备案，最后一份回执号 %1", "", len(receipts)).replace(
                    "%1", receipts[-1]
                ),
                15000,
            )

    def _on_state(self, state: str, text: str) -> None:
        if self.closing:
            return
        self._state = (state, text)
        # Problems of a pass the clerk asked for (F5) are said, not only shown in the label.
        manual = self._manual and state != sync_status.SYNCING
        if state != sync_status.SYNCING:
            self._manual = False
        if state == sync_status.IDLE:
            self.notices.dismiss("token")
            self.notices.dismiss("connection")
        elif state == sync_status.NOT_CONFIGURED and manual:
            self._offer_connection(self._no_office_text() if not self.office_url() else text)
        elif state in (sync_status.OFFLINE, sync_status.PROBLEM) and manual:
            self.window.statusBar().showMessage(text, 15000)
        self.update_status()

    def _on_reference_updated(self) -> None:
        if self.closing:
            return
        self.window.refresh_context()  # the office's calendar and rules apply to the form now
        self.window.statusBar().showMessage(
            self.tr("已收到办公室下发的最新节假日安排和执法证规则。"), 8000
        )

    def _on_pass_finished(self, result: Any) -> None:
        if self.closing:
            return
        from desktop.sync import engine

        if result.state == engine.NEEDS_TOKEN:
            problem = result.problem
            self._ask_for_token(problem.code if problem is not None else None)
        # Warnings (the PC's clock is off, unusable reference data) once per session each:
        # the next pass, minutes later, would say the same.
        from desktop.ui import wording  # the window's words for the codes

        for problem in result.warning_problems:
            text = wording.text(problem)
            if text not in self._warned:
                self._warned.add(text)
                self.notices.show_notice(f"warning:{len(self._warned)}", text, kind="warning")
        for filing_id in getattr(result, "park_replies", []):
            self._on_park_reply(filing_id)

    def _on_park_reply(self, filing_id: str) -> None:
        """A park committee replied to one of this desk's filings (派员参加 / 无补充意见)."""
        from desktop.office_hints import park_reply_hints

        replies = park_reply_hints(self.store, filing_id)
        if not replies:
            return
        text = (
            self.tr("园区管委会回复了“%1”的备案：").replace("%1", self._enterprise_of(filing_id))
            + "\n"
            + "\n".join(replies)
        )
        self.notices.show_notice(
            f"park_reply:{filing_id}",
            text,
            kind="park_reply",
            action_text=self.tr("打开"),
            action=lambda: self.window.open_filing(filing_id),
        )
        self._note_synced(filing_id)  # the open filing's banner shows it at once

    # --- asking the clerk -----------------------------------------------------------------
    def _ask_for_token(self, code: object) -> None:
        """A token is needed: ``code`` (desktop.sync.problems.Code) says whether the office
        refused the saved one or none is saved. Worded here for a window user: the
        button opens the connection dialog (the command line words it for its users)."""
        from desktop.sync.problems import Code

        if code == Code.TOKEN_REJECTED:
            why = self.tr(
                "备案办公室不认可本单位的令牌（可能已被收回或输入有误）。"
                "请向优化营商环境办公室索取新的令牌，点“输入令牌…”在连接设置中保存。"
                "待发送的备案会继续保留。"
            )
        else:
            why = self.tr(
                "尚未保存本单位的令牌。请向优化营商环境办公室索取令牌，"
                "点“输入令牌…”在连接设置中保存。待发送的备案会继续保留。"
            )
        self._state = (sync_status.NEEDS_TOKEN, why)
        self.update_status()
        self.notices.show_notice(
            "token",
            why,
            kind="token",
            action_text=self.tr("输入令牌…"),
            action=lambda: self.window.open_connection(reason=why),
            dismiss_on_action=False,
        )

    def _offer_connection(self, text: str) -> None:
        self.notices.show_notice(
            "connection",
            text,
            kind="setup",
            action_text=self.tr("连接备案办公室…"),
            action=lambda: self.window.open_connection(reason=text),
            dismiss_on_action=False,
        )

    def _no_office_text(self) -> str:
        return self.tr(
            "尚未设置备案办公室。已提交的备案保存在发件箱中，不会丢失；"
            "设置办公室地址和令牌后会自动发送。"
        )

    # --- the connection -------------------------------------------------------------------
    def office_url(self) -> str:
        with store_call(self.window, LOG, "office address"):
            return settings.OFFICE_URL.get(self.store) or ""
        return ""

    def update_status(self) -> None:
        state, text = self._state or ("", "")
        last_sync = None
        with store_call(self.window, LOG, "last sync"):
            last_sync = settings.LAST_SYNC.get(self.store)
        self.window.sync_status.show_status(state, text, url=self.office_url(), last_sync=last_sync)

    def connection_saved(self) -> None:
        if not self.closing:
            self.update_status()

    def connection_checked(self, check: Any) -> None:
        if self.closing:
            return
        self.update_status()
        if check.ok:
            self.notices.dismiss("token")
            self.notices.dismiss("connection")
            self.start()
            if self.worker is not None:
                self.worker.sync_now()  # whatever waits in the outbox goes now

    def _enterprise_of(self, filing_id: str) -> str:
        row = None
        with store_call(self.window, LOG, "enterprise of a synced filing"):
            row = self.store.get(filing_id)
        name = enterprise_name(row.filing) if row is not None else ""
        return name or self.tr("（未填写企业）")
