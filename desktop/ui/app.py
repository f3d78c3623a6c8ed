"""Start the desk's window: the application, the log, the store, the main window.

``run_window`` is what ``beian`` runs without a subcommand. ``start_desk`` does everything
but the event loop, so a test or a script can drive the real window.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import cast

log = logging.getLogger(__name__)


def make_application():
    """The QApplication with the desk's name, icon and a font that draws Chinese (created
    once)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from desktop.ui.window_font import ensure_chinese_font
    from desktop.ui.window_layout import window_icon as _icon

    app = cast("QApplication | None", QApplication.instance())
    if app is None:
        QCoreApplication.setOrganizationName("beian")
        QCoreApplication.setApplicationName("beian")
        app = QApplication(sys.argv[:1])
    # Before any widget exists: widgets take the application font when they are made.
    ensure_chinese_font(app)
    app.setApplicationDisplayName(QCoreApplication.translate("MainWindow", "涉企行政执法检查备案"))
    app.setWindowIcon(_icon())
    return app


def open_store(data_dir: Path, parent=None):
    """Open the store; when the file is damaged, offer the latest backup and restore it.

    Returns the open Store, or None when it cannot be opened (the clerk has been told
    why and what to do).
    """
    from desktop.store import Store, StoreDamaged, StoreError
    from desktop.ui import recovery

    try:
        return Store.open(data_dir, deferred_checks=True)  # the rest: maintenance.schedule
    except StoreDamaged as damaged:
        return recovery.recover(data_dir, damaged, parent)
    except StoreError as exc:
        log.error("store cannot be opened: %s", exc, exc_info=exc)
        recovery.tell_cannot_open(str(exc), parent)
        return None


def start_desk(data_dir: Path):
    """Open the store and show the main window; None if the store cannot be opened.

    The caller runs the event loop and, after it ends, closes ``window.store``.
    """
    from PySide6.QtCore import QCoreApplication, QTimer

    from desktop.paths import ensure_data_dir
    from desktop.store import StoreError
    from desktop.store import settings_registry as settings
    from desktop.ui import i18n, maintenance
    from desktop.ui.errors import show_error
    from desktop.ui.main_window import MainWindow

    make_application()
    ensure_data_dir(data_dir)
    store = open_store(data_dir)
    if store is None:
        return None
    try:
        language = settings.UI_LANGUAGE.get(store)
    except StoreError:
        language = None
    i18n.install(language)
    _use_store_calendar(store)
    window = MainWindow(store, data_dir=data_dir, defer_editor=True)
    _show_sized(window)
    maintenance.schedule(window, store)  # full integrity check, daily backup
    if getattr(store, "backup_error", None):
        show_error(window, store.backup_error)
    if getattr(store, "read_only", False):
        show_error(
            window,
            QCoreApplication.translate(
                "App",
                "数据文件夹现在只能读不能写，新的输入无法保存。"
                "请检查数据文件夹的权限或磁盘后重新打开程序。",
            ),
        )
    # Font preparation for printing is slow the first time: do it while the clerk types.
    window.prepare_job = None
    # After the first paint: a zero timer would fire before the window is drawn.
    QTimer.singleShot(500, lambda: setattr(window, "prepare_job", prepare_printing()))
    return window


def _use_store_calendar(store) -> None:
    """Date pickers mark holidays from the same calendar the rules count with (the
    office's reference years included)."""
    from desktop.store import StoreError
    from desktop.ui.holiday_calendar import set_work_calendar

    try:
        set_work_calendar(store.validation_context()["calendar"])
    except StoreError as exc:
        log.warning("holiday calendar: the store's calendar cannot be read: %s", exc)


def _show_sized(window) -> None:
    """As the clerk left it; else fill a small screen (1366×768 laptops), or a comfortable
    size on a larger one."""
    if window.has_saved_geometry():
        window.show()
        return
    screen = window.screen()
    available = screen.availableGeometry() if screen is not None else None
    if available is not None and (available.width() < 1500 or available.height() < 850):
        window.resize(available.width(), available.height())
        window.showMaximized()
    else:
        window.resize(1400, 860)
        window.show()


def _prepare_fonts() -> None:
    # Imported here, on the worker thread: reportlab, fontTools and qrcode take a few
    # hundred milliseconds to import, which must not delay the window's first paint.
    from forms import pdf

    pdf.prepare()


def prepare_printing():
    """Start font preparation in the background; its failure is only logged (the
    preview says what to do if printing really cannot work)."""
    from desktop.ui.workers import run_in_background

    job = run_in_background(_prepare_fonts)
    job.failed.connect(lambda _message, details: log.warning("preparing fonts: %s", details))
    return job


def run_window(data_dir: Path) -> int:
    from desktop.ui.errors import install_excepthook, setup_logging
    from desktop.ui.workers import running_jobs

    try:  # first, so the log holds what starting the application decides (its font)
        setup_logging(data_dir)
    except OSError as exc:
        print(f"beian: 无法写入日志文件夹：{exc}", file=sys.stderr)
    install_excepthook()
    app = make_application()
    log.info("starting with data folder %s", data_dir)
    window = start_desk(data_dir)
    if window is None:
        return 1
    try:
        code = app.exec()
    finally:
        from PySide6.QtCore import QThreadPool

        if running_jobs():
            QThreadPool.globalInstance().waitForDone(5000)
        window.store.close()
    log.info("exit %s", code)
    return code
