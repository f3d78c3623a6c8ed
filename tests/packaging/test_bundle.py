"""The installed program works on a machine without Python: build the .deb, unpack it into
a temporary root (never system-wide), and run what a clerk and the office would run, from
an empty environment (no venv, no Python packages, no settings).

Slow: ``installer/build.sh`` takes a few minutes. ``BEIAN_DEB=path`` tests an existing
package instead of building one (for repeated local runs; CI always builds).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageStat
from pypdf import PdfReader

from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
TITLE = "涉企行政执法检查备案"  # the window title, and the menu entry's name
AT = "2026-11-27T10:00:00+08:00"


def _need(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    assert not missing, f"install {missing} (see .ci/run) to test the package"


@pytest.fixture(scope="module")
def deb() -> Path:
    given = os.environ.get("BEIAN_DEB")
    if given:
        return Path(given)
    _need("dpkg-deb", "objdump", "ldd")
    env = dict(os.environ, PYTHON=sys.executable)
    started = time.monotonic()
    done = subprocess.run(
        ["bash", "installer/build.sh"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    print(f"installer/build.sh: {time.monotonic() - started:.0f} s\n{done.stdout}")
    debs = sorted((ROOT / "dist").glob(f"{PROJECT['name']}_{PROJECT['version']}_*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


@pytest.fixture(scope="module")
def installed(deb: Path, tmp_path_factory) -> Path:
    """The package unpacked as it would be installed, under a temporary root."""
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return root


@pytest.fixture
def bare_env(tmp_path: Path) -> dict[str, str]:
    """What `env -i PATH=/usr/bin:/bin HOME=…` leaves: no venv, no PYTHONPATH, no locale."""
    home = tmp_path / "home"
    home.mkdir()
    return {"PATH": "/usr/bin:/bin", "HOME": str(home)}


def run(installed: Path, program: str, *args: str, env: dict[str, str], **kw):
    exe = installed / "opt" / "beian" / program
    return subprocess.run(
        [str(exe), *args], env=env, capture_output=True, text=True, timeout=120, **kw
    )


# --- the package ----------------------------------------------------------------------------


def test_control_names_the_program_and_its_system_libraries(deb: Path):
    fields = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Package", "Version", "Depends"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Package: beian\n" in fields
    assert f"Version: {PROJECT['version']}\n" in fields
    depends = re.search(r"^Depends: (.*)$", fields, re.M).group(1).split(", ")
    assert re.fullmatch(r"libc6 \(>= 2\.\d+\)", depends[0]), depends
    for lib in ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libgl1", "libfontconfig1"):
        assert lib in depends


def test_layout_program_on_path_menu_entry_icons(installed: Path):
    for program in ("beian", "beian-office"):
        assert os.access(installed / "opt" / "beian" / program, os.X_OK)
        link = installed / "usr" / "bin" / program
        assert link.is_symlink() and os.readlink(link) == f"/opt/beian/{program}"
    entry = (installed / "usr/share/applications/beian.desktop").read_text("utf-8")
    assert f"\nName={TITLE}\n" in entry
    assert "\nExec=beian\n" in entry and "\nIcon=beian\n" in entry
    for size in (16, 32, 48, 64, 128, 256):
        png = installed / f"usr/share/icons/hicolor/{size}x{size}/apps/beian.png"
        assert Image.open(png).size == (size, size)


def test_bundle_carries_every_asset_of_the_checkout(installed: Path):
    """resources/ and the form definitions land where forms.assets and importlib look."""
    bundle = installed / "opt" / "beian" / "_internal"
    pairs = [
        (ROOT / "resources", bundle / "resources"),
        (ROOT / "forms" / "data", bundle / "forms" / "data"),
    ]
    for folder, inside in pairs:
        wanted = {
            p.relative_to(folder)
            for p in folder.rglob("*")
            if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
        }
        assert wanted, folder
        for rel in wanted:
            assert (inside / rel).read_bytes() == (folder / rel).read_bytes(), rel


def test_bundle_carries_the_window_font_and_qt_chinese(installed: Path):
    """What a PC without a CJK font needs for a readable window: the Noto collection the
    window falls back to, and Qt's Chinese catalogue with our supplement."""
    internal = installed / "opt" / "beian" / "_internal"
    font = internal / "noto_cjk_sans_otc" / "NotoSansCJK-Regular.ttc"
    assert font.stat().st_size > 10_000_000
    assert (internal / "pylopdf_fonts_zh_cn" / "NotoSansSC-Regular.otf").is_file()
    assert (internal / "PySide6" / "Qt" / "translations" / "qtbase_zh_CN.qm").is_file()
    assert (internal / "resources" / "translations" / "qtbase_supplement_zh_CN.qm").is_file()


