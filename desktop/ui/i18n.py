"""Which language the desk speaks, and installing Qt translators for it.

The source text of every string is Chinese, so with no translator installed the desk
speaks Chinese. Another language needs ``resources/translations/beian_<code>.qm``
(built from ``beian_<code>.ts`` with pyside6-lrelease); Qt's own strings (standard
buttons, file dialogs, the calendar's navigation) come from Qt's ``qtbase_<code>.qm``.

The desk's language decides Qt's too, whatever the PC's locale (an English Windows, a
Linux with ``LANG=C``): the default QLocale is set to it, so month and day names, the
first day of the week and number formats follow the desk, not the system.
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
_locale_before: QLocale | None = None  # the default locale before install() changed it


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

    global _locale_before
    if _locale_before is None:
        _locale_before = QLocale()
    QLocale.setDefault(QLocale(code))

    for qt_folder in qt_translation_folders(folder):
        if _load(app, f"qtbase_{code}", qt_folder):
            log.info("Qt's own strings: qtbase_%s from %s", code, qt_folder)
            break
    else:
        log.warning("Qt's own strings stay English: no qtbase_%s.qm found", code)
    # What Qt's catalogue lacks (installed later, so asked first).
    _load(app, f"qtbase_supplement_{code}", folder)
    if code != SOURCE_LANGUAGE:
        _load(app, f"{APP_CATALOG}_{code}", folder)
    return code


def qt_translation_folders(folder: Path) -> list[Path]:
    """Where Qt's own catalogues may be: a copy beside ours, Qt's installation, and the
    PySide6 package (``Qt/translations`` on Linux and macOS, ``translations`` on Windows;
    a frozen build keeps that layout under its ``_internal`` folder)."""
    import PySide6

    package = Path(PySide6.__file__).resolve().parent
    found = [
        folder,
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        package / "Qt" / "translations",
        package / "translations",
    ]
    return list(dict.fromkeys(found))


def uninstall() -> None:
    """Remove the translators :func:`install` added (Qt's own strings back to English)
    and give back the default locale it replaced."""
    global _locale_before
    if _locale_before is not None:
        QLocale.setDefault(_locale_before)
        _locale_before = None
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
