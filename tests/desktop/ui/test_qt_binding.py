"""The Qt binding must not leak references to None (PySide6 6.12.0 on Python 3.11 does,
and the interpreter aborts with "none_dealloc" after a day of a clerk's typing)."""

import sys

from PySide6.QtWidgets import QLineEdit


def test_calls_returning_nothing_keep_none_alive(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    before = sys.getrefcount(None)
    for _ in range(2000):
        edit.setText("湘潭")
    # Python 3.12+ makes None immortal (the count is then constant too).
    assert sys.getrefcount(None) >= before - 50