def test_qt_is_lean(installed: Path):
    qt = installed / "opt" / "beian" / "_internal" / "PySide6" / "Qt"
    libs = {p.name for p in (qt / "lib").iterdir()}
    assert {"libQt6Widgets.so.6", "libQt6Pdf.so.6"} <= libs
    assert not {n for n in libs if re.match(r"libQt6(WebEngine|Quick|Qml|3D)", n)}, libs
    assert (qt / "plugins" / "platforms" / "libqxcb.so").is_file()


def _frozen_modules(exe: Path) -> tuple[set[str], set[str]]:
    """(entries of the executable's own archive, modules in its PYZ)."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(exe))
    pyz = next(name for name in archive.toc if name.endswith(".pyz"))
    return set(archive.toc), set(archive.open_embedded_archive(pyz).toc)


def test_programs_hold_every_module_and_the_keyring_backends(installed: Path):
    """Every module of our packages ships (nothing is listed by hand), and the keyring
    backends keyring loads by name at run time are there with their entry points."""
    opt = installed / "opt" / "beian"
    ours = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for package in ("forms", "desktop", "office")
        for p in (ROOT / package).rglob("*.py")
    }
    scripts, modules = _frozen_modules(opt / "beian")
    assert "entry_beian" in scripts and "entry_office" not in scripts
    assert not ours - modules
    for backend in ("SecretService", "Windows", "kwallet", "chainer"):
        assert f"keyring.backends.{backend}" in modules
    assert {"secretstorage", "jeepney"} <= modules
    entry_points = list((opt / "_internal").glob("keyring-*.dist-info/entry_points.txt"))
    assert entry_points and "keyring.backends" in entry_points[0].read_text("utf-8")
    scripts, _ = _frozen_modules(opt / "beian-office")
    assert "entry_office" in scripts and "entry_beian" not in scripts


# --- the programs, from an empty environment ------------------------------------------------


def test_version(installed: Path, bare_env, tmp_path: Path):
    for program in ("beian", "beian-office"):
        done = run(installed, program, "--version", env=bare_env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"{program} {PROJECT['version']}"
        # Started through a symlink, as /usr/bin/beian is: it still finds its files.
        link = tmp_path / program
        link.symlink_to(installed / "opt" / "beian" / program)
        done = subprocess.run([str(link), "--version"], env=bare_env, capture_output=True)
        assert done.returncode == 0, done.stderr


def test_validate_good_bad_and_not_a_filing(installed: Path, bare_env, tmp_path: Path):
    good = DATA / "good_prior.json"
    done = run(installed, "beian", "validate", str(good), "--at", AT, env=bare_env)
    assert done.returncode == 0, done.stdout + done.stderr

    filing = json.loads(good.read_text("utf-8"))
    filing["enterprise"]["uscc"] = "91430304MA4YG57FJD"  # wrong check character
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(filing, ensure_ascii=False), "utf-8")
    done = run(installed, "beian", "validate", str(bad), "--at", AT, "--json", env=bare_env)
    assert done.returncode == 1, done.stdout + done.stderr
    fields = {p["field"] for p in json.loads(done.stdout)["problems"]}
    assert "enterprise.uscc" in fields

    junk = tmp_path / "junk.json"
    junk.write_text("这不是备案表", "utf-8")
    done = run(installed, "beian", "validate", str(junk), env=bare_env)
    assert done.returncode == 2 and done.stderr.strip()


def test_pdf_prints_chinese_with_the_bundled_fonts(installed: Path, bare_env, tmp_path: Path):
    out = tmp_path / "filing.pdf"
    data_dir = tmp_path / "data"
    done = run(
        installed,
        "beian",
        "--data-dir",
        str(data_dir),
        "pdf",
        str(DATA / "good_prior.json"),
        "-o",
        str(out),
        env=bare_env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    reader = PdfReader(out)
    assert len(reader.pages) == 3  # the triplicate
    text = reader.pages[0].extract_text()
    assert "湘潭市涉企行政执法检查备案表" in text
    assert "湘潭顺阳新材料科技股份有限公司" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"].get_object()["/Font"].get_object().values()
    }
    assert any("Noto" in f for f in fonts), fonts


def test_roster_from_excel_and_status(installed: Path, bare_env, tmp_path: Path):
    """openpyxl and the store work frozen: an Excel roster goes in, status reads it."""
    import csv

    import openpyxl

    book = openpyxl.Workbook()
    with (DATA / "import_sample_roster.csv").open(encoding="utf-8-sig", newline="") as rows:
        for row in csv.reader(rows):
            book.active.append(row)
    roster = tmp_path / "roster.xlsx"
    book.save(roster)
    data_dir = str(tmp_path / "data")
    done = run(
        installed, "beian", "--data-dir", data_dir, "import-roster", str(roster), env=bare_env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "36" in done.stdout  # the sample's officers, all taken
    done = run(installed, "beian", "--data-dir", data_dir, "status", env=bare_env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_office_service_answers_health(installed: Path, bare_env, tmp_path: Path):
    exe = installed / "opt" / "beian" / "beian-office"
    args = [str(exe), "serve", "--db", str(tmp_path / "office.sqlite3"), "--port", "0"]
    server = subprocess.Popen(args, env=bare_env, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in server.stderr:  # JSON lines; "listening" names the bound port
            event = json.loads(line)
            if event.get("event") == "listening":
                url = event["url"]
                break
        assert url, "the office service did not start"
        answer = httpx.get(f"{url}/api/v1/health", timeout=10).json()
        assert answer["status"] == "ok" and answer["version"] == PROJECT["version"]
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- the window under Xvfb ------------------------------------------------------------------


@pytest.fixture
def display(tmp_path: Path):
    """A fresh Xvfb on the first free display number (Xvfb picks it: -displayfd)."""
    _need("Xvfb", "xdotool", "import", "xprop")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", "1366x768x24"],
        pass_fds=(write_fd,),
        stderr=(tmp_path / "xvfb.log").open("wb"),
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    assert number.isdigit(), (tmp_path / "xvfb.log").read_text(errors="replace")
    yield f":{number}"
    xvfb.terminate()
    xvfb.wait(timeout=30)


def _window_ids(display: str) -> list[str]:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", f"^{TITLE}$"],
        env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    return found.stdout.split()


def no_fonts(tmp_path: Path) -> Path:
    """A fontconfig setup that finds no font at all: a fresh Debian without CJK fonts, on
    any machine that runs the test."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        "utf-8",
    )
    return conf


