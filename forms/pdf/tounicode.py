"""A reportlab TrueType font whose ToUnicode CMaps are right for every character.

reportlab 5.1 writes each ToUnicode entry as ``<%04X>`` of the code point, so a
character outside the BMP (U+2C317) becomes ``<2C317>``: an odd-length hex string
that readers either reject or read as a different character. The PDF spec wants the
destination as UTF-16BE, which for such a character is a surrogate pair
(``<D870DF17>``). We let reportlab build its subset objects and then replace the
content of the CMap streams it made.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.ttfonts import SUBSETN, TTFont


def utf16_hex(code_point: int) -> str:
    """The UTF-16BE code units of a code point as upper-case hex."""
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(font_name: str, subset: list[int]) -> str:
    """A ToUnicode CMap mapping single-byte codes 0..n-1 to ``subset``'s code points."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({font_name})",
        f"/Ordering ({font_name})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{font_name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
    ]
    # A bfchar block may hold at most 100 entries (PDF reference, 5.9.2).
    for start in range(0, len(subset), 100):
        chunk = subset[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{start + i:02X}> <{utf16_hex(cp)}>" for i, cp in enumerate(chunk))
        lines.append("endbfchar")
    lines += [
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


class UnicodeTTFont(TTFont):  # type: ignore[misc]  # reportlab has no type information
    """reportlab's TTFont with ToUnicode CMaps in UTF-16 (surrogate pairs where needed)."""

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - reportlab's name
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base = (SUBSETN(n) + b"+" + self.face.name + self.face.subfontNameX).decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is not None:
                stream.content = to_unicode_cmap(base, subset)
