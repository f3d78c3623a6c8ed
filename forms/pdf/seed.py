"""Build the seed fonts shipped in ``resources/fonts``.

    .venv/bin/python -m forms.pdf.seed

Converting a glyph from CFF to TrueType costs 1–2 ms, so a first render on a new PC
would spend a second or more converting the few hundred characters of a filing. The
seed is the working font of the primary source already holding the common characters
— the 3,755 of GB 2312 level 1, its punctuation, digits and full-width forms, ASCII
and every fixed text of the paper layout — plus the source's character coverage.
Its file names carry the source's signature (file name and size, converter version):
a seed made from another version of the font is simply not used. Rerun this after
updating the font package or the converter, and commit the result.
"""

from __future__ import annotations

import sys
from pathlib import Path

from forms.definition import load_definition
from forms.pdf import fonts, layout


def _gb2312(rows: range) -> str:
    out = []
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                out.append(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # unassigned positions
    return "".join(out)


def seed_characters() -> str:
    """The characters the seed holds."""
    parts = [
        "".join(chr(c) for c in range(0x20, 0x7F)),
        _gb2312(range(0xA1, 0xA4)),  # punctuation, numbered forms, full-width ASCII
        _gb2312(range(0xA8, 0xA9)),  # pinyin letters with tones
        _gb2312(range(0xB0, 0xD8)),  # level 1 hanzi
        *layout.static_texts(load_definition()),
    ]
    return "".join(sorted(set("".join(parts)) - {"\n"}))


def build(out_dir: Path | None = None, characters: str | None = None) -> list[Path]:
    """Write the seed (coverage and font) into ``out_dir``; returns the two paths."""
    out_dir = out_dir or fonts.seed_dir()
    source = fonts.bundled_sources()[0]
    before = fonts._cache_override
    fonts.set_cache_dir(None)  # build from the source, not from any cache
    try:
        chain = fonts.FontChain([source], prefix="Seed")
        font = chain.fonts[0]
        font._cache_loaded = True  # nor from an older seed
        chain.ensure(seed_characters() if characters is None else characters)
        paths = font._cache_paths(out_dir)
        assert paths is not None and font.ttf is not None
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.glob(f"{source.key}-*"):
            old.unlink()
        paths[0].write_bytes(font.coverage_json())
        paths[1].write_bytes(font.ttf)
        return list(paths)
    finally:
        fonts._cache_override = before


if __name__ == "__main__":
    for path in build():
        print(path, path.stat().st_size)
    sys.exit(0)
