"""Which language the desk speaks, and installing Qt translators for it.

The source text of every string is Chinese, so with no translator installed the desk
speaks Chinese. Another language needs ``resources/translations/beian_<code>.qm``
(built from ``beian_<code>.ts`` with pyside6-lrelease); Qt's own strings (standard
buttons, file dialogs) come from Qt's ``qtbase_<code>.qm``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop.paths import resource

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "zh_CN"
APP_CATALOG = "beian"

_installed: list[QTranslator] = []


def translations_dir() -> Path:
    return resource("translations")


def language_name(code: str) -> str:
    """The language's own name for itself, e.g. 中文 or English."""
    if code == SOURCE_LANGUAGE:
        return "中文（简体）"
    name = QLocale(code).nativeLanguageName()
    return name[:1].upper() + name[1:] if name else code


def available_languages(folder: Path | None = None) -> dict[str, str]:
    """Codes the desk can speak, mapped to display names; Chinese always first."""
    found = {SOURCE_LANGUAGE: language_name(SOURCE_LANGUAGE)}
    folder = folder or translations_dir()
    if folder.is_dir():
        for qm in sorted(folder.glob(f"{APP_CATALOG}_*.qm")):
            code = qm.stem[len(APP_CATALOG) + 1 :]
            if code and code != SOURCE_LANGUAGE:
                found[code] = language_name(code)
    return found


def install(language: str | None, folder: Path | None = None) -> str:
    """Install translators for ``language`` (None: Chinese); return the language in use.

    Unknown languages fall back to Chinese. Translators installed by an earlier call
    are removed first, so calling again switches language for windows built afterwards.
    ``folder`` holds the desk's .qm files (default: ``resources/translations``).
    """
    folder = folder or translations_dir()
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install translators after the QApplication exists")
    uninstall()

    code = language or SOURCE_LANGUAGE
    if code not in available_languages(folder):
        log.warning("no translation for %r; using Chinese", code)
        code = SOURCE_LANGUAGE

    # Qt's own strings: a bundled copy first (frozen builds), then Qt's installation.
    qt_folders = [folder, Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    for qt_folder in qt_folders:
        if _load(app, f"qtbase_{code}", qt_folder):
            break
    if code != SOURCE_LANGUAGE:
        _load(app, f"{APP_CATALOG}_{code}", folder)
    return code


def uninstall() -> None:
    """Remove the translators :func:`install` added (Qt's own strings back to English)."""
    app = QCoreApplication.instance()
    for translator in _installed:
        if app is not None:
            app.removeTranslator(translator)
    _installed.clear()


def _load(app: QCoreApplication, name: str, folder: Path) -> bool:
    translator = QTranslator(app)
    if not translator.load(name, str(folder)):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
