"""A clerk at the real window: menus, toolbar buttons, fields and dialogs reached the way a
person reaches them — by the text on them or their accessible name — and clicked or typed
into with real mouse and key events (pytest-qt, ``QT_QPA_PLATFORM=offscreen``).

    clerk = Clerk(qtbot, window, shots=tmp_path / "shots")
    clerk.menu("设置(&S)", "导入执法人员名单…", then=work_in_the_dialog)
    clerk.toolbar("新建")
    clerk.type("检查项目", "食品生产许可条件保持情况")
    clerk.shot("01-new")                               # window.grab() at its size

Modal dialogs (``exec``) run their own event loop, so what the clerk does in one is given
as a function: ``modal(qtbot, open_it, work)`` clicks whatever opens it, and when the
dialog is up runs ``work(dialog)`` inside that loop; ``work`` may itself open dialogs.
An exception in ``work`` closes the dialog and is raised again where ``modal`` was
called, so a failing step fails the test instead of leaving a dialog open.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolBar,
    QWidget,
)

WAIT_MS = 30_000


def modal(
    qtbot: Any,
    open_it: Callable[[], object],
    work: Callable[[QDialog], None],
    *,
    accept: Callable[[QDialog], bool] = lambda _d: True,
    timeout_ms: int = WAIT_MS,
) -> None:
    """Call ``open_it`` (which shows a modal dialog and returns once it is closed) and run
    ``work`` on that dialog while it is up. ``accept`` picks the dialog (e.g. by name)."""
    errors: list[BaseException] = []
    done: list[bool] = []
    before = set(_visible_dialogs())
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        new = [d for d in _visible_dialogs() if d not in before and accept(d)]
        if not new:
            return
        dialog = new[-1]
        timer.stop()
        try:
            work(dialog)
            # What ``work`` did must close the dialog; if not, fail rather than hang in it.
            wait_for(lambda: not dialog.isVisible(), timeout_ms, "the dialog to close")
        except BaseException as exc:
            errors.append(exc)
            if dialog.isVisible():
                dialog.reject()
        done.append(True)

    timer.timeout.connect(poll)
    timer.start()
    try:
        open_it()
        # A dialog opened with open() (not exec) returns at once: wait for the work.
        qtbot.waitUntil(lambda: bool(done), timeout=timeout_ms)
    finally:
        timer.stop()
    if errors:
        raise errors[0]


def _visible_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def wait_for(condition: Callable[[], object], timeout_ms: int = WAIT_MS, what: str = "") -> None:
    """Run the event loop until ``condition()`` holds; AssertionError after ``timeout_ms``.

    For the places with no qtbot at hand (inside a modal dialog's own loop, ``click``):
    like ``qtbot.waitUntil``, a ``QEventLoop`` runs with a timer that checks the condition
    and leaves the loop as soon as it holds (or at the deadline). An exception raised by
    the condition is raised here."""
    if condition():
        return
    loop = QEventLoop()
    raised: list[BaseException] = []

    def check() -> None:
        try:
            if condition():
                loop.quit()
        except BaseException as exc:  # a slot must not raise; hand it to the waiter
            raised.append(exc)
            loop.quit()

    checker = QTimer()
    checker.setInterval(10)
    checker.timeout.connect(check)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    checker.start()
    deadline.start(timeout_ms)
    try:
        loop.exec()
    finally:
        checker.stop()
        deadline.stop()
    if raised:
        raise raised[0]
    if not condition():
        raise AssertionError(f"not within {timeout_ms} ms: {what or condition}")


def click(widget: QWidget, pos: QPoint | None = None) -> None:
    """A left mouse click in the middle of ``widget`` (or at ``pos``)."""
    assert widget.isVisible(), f"{widget!r} is not visible"
    assert widget.isEnabled(), f"{widget!r} ({_text(widget)!r}) is disabled"
    # A click on a window brings it to the front; offscreen, nothing does that by itself
    # (closing a dialog leaves no window active).
    top = widget.window()
    if not top.isActiveWindow() and not isinstance(top, QMenu):
        top.activateWindow()
        wait_for(top.isActiveWindow, 3000, "the window to become active")
    QTest.mouseClick(
        widget,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        pos if pos is not None else widget.rect().center(),
    )


def _text(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    return text() if callable(text) else ""


def button(parent: QWidget, text: str) -> QAbstractButton:
    """The one visible button in ``parent`` showing ``text`` (ignoring & mnemonics) or with
    that accessible name or object name."""
    found = [
        b
        for b in parent.findChildren(QAbstractButton)
        if b.isVisible() and text in (_plain(b.text()), b.accessibleName(), b.objectName())
    ]
    assert len(found) == 1, f"buttons {text!r} in {parent.objectName()!r}: {found}"
    return found[0]


def _plain(text: str) -> str:
    """A button's text as read: without its mnemonic, "提交(&T)" → "提交", "&Save" → "Save"."""
    return re.sub(r"\(&\w\)$", "", text).replace("&", "")


def named(parent: QWidget, name: str, kind: type = QWidget) -> Any:
    """The one visible widget in ``parent`` whose accessible name is ``name``."""
    found = [w for w in parent.findChildren(kind) if w.accessibleName() == name and w.isVisible()]
    assert len(found) == 1, f"inputs named {name!r}: {found}"
    return found[0]


def type_into(qtbot: Any, widget: QWidget, text: str, *, replace: bool = True) -> None:
    """Click into ``widget`` and type ``text``: ASCII as key presses, everything else as an
    input method commits it (QTest cannot press keys for Chinese characters).
    ``replace`` first selects what is there (Ctrl+A), so typing replaces it."""
    click(widget)
    qtbot.waitUntil(widget.hasFocus, timeout=3000)
    if replace:
        QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        if isinstance(widget, QLineEdit | QPlainTextEdit) and text == "":
            QTest.keyClick(widget, Qt.Key.Key_Delete)
    run = ""
    for char in text:
        if char.isascii():
            if run:
                _commit(widget, run)
                run = ""
            QTest.keyClicks(widget, char)
        else:
            run += char
    if run:
        _commit(widget, run)


def _commit(widget: QWidget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def value(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return _text(widget)


def choose_in_combo(qtbot: Any, combo: QComboBox, text: str) -> None:
    """Open the drop-down with a click and pick ``text`` with the keyboard."""
    index = combo.findText(text)
    assert index >= 0, (text, [combo.itemText(i) for i in range(combo.count())])
    click(combo)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=3000)
    steps = index - combo.currentIndex()
    key = Qt.Key.Key_Down if steps > 0 else Qt.Key.Key_Up
    for _ in range(abs(steps)):
        QTest.keyClick(view, key)
    QTest.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)
    assert combo.currentText() == text


def pick_completion(qtbot: Any, edit: QLineEdit, row_text: str) -> None:
    """Choose the completion list's entry containing ``row_text`` by keyboard."""
    popup = edit.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    model = popup.model()
    rows = [str(model.index(i, 0).data()) for i in range(model.rowCount())]
    target = next((i for i, t in enumerate(rows) if row_text in t), None)
    assert target is not None, (row_text, rows)
    for _ in range(target + 1):
        QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=3000)


