"""Chinese names of statuses and history events, shared by the list, the header,
the status bar and the history panel."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.store.api import DRAFT, QUEUED, READY, RETURNED, SENT


def status_label(status: str) -> str:
    tr = QCoreApplication.translate
    names = {
        DRAFT: tr("Status", "草稿"),
        READY: tr("Status", "待提交"),
        QUEUED: tr("Status", "已排队"),
        SENT: tr("Status", "已备案"),
        RETURNED: tr("Status", "被退回"),
    }
    return names.get(status, status)


def event_label(kind: str) -> str:
    tr = QCoreApplication.translate
    names = {
        "created": tr("Event", "创建"),
        "edited": tr("Event", "修改"),
        "validated": tr("Event", "检查"),
        "printed": tr("Event", "打印"),
        "queued": tr("Event", "提交（排队等待发送）"),
        "unqueued": tr("Event", "撤回提交"),
        "attempt": tr("Event", "发送"),
        "sent": tr("Event", "已备案"),
        "failed": tr("Event", "发送失败"),
        "returned": tr("Event", "被退回"),
        "revised": tr("Event", "生成新版本"),
        "exported": tr("Event", "导出 PDF"),
    }
    return names.get(kind, kind)


def revision_label(revision: int) -> str:
    return QCoreApplication.translate("Status", "第 %n 版", "", revision)
