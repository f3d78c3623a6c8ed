"""The triplicate PDF of a filing (《湘潭市涉企行政执法检查备案表》, 一式三份).

Public API:

- :func:`render_pdf` — the filing as PDF bytes (all three copies, or some);
- :func:`prepare` — convert the fonts the layout always needs, once (idempotent);
  the desk calls it in the background at start-up so the first preview is fast;
- :func:`missing_characters` — characters of a filing that no bundled font can draw
  (they print as 〓; the desk warns before printing);
- :func:`qr_payload` — what the QR code on every copy says.

See docs/pdf.md for the layout, the fonts and the payload.
"""

from __future__ import annotations

from typing import Any

from forms.pdf import fonts, layout
from forms.pdf.qr import qr_payload
from forms.pdf.render import render_pdf

__all__ = ["missing_characters", "prepare", "qr_payload", "render_pdf"]

_prepared = False


def prepare() -> None:
    """Load or convert the glyphs of every fixed text of the paper, plus ASCII."""
    global _prepared
    from forms.definition import load_definition

    with fonts.LOCK:
        if _prepared:
            return
        texts = layout.static_texts(load_definition())
        texts.append("".join(chr(c) for c in range(0x20, 0x7F)))
        fonts.chain().ensure("".join(texts))
        _prepared = True


def missing_characters(filing: dict[str, Any]) -> set[str]:
    """Characters this filing would print that no bundled font can draw."""
    from forms import record

    filing = record.as_filing(filing)
    paper = layout.build_paper(filing, record.definition_of(filing))
    chars = set("".join(paper.texts())) - {"\n", " "}
    return fonts.chain().missing(chars)
