"""The triplicate PDF, read back: text, copies, identity, QR code, fonts, long filings."""

from __future__ import annotations

import copy
import io
import json
import re
import threading
from datetime import datetime
from pathlib import Path

import pdfplumber
import pypdf
import pypdfium2
import pytest
import zxingcpp

from forms import record
from forms.definition import load_definition
from forms.display import datetime_text
from forms.pdf import fonts as pdf_fonts
from forms.pdf import missing_characters, qr_payload, render_pdf
from forms.pdf.qr import parse_payload
from forms.short_code import short_code

DATA = Path(__file__).resolve().parents[1] / "data"
DEFINITION = load_definition()
PAPER = DEFINITION.paper
MARKS = PAPER["marks"]
COPIES = {c["number"]: c for c in PAPER["copies"]}
PRINTED_AT = datetime.fromisoformat("2026-11-27T10:00:00+08:00")
NON_BMP_NAME = "熊\U0002c317华"  # U+2C317 is in the 通用规范汉字表


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text("utf-8"))


def squash(text: str) -> str:
    """Text without any whitespace: wrapping and spacing are layout, not content."""
    return "".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    return [squash(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def page_line(number: int, page: int, pages: int) -> str:
    return squash(MARKS["page"].format(label=COPIES[number]["label"], page=page, pages=pages))


def pages_by_copy(pdf: bytes) -> dict[int, list[str]]:
    """Page texts grouped by the copy each page says it belongs to (its page line)."""
    out: dict[int, list[str]] = {}
    for text in page_texts(pdf):
        found = [
            n
            for n, c in COPIES.items()
            if re.search(re.escape(squash(c["label"])) + r"第\d+页，共\d+页", text)
        ]
        assert len(found) == 1, text[:200]
        out.setdefault(found[0], []).append(text)
    return out


def without_furniture(text: str, filing: dict, number: int, page: int, pages: int) -> str:
    """A page's text without its header, page line and repeated section labels, so a
    value that continues on the next sheet reads on without interruption."""
    spec = COPIES[number]
    furniture = [
        spec["label"] + MARKS["continuation"],
        spec["label"],
        spec["keeper"],
        PAPER["title"],
        MARKS["scan"],
        MARKS["identity"].format(
            code=short_code(filing["id"]) or "",
            id=filing["id"],
            revision=filing["revision"],
            digest=record.content_digest(filing),
        ),
        MARKS["not_filed"],
        MARKS["printed_at"].format(printed_at=datetime_text(PRINTED_AT, DEFINITION)),
        MARKS["page"].format(label=spec["label"], page=page, pages=pages),
        *(MARKS["section_continued"].format(section=s["section"]) for s in PAPER["rows"]),
    ]
    for item in sorted(furniture, key=len, reverse=True):
        text = text.replace(squash(item), "", 1 if item == PAPER["title"] else -1)
    return text


def printed_values(filing: dict) -> list[str]:
    """Every value of the filing, as the paper prints it."""
    values = [
        filing["lead_unit"],
        *filing["joint_units"],
        datetime_text(record.parse_timestamp(filing["inspection_start"]), DEFINITION),
        datetime_text(record.parse_timestamp(filing["inspection_end"]), DEFINITION),
        *filing["leader"].values(),
        *(v for officer in filing["inspectors"] for v in officer.values()),
        *filing["enterprise"].values(),
        filing["items"],
        filing["basis"],
        filing["content"],
        filing.get("plan_ref", ""),
        filing.get("head_opinion", ""),
    ]
    if filing["kind"] == "post_hoc":
        values += [
            DEFINITION.post_hoc_reasons[filing["post_hoc_reason"]],
            filing["post_hoc_explanation"],
        ]
    return [squash(v) for v in values if v.strip()]


def fixed_labels() -> list[str]:
    """Every section and cell label of the paper layout."""
    out = [PAPER["title"]]
    for section in PAPER["rows"]:
        if "only_if" not in section:
            out.append(section["section"])
        for row in section["rows"]:
            out += [c["label"] for c in row["cells"] if "label" in c]
    return [squash(t) for t in out]


def qr_texts(pdf: bytes, page_index: int = 0) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        image = doc[page_index].render(scale=3).to_pil()
    finally:
        doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image)]


def fonts_of(pdf: bytes) -> list[pypdf.generic.DictionaryObject]:
    fonts = {}
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts[ref.idnum] = ref.get_object()
    return list(fonts.values())


@pytest.fixture(scope="module")
def good() -> dict:
    return load("good_prior.json")


@pytest.fixture(scope="module")
def triplicate(good) -> bytes:
    return render_pdf(good, draft=False, printed_at=PRINTED_AT)


# ---------------------------------------------------------------------------------
# Copies, labels, values


