"""Write installer/windows/beian.ico from the PNG icon sizes in resources/icons.

Run from the project root after the icon changes: ``python installer/make_ico.py``.
Each size uses its own hand-made PNG (not a rescaled 256 px one), so small sizes stay
sharp. The result is committed; the Windows build only reads it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> int:
    images = [Image.open(ROOT / "resources" / "icons" / f"beian-{n}.png") for n in SIZES]
    images = [im.convert("RGBA") for im in images]
    out = ROOT / "installer" / "windows" / "beian.ico"
    largest = images[-1]
    largest.save(out, sizes=[im.size for im in images], append_images=images[:-1])
    print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
