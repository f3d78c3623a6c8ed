"""CJK fonts for the PDF: freely licensed Noto fonts, converted to TrueType on demand.

reportlab embeds TrueType (glyf) outlines only, and the Noto SC fonts on PyPI are
CFF-based OpenType. So we convert, one character at a time, the glyphs a document
needs: the CFF outline is drawn through fontTools' cu2qu pen into a quadratic
TrueType glyph. The converted glyphs of each source font are kept in a small
TrueType font ("working font") that grows as new characters appear; reportlab
registers it and, when a PDF is saved, embeds a subset holding only the glyphs used.

Converting costs about 1–2 ms a glyph, so converted glyphs are cached per process
and, when a cache folder is available, on disk (the working font itself, plus the
source's character coverage so a warm start never opens the 8–19 MB source fonts).

Sources, in order of preference (the first that has a character draws it):

1. Noto Serif SC (``pylopdf-fonts-zh-cn``, SIL OFL 1.1) — about 31,000 characters;
2. Noto Sans CJK SC (``noto-cjk-sans-otc``, SIL OFL 1.1) — about 44,800 characters,
   including some 2,300 of CJK Extension B and later, for rare name characters.
   Without that package, Noto Sans SC from ``pylopdf-fonts-zh-cn`` takes its place.

A character no source has is reported by :func:`FontChain.ensure` so the caller can
print a visible mark and warn (see ``forms.pdf.missing_characters``).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import struct
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics

from forms.pdf.tounicode import UnicodeTTFont

log = logging.getLogger(__name__)

# Bump when the conversion changes, so stale disk caches are not reused.
CONVERTER_VERSION = 1
# Largest distance (font units, 1000 per em) between a cubic curve and its quadratic
# approximation: 0.01 mm at 10 pt, far below what a printer can show.
MAX_ERROR = 1.0

# The one lock for font state and reportlab's global font registry: renders from a
# worker thread and a background prepare() must not interleave.
LOCK = threading.RLock()

CACHE_ENV = "BEIAN_FONT_CACHE"
LAYOUT = frozenset("\n")  # characters that are layout, never drawn


@dataclass(frozen=True)
class FontSource:
    """A freely licensed font file that can draw some characters."""

    key: str  # short id used in cache file names
    ps_name: str  # PostScript name of the TrueType font we build from it
    path: Path
    face_name: str | None = None  # in a collection (.ttc): the face's full name
    licence: str = "SIL Open Font License 1.1"

    def signature(self) -> str:
        """Identifies this exact file and converter, for disk cache names."""
        try:
            size = self.path.stat().st_size
        except OSError:
            size = -1
        text = f"{self.path.name}:{size}:{self.face_name}:{CONVERTER_VERSION}:{MAX_ERROR}"
        return hashlib.sha1(text.encode()).hexdigest()[:12]


def bundled_sources() -> list[FontSource]:
    """The fonts installed with the program, best first."""
    import pylopdf_fonts_zh_cn as noto_sc

    sources = [FontSource("serif-sc", "NotoSerifSC-Regular", Path(noto_sc.serif_path()))]
    try:
        import noto_cjk_sans_otc

        sources.append(
            FontSource(
                "sans-cjk-sc",
                "NotoSansCJKSC-Regular",
                Path(str(noto_cjk_sans_otc.FONT_PATH)),
                face_name="Noto Sans CJK SC",
            )
        )
    except ImportError:  # the program still works, with fewer rare characters
        sources.append(FontSource("sans-sc", "NotoSansSC-Regular", Path(noto_sc.sans_path())))
    present = [s for s in sources if s.path.is_file()]
    if not present:
        raise RuntimeError(f"no font for the PDF: {sources[0].path} is missing")
    return present


# ---------------------------------------------------------------------------------
# Disk cache


_cache_override: Path | bool | None = False  # False: not set, use the environment


def set_cache_dir(path: str | os.PathLike[str] | None) -> None:
    """Use ``path`` for the font cache (None: no disk cache). Overrides the default."""
    global _cache_override
    _cache_override = Path(path) if path is not None else None


def cache_dir() -> Path | None:
    """Where converted fonts are kept between runs, or None for no disk cache.

    ``set_cache_dir`` wins; then the ``BEIAN_FONT_CACHE`` environment variable (a
    folder, or ``off``); then the platform's per-user cache folder.
    """
    if _cache_override is not False:
        return _cache_override  # type: ignore[return-value]
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("beian", appauthor=False)) / "fonts"


def seed_dir() -> Path:
    """Working fonts shipped with the program (``resources/fonts``), made by
    ``python -m forms.pdf.seed``: the common characters, already converted."""
    from forms.assets import resource

    return resource("fonts")


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only or full disk only costs speed
        log.debug("font cache not written: %s", exc)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _ranges(code_points: Iterable[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for cp in sorted(code_points):
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def _from_ranges(ranges: list[list[int]]) -> frozenset[int]:
    return frozenset(cp for a, b in ranges for cp in range(a, b + 1))


# ---------------------------------------------------------------------------------
# Conversion


@dataclass(frozen=True)
class Glyph:
    """One converted glyph: TrueType ``glyf`` data with its bounding box, and metrics."""

    data: bytes
    advance: int
    lsb: int

    @property
    def contours_points(self) -> tuple[int, int]:
        if len(self.data) < 10:
            return 0, 0
        contours = struct.unpack(">h", self.data[:2])[0]
        if contours <= 0:
            return 0, 0
        end = struct.unpack(">H", self.data[10 + 2 * (contours - 1) : 12 + 2 * (contours - 1)])[0]
        return contours, end + 1


@dataclass
class _Metrics:
    units_per_em: int
    ascent: int
    descent: int
    typo_ascender: int
    typo_descender: int
    typo_line_gap: int
    win_ascent: int
    win_descent: int
    bbox: tuple[int, int, int, int]
    notices: dict[str, str]  # copyright, trademark, licence: they travel with the glyphs


class _OpenSource:
    """A source font opened with fontTools (lazily: tables load when first used)."""

    def __init__(self, source: FontSource):
        from fontTools.ttLib import TTCollection, TTFont

        if source.face_name is None:
            font = TTFont(str(source.path), lazy=True)
        else:
            collection = TTCollection(str(source.path), lazy=True)
            font = next(
                (f for f in collection.fonts if f["name"].getDebugName(4) == source.face_name),
                collection.fonts[0],
            )
        self.font = font
        self.cmap: dict[int, str] = font.getBestCmap()
        self.glyph_set = font.getGlyphSet()
        self.hmtx = font["hmtx"]
        head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
        self.metrics = _Metrics(
            units_per_em=head.unitsPerEm,
            ascent=hhea.ascent,
            descent=hhea.descent,
            typo_ascender=os2.sTypoAscender,
            typo_descender=os2.sTypoDescender,
            typo_line_gap=os2.sTypoLineGap,
            win_ascent=os2.usWinAscent,
            win_descent=os2.usWinDescent,
            bbox=(head.xMin, head.yMin, head.xMax, head.yMax),
            notices={
                key: font["name"].getDebugName(name_id) or ""
                for key, name_id in (
                    ("copyright", 0),
                    ("trademark", 7),
                    ("licenseDescription", 13),
                    ("licenseInfoURL", 14),
                )
            },
        )

    def convert(self, glyph_name: str) -> Glyph:
        from fontTools.pens.cu2quPen import Cu2QuPen
        from fontTools.pens.ttGlyphPen import TTGlyphPen

        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise; TrueType wants them clockwise.
        self.glyph_set[glyph_name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyph = pen.glyph()
        glyph.recalcBounds(None)
        data = glyph.compile(None, recalcBBoxes=False)
        lsb = getattr(glyph, "xMin", 0) if glyph.numberOfContours else 0
        return Glyph(data, self.hmtx[glyph_name][0], lsb)


def _build_truetype(
    ps_name: str, metrics: _Metrics, glyphs: dict[int, Glyph], notdef: Glyph
) -> Any:
    """A TrueType font holding exactly ``glyphs`` (code point → glyph)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph as TTGlyph

    code_points = sorted(glyphs)
    names = [".notdef"] + [f"g{cp:X}" for cp in code_points]
    fb = FontBuilder(metrics.units_per_em, isTTF=True)
    # Glyph data already carries its bounding box; recomputing would mean parsing it.
    fb.font.recalcBBoxes = False
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({cp: f"g{cp:X}" for cp in code_points})
    glyf = newTable("glyf")
    glyf.glyphOrder = names
    records = [notdef] + [glyphs[cp] for cp in code_points]
    glyf.glyphs = {name: TTGlyph(rec.data) for name, rec in zip(names, records, strict=True)}
    fb.font["glyf"] = glyf
    fb.font["loca"] = newTable("loca")
    fb.setupHorizontalMetrics(
        {name: (rec.advance, rec.lsb) for name, rec in zip(names, records, strict=True)}
    )
    fb.setupHorizontalHeader(ascent=metrics.ascent, descent=metrics.descent)
    family = ps_name.rsplit("-", 1)[0]
    name_table = {"familyName": family, "styleName": "Regular", "psName": ps_name}
    name_table.update({k: v for k, v in metrics.notices.items() if v})
    fb.setupNameTable(name_table)
    fb.setupOS2(
        sTypoAscender=metrics.typo_ascender,
        sTypoDescender=metrics.typo_descender,
        sTypoLineGap=metrics.typo_line_gap,
        usWinAscent=metrics.win_ascent,
        usWinDescent=metrics.win_descent,
        fsType=0,  # installable embedding (OFL)
    )
    fb.setupPost()
    fb.setupMaxp()
    maxp = fb.font["maxp"]
    stats = [rec.contours_points for rec in records]
    maxp.maxContours = max((c for c, _ in stats), default=0)
    maxp.maxPoints = max((p for _, p in stats), default=0)
    head = fb.font["head"]
    head.xMin, head.yMin, head.xMax, head.yMax = metrics.bbox
    head.created = head.modified = 0  # the same glyphs make the same bytes
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()


