"""Colours live in desktop/ui/style.py only, and every pair there is readable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop.ui import style

ROOT = Path(__file__).resolve().parents[2]
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_no_colour_literal_outside_the_style_module():
    found = []
    for path in sorted((ROOT / "desktop").rglob("*.py")):
        if path == ROOT / "desktop" / "ui" / "style.py":
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if HEX.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


BANNERS = [v for v in vars(style).values() if isinstance(v, style.Banner)]
TEXTS = [style.ERROR, style.WARNING, style.OK, style.INFO, style.NOTE, style.HOLIDAY, style.WORKDAY]


@pytest.mark.parametrize("banner", BANNERS, ids=lambda b: b.foreground)
def test_banner_text_is_readable_on_its_background(banner):
    assert _contrast(banner.foreground, banner.background) >= 4.5


@pytest.mark.parametrize("colour", TEXTS)
def test_coloured_text_is_readable_on_a_white_window(colour):
    assert _contrast(colour, "#ffffff") >= 4.5


def test_a_banner_sheet_names_its_frame_and_message():
    sheet = style.ERROR_BANNER.sheet("filingBanner", "bannerMessage")
    assert sheet.startswith("#filingBanner {") and "#bannerMessage { color: #b3261e; }" in sheet
