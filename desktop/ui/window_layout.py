"""The main window's widgets and where they sit: the list and the history on the left,
the filing (header and editor, or the empty page) on the right, notices across the top,
the sync word, save state and counts in the status bar. ``build`` sets them as the
window's attributes; the window wires them (``MainWindow._wire``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from desktop.ui.filing_header import FilingHeader
from desktop.ui.filings_list import FilingsListPanel
from desktop.ui.filings_model import FilingsModel
from desktop.ui.history import HistoryPanel
from desktop.ui.notices import NoticeArea
from desktop.ui.sync_status import SyncStatusButton

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


def build(w: MainWindow, completion: Any, editor_class: Any) -> None:
    w.model = FilingsModel(w.store, w)
    w.list_panel = FilingsListPanel(w.model)
    w.history = HistoryPanel()
    w.header = FilingHeader()
    w.editor = editor_class(w.definition, completion)
    w.editor.setObjectName("filingEditor")

    w.empty_page = w._build_empty_page()
    editor_page = QWidget()
    editor_layout = QVBoxLayout(editor_page)
    editor_layout.setContentsMargins(0, 0, 0, 0)
    editor_layout.addWidget(w.header)
    editor_layout.addWidget(w.editor, 1)
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
    w.statusBar().addPermanentWidget(w.sync_status)
    w.statusBar().addPermanentWidget(w.save_state_label)
    w.statusBar().addPermanentWidget(w.counts_label)