def test_triplicate_is_three_a4_portrait_pages(triplicate):
    reader = pypdf.PdfReader(io.BytesIO(triplicate))
    assert len(reader.pages) == 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)


def test_each_copy_names_itself_and_its_keeper(triplicate):
    by_copy = pages_by_copy(triplicate)
    assert sorted(by_copy) == [1, 2, 3]
    for number, pages in by_copy.items():
        (text,) = pages
        assert squash(COPIES[number]["label"] + COPIES[number]["keeper"]) in text
        assert page_line(number, 1, 1) in text
        for other, spec in COPIES.items():
            if other != number:
                assert squash(spec["keeper"]) not in text


def test_every_value_and_label_is_in_every_copy(good, triplicate):
    for text in page_texts(triplicate):
        for value in printed_values(good):
            assert value in text
        for label in fixed_labels():
            assert label in text
        assert squash(PAPER["footer"]) in text
        assert squash(PAPER["rows"][-1]["rows"][0]["cells"][0]["signature"]) in text


def test_empty_template_lines_and_only_if_sections_are_left_out(good, triplicate):
    assert good["enterprise"]["park"] == "" and good["plan_ref"] == ""
    text = page_texts(triplicate)[0]
    assert "所在园区" not in text
    assert "抽查计划" not in text
    assert "补报情形" not in text  # only for post-hoc filings


def test_post_hoc_filing_prints_its_reason_by_label():
    filing = load("pdf_post_hoc.json")
    pdf = render_pdf(filing, copies=(1,), draft=False, printed_at=PRINTED_AT)
    (text,) = page_texts(pdf)
    for value in printed_values(filing):
        assert value in text
    assert "补报情形" in text
    assert filing["post_hoc_reason"] not in text  # the code never prints, its label does


def test_enterprise_notice_only_on_the_third_copy(triplicate):
    notice = [squash(line) for line in COPIES[3]["notice"]]
    by_copy = pages_by_copy(triplicate)
    for line in notice:
        assert line in by_copy[3][0]
        assert line not in by_copy[1][0]
        assert line not in by_copy[2][0]


def test_one_copy_alone(good):
    pdf = render_pdf(good, copies=(2,), draft=False, printed_at=PRINTED_AT)
    by_copy = pages_by_copy(pdf)
    assert list(by_copy) == [2]
    (text,) = by_copy[2]
    assert squash(COPIES[2]["keeper"]) in text
    for value in printed_values(good):
        assert value in text


def test_unknown_copy_and_non_filing_are_refused(good):
    with pytest.raises(ValueError):
        render_pdf(good, copies=(4,), draft=False)
    with pytest.raises(record.NotAFiling):
        render_pdf({"hello": "world"})


# ---------------------------------------------------------------------------------
# Identity: readable, in the QR code, receipt, print time


def test_identity_is_printed_readably(good, triplicate):
    identity = squash(
        MARKS["identity"].format(
            code=short_code(good["id"]),
            id=good["id"],
            revision=good["revision"],
            digest=record.content_digest(good),
        )
    )
    printed = squash(MARKS["printed_at"].format(printed_at="2026年11月27日 10:00"))
    for text in page_texts(triplicate):
        assert identity in text
        assert good["id"] in text and record.content_digest(good) in text
        assert "查询码：" + short_code(good["id"]) in text  # read out on the phone
        assert squash(MARKS["not_filed"]) in text
        assert printed in text


def test_receipt_replaces_the_not_filed_mark(good):
    pdf = render_pdf(good, receipt="XTYH-2026-000123", draft=False, printed_at=PRINTED_AT)
    for text in page_texts(pdf):
        assert squash(MARKS["receipt"].format(receipt="XTYH-2026-000123")) in text
        assert squash(MARKS["not_filed"]) not in text


def test_qr_code_carries_id_revision_and_digest(good, triplicate):
    payload = qr_payload(good)
    assert parse_payload(payload) == {
        "id": good["id"],
        "revision": str(good["revision"]),
        "digest": record.content_digest(good),
    }
    for page in range(3):
        assert qr_texts(triplicate, page) == [payload]


def test_qr_code_links_to_the_office_verification_page(good):
    pdf = render_pdf(
        good, copies=(3,), office_url="https://yhb.example.cn/", draft=False, printed_at=PRINTED_AT
    )
    expected = (
        f"https://yhb.example.cn/verify/{good['id']}"
        f"?r={good['revision']}&d={record.content_digest(good)}"
    )
    assert qr_payload(good, "https://yhb.example.cn/") == expected
    assert qr_texts(pdf) == [expected]


def test_altered_content_changes_the_digest_in_the_code(good):
    altered = copy.deepcopy(good)
    altered["content"] += "另抽查仓库。"
    assert parse_payload(qr_payload(altered))["digest"] != parse_payload(qr_payload(good))["digest"]


