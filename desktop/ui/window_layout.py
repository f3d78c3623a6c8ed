"""The main window's widgets and where they sit: the list and the history on the left,
the filing (header and editor, or the empty page) on the right, notices across the top,
the sync word, save state and counts in the status bar. ``build`` sets them as the
window's attributes; the window wires them (``MainWindow._wire``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.filing_header import FilingHeader
from desktop.ui.filings_list import FilingsListPanel
from desktop.ui.filings_model import FilingsModel
from desktop.ui.history import HistoryPanel
from desktop.ui.notices import NoticeArea
from desktop.ui.sync_status import SyncStatusButton

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


def build_editor(w: MainWindow) -> Any:
    """The filing editor (its module imported only now), in the place ``build`` kept."""
    from desktop.ui.editor import CompletionSource, FilingEditor

    editor = FilingEditor(w.definition, CompletionSource(w.store), load_blank=False)
    editor.setObjectName("filingEditor")
    stretch = w.editor_layout.takeAt(1)
    del stretch
    w.editor_layout.addWidget(editor, 1)
    editor.show()  # a layout shows a widget added to a visible page only later
    return editor


def empty_page(w: QWidget) -> QWidget:
    """What the right side shows while no filing is open."""
    page = QWidget()
    page.setObjectName("emptyPage")
    text = QLabel(
        QCoreApplication.translate(
            "MainWindow", "还没有打开备案表。\n\n按 Ctrl+N 新建一份备案，或在左侧列表中选择一份。"
        )
    )
    text.setAlignment(Qt.AlignmentFlag.AlignCenter)
    text.setWordWrap(True)
    button = QPushButton(QCoreApplication.translate("MainWindow", "新建备案"))
    button.setObjectName("emptyNewButton")
    button.setAutoDefault(False)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addWidget(text)
    layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(2)
    w.empty_new_button = button  # type: ignore[attr-defined]
    return page


def window_icon() -> QIcon:
    from desktop.paths import resource

    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = resource("icons", f"beian-{size}.png")
        if png.is_file():
            icon.addFile(str(png))
    return icon


def build(w: MainWindow) -> None:
    """Everything but the editor, which ``build_editor`` adds (after the first paint when
    the window starts the desk)."""
    w.model = FilingsModel(w.store, w)
    w.list_panel = FilingsListPanel(w.model)
    w.history = HistoryPanel()
    w.header = FilingHeader()

    w.empty_page = empty_page(w)
    editor_page = QWidget()
    w.editor_layout = QVBoxLayout(editor_page)
    w.editor_layout.setContentsMargins(0, 0, 0, 0)
    w.editor_layout.addWidget(w.header)
    w.editor_layout.addStretch(1)  # where the editor goes
    w.stack = QStackedWidget()
    w.stack.addWidget(w.empty_page)
    w.stack.addWidget(editor_page)

    w.left_splitter = QSplitter(Qt.Orientation.Vertical)
    w.left_splitter.setObjectName("leftSplitter")
    w.left_splitter.addWidget(w.list_panel)
    w.left_splitter.addWidget(w.history)
    w.left_splitter.setStretchFactor(0, 3)
    w.left_splitter.setStretchFactor(1, 1)
    w.left_splitter.setChildrenCollapsible(False)

    w.splitter = QSplitter(Qt.Orientation.Horizontal)
    w.splitter.setObjectName("mainSplitter")
    w.splitter.addWidget(w.left_splitter)
    w.splitter.addWidget(w.stack)
    w.splitter.setStretchFactor(0, 2)
    w.splitter.setStretchFactor(1, 3)
    w.splitter.setChildrenCollapsible(False)
    # A handle wide enough to grab, and air between the list and the form.
    w.splitter.setHandleWidth(max(6, w.fontMetrics().horizontalAdvance("中") // 2))
    w.notices = NoticeArea()
    central = QWidget()
    central_layout = QVBoxLayout(central)
    central_layout.addWidget(w.notices)
    central_layout.addWidget(w.splitter, 1)
    w.setCentralWidget(central)

    w.sync_status = SyncStatusButton()
    w.sync_status.clicked.connect(lambda _checked=False: w.open_connection())
    w.save_state_label = QLabel()
    w.save_state_label.setObjectName("saveState")
    w.counts_label = QLabel()
    w.counts_label.setObjectName("statusCounts")
    # The counts are a normal widget: the bar hides them while it shows a message, so a
    # long message has the room (at 1024 × 768 and 150 % the counts left it half a line).
    w.statusBar().addWidget(w.counts_label)
    w.statusBar().addPermanentWidget(w.sync_status)
    w.statusBar().addPermanentWidget(w.save_state_label)
