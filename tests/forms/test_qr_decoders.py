"""The QR code on the paper reads with any decoder at any resolution: the real PDF
rendered by poppler at 150–600 dpi, decoded by zbar (zbarimg) and by zxing-cpp."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from forms.pdf import qr_payload, render_pdf

DATA = Path(__file__).resolve().parents[1] / "data"
OFFICE = "https://beian.xiangtan.gov.cn"


@pytest.fixture(scope="module")
def filing() -> dict:
    return json.loads((DATA / "good_prior.json").read_text("utf-8"))


@pytest.fixture(scope="module", params=[OFFICE, None], ids=["link", "compact"])
def printed(request, filing, tmp_path_factory) -> tuple[Path, str]:
    pdf = tmp_path_factory.mktemp("qr") / "copy.pdf"
    pdf.write_bytes(render_pdf(filing, copies=(1,), office_url=request.param))
    return pdf, qr_payload(filing, request.param)


def rendered(pdf: Path, dpi: int) -> Path:
    stem = pdf.with_name(f"page-{dpi}")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", pdf, stem],
        check=True,
        timeout=120,
    )
    return stem.with_suffix(".png")


@pytest.mark.parametrize("dpi", [150, 200, 300, 600])
def test_zbar_and_zxing_read_the_printed_code(printed, dpi):
    pdf, payload = printed
    png = rendered(pdf, dpi)
    zbar = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert zbar.returncode == 0, f"zbar read nothing at {dpi} dpi"
    assert zbar.stdout.strip().splitlines() == [payload]
    with Image.open(png) as image:
        found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert found == [payload]


def test_the_code_is_filled_non_zero(printed):
    """Overlapping runs filled even-odd print white where they overlap: the seams."""
    import pypdf

    pdf, _ = printed
    forms = pypdf.PdfReader(pdf).pages[0]["/Resources"]["/XObject"]
    code = forms["/FormXob.BeianQR"].get_object().get_data().split()  # drawn once, reused
    assert b"f*" not in code and b"B*" not in code
    assert code.count(b"f") == 1  # one path for the whole code
