"""Chinese names of statuses and history events, shared by the list, the header,
the status bar and the history panel."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.store.api import DRAFT, QUEUED, READY, RETURNED, SENT


def status_label(status: str) -> str:
    names = {
        DRAFT: QCoreApplication.translate("Status", "草稿"),
        READY: QCoreApplication.translate("Status", "待提交"),
        QUEUED: QCoreApplication.translate("Status", "已排队"),
        SENT: QCoreApplication.translate("Status", "已备案"),
        RETURNED: QCoreApplication.translate("Status", "被退回"),
    }
    return names.get(status, status)


def reviewed_label() -> str:
    """A sent revision the office marked 审核通过 (shown in place of 已备案)."""
    return QCoreApplication.translate("Status", "已审核通过")


def event_label(kind: str) -> str:
    names = {
        "created": QCoreApplication.translate("Event", "创建"),
        "edited": QCoreApplication.translate("Event", "修改"),
        "validated": QCoreApplication.translate("Event", "检查"),
        "printed": QCoreApplication.translate("Event", "打印"),
        "queued": QCoreApplication.translate("Event", "提交（排队等待发送）"),
        "unqueued": QCoreApplication.translate("Event", "撤回提交"),
        "discarded": QCoreApplication.translate("Event", "丢弃草稿"),
        "attempt": QCoreApplication.translate("Event", "发送"),
        "sent": QCoreApplication.translate("Event", "已备案"),
        "failed": QCoreApplication.translate("Event", "发送失败"),
        "returned": QCoreApplication.translate("Event", "被退回"),
        "revised": QCoreApplication.translate("Event", "生成新版本"),
        "exported": QCoreApplication.translate("Event", "导出 PDF"),
    }
    return names.get(kind, kind)


def revision_label(revision: int) -> str:
    return QCoreApplication.translate("Status", "第 %n 版", "", revision)
