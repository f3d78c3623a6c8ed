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


def available_languages() -> dict[str, str]:
    """Codes the desk can speak, mapped to display names; Chinese always first."""
    found = {SOURCE_LANGUAGE: language_name(SOURCE_LANGUAGE)}
    folder = translations_dir()
    if folder.is_dir():
        for qm in sorted(folder.glob(f"{APP_CATALOG}_*.qm")):
            code = qm.stem[len(APP_CATALOG) + 1 :]
            if code and code != SOURCE_LANGUAGE:
                found[code] = language_name(code)
    return found


def install(language: str | None) -> str:
    """Install translators for ``language`` (None: Chinese); return the language in use.

    Unknown languages fall back to Chinese. Translators installed by an earlier call
    are removed first, so calling again switches language for windows built afterwards.
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install translators after the QApplication exists")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()

    code = language or SOURCE_LANGUAGE
    if code not in available_languages():
        log.warning("no translation for %r; using Chinese", code)
        code = SOURCE_LANGUAGE

    qt_folders = [
        translations_dir(),
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for folder in qt_folders:
        if _load(app, f"qtbase_{code}", folder):
            break
    if code != SOURCE_LANGUAGE:
        _load(app, f"{APP_CATALOG}_{code}", translations_dir())
    return code


def _load(app: QCoreApplication, name: str, folder: Path) -> bool:
    translator = QTranslator(app)
    if not translator.load(name, str(folder)):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
