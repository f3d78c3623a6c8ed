"""Start the desk's application in this process and report, as one JSON line, which font
the window uses for Chinese and whether it draws glyphs or boxes.

    python -m tests.support.window_font_probe

Run in a subprocess (a fresh QApplication, a fontconfig setup of the caller's choosing).
The box check needs no OCR: distinct characters drawn as "missing glyph" boxes all look
the same, real glyphs each look different.
"""

from __future__ import annotations

import json
import os
import sys

TEXT = "涉企行政执法检查备案"


def glyph_images(font, text: str) -> list[bytes]:
    """Each character drawn alone, black on white, as raw pixels."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QFontMetrics, QImage, QPainter

    metrics = QFontMetrics(font)
    size = metrics.height() + 4
    out = []
    for char in text:
        image = QImage(size, size, QImage.Format.Format_Grayscale8)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        painter.setFont(font)
        painter.setPen(Qt.GlobalColor.black)
        painter.drawText(QPoint(2, 2 + metrics.ascent()), char)
        painter.end()
        out.append(bytes(image.constBits()))
    return out


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QLabel

    from desktop.ui import window_font
    from desktop.ui.app import make_application

    app = make_application()
    chosen = window_font.chosen()
    label = QLabel(TEXT)  # a widget, as the window makes them: it takes the app font
    images = glyph_images(label.font(), TEXT)
    blank = glyph_images(label.font(), " ")[0]
    inked = [image for image in images if image != blank]
    print(
        json.dumps(
            {
                "family": chosen.family if chosen else None,
                "bundled": chosen.bundled if chosen else None,
                "covers": chosen.covers_sample if chosen else None,
                "path": str(chosen.path) if chosen and chosen.path else None,
                "label_family": label.fontInfo().family(),
                "characters": len(TEXT),
                "distinct_glyphs": len(set(inked)),
            },
            ensure_ascii=False,
        )
    )
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
