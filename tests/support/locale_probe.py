"""Start the desk's application in this process (as ``start_desk`` does: the application,
then the desk's language) and report, as one JSON line, what Qt's own widgets say: the
calendar's month and day names, a non-native file dialog's buttons and labels.

    LANG=C python -m tests.support.locale_probe

Run in a subprocess: the system locale is read once, when Qt starts.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QDate, QLocale
    from PySide6.QtWidgets import (
        QCalendarWidget,
        QDialogButtonBox,
        QFileDialog,
        QLabel,
        QTableView,
        QToolButton,
    )

    from desktop.ui import i18n
    from desktop.ui.app import make_application

    app = make_application()
    system = QLocale.system().name()
    i18n.install(None)

    calendar = QCalendarWidget()
    calendar.setSelectedDate(QDate(2026, 10, 8))
    calendar.setCurrentPage(2026, 10)
    calendar.show()
    app.processEvents()
    month = calendar.findChild(QToolButton, "qt_calendar_monthbutton").text()
    view = calendar.findChild(QTableView, "qt_calendar_calendarview")
    model = view.model()
    first_column = (
        1
        if calendar.verticalHeaderFormat() != calendar.VerticalHeaderFormat.NoVerticalHeader
        else 0
    )
    day_names = [model.index(0, c).data() for c in range(first_column, model.columnCount())]

    dialog = QFileDialog(None, "选择文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.show()
    app.processEvents()
    box = dialog.findChild(QDialogButtonBox)
    buttons = sorted(b.text() for b in box.buttons())
    labels = sorted(label.text() for label in dialog.findChildren(QLabel) if label.text().strip())
    dialog.close()
    print(
        json.dumps(
            {
                "system": system,
                "default": QLocale().name(),
                "month": month,
                "day_names": day_names,
                "buttons": buttons,
                "labels": labels,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
