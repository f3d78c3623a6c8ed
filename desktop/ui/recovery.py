"""A damaged store at start-up: offer the newest backup, restore it, say what happened."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.store import Store, StoreDamaged, StoreError
from desktop.store.backups import stamp_of
from forms.display import date_text
from forms.record import SHANGHAI

log = logging.getLogger(__name__)


def backup_time(path: Path) -> str:
    stamp = stamp_of(Path(path))
    if stamp is None:
        return Path(path).name
    return f"{date_text(stamp.date())} {stamp.astimezone(SHANGHAI):%H:%M}"


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    return box


def ask_restore(parent: QWidget | None, message: str, backup: Path) -> bool:
    box = _box(
        parent,
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("Recovery", "数据文件已损坏"),
        message,
    )
    box.setObjectName("askRestore")
    box.setInformativeText(
        QCoreApplication.translate("Recovery", "要现在用 %1 的备份恢复吗？").replace(
            "%1", backup_time(backup)
        )
    )
    restore = box.addButton(
        QCoreApplication.translate("Recovery", "用备份恢复"), QMessageBox.ButtonRole.AcceptRole
    )
    restore.setObjectName("restoreButton")
    leave = box.addButton(
        QCoreApplication.translate("Recovery", "退出程序"), QMessageBox.ButtonRole.RejectRole
    )
    leave.setObjectName("quitButton")
    box.setDefaultButton(restore)
    box.setEscapeButton(leave)
    box.exec()
    return box.clickedButton() is restore


def tell(parent: QWidget | None, title: str, text: str, *, name: str, warn: bool = False) -> None:
    icon = QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information
    box = _box(parent, icon, title, text)
    box.setObjectName(name)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText(
        QCoreApplication.translate("Recovery", "知道了")
    )
    box.exec()


def tell_cannot_open(message: str, parent: QWidget | None = None) -> None:
    tell(
        parent,
        QCoreApplication.translate("Recovery", "无法打开数据文件"),
        message
        + "\n\n"
        + QCoreApplication.translate("Recovery", "程序将退出。数据文件夹中的文件都没有被删除。"),
        name="cannotOpen",
        warn=True,
    )


def recover(data_dir: Path, damaged: StoreDamaged, parent: QWidget | None = None):
    """Offer backups newest first until one restores and opens; return the Store or None."""
    log.error("store damaged: %s; backups: %s", damaged, [str(b) for b in damaged.backups])
    backups = [Path(b) for b in damaged.backups]
    message = str(damaged)
    while backups:
        backup = backups.pop(0)
        if not ask_restore(parent, message, backup):
            tell(
                parent,
                QCoreApplication.translate("Recovery", "没有恢复"),
                QCoreApplication.translate(
                    "Recovery",
                    "程序将退出，数据文件保持原样。"
                    "下次打开程序时可以再选择从备份恢复，或请技术支持人员检查数据文件夹。",
                ),
                name="notRestored",
            )
            return None
        try:
            Store.restore(data_dir, backup)
            store = Store.open(data_dir)
        except StoreDamaged as exc:
            log.error("store still damaged after restoring %s: %s", backup, exc)
            message = QCoreApplication.translate(
                "Recovery", "用 %1 的备份恢复后，数据文件仍然无法使用。"
            ).replace("%1", backup_time(backup))
            continue
        except StoreError as exc:
            log.error("restoring %s failed: %s", backup, exc, exc_info=exc)
            message = QCoreApplication.translate("Recovery", "%1 的备份无法使用：").replace(
                "%1", backup_time(backup)
            ) + str(exc)
            continue
        log.warning("store restored from %s", backup)
        tell(
            parent,
            QCoreApplication.translate("Recovery", "已从备份恢复"),
            QCoreApplication.translate(
                "Recovery",
                "数据已从 %1 的备份恢复。\n\n"
                "这个时间之后所做的修改没有恢复，请核对最近的备案，把缺少的内容重新录入。"
                "损坏的文件已移到数据文件夹的 damaged 子文件夹中保留，可交技术支持人员检查。",
            ).replace("%1", backup_time(backup)),
            name="restored",
        )
        return store
    if damaged.backups:
        message += "\n" + QCoreApplication.translate("Recovery", "没有更多可用的备份。")
    tell_cannot_open(message, parent)
    return None
