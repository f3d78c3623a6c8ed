"""The window draws Chinese on a PC without a CJK font: the bundled Noto font steps in.

Each case starts the desk's application in a subprocess with its own fontconfig setup,
so the result does not depend on the fonts of the machine running the tests: an empty
setup is a fresh installation with no fonts at all; a folder with a Chinese font in it
is a PC that has one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pylopdf_fonts_zh_cn

from desktop.ui.window_font import bundled_font_files
from tests.support.probe import run_probe


def fontconfig(tmp_path: Path, *folders: Path) -> Path:
    """A fontconfig setup that knows only ``folders`` (none: no fonts at all)."""
    dirs = "".join(f"<dir>{folder}</dir>" for folder in folders)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig>{dirs}<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        "utf-8",
    )
    return conf


def probe(conf: Path) -> dict:
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), QT_QPA_PLATFORM="offscreen")
    return run_probe("tests.support.window_font_probe", env)


def test_bundled_fonts_are_found_best_for_a_window_first():
    files = bundled_font_files()
    assert files[0].family == "Noto Sans CJK SC" and files[0].path.suffix == ".ttc"
    assert all(f.path.is_file() for f in files)


def test_a_pc_without_any_font_draws_chinese_with_the_bundled_noto(tmp_path: Path):
    found = probe(fontconfig(tmp_path))
    assert found["bundled"] is True and found["covers"] is True
    assert found["family"] == found["label_family"] == "Noto Sans CJK SC"
    # Boxes would all look alike; ten different characters drew ten different glyphs.
    assert found["distinct_glyphs"] == found["characters"] == 10


def test_a_system_chinese_font_is_kept(tmp_path: Path):
    system = tmp_path / "system-fonts"
    system.mkdir()
    (system / "NotoSansSC-Regular.otf").symlink_to(pylopdf_fonts_zh_cn.sans_path())
    found = probe(fontconfig(tmp_path, system))
    assert found["bundled"] is False and found["covers"] is True
    assert found["path"] is None
    assert found["distinct_glyphs"] == 10