def file_dialog(path: Path) -> Callable[[QDialog], None]:
    """``work`` for a Qt file dialog: type the file's full path as its name, press Enter."""

    def work(dialog: QDialog) -> None:
        assert isinstance(dialog, QFileDialog), dialog
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name is not None
        # While the dialog is still reading its folder it may reset the name it shows, so
        # a clerk whose Enter did nothing types the name again.
        for _attempt in range(5):
            dialog.activateWindow()  # on a desktop the dialog opens active
            wait_for(dialog.isActiveWindow, 3000, "the file dialog to become active")
            name.setFocus()
            wait_for(name.hasFocus, 3000, "the file name field to take focus")
            QTest.keyClick(name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(name, str(path))
            completer = name.completer()
            if completer is not None and completer.popup().isVisible():
                QTest.keyClick(completer.popup(), Qt.Key.Key_Escape)
            QTest.keyClick(name, Qt.Key.Key_Return)
            try:
                wait_for(lambda: not dialog.isVisible(), 2000, "the file dialog to close")
                return
            except AssertionError:
                continue
        raise AssertionError(f"the file dialog did not take {path}: {name.text()!r}")

    return work


class Clerk:
    """The window and what a clerk does with it; ``shots`` keeps a screenshot per step."""

    def __init__(self, qtbot: Any, window: Any, *, shots: Path | None = None) -> None:
        self.qtbot = qtbot
        self.window = window
        self.shots = shots
        self.taken: list[Path] = []
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)

    # --- looking -----------------------------------------------------------------------
    def shot(self, name: str, widget: QWidget | None = None) -> Path | None:
        if self.shots is None:
            return None
        QApplication.processEvents()
        path = self.shots / f"{len(self.taken) + 1:02d}-{name}.png"
        (widget or self.window).grab().save(str(path))
        self.taken.append(path)
        return path

    # --- the window's commands ---------------------------------------------------------
    def activate(self) -> None:
        """Shortcuts work in the active window only; closing a dialog offscreen leaves
        none active (a desktop gives it back), so the clerk clicks the window again."""
        self.window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window, timeout=3000)

    def action(self, text: str) -> QAction:
        found = [a for a in self.window.findChildren(QAction) if a.text() == text]
        assert len(found) == 1, f"actions {text!r}: {found}"
        return found[0]

    def menu(self, title: str, item: str) -> None:
        """Click ``title`` in the menu bar, then ``item`` in the menu that drops down."""
        self.activate()
        bar = self.window.menuBar()
        top = next((a for a in bar.actions() if a.text() == title), None)
        assert top is not None, (title, [a.text() for a in bar.actions()])
        click(bar, bar.actionGeometry(top).center())
        menu: QMenu = top.menu()
        self.qtbot.waitUntil(menu.isVisible, timeout=3000)
        entry = next((a for a in menu.actions() if a.text() == item), None)
        assert entry is not None, (item, [a.text() for a in menu.actions()])
        assert entry.isEnabled(), f"{item} is disabled"
        click(menu, menu.actionGeometry(entry).center())

    def toolbar(self, text: str) -> None:
        """Click the toolbar button of the action ``text``."""
        self.activate()
        bar = self.window.findChild(QToolBar, "mainToolbar")
        action = next((a for a in bar.actions() if a.text() == text), None)
        assert action is not None, (text, [a.text() for a in bar.actions()])
        click(bar.widgetForAction(action))

    def key(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.activate()
        target = QApplication.focusWidget() or self.window
        QTest.keyClick(target, key, modifier)

    def dialog(self, name: str) -> QDialog:
        """The visible dialog with object name ``name`` (waiting for it to open)."""

        def find() -> QDialog | None:
            return next((d for d in _visible_dialogs() if d.objectName() == name), None)

        self.qtbot.waitUntil(lambda: find() is not None, timeout=WAIT_MS)
        dialog = find()
        assert dialog is not None
        return dialog

    def modal(self, open_it: Callable[[], object], work: Callable[[QDialog], None], **kw) -> None:
        modal(self.qtbot, open_it, work, **kw)

    # --- the form ----------------------------------------------------------------------
    @property
    def editor(self) -> QWidget:
        """The form (object name ``filingEditor``)."""
        editor = self.window.findChild(QWidget, "filingEditor")
        assert editor is not None
        return editor

    def field(self, name: str) -> Any:
        return named(self.editor, name)

    def type(self, name: str, text: str, *, leave: bool = True) -> Any:
        widget = self.field(name)
        type_into(self.qtbot, widget, text)
        if leave:
            self.leave(widget)
        return widget

    def leave(self, widget: QWidget) -> None:
        """Tab away (with the completion list open, the key goes to the list)."""
        completer = widget.completer() if isinstance(widget, QLineEdit) else None
        popup = completer.popup() if completer is not None else None
        target = popup if popup is not None and popup.isVisible() else widget
        QTest.keyClick(target, Qt.Key.Key_Tab)
        self.qtbot.waitUntil(lambda: not widget.hasFocus(), timeout=3000)

    def problems(self) -> list[str]:
        """What the problems list above the form shows now, one entry a line."""
        from PySide6.QtWidgets import QListWidget

        summary = named(self.editor, "问题列表", QListWidget)
        return [summary.item(i).text() for i in range(summary.count())]

    def wait_problem(self, text: str, *, present: bool = True) -> None:
        """Until an entry of the problems list contains ``text`` (or none does)."""
        self.qtbot.waitUntil(
            lambda: any(text in p for p in self.problems()) == present, timeout=5000
        )

    def wait_value(self, name: str, expected: str) -> None:
        self.qtbot.waitUntil(lambda: value(self.field(name)) == expected, timeout=5000)


def readable_screenshots() -> None:
    """Make screenshots readable where the machine has no CJK system font: add the Noto
    Sans CJK font the desk ships with. Only what the pictures look like depends on it."""
    from PySide6.QtGui import QFontDatabase

    if any(
        QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
        for family in QFontDatabase.families()
    ):
        return
    import noto_cjk_sans_otc

    font = Path(noto_cjk_sans_otc.__file__).parent / "NotoSansCJK-Regular.ttc"
    QFontDatabase.addApplicationFont(str(font))
