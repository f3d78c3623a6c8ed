"""The window's Chinese font: the system's when it has one, else the Noto fonts we ship.

A PC without a CJK font (a fresh Linux installation, a trimmed Windows image) would draw
every Chinese character of the window as a box, while the PDFs print fine from their own
fonts. So at start-up, when the application's font cannot draw common Han characters
even through the system's fallbacks, the bundled Noto Sans CJK SC (``noto-cjk-sans-otc``)
is registered with Qt and made the application font; Noto Sans SC and Noto Serif SC from
``pylopdf-fonts-zh-cn``, and the prepared PDF font in ``resources/fonts``, are the
fallbacks. The font files are found through their packages, which PyInstaller collects,
so this works the same in a checkout and in the installed program.

The family is named explicitly (not left to fontconfig's fallback), because the Noto
collection also holds the Japanese and Korean faces, whose forms of some characters
differ from the ones printed in China.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

# Characters the window always shows: the title, the commonest words of its labels.
SAMPLE = "涉企行政执法检查备案的一是不了人在有中国日期时间湘潭"


@dataclass(frozen=True)
class FontFile:
    path: Path
    family: str  # the family to use from it (a collection holds several)


@dataclass(frozen=True)
class WindowFont:
    family: str  # what Qt resolved the application font to
    bundled: bool  # True: one of our font files; False: the system's own font
    covers_sample: bool  # every character of SAMPLE has a glyph (no boxes)
    path: Path | None = None


_chosen: WindowFont | None = None


def chosen() -> WindowFont | None:
    """What :func:`ensure_chinese_font` chose in this process, if it ran."""
    return _chosen


def bundled_font_files() -> list[FontFile]:
    """The font files the program ships that can draw Chinese, best for a window first."""
    files: list[FontFile] = []
    try:
        import noto_cjk_sans_otc

        files.append(FontFile(Path(str(noto_cjk_sans_otc.FONT_PATH)), "Noto Sans CJK SC"))
    except ImportError:
        pass
    try:
        import pylopdf_fonts_zh_cn as noto_sc

        files.append(FontFile(Path(noto_sc.sans_path()), "Noto Sans SC"))
        files.append(FontFile(Path(noto_sc.serif_path()), "Noto Serif SC"))
    except ImportError:
        pass
    from desktop.paths import resource

    # The prepared PDF font: the common characters only, but always there.
    files += [FontFile(p, "") for p in sorted(resource("fonts").glob("*.ttf"))]
    return [f for f in files if f.path.is_file()]


def covers(font: QFont, text: str = SAMPLE) -> bool:
    """Whether ``font``, with the fallbacks Qt would use, has a glyph for every character."""
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(char)) for char in text)


def ensure_chinese_font(app: QApplication, files: list[FontFile] | None = None) -> WindowFont:
    """Keep the system's font when it draws Chinese; otherwise register the first bundled
    file that does and make its family the application font (same point size).

    Runs once per process; later calls return the first answer."""
    global _chosen
    if _chosen is None:
        _chosen = _choose(app, bundled_font_files() if files is None else files)
    return _chosen


def _choose(app: QApplication, files: list[FontFile]) -> WindowFont:
    current = app.font()
    if covers(current):
        chosen = WindowFont(QFontInfo(current).family(), bundled=False, covers_sample=True)
        log.info("window font: %s (the system's; it draws Chinese)", chosen.family)
        return chosen
    for file in files:
        font_id = QFontDatabase.addApplicationFont(str(file.path))
        if font_id < 0:
            log.warning("window font: Qt cannot load %s", file.path)
            continue
        families = QFontDatabase.applicationFontFamilies(font_id)
        family = file.family if file.family in families else (families[0] if families else "")
        if not family:
            continue
        font = QFont(current)
        font.setFamilies([family])
        if not covers(font):
            continue
        app.setFont(font)
        chosen = WindowFont(
            QFontInfo(app.font()).family(),
            bundled=True,
            covers_sample=covers(app.font()),
            path=file.path,
        )
        log.info(
            "window font: %s from %s (the system has no font for Chinese; covers %s: %s)",
            chosen.family,
            file.path,
            SAMPLE[:10],
            chosen.covers_sample,
        )
        return chosen
    log.warning(
        "window font: no font draws Chinese; Chinese shows as boxes "
        "(install a CJK font, e.g. fonts-noto-cjk)"
    )
    return WindowFont(QFontInfo(current).family(), bundled=False, covers_sample=False)