def _read_truetype(data: bytes) -> tuple[dict[int, Glyph], Glyph] | None:
    """The glyphs and .notdef of a working font we built earlier (the disk cache)."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data))
        glyf, hmtx = font["glyf"], font["hmtx"]

        def record(name: str) -> Glyph:
            advance, lsb = hmtx[name]
            return Glyph(getattr(glyf.glyphs[name], "data", b"") or b"", advance, lsb)

        glyphs = {cp: record(name) for cp, name in font.getBestCmap().items()}
        return glyphs, record(".notdef")
    except Exception as exc:  # a damaged cache file is simply rebuilt
        log.debug("cached font unreadable: %s", exc)
        return None


# ---------------------------------------------------------------------------------
# Working fonts


class WorkingFont:
    """The converted glyphs of one source, registered with reportlab as ``name``.

    Call every method with ``LOCK`` held.
    """

    def __init__(self, source: FontSource, name: str, face_name: str):
        self.source = source
        self.name = name  # reportlab font name, stable across rebuilds
        # reportlab also keys fonts by face name: it must be ours alone.
        self.face_name = face_name
        self._open: _OpenSource | None = None
        self._coverage: frozenset[int] | None = None
        self._glyphs: dict[int, Glyph] | None = None  # None: not read from the cache yet
        self._notdef: Glyph | None = None
        self._cached_ttf: bytes | None = None
        self._built: frozenset[int] = frozenset()
        self._font: UnicodeTTFont | None = None
        self.ttf: bytes | None = None  # the last font built in this process
        self._cache_loaded = False

    # -- files
    def _cache_paths(self, folder: Path | None = None) -> tuple[Path, Path] | None:
        folder = folder or cache_dir()
        if folder is None:
            return None
        stem = f"{self.source.key}-{self.source.signature()}"
        return folder / f"{stem}.json", folder / f"{stem}.ttf"

    def _source(self) -> _OpenSource:
        if self._open is None:
            self._open = _OpenSource(self.source)
        return self._open

    def _load_cache(self) -> None:
        if self._cache_loaded:
            return
        self._cache_loaded = True
        # The user's cache (which only ever grows) first, then the shipped seed.
        for paths in (self._cache_paths(), self._cache_paths(seed_dir())):
            if paths is not None and self._load_from(*paths):
                return

    def _load_from(self, info_path: Path, ttf_path: Path) -> bool:
        """Coverage and working font from one folder; True when the font was usable."""
        raw = _read(info_path)
        if raw is None:
            return False
        try:
            coverage = _from_ranges(json.loads(raw)["coverage"])
        except (ValueError, KeyError, TypeError):
            return False
        self._coverage = self._coverage or coverage  # spares opening the source
        ttf = _read(ttf_path)
        if ttf is None:
            return False
        try:
            self._register(ttf)
        except Exception as exc:  # damaged: start again from the source
            log.debug("cached font not usable: %s", exc)
            return False
        self._cached_ttf = ttf
        return True

    # -- coverage
    @property
    def coverage(self) -> frozenset[int]:
        """Every code point the source font can draw."""
        self._load_cache()
        if self._coverage is None:
            self._coverage = frozenset(self._source().cmap)
            self._save_info()
        return self._coverage

    def covers(self, cp: int) -> bool:
        return cp in self.coverage

    # -- glyphs
    def ensure(self, code_points: Iterable[int]) -> None:
        """Make sure the registered font draws these (covered) code points."""
        self._load_cache()
        wanted = {cp for cp in code_points if cp in self.coverage}
        new = wanted - self._built
        if not new and self._font is not None:
            return
        glyphs = self._all_glyphs()
        source = self._source()
        for cp in sorted(new):
            if cp not in glyphs:
                glyphs[cp] = source.convert(source.cmap[cp])
        if self._notdef is None:
            self._notdef = source.convert(".notdef")
        ttf = _build_truetype(self.source.ps_name, source.metrics, glyphs, self._notdef)
        self._register(ttf)
        self._save(ttf)
        self.ttf = ttf

    def _all_glyphs(self) -> dict[int, Glyph]:
        if self._glyphs is None:
            self._glyphs = {}
            cached = _read_truetype(self._cached_ttf) if self._cached_ttf else None
            if cached is not None:
                self._glyphs, self._notdef = cached
            self._cached_ttf = None
        return self._glyphs

    def _register(self, ttf: bytes) -> None:
        font = UnicodeTTFont(self.name, io.BytesIO(ttf))
        font.face.name = self.face_name.encode("ascii")
        # reportlab ignores a second registration under a known name: drop the
        # previous, smaller font first.
        if self._font is not None:
            self._font.unregister()
        pdfmetrics.registerFont(font)
        self._font = font
        self._built = frozenset(font.face.charToGlyph)

    def coverage_json(self) -> bytes:
        return json.dumps({"coverage": _ranges(self.coverage)}, separators=(",", ":")).encode()

    def _save_info(self) -> None:
        paths = self._cache_paths()
        if paths is None or self._coverage is None:
            return
        _write_atomic(paths[0], self.coverage_json())

    def _save(self, ttf: bytes) -> None:
        paths = self._cache_paths()
        if paths is None:
            return
        _write_atomic(paths[1], ttf)
        self._save_info()

    @property
    def built(self) -> frozenset[int]:
        return self._built


class FontChain:
    """Fonts in order of preference; each character is drawn by the first that has it."""

    def __init__(self, sources: list[FontSource], prefix: str = "Beian"):
        # The process's chain names its faces after the sources; others add the prefix.
        self.fonts = [
            WorkingFont(
                s, f"{prefix}{i}", s.ps_name if prefix == "Beian" else f"{s.ps_name}-{prefix}"
            )
            for i, s in enumerate(sources)
        ]

    @property
    def primary(self) -> str:
        return self.fonts[0].name

    def font_for(self, ch: str) -> WorkingFont | None:
        cp = ord(ch)
        for font in self.fonts:
            if font.covers(cp):
                return font
        return None

    def missing(self, chars: Iterable[str]) -> set[str]:
        """Characters no font in the chain can draw (line breaks are layout)."""
        with LOCK:
            return {ch for ch in set(chars) - LAYOUT if self.font_for(ch) is None}

    def ensure(self, chars: Iterable[str]) -> set[str]:
        """Convert what these characters need; return those no font can draw."""
        with LOCK:
            wanted: dict[int, set[int]] = {}
            missing: set[str] = set()
            for ch in set(chars) - LAYOUT:
                font = self.font_for(ch)
                if font is None:
                    missing.add(ch)
                else:
                    wanted.setdefault(id(font), set()).add(ord(ch))
            for font in self.fonts:
                if id(font) in wanted or font is self.fonts[0]:
                    font.ensure(wanted.get(id(font), ()))
            return missing

    def runs(self, text: str) -> list[tuple[str | None, str]]:
        """Split text into (font name, text) runs; None for characters no font has.

        Call after ``ensure`` for the same characters.
        """
        out: list[tuple[str | None, str]] = []
        primary = self.fonts[0]
        for ch in text:
            cp = ord(ch)
            if cp in primary.built:
                name: str | None = primary.name
            elif ch in LAYOUT:
                name = None
            else:
                font = self.font_for(ch)
                name = font.name if font is not None and cp in font.built else None
            if out and out[-1][0] == name:
                out[-1] = (name, out[-1][1] + ch)
            else:
                out.append((name, ch))
        return out


_chain: FontChain | None = None


def chain() -> FontChain:
    """The process's font chain over the bundled sources."""
    global _chain
    with LOCK:
        if _chain is None:
            _chain = FontChain(bundled_sources())
        return _chain


def reset() -> None:
    """Forget converted fonts (tests use this to measure a cold start)."""
    global _chain
    with LOCK:
        _chain = None