def test_window_starts_and_draws(installed: Path, bare_env, display: str, tmp_path: Path):
    data_dir = tmp_path / "data"
    env = dict(
        bare_env, DISPLAY=display, QT_QPA_PLATFORM="xcb", FONTCONFIG_FILE=str(no_fonts(tmp_path))
    )
    exe = installed / "opt" / "beian" / "beian"
    with (tmp_path / "desk.out").open("wb") as out:
        desk = subprocess.Popen(
            [str(exe), "--data-dir", str(data_dir)], env=env, stdout=out, stderr=out
        )
    try:
        # Nothing tells us about an X server we do not own: ask it until the deadline.
        started = time.monotonic()

        def window_shown() -> list[str]:
            assert desk.poll() is None, (tmp_path / "desk.out").read_text(errors="replace")
            return _window_ids(display)

        wait_until(window_shown, 90, "the window to appear", interval=0.2)
        # The window exists; wait until it has painted something (first paint follows map).
        shot = tmp_path / "window.png"

        def painted() -> Image.Image | None:
            subprocess.run(
                ["import", "-window", "root", str(shot)],
                env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
                check=True,
                capture_output=True,
            )
            picture = Image.open(shot).convert("RGB")
            colours = picture.getcolors(maxcolors=1 << 16)
            # Text, icons and frames, not a flat fill.
            return picture if colours is None or len(colours) > 50 else None

        left = max(0.0, 90 - (time.monotonic() - started))
        picture = wait_until(painted, left, "the window to paint", interval=0.2)
        assert max(ImageStat.Stat(picture.convert("L")).stddev) > 10
        # The icon came from resources/ inside the bundle, and the window's class is the
        # one the menu entry names (StartupWMClass), so the taskbar groups them.
        props = subprocess.run(
            ["xprop", "-id", _window_ids(display)[0], "WM_CLASS", "_NET_WM_ICON"],
            env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert 'WM_CLASS(STRING) = "beian", "beian"' in props
        sizes = re.findall(r"Icon \((\d+) x \1\)", props)  # xprop draws each size given
        assert {"16", "32", "48"} <= set(sizes), props[:300]
        # Kept for a person to look at, beside the build output.
        keep = ROOT / "build" / "packaging"
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, keep / "window.png")
        # Its log, in its place, in Shanghai time with the offset. With no font on the
        # system, the window took the bundled Noto font, and the frozen Qt found a glyph
        # (QFontMetrics.inFontUcs4) for every character of the sample.
        log_text = (data_dir / "logs" / "beian.log").read_text("utf-8")
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00 INFO ", log_text)
        font_line = next(line for line in log_text.splitlines() if "window font:" in line)
        assert "window font: Noto Sans CJK SC from " in font_line, font_line
        assert "_internal/noto_cjk_sans_otc/NotoSansCJK-Regular.ttc" in font_line
        assert "covers 涉企行政执法检查备案: True" in font_line
        assert "Qt's own strings: qtbase_zh_CN from " in log_text
        assert (data_dir / "beian.sqlite3").is_file()
    finally:
        desk.terminate()
        desk.wait(timeout=30)