# ---------------------------------------------------------------------------------
# Fonts


def test_every_font_is_an_embedded_truetype_subset(triplicate):
    fonts = fonts_of(triplicate)
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/TrueType"
        assert re.fullmatch(r"[A-Z]{6}\+\S+", str(font["/BaseFont"])[1:]), font["/BaseFont"]
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000
        assert "/ToUnicode" in font


def test_name_outside_the_bmp_reads_back_exactly(good):
    filing = copy.deepcopy(good)
    filing["leader"]["name"] = NON_BMP_NAME
    filing["inspectors"][0]["name"] = "易\U0002c317"
    pdf = render_pdf(filing, copies=(1,), draft=False, printed_at=PRINTED_AT)
    (text,) = page_texts(pdf)
    assert NON_BMP_NAME in text and "易\U0002c317" in text
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert NON_BMP_NAME in squash(doc.pages[0].extract_text())
    assert missing_characters(filing) == set()


def _only_in_fallback() -> str:
    """A CJK Extension B character the primary font lacks and the fallback has."""
    chain = pdf_fonts.chain()
    primary, fallback = chain.fonts[0], chain.fonts[1]
    for cp in sorted(fallback.coverage):
        if cp >= 0x20000 and not primary.covers(cp):
            return chr(cp)
    raise AssertionError("the fallback font adds no Extension B character")


def test_rare_character_falls_back_to_a_font_that_has_it(good):
    rare = _only_in_fallback()
    filing = copy.deepcopy(good)
    filing["inspectors"][0]["name"] = "易" + rare
    assert missing_characters(filing) == set()
    pdf = render_pdf(filing, copies=(2,), draft=False, printed_at=PRINTED_AT)
    (text,) = page_texts(pdf)
    assert "易" + rare in text
    families = {str(f["/BaseFont"]).split("+", 1)[1] for f in fonts_of(pdf)}
    assert len(families) == 2, families
    assert squash(MARKS["missing_glyph"]) not in text


def test_character_no_font_has_is_reported_and_marked(good):
    filing = copy.deepcopy(good)
    filing["enterprise"]["address"] = "湘潭市岳塘区\ue000路45号"  # private use: no font draws it
    assert missing_characters(filing) == {"\ue000"}
    pdf = render_pdf(filing, copies=(1,), draft=False, printed_at=PRINTED_AT)
    (text,) = page_texts(pdf)
    assert "湘潭市岳塘区" + MARKS["missing_glyph"] + "路45号" in text


# ---------------------------------------------------------------------------------
# Drafts


def test_draft_is_marked_on_every_page():
    filing = load("pdf_long.json")
    pdf = render_pdf(filing, draft=True, printed_at=PRINTED_AT)
    texts = page_texts(pdf)
    assert len(texts) > 3
    for text in texts:
        assert squash(MARKS["draft"]) in text


def test_draft_is_decided_by_the_rules_when_not_given():
    valid = load("pdf_twelve_officers.json")  # inspection in 2030: valid for years
    broken = copy.deepcopy(valid)
    broken["leader"]["phone"] = "12345"
    assert squash(MARKS["draft"]) not in page_texts(render_pdf(valid, copies=(1,)))[0]
    for text in page_texts(render_pdf(broken, copies=(1,))):
        assert squash(MARKS["draft"]) in text


# ---------------------------------------------------------------------------------
# Long content: nothing clipped, nothing overlapping, continuation sheets


def test_long_filing_is_complete_in_every_copy_with_labelled_continuations():
    filing = load("pdf_long.json")
    pdf = render_pdf(filing, draft=False, printed_at=PRINTED_AT)
    by_copy = pages_by_copy(pdf)
    assert sorted(by_copy) == [1, 2, 3]
    continuation = squash(MARKS["continuation"])
    for number, pages in by_copy.items():
        label = squash(COPIES[number]["label"])
        assert len(pages) > 1
        assert label + continuation not in pages[0]
        for i, text in enumerate(pages, 1):
            assert page_line(number, i, len(pages)) in text
            if i > 1:
                assert label + continuation in text
        whole = "".join(
            without_furniture(text, filing, number, i, len(pages))
            for i, text in enumerate(pages, 1)
        )
        for value in printed_values(filing):
            assert value in whole, value[:40]
        assert squash(PAPER["footer"]) in pages[-1]
        assert squash(PAPER["footer"]) not in pages[0]


