"""The QR code links to the verification address the office publishes in its reference
data (the desk's own API address may be intranet-only), and falls back to the address
the desk connects to when none is published: a real office, a real desk, a real PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp

from desktop.store.settings import published_verification_url
from desktop.sync.reference import check_reference
from forms.pdf import qr_payload
from tests.support.desk import Desk
from tests.support.office import DEFAULT_UNIT, OfficeServer, valid_filing

PUBLIC = "https://beian.xiangtan.gov.cn"


def printed_qr(desk: Desk, filing: dict, tmp_path: Path) -> str:
    """``beian pdf`` of ``filing`` with the desk's settings; the QR code, decoded."""
    out = tmp_path / f"{desk.root.name}-{desk._n}.pdf"
    result = desk.run("pdf", str(desk.write(filing)), "-o", str(out), "--copy", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    page = pypdfium2.PdfDocument(out)[0]
    image = page.render(scale=200 / 72).to_pil()
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert len(found) == 1
    return found[0]


def load_reference(office: OfficeServer, tmp_path: Path, data: dict) -> None:
    path = tmp_path / "reference.json"
    path.write_text(json.dumps(data), "utf-8")
    office.cli("reference", "load", str(path))


@pytest.mark.slow
def test_the_qr_code_links_to_the_published_address(tmp_path):
    filing = valid_filing()
    with OfficeServer.start(tmp_path / "office") as office:
        desk = Desk(tmp_path / "desk")
        assert desk.connect(office.url, office.create_token(DEFAULT_UNIT)).returncode == 0
        code, _ = desk.sync()
        assert code == 0
        # Nothing published: the address the desk connects to, as before.
        assert printed_qr(desk, filing, tmp_path) == qr_payload(filing, office.url)

        load_reference(office, tmp_path, {"verify_url": PUBLIC + "/"})
        code, result = desk.sync()
        assert code == 0 and result["reference_updated"], result
        with desk.store() as store:
            assert store.reference()["verify_url"] == PUBLIC
            assert store.verification_url() == PUBLIC
        assert printed_qr(desk, filing, tmp_path) == qr_payload(filing, PUBLIC)
        assert printed_qr(desk, filing, tmp_path).startswith(f"{PUBLIC}/verify/{filing['id']}?")

        # Taken back: the desk falls back to its own office address.
        load_reference(office, tmp_path, {"verify_url": ""})
        assert desk.sync()[0] == 0
        assert printed_qr(desk, filing, tmp_path) == qr_payload(filing, office.url)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://beian.xiangtan.gov.cn",
        "https://admin:secret@beian.xiangtan.gov.cn",
        "https://beian.xiangtan.gov.cn/?from=qr",
        "https://beian.xiangtan.gov.cn/#top",
        "beian.xiangtan.gov.cn",
        "https://备案.湘潭.cn",
        42,
    ],
)
def test_the_office_refuses_an_address_no_phone_could_open(tmp_path, url):
    from tests.support.office import office_cli

    path = tmp_path / "reference.json"
    path.write_text(json.dumps({"verify_url": url}, ensure_ascii=False), "utf-8")
    result = office_cli(tmp_path / "office.db", "reference", "load", str(path), check=False)
    assert result.returncode == 1
    assert "核验网址" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "data,expected",
    [
        ({"verify_url": PUBLIC}, PUBLIC),
        ({"verify_url": PUBLIC + "/beian/"}, PUBLIC + "/beian"),
        ({"verify_url": ""}, None),
        ({}, None),
        ({"verify_url": "javascript:alert(1)"}, None),
        ({"verify_url": ["https://x"]}, None),
    ],
)
def test_the_desk_takes_only_an_http_address(data, expected):
    assert published_verification_url(data) == expected
    bad = bool(data.get("verify_url")) and expected is None
    assert (check_reference(data) is not None) == bad
