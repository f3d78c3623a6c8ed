"""The status bar's word on the office: 已连接 / 离线 / 需要令牌 …, the last sync, 未加密.

A flat button: clicking it opens the connection dialog. The full story (the office's
address, the worker's last message) is in its tooltip.
"""

from __future__ import annotations

from PySide6.QtWidgets import QToolButton, QWidget

from desktop.sync.states import WorkerState
from forms.record import BadTimestamp, parse_timestamp
from forms.record import now as shanghai_now

# The worker's states (docs/sync.md); desktop.sync.states imports nothing, so the window
# does not load the sync modules and their network libraries before it first shows.
IDLE = WorkerState.IDLE
SYNCING = WorkerState.SYNCING
OFFLINE = WorkerState.OFFLINE
PROBLEM = WorkerState.PROBLEM
NEEDS_TOKEN = WorkerState.NEEDS_TOKEN
NOT_CONFIGURED = WorkerState.NOT_CONFIGURED


def last_sync_text(value: object) -> str:
    """When the last pass reached the office: 10:05 today, else 11-26 10:05 ('' if never)."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = parse_timestamp(value)
    except BadTimestamp:
        return ""
    today = shanghai_now()
    local = moment.astimezone(today.tzinfo)
    return local.strftime("%H:%M" if local.date() == today.date() else "%m-%d %H:%M")


class SyncStatusButton(QToolButton):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.setAutoRaise(True)
        self.setAccessibleName(self.tr("与备案办公室的连接"))

    def show_status(self, state: str, text: str, *, url: str, last_sync: object) -> None:
        """``state`` and ``text`` as the worker's ``state_changed`` gave them ('' before
        the first pass); ``url`` and ``last_sync`` from the store's meta."""
        last = last_sync_text(last_sync)
        since = self.tr("上次同步 %1").replace("%1", last) if last else ""
        if state == SYNCING:
            parts = [self.tr("正在同步……")]
        elif not url:
            parts = [self.tr("未设置办公室")]
        elif state == IDLE:
            parts = [self.tr("已连接"), since]
        elif state == OFFLINE:
            parts = [self.tr("离线"), since]
        elif state == NEEDS_TOKEN:
            parts = [self.tr("需要令牌"), since]
        elif state == NOT_CONFIGURED:
            parts = [self.tr("连接设置有问题"), since]
        elif state == PROBLEM:
            parts = [self.tr("同步出错"), since]
        else:
            parts = [since or self.tr("尚未同步")]
        if url.startswith("http://"):
            parts.append(self.tr("未加密"))
        self.setText(" · ".join(p for p in parts if p))
        tip = [url or self.tr("尚未设置备案办公室")]
        if text:
            tip.append(text)
        tip.append(self.tr("点击设置连接"))
        self.setToolTip("\n".join(tip))
