"""The park committee's reply on a reprint, read back with pdfplumber: in a box
园区管委会回复 on the unit's copy (第二联) only, inside the page (long names wrap), every
font embedded; nothing printed without a reply or for a malformed one."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from forms.definition import load_definition
from forms.pdf import render_pdf

DATA = Path(__file__).resolve().parents[1] / "data"
PRINTED_AT = datetime.fromisoformat("2026-11-27T10:00:00+08:00")
PARK = "湘潭高新技术产业开发区"
MARGINS = load_definition().paper["margins_mm"]
MM = 72 / 25.4


def filing(name: str = "good_prior.json") -> dict:
    return json.loads((DATA / name).read_text("utf-8"))


def reply(**extra: object) -> dict:
    return {
        "park": PARK,
        "kind": "send_staff",
        "staff": [
            {"name": "王小明", "phone": "13807321234"},
            {"name": "欧阳·娜", "phone": "0731-58812345转8001"},
        ],
        "note": "请提前一天联系。",
        "at": "2026-11-26T15:30:00+08:00",
        **extra,
    }


def render(data: dict, replies: list) -> bytes:
    return render_pdf(
        data, printed_at=PRINTED_AT, receipt="潭优备〔2026〕000123号", park_replies=replies
    )


def copies_text(pdf: bytes) -> dict[str, str]:
    """Each copy's text without white space, by its label (第一联 …)."""
    out: dict[str, str] = {}
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            text = "".join((page.extract_text() or "").split())
            label = next(c for c in ("第一联", "第二联", "第三联") if text.startswith(c))
            out[label] = out.get(label, "") + text
    return out


def test_the_reply_is_printed_on_the_units_copy_only():
    texts = copies_text(render(filing(), [reply()]))
    assert "园区管委会回复" in texts["第二联"]
    assert (
        f"{PARK}管理委员会（2026-11-2615:30回复）：派员参加，王小明13807321234、"
        "欧阳·娜0731-58812345转8001说明：请提前一天联系。"
    ) in texts["第二联"]
    for other in ("第一联", "第三联"):
        assert "园区管委会回复" not in texts[other] and "王小明" not in texts[other]


def test_nothing_to_add_and_no_reply():
    texts = copies_text(render(filing(), [reply(kind="nothing_to_add", staff=[], note="")]))
    assert f"园区管委会回复{PARK}管理委员会（2026-11-2615:30回复）：无补充意见" in texts["第二联"]
    plain = copies_text(render(filing(), []))
    assert all("园区管委会回复" not in t for t in plain.values())


@pytest.mark.parametrize(
    "bad",
    [
        {"park": PARK, "kind": "shout"},
        {"kind": "send_staff", "staff": []},
        "not a reply",
        {"park": PARK, "kind": "send_staff", "staff": "王小明"},
    ],
)
def test_a_malformed_reply_prints_nothing_and_never_fails(bad):
    texts = copies_text(render(filing(), [bad]))
    assert "园区管委会回复" not in texts["第二联"]


def test_long_names_wrap_inside_the_page_and_fonts_are_embedded():
    long_name = "阿卜杜热合曼·麦麦提敏·买买提"
    staff = [{"name": long_name, "phone": f"1380732{i:04d}"} for i in range(5)]
    pdf = render(filing("pdf_long.json"), [reply(staff=staff, note="进入厂区须佩戴安全帽。" * 27)])
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        unit_pages = [p for p in doc.pages if (p.extract_text() or "").startswith("第二联")]
        last = unit_pages[-1]
        text = "".join((last.extract_text() or "").split())
        assert "园区管委会回复" in text and text.count(long_name) == 5
        left, right = MARGINS["left"] * MM, last.width - MARGINS["right"] * MM
        bottom = last.height - MARGINS["bottom"] * MM
        title = last.search("园区管委会回复")[0]
        below = [ch for ch in last.chars if ch["top"] >= title["top"] - 0.5]
        assert len(below) > 300
        for ch in below:  # the box's text: inside the page, hanging punctuation too
            assert left <= ch["x0"] and ch["x1"] <= right, ch["text"]
        for ch in last.chars:
            assert ch["bottom"] <= bottom + 0.5, ch["text"]
        # The box is drawn around the reply, inside the margins.
        boxes = [
            r for r in last.rects + last.curves if r["x0"] >= left - 1 and r["x1"] <= right + 1
        ]
        assert boxes
    for font in _fonts(pdf):
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor and "+" in str(font["/BaseFont"])


def _fonts(pdf: bytes) -> list:
    out = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        for ref in resources.get("/Font", {}).values():
            out.append(ref.get_object())
    assert out
    return out
