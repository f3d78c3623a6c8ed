"""Draw the triplicate: each copy is one or more A4 pages with the ruled table.

The table is measured once per document (every copy holds the same table), then each
copy is paginated on its own (the enterprise copy has a longer foot) and drawn. A
row that does not fit on a page is split when its text can be (the rest continues on
a sheet marked as the copy's continuation, with the section label repeated);
otherwise it moves to the next sheet whole. A copy that fits one sheet is stretched
to fill it, giving the writing areas (rows with ``min_height_mm``) the spare room,
as the printed sample does.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as _paragraph

from forms import record, rules
from forms.pdf import fonts, layout, qr
from forms.pdf.layout import Paper
from forms.pdf.park_reply import reply_lines
from forms.short_code import short_code

MM = 72 / 25.4

BODY_SIZE = 10.5  # 五号
BODY_LEADING = 15.5
SMALL_SIZE = 8.5
TITLE_SIZE = 18  # 小二
COPY_SIZE = 15
PAD_X = 1.2 * MM
PAD_Y = 1.5 * MM
MIN_ROW = 9 * MM
QR_SIZE = 23 * MM
QR_FORM = "BeianQR"
BAND = 29 * MM  # title band: QR code with its caption
SIGNATURE_LINE = 8 * MM  # room between the signature lines, for pen and seal
FOOT_GAP = 1.5 * MM
NOTICE_PAD = 2 * MM
OUTER_RULE = 1.0
INNER_RULE = 0.5
RED = (0.72, 0.05, 0.05)
# Punctuation that closes or ends a clause hangs at the end of a line rather than
# starting the next one; reportlab's list covers Japanese, so add the Chinese marks.
HANGING = "，；：！？》〉”’、。）】」』〕"
HANG = 0.5 * BODY_SIZE  # the widest of those glyphs reaches 0.48 em past the line

for _module in (_paragraph, _textsplit):  # one-fragment and many-fragment wrapping
    _module.ALL_CANNOT_START += "".join(ch for ch in HANGING if ch not in _module.ALL_CANNOT_START)


@dataclass
class _Cell:
    x: float
    w: float
    kind: str  # "label" | "text"
    para: Paragraph | None
    top: bool = False  # top-aligned (writing areas) instead of centred
    min_h: float = 0.0
    signature: tuple[str, ...] = ()

    @property
    def inner(self) -> float:
        """Width the text wraps to; text cells keep room for hanging punctuation."""
        return self.w - 2 * PAD_X - (HANG if self.kind == "text" else 0.0)

    def content_height(self) -> float:
        return 0.0 if self.para is None else _height(self.para, self.inner)


@dataclass
class _Block:
    """A table row, or the part of one that goes on one sheet."""

    section: int
    cells: list[_Cell]
    weight: float = 0.0  # share of spare room when stretching
    continued: bool = False  # a tail of a split row
    height: float = field(default=0.0)

    def measure(self) -> _Block:
        h = MIN_ROW
        for cell in self.cells:
            need = cell.content_height() + 2 * PAD_Y
            if cell.signature:
                need += (len(cell.signature) - 1) * SIGNATURE_LINE + BODY_LEADING + 2 * MM
            h = max(h, need, cell.min_h)
        self.height = h
        return self


@dataclass
class _Page:
    blocks: list[_Block] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)

    @property
    def used(self) -> float:
        return sum(self.heights)


class _Fonts:
    """Markup and strings in the chain's fonts, with a visible mark for the missing."""

    def __init__(self, chain: fonts.FontChain, missing_mark: str):
        self.chain = chain
        self.primary = chain.primary
        self.missing_mark = missing_mark

    def runs(self, text: str) -> list[tuple[str, str]]:
        out = []
        for name, run in self.chain.runs(text):
            if name is None:  # line breaks are layout, not characters to draw
                name = self.primary
                run = "".join(ch if ch == "\n" else self.missing_mark for ch in run)
            out.append((name, run))
        return out

    def markup(self, text: str) -> str:
        parts = []
        for name, run in self.runs(text):
            esc = escape(run).replace("\n", "<br/>")
            parts.append(esc if name == self.primary else f'<font face="{name}">{esc}</font>')
        return "".join(parts)

    def width(self, text: str, size: float) -> float:
        return float(sum(pdfmetrics.stringWidth(run, name, size) for name, run in self.runs(text)))

    def fit(self, text: str, size: float, width: float, smallest: float = 5.0) -> tuple[str, float]:
        """(text, size) that fits ``width``: smaller type first, then a cut with …"""
        while size > smallest and self.width(text, size) > width:
            size -= 0.5
        while len(text) > 1 and self.width(text, size) > width:
            text = text[: max(1, len(text) * 9 // 10)].rstrip("…") + "…"
        return text, size

    def draw(
        self,
        c: Canvas,
        x: float,
        y: float,
        text: str,
        size: float,
        align: str = "left",
        heavy: bool = False,
    ) -> None:
        if align != "left":
            w = self.width(text, size)
            x -= w if align == "right" else w / 2
        t = c.beginText(x, y)
        if heavy:  # fill and stroke: a slightly bolder face than the font has
            t.setTextRenderMode(2)
        for name, run in self.runs(text):
            t.setFont(name, size)
            t.textOut(run)
        c.drawText(t)


@dataclass
class _Doc:
    """What every page of one rendering shares."""

    paper: Paper
    fonts: _Fonts
    payload: str
    identity: str
    status: str  # receipt line or the not-filed mark
    filed: bool
    printed: str
    draft: bool
    reply_lines: list[str] = field(default_factory=list)  # 园区管委会回复, title first
    width: float = 0.0
    height: float = 0.0
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    cols: list[float] = field(default_factory=list)  # x of each column's left edge

    def mark(self, key: str, **values: Any) -> str:
        return self.paper.marks.get(key, "").format(**values)


def _styles(primary: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body",
        fontName=primary,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        wordWrap="CJK",
        alignment=TA_LEFT,
    )
    return {
        "body": base,
        "label": replace_style(base, "label", alignment=TA_CENTER),
        "label_tight": replace_style(
            base, "label_tight", alignment=TA_CENTER, leftIndent=HANG / 2, rightIndent=HANG / 2
        ),
        "small": replace_style(base, "small", fontSize=9, leading=13),
        "box_title": replace_style(base, "box_title", fontSize=10, leading=14),
    }


def replace_style(style: ParagraphStyle, name: str, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, parent=style, **kw)


# ---------------------------------------------------------------------------------
# Measuring the table


def _label(doc: _Doc, styles: Any, text: str, width: float) -> Paragraph:
    """A centred label that stays inside its cell: when punctuation would hang past
    the edge (fine in running text, not in a centred label), wrap it narrower."""
    para = Paragraph(doc.fonts.markup(text), styles["label"])
    _height(para, width)
    if any(_extra_space(line) < -0.01 for line in para.blPara.lines):
        para = Paragraph(doc.fonts.markup(text), styles["label_tight"])
        _height(para, width)
    return para


def _extra_space(line: Any) -> float:
    # reportlab keeps lines as (extraSpace, words) tuples or as objects.
    return line[0] if isinstance(line, tuple) else getattr(line, "extraSpace", 0.0)


@dataclass
class _Labels:
    """Each section's label cell, as first printed and as repeated on a later sheet."""

    first: list[Paragraph]
    again: list[Paragraph]

    def height(self, section: int, repeated: bool) -> float:
        para = (self.again if repeated else self.first)[section]
        return float(para._beian_height) + 2 * PAD_Y


def _table_blocks(doc: _Doc, styles: Any) -> tuple[list[_Block], _Labels]:
    """Rows as measured blocks, and each section's label paragraphs."""
    blocks: list[_Block] = []
    labels = _Labels([], [])
    ncols = len(doc.cols) - 2  # content columns, after the section label column
    label_width = doc.cols[1] - doc.cols[0] - 2 * PAD_X
    for si, section in enumerate(doc.paper.sections):
        labels.first.append(_label(doc, styles, section.label, label_width))
        again = doc.mark("section_continued", section=section.label)
        labels.again.append(_label(doc, styles, again, label_width))
        for row in section.rows:
            cells: list[_Cell] = []
            col = 1
            for i, cell in enumerate(row.cells):
                span = cell.span if i < len(row.cells) - 1 else ncols - col + 1
                span = max(1, min(span, ncols - col + 1))
                x, x2 = doc.cols[col], doc.cols[col + span]
                col += span
                if cell.kind == "label":
                    para = _label(doc, styles, cell.text, x2 - x - 2 * PAD_X)
                    cells.append(_Cell(x, x2 - x, "label", para))
                else:
                    para = Paragraph(doc.fonts.markup(cell.text), styles["body"])
                    signature = tuple(cell.signature.split("\n")) if cell.signature else ()
                    cells.append(
                        _Cell(
                            x,
                            x2 - x,
                            "text",
                            para if cell.text.strip() else None,
                            top=cell.min_height_mm > 0,
                            min_h=cell.min_height_mm * MM,
                            signature=signature,
                        )
                    )
                if col > ncols:
                    break
            weight = max((c.min_height_mm for c in row.cells if c.kind == "text"), default=0)
            blocks.append(_Block(si, cells, weight=weight).measure())
    return blocks, labels


def _split(block: _Block, avail: float) -> tuple[_Block, _Block] | None:
    """Split a block's text at ``avail`` points: the head fills this sheet."""
    room = avail - 2 * PAD_Y
    if room < 2 * BODY_LEADING:
        return None
    head_cells, tail_cells = [], []
    split_any = False
    for cell in block.cells:
        if cell.kind == "label" or cell.para is None:
            head_cells.append(replace(cell, min_h=0.0, signature=()))
            tail_cells.append(cell)
            continue
        if cell.content_height() <= room:
            head_cells.append(replace(cell, min_h=0.0, signature=()))
            tail_cells.append(replace(cell, para=None))
            continue
        parts = cell.para.split(cell.inner, room)
        if len(parts) != 2:
            return None
        split_any = True
        head_cells.append(replace(cell, para=parts[0], min_h=0.0, signature=()))
        tail_cells.append(replace(cell, para=parts[1]))
    if not split_any:
        return None
    head = _Block(block.section, head_cells, block.weight, block.continued).measure()
    tail = _Block(block.section, tail_cells, block.weight, continued=True).measure()
    if head.height > avail + 0.01:
        return None
    return head, tail


def _paginate(blocks: list[_Block], labels: _Labels, cap: float, foot: float) -> list[_Page]:
    """Fill sheets of ``cap`` points; the foot (``foot`` points) follows the last row."""
    pages = [_Page()]
    queue = list(blocks)
    earlier: set[int] = set()  # sections printed on earlier sheets
    seg_start = 0  # where the current section's rows start on this sheet
    seg_label = 0.0  # the height its label cell needs

    def avail() -> float:
        return cap - pages[-1].used

    def label_height(block: _Block) -> float:
        return labels.height(block.section, block.continued or block.section in earlier)

    def close_segment() -> None:
        # The section's label must fit beside its rows on this sheet.
        page = pages[-1]
        if seg_start < len(page.blocks):
            short = seg_label - sum(page.heights[seg_start:])
            if short > 0:
                page.heights[-1] += short

    def place(block: _Block) -> None:
        nonlocal seg_start, seg_label
        page = pages[-1]
        if not page.blocks or page.blocks[-1].section != block.section:
            close_segment()
            seg_start, seg_label = len(page.blocks), label_height(block)
        page.blocks.append(block)
        page.heights.append(block.height)

    def new_page() -> None:
        nonlocal seg_start
        close_segment()
        earlier.update(b.section for b in pages[-1].blocks)
        pages.append(_Page())
        seg_start = 0

    while queue:
        block = queue.pop(0)
        last = not queue
        page = pages[-1]
        if not page.blocks or page.blocks[-1].section != block.section:
            label_need = label_height(block)
        else:  # rows so far in this section may still owe its label some height
            label_need = max(0.0, seg_label - sum(page.heights[seg_start:]))
        need = max(block.height, label_need) + (foot if last else 0.0)
        if need <= avail() + 0.01:
            place(block)
            continue
        if avail() >= max(label_need, 2 * BODY_LEADING + 2 * PAD_Y):
            parts = _split(block, avail())
            if parts is not None:
                place(parts[0])
                queue.insert(0, parts[1])
                new_page()
                continue
        if not page.blocks:
            # Nothing more can be done on an empty sheet: print it, overlong.
            place(block)
            continue
        new_page()
        queue.insert(0, block)
    close_segment()
    if pages[-1].used + foot > cap + 0.01 and pages[-1].blocks:
        pages.append(_Page())  # only when a row alone cannot share a sheet with the foot
    return pages


def _stretch(page: _Page, spare: float) -> None:
    if spare <= 0 or not page.blocks:
        return
    weights = [b.weight for b in page.blocks]
    total = sum(weights)
    if total <= 0:
        weights, total = [1.0] * len(page.blocks), float(len(page.blocks))
    for i, w in enumerate(weights):
        page.heights[i] += spare * w / total


# ---------------------------------------------------------------------------------
# Drawing


def _header_height(doc: _Doc) -> float:
    h = BAND + 2 * 4.6 * MM + 1.5 * MM
    if doc.draft:
        h += 7 * MM
    return h


def _draw_header(c: Canvas, doc: _Doc, copy: layout.CopySpec, continuation: bool) -> None:
    f = doc.fonts
    top = doc.top
    if doc.draft:
        _draw_watermark(c, doc)
    label = copy.label + (doc.mark("continuation") if continuation else "")
    c.setFillColorRGB(0, 0, 0)
    # Left of the title: whatever the definition says must not run into it.
    room = (doc.right - doc.left - f.width(doc.paper.title, TITLE_SIZE)) / 2 - 2 * MM
    f.draw(c, doc.left, top - 6 * MM, *f.fit(label, COPY_SIZE, room))
    f.draw(c, doc.left, top - 11.5 * MM, *f.fit(copy.keeper, 9, room))
    # Title, centred on the sheet, drawn slightly heavy like the sample's.
    c.saveState()
    c.setLineWidth(0.4)
    mid = (doc.left + doc.right) / 2
    f.draw(c, mid, top - 15 * MM, doc.paper.title, TITLE_SIZE, "center", heavy=True)
    c.restoreState()
    qx = doc.right - QR_SIZE
    c.saveState()
    c.translate(qx, top - QR_SIZE)
    c.doForm(QR_FORM)
    c.restoreState()
    f.draw(c, qx + QR_SIZE / 2, top - QR_SIZE - 4 * MM, doc.mark("scan"), 7, "center")
    y = top - BAND - 3.6 * MM
    width = doc.right - doc.left
    f.draw(c, doc.left, y, *f.fit(doc.identity, SMALL_SIZE, width))
    y -= 4.6 * MM
    if not doc.filed:
        c.setFillColorRGB(*RED)
    room = width - f.width(doc.printed, SMALL_SIZE) - 4 * MM
    f.draw(c, doc.left, y, *f.fit(doc.status, SMALL_SIZE, room))
    c.setFillColorRGB(0, 0, 0)
    f.draw(c, doc.right, y, doc.printed, SMALL_SIZE, "right")
    if doc.draft:
        c.setFillColorRGB(*RED)
        f.draw(c, (doc.left + doc.right) / 2, y - 6.5 * MM, doc.mark("draft"), 12, "center")
        c.setFillColorRGB(0, 0, 0)


def _draw_watermark(c: Canvas, doc: _Doc) -> None:
    c.saveState()
    c.setFillColorRGB(*RED)
    c.setFillAlpha(0.09)
    c.translate((doc.left + doc.right) / 2, (doc.top + doc.bottom) / 2)
    c.rotate(35)
    doc.fonts.draw(c, 0, -40, doc.mark("draft_watermark"), 130, "center")
    c.restoreState()


def _height(para: Paragraph, width: float) -> float:
    """The paragraph's height at ``width``, wrapping it only once: every paragraph is
    laid out at one width, and the same table is drawn on every copy."""
    if getattr(para, "_beian_width", None) != width:
        para._beian_height = para.wrap(width, 10_000)[1]
        para._beian_width = width
    return float(para._beian_height)


def _draw_para(c: Canvas, para: Paragraph, x: float, y_top: float, w: float) -> float:
    h = _height(para, w)
    para.drawOn(c, x, y_top - h)
    return h


def _draw_table(
    c: Canvas, doc: _Doc, page: _Page, labels: _Labels, y_top: float, seen: set[int]
) -> float:
    """Draw one sheet's rows from ``y_top`` down; ``seen``: sections on earlier sheets."""
    y = y_top
    n = len(page.blocks)
    i = 0
    while i < n:
        # One section segment: the label cell spans its rows on this sheet.
        j = i
        while j + 1 < n and page.blocks[j + 1].section == page.blocks[i].section:
            j += 1
        seg_h = sum(page.heights[i : j + 1])
        first = page.blocks[i]
        again = first.continued or first.section in seen
        label = (labels.again if again else labels.first)[first.section]
        lw = doc.cols[1] - doc.cols[0]
        c.setLineWidth(INNER_RULE)
        c.rect(doc.cols[0], y - seg_h, lw, seg_h)
        lh = _height(label, lw - 2 * PAD_X)
        label.drawOn(c, doc.cols[0] + PAD_X, y - (seg_h - lh) / 2 - lh)
        for k in range(i, j + 1):
            _draw_row(c, doc, page.blocks[k], y, page.heights[k])
            y -= page.heights[k]
        seen.add(first.section)
        i = j + 1
    c.setLineWidth(OUTER_RULE)
    c.rect(doc.cols[0], y, doc.cols[-1] - doc.cols[0], y_top - y)
    return y


def _draw_row(c: Canvas, doc: _Doc, block: _Block, y: float, h: float) -> None:
    for cell in block.cells:
        c.setLineWidth(INNER_RULE)
        c.rect(cell.x, y - h, cell.w, h)
        if cell.para is not None:
            ch = _height(cell.para, cell.inner)
            if cell.top:
                cell.para.drawOn(c, cell.x + PAD_X, y - PAD_Y - ch)
            else:
                cell.para.drawOn(c, cell.x + PAD_X, y - (h - ch) / 2 - ch)
        if cell.signature:
            # Bottom-right of the cell, lines apart for the pen and the seal.
            sx = cell.x + cell.w - 8 * MM
            sy = y - h + PAD_Y + 2.5 * MM
            last = len(cell.signature) - 1
            for k, line in enumerate(cell.signature):  # top line first: reads in order
                doc.fonts.draw(c, sx, sy + (last - k) * SIGNATURE_LINE, line, BODY_SIZE, "right")


@dataclass
class _Foot:
    """Below the table on a copy's last sheet: the sample's note, and the notice."""

    note: list[Paragraph]
    notice: list[Paragraph]
    width: float
    reply: list[Paragraph] = field(default_factory=list)  # 园区管委会回复 (unit's copy)

    @property
    def height(self) -> float:
        h = FOOT_GAP + sum(_height(p, self.width) + FOOT_GAP for p in self.note)
        for box in (self.reply, self.notice):
            if box:
                h += 2 * NOTICE_PAD + FOOT_GAP + sum(_height(p, self.inner) for p in box)
        return h

    @property
    def inner(self) -> float:
        """A box's text width: room kept on the right for hanging punctuation, as in
        the table's cells, so a closing 。 stays inside the box."""
        return self.width - 2 * NOTICE_PAD - HANG

    def draw(self, c: Canvas, x: float, y: float) -> None:
        y -= FOOT_GAP
        for para in self.note:
            y -= _draw_para(c, para, x, y, self.width) + FOOT_GAP
        for box in (self.reply, self.notice):
            if box:
                y = self._box(c, box, x, y)

    def _box(self, c: Canvas, paras: list[Paragraph], x: float, y: float) -> float:
        """Paragraphs in a rounded box below ``y``; returns the y under the box."""
        inner = self.inner
        h = 2 * NOTICE_PAD + sum(_height(p, inner) for p in paras)
        y -= FOOT_GAP
        c.setLineWidth(INNER_RULE)
        c.roundRect(x, y - h, self.width, h, 1.5 * MM)
        top = y
        y -= NOTICE_PAD
        for para in paras:
            y -= _draw_para(c, para, x + NOTICE_PAD, y, inner)
        return top - h


def _foot(doc: _Doc, copy: layout.CopySpec, styles: Any) -> _Foot:
    def para(text: str, style: str = "small") -> Paragraph:
        return Paragraph(doc.fonts.markup(text), styles[style])

    note = [para(doc.paper.footer)] if doc.paper.footer else []
    reply: list[Paragraph] = []
    if copy.park_reply and doc.reply_lines:
        title, *lines = doc.reply_lines
        reply = [para(title, "box_title"), *(para(line) for line in lines)]
    return _Foot(note, [para(line) for line in copy.notice], doc.right - doc.left, reply)


def _draw_page_line(c: Canvas, doc: _Doc, copy: layout.CopySpec, page: int, pages: int) -> None:
    text = doc.mark("page", label=copy.label, page=page, pages=pages)
    c.setFillColorRGB(0.25, 0.25, 0.25)
    doc.fonts.draw(c, (doc.left + doc.right) / 2, doc.bottom + 1 * MM, text, 8, "center")
    c.setFillColorRGB(0, 0, 0)


# ---------------------------------------------------------------------------------
# Entry point


def render_pdf(
    filing: dict[str, Any],
    *,
    copies: Sequence[int] = (1, 2, 3),
    office_url: str | None = None,
    receipt: str | None = None,
    draft: bool | None = None,
    printed_at: datetime | None = None,
    park_replies: Sequence[Mapping[str, Any]] = (),
) -> bytes:
    """The filing as a PDF: the chosen copies of the triplicate, each on its own sheets.

    ``draft=None`` asks the rules: a filing with errors prints as a draft, marked on
    every page. Raises ``forms.record.NotAFiling`` for input that is not a filing and
    ``ValueError`` for a copy number the definition does not have.

    ``park_replies`` (the park committee's replies the desk received, docs/pdf.md) are
    printed in a box 园区管委会回复 on the copies whose definition says ``park_reply``
    (the unit's copy, 第二联).
    """
    filing = record.as_filing(filing)
    definition = record.definition_of(filing)
    if draft is None:
        draft = rules.validate(filing).has_errors
    printed_at = printed_at or record.now()
    if printed_at.tzinfo is None:
        raise ValueError("printed_at must carry a time zone")
    paper = layout.build_paper(filing, definition)
    by_number = {c.number: c for c in paper.copies}
    chosen = []
    for n in copies:
        if n not in by_number:
            raise ValueError(f"no copy {n}; the form has copies {sorted(by_number)}")
        chosen.append(by_number[n])
    if not chosen:
        raise ValueError("no copies chosen")

    filing_id, revision, digest = qr.identity(filing)
    marks = paper.marks
    receipt = layout.printable(receipt or "")
    doc_texts: dict[str, Any] = dict(
        payload=qr.qr_payload(filing, office_url),
        identity=marks["identity"].format(
            code=short_code(filing_id) or "", id=filing_id, revision=revision, digest=digest
        ),
        status=marks["receipt"].format(receipt=receipt) if receipt else marks["not_filed"],
        filed=bool(receipt),
        printed=marks["printed_at"].format(
            printed_at=layout.format_datetime(printed_at, definition)
        ),
        draft=draft,
        reply_lines=reply_lines(park_replies, marks),
    )
    texts = [*paper.texts(), doc_texts["identity"], doc_texts["status"], doc_texts["printed"]]
    texts += doc_texts["reply_lines"]
    with fonts.LOCK:
        chain = fonts.chain()
        chain.ensure("".join(texts))
        doc = _Doc(paper, _Fonts(chain, marks.get("missing_glyph", "?")), **doc_texts)
        return _render(doc, chosen, definition.title)


def _render(doc: _Doc, chosen: list[layout.CopySpec], title: str) -> bytes:
    page_w, page_h = A4
    m = doc.paper.margins_mm
    doc.left, doc.right = m["left"] * MM, page_w - m["right"] * MM
    doc.top, doc.bottom = page_h - m["top"] * MM, m["bottom"] * MM
    width = doc.right - doc.left
    widths = doc.paper.column_widths
    total = sum(widths)
    doc.cols = [doc.left]
    for w in widths:
        doc.cols.append(doc.cols[-1] + width * w / total)
    doc.cols[-1] = doc.right

    styles = _styles(doc.fonts.primary)
    blocks, labels = _table_blocks(doc, styles)
    table_top = doc.top - _header_height(doc)
    cap = table_top - (doc.bottom + 5 * MM)

    buf = io.BytesIO()
    # Starting in our own font keeps reportlab from adding an unembedded Helvetica.
    c = Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=doc.fonts.primary)
    c.setTitle(title)
    c.setAuthor("")
    c.setCreator("beian")
    c.setProducer("beian")
    # The code is the same on every sheet: draw it once, place it on each.
    c.beginForm(QR_FORM, 0, 0, QR_SIZE, QR_SIZE)
    qr.draw(c, doc.payload, 0, 0, QR_SIZE)
    c.endForm()
    for copy in chosen:
        foot = _foot(doc, copy, styles)
        foot_h = foot.height
        pages = _paginate(blocks, labels, cap, foot_h)
        if len(pages) == 1:
            _stretch(pages[0], cap - foot_h - pages[0].used)
        else:
            for page in pages[:-1]:
                _stretch(page, cap - page.used)
        seen: set[int] = set()
        for number, page in enumerate(pages, 1):
            _draw_header(c, doc, copy, continuation=number > 1)
            y = _draw_table(c, doc, page, labels, table_top, seen) if page.blocks else table_top
            if number == len(pages):
                foot.draw(c, doc.left, y)
            _draw_page_line(c, doc, copy, number, len(pages))
            c.showPage()
    c.save()
    return buf.getvalue()
