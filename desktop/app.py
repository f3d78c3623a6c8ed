"""Start the window. (Placeholder until the desk's main window exists.)"""

from __future__ import annotations

import sys
from pathlib import Path


def run_window(data_dir: Path) -> int:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle(QCoreApplication.translate("MainWindow", "涉企行政执法检查备案"))
    window.setCentralWidget(QLabel(str(data_dir)))
    window.resize(1000, 700)
    window.show()
    return app.exec()
