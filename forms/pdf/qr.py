"""The identity printed on every copy: the QR payload and the QR code's modules.

With an office address the payload is the office's public verification link
(docs/office-api.md): ``{office_url}/verify/{id}?r={revision}&d={digest}``. Without
one it is a compact text that still carries the same identity:
``BEIAN1|{id}|{revision}|{digest}``. ``digest`` is ``forms.record.content_digest``
of the filing, so a paper copy whose content was altered can be told apart.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from reportlab.pdfgen.canvas import FILL_NON_ZERO

from forms.record import content_digest

PAYLOAD_PREFIX = "BEIAN1"


def identity(filing: dict[str, Any]) -> tuple[str, str, str]:
    """(id, revision, digest) as printed."""
    return str(filing.get("id", "")), str(filing.get("revision", "")), content_digest(filing)


def qr_payload(filing: dict[str, Any], office_url: str | None = None) -> str:
    filing_id, revision, digest = identity(filing)
    if office_url:
        base = office_url.strip().rstrip("/")
        return f"{base}/verify/{quote(filing_id, safe='')}?r={quote(revision)}&d={digest}"
    return "|".join((PAYLOAD_PREFIX, filing_id, revision, digest))


def parse_payload(payload: str) -> dict[str, str] | None:
    """The identity in a compact payload, or None if it is not one."""
    parts = payload.split("|")
    if len(parts) != 4 or parts[0] != PAYLOAD_PREFIX:
        return None
    return {"id": parts[1], "revision": parts[2], "digest": parts[3]}


@lru_cache(maxsize=64)
def modules(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's dark modules, without the quiet zone (callers leave it white)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def draw(canvas: Any, payload: str, x: float, y: float, size: float) -> bool:
    """Draw the code with its lower-left corner at (x, y), ``size`` points wide.

    False (nothing drawn) when the payload cannot be a QR code at all: only an absurd
    id in a broken draft does that, and the identity is printed as text anyway."""
    try:
        matrix = modules(payload)
    except (DataOverflowError, ValueError):
        return False
    path = canvas.beginPath()
    for left, bottom, width, height in runs(matrix, x, y, size):
        path.rect(left, bottom, width, height)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    # Non-zero winding: where two runs overlap the area stays black. With the even-odd
    # rule (reportlab's default) every overlap was a white seam that zbar could not read.
    canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)
    canvas.restoreState()
    return True


# Runs of adjacent rows overlap by this much (points), so that a renderer's rounding or
# anti-aliasing never leaves a light hairline between two rows of dark modules.
OVERLAP = 0.05


def runs(
    matrix: tuple[tuple[bool, ...], ...], x: float, y: float, size: float
) -> list[tuple[float, float, float, float]]:
    """One rectangle (left, bottom, width, height) per horizontal run of dark modules.

    Every rectangle has the same winding, so a non-zero fill paints their union."""
    n = len(matrix)
    unit = size / n
    out = []
    for r, row in enumerate(matrix):
        bottom = y + size - (r + 1) * unit
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            low = max(bottom - OVERLAP, y)
            high = min(bottom + unit + OVERLAP, y + size)
            out.append((x + start * unit, low, (c - start) * unit, high - low))
    return out
