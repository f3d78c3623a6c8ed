"""Fonts for the PDF: conversion to TrueType, growth, disk cache, fallback, ToUnicode."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from forms.pdf import fonts as pdf_fonts
from forms.pdf import prepare
from forms.pdf.seed import seed_characters
from forms.pdf.tounicode import to_unicode_cmap, utf16_hex


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty user cache, and no shipped seed: every glyph is converted here."""
    monkeypatch.setattr(pdf_fonts, "_cache_override", tmp_path / "cache")
    monkeypatch.setattr(pdf_fonts, "seed_dir", lambda: tmp_path / "no-seed")
    return tmp_path / "cache"


def serif_chain(prefix: str) -> pdf_fonts.FontChain:
    return pdf_fonts.FontChain(pdf_fonts.bundled_sources()[:1], prefix=prefix)


def drawn_text(font_name: str, text: str) -> str:
    buf = io.BytesIO()
    c = Canvas(buf, initialFontName=font_name)
    c.setFont(font_name, 12)
    c.drawString(50, 700, text)
    c.save()
    return pypdf.PdfReader(io.BytesIO(buf.getvalue())).pages[0].extract_text().strip()


def test_utf16_hex_uses_surrogate_pairs_outside_the_bmp():
    assert utf16_hex(0x4E2D) == "4E2D"
    assert utf16_hex(0x20) == "0020"
    assert utf16_hex(0x2C317) == "D870DF17"


def test_to_unicode_cmap_is_well_formed():
    subset = [0, *range(0x4E00, 0x4E00 + 200), 0x2C317]
    cmap = to_unicode_cmap("AAAAAA+Test", subset)
    blocks = re.findall(r"(\d+) beginbfchar\n(.*?)\nendbfchar", cmap, re.S)
    assert [int(n) for n, _ in blocks] == [100, 100, 2]
    entries = [line for _, body in blocks for line in body.split("\n")]
    assert len(entries) == len(subset)
    for line in entries:
        _src, dst = re.fullmatch(r"<([0-9A-F]{2})> <([0-9A-F]+)>", line).groups()
        assert len(dst) % 4 == 0
    assert entries[-1] == "<C9> <D870DF17>"


def test_converted_glyphs_are_real_truetype_outlines(cache):
    chain = serif_chain("TestGlyphs")
    assert chain.ensure("湘潭") == set()
    font = pdfmetrics.getFont(chain.primary)
    face = font.face
    assert {ord("湘"), ord("潭")} <= set(face.charToGlyph)
    assert font.stringWidth("湘潭", 10) == pytest.approx(20, abs=0.5)  # full-width
    assert drawn_text(chain.primary, "湘潭") == "湘潭"


def test_font_grows_when_new_characters_appear(cache):
    chain = serif_chain("TestGrow")
    chain.ensure("湘")
    chain.ensure("潭\U0002c317")
    face = pdfmetrics.getFont(chain.primary).face
    assert {ord("湘"), ord("潭"), 0x2C317} <= set(face.charToGlyph)
    assert drawn_text(chain.primary, "湘潭\U0002c317") == "湘潭\U0002c317"


def test_disk_cache_spares_the_next_process_the_source_font(cache):
    first = serif_chain("TestCacheA")
    first.ensure("备案表")
    assert sorted(p.suffix for p in cache.iterdir()) == [".json", ".ttf"]
    second = serif_chain("TestCacheB")  # as a new process would
    second.ensure("备案表")
    assert second.fonts[0]._open is None  # coverage and glyphs came from the cache
    assert drawn_text(second.primary, "备案表") == "备案表"
    second.ensure("联")  # a new character opens the source and keeps the cached ones
    assert second.fonts[0]._open is not None
    assert drawn_text(second.primary, "备案表联") == "备案表联"


def test_damaged_disk_cache_is_ignored_and_rewritten(cache):
    serif_chain("TestDamageA").ensure("检查")
    for path in cache.iterdir():
        path.write_bytes(b"\x00garbage")
    chain = serif_chain("TestDamageB")
    assert chain.ensure("检查") == set()
    assert drawn_text(chain.primary, "检查") == "检查"
    assert all(path.stat().st_size > 100 for path in cache.iterdir())


def test_no_disk_cache_when_disabled(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_fonts, "_cache_override", False)
    monkeypatch.setenv(pdf_fonts.CACHE_ENV, "off")
    assert pdf_fonts.cache_dir() is None
    monkeypatch.setenv(pdf_fonts.CACHE_ENV, str(tmp_path))
    assert pdf_fonts.cache_dir() == tmp_path
    chain = serif_chain("TestNoCache")
    monkeypatch.setenv(pdf_fonts.CACHE_ENV, "off")
    chain.ensure("湘")
    assert list(tmp_path.iterdir()) == []


def test_chain_prefers_the_serif_and_falls_back_for_rare_characters():
    chain = pdf_fonts.chain()
    primary, fallback = chain.fonts
    assert chain.font_for("湘") is primary
    rare = next(chr(cp) for cp in sorted(fallback.coverage) if not primary.covers(cp))
    assert chain.font_for(rare) is fallback
    assert chain.font_for("\ue000") is None
    assert chain.missing({"湘", rare, "\ue000"}) == {"\ue000"}
    chain.ensure("湘" + rare)
    assert [name for name, _ in chain.runs("湘" + rare + "\ue000")] == [
        primary.name,
        fallback.name,
        None,
    ]


def test_fonts_are_freely_licensed_and_installed_from_packages():
    for source in pdf_fonts.bundled_sources():
        assert source.path.is_file()
        assert "Open Font License" in source.licence
        assert "/usr/share/fonts" not in str(source.path)


def test_prepare_readies_every_fixed_text():
    prepare()
    prepare()  # idempotent
    built = pdf_fonts.chain().fonts[0].built
    assert {ord(ch) for ch in "湘潭市涉企行政执法检查备案表第一联草稿续页"} <= built


def test_shipped_seed_holds_the_common_characters_and_its_licence():
    from fontTools.ttLib import TTFont

    folder = pdf_fonts.seed_dir()
    (ttf,) = folder.glob("serif-sc-*.ttf")
    assert ttf.with_suffix(".json").is_file()
    font = TTFont(str(ttf))
    assert {ord(ch) for ch in seed_characters()} <= set(font.getBestCmap())
    assert "Open Font License" in font["name"].getDebugName(13)
    assert "Open Font License" in (folder / "OFL.txt").read_text("utf-8")


def test_seed_serves_its_characters_without_the_source(tmp_path, monkeypatch):
    from forms.pdf import seed

    seed_folder = tmp_path / "seed"
    seed.build(seed_folder, characters="湘潭市备案表")
    monkeypatch.setattr(pdf_fonts, "seed_dir", lambda: seed_folder)
    monkeypatch.setattr(pdf_fonts, "_cache_override", tmp_path / "cache")
    chain = serif_chain("TestSeedUse")
    assert chain.ensure("湘潭市备案表") == set()
    assert chain.fonts[0]._open is None
    assert not (tmp_path / "cache").exists()  # nothing new to remember
    chain.ensure("亍")  # not in the seed: converted, and remembered in the user's cache
    assert chain.fonts[0]._open is not None
    assert drawn_text(chain.primary, "湘潭亍") == "湘潭亍"
    assert sorted(p.suffix for p in (tmp_path / "cache").iterdir()) == [".json", ".ttf"]
    later = serif_chain("TestSeedLater")  # the next process starts from the user cache
    later.ensure("湘亍")
    assert later.fonts[0]._open is None
    assert drawn_text(later.primary, "湘亍") == "湘亍"