def test_twelve_officers_all_printed_in_every_copy():
    filing = load("pdf_twelve_officers.json")
    assert len(filing["inspectors"]) == 12
    pdf = render_pdf(filing, draft=False, printed_at=PRINTED_AT)
    for number, pages in pages_by_copy(pdf).items():
        whole = "".join(pages)
        for officer in filing["inspectors"]:
            assert squash(officer["name"]) + "执法证号" + officer["cert_no"] in whole
        for i, text in enumerate(pages[1:], 2):
            assert squash(COPIES[number]["label"] + MARKS["continuation"]) in text, i


def _overlaps(chars: list[dict]) -> list[tuple[str, str]]:
    """Pairs of glyphs whose boxes overlap by more than a sliver."""
    boxes = sorted(
        (c["x0"], c["x1"], c["top"], c["bottom"], c["text"]) for c in chars if c["text"].strip()
    )
    found = []
    for i, (x0, x1, top, bottom, text) in enumerate(boxes):
        for ox0, ox1, otop, obottom, other in boxes[i + 1 :]:
            if ox0 >= x1 - 0.5:
                break
            overlap_x = min(x1, ox1) - max(x0, ox0)
            overlap_y = min(bottom, obottom) - max(top, otop)
            if overlap_x > 0.5 and overlap_y > 0.5:
                found.append((text, other))
    return found


def _crossings(page) -> list[str]:
    """Glyphs that cross a vertical rule of the table (text spilling out of its cell)."""
    edges = [(x, r["top"], r["bottom"]) for r in page.rects for x in (r["x0"], r["x1"])]
    out = []
    for c in page.chars:
        if not c["text"].strip():
            continue
        for x, top, bottom in edges:
            if (
                c["x0"] + 0.5 < x < c["x1"] - 0.5
                and top < c["top"] + 1
                and c["bottom"] - 1 < bottom
            ):
                out.append(c["text"])
    return out


def test_long_filing_text_neither_overlaps_nor_leaves_the_page():
    filing = load("pdf_long.json")
    pdf = render_pdf(filing, copies=(3,), draft=False, printed_at=PRINTED_AT)
    margin = PAPER["margins_mm"]["left"] * 72 / 25.4
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            chars = page.chars
            assert chars
            assert _overlaps(chars) == []
            assert _crossings(page) == []
            for c in chars:
                assert margin - 1 <= c["x0"] and c["x1"] <= page.width - margin + 1
                assert c["top"] > 0 and c["bottom"] < page.height


def test_short_filing_stretches_to_fill_the_page(triplicate):
    with pdfplumber.open(io.BytesIO(triplicate)) as doc:
        page = doc.pages[0]
        table_bottom = max(r["bottom"] for r in page.rects)
        footer_top = min(c["top"] for c in page.chars if c["text"] == "注")
    # The table reaches down to the footer note near the bottom margin.
    assert table_bottom > page.height - 55 * 72 / 25.4
    assert 0 < footer_top - table_bottom < 10


# ---------------------------------------------------------------------------------
# Concurrency


def test_renders_from_several_threads_agree(good):
    expected = page_texts(render_pdf(good, draft=False, printed_at=PRINTED_AT))
    filings = [good, load("pdf_twelve_officers.json"), load("pdf_post_hoc.json")]
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = page_texts(render_pdf(filings[i % 3], draft=False, printed_at=PRINTED_AT))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results[0] == expected and results[3] == expected
    assert results[1] == results[4]


def test_filing_of_the_wrong_shape_still_prints_as_a_draft(good):
    filing = copy.deepcopy(good)
    filing.update(lead_unit=12345, leader="熊平华", inspectors="易桐", items=None)
    del filing["content"]
    texts = page_texts(render_pdf(filing, printed_at=PRINTED_AT))
    assert len(texts) == 3
    for text in texts:
        assert squash(MARKS["draft"]) in text
        assert "12345" in text and good["enterprise"]["name"] in text


def test_many_officers_stay_inside_their_cells_across_sheets():
    filing = load("pdf_twelve_officers.json")
    filing["inspectors"] = filing["inspectors"] * 2  # 24, over two sheets
    pdf = render_pdf(filing, copies=(1,), draft=False, printed_at=PRINTED_AT)
    pages = page_texts(pdf)
    assert len(pages) == 2
    assert squash(MARKS["section_continued"].format(section="其他检查人员")) in pages[1]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            assert _overlaps(page.chars) == []
            assert _crossings(page) == []


def test_absurd_identity_and_receipt_still_print_within_the_page(good):
    filing = copy.deepcopy(good)
    filing["id"] = "x" * 5000  # too long for any QR code
    pdf = render_pdf(filing, copies=(1,), receipt="R" * 300, printed_at=PRINTED_AT)
    (text,) = page_texts(pdf)
    assert squash(MARKS["draft"]) in text
    assert qr_texts(pdf) == []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        assert all(c["x0"] >= 0 and c["x1"] <= page.width for c in page.chars)
