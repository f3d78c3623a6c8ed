"""``beian``: with no subcommand it opens the window; subcommands run headless jobs.

Each subcommand lives in its own module under ``desktop/commands`` and registers
itself with ``register(subparsers)``, setting ``handler(args) -> exit code``.
Qt is imported only when a window is opened, so headless jobs start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from desktop import commands
from desktop.paths import resolve_data_dir
from forms import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="beian",
        description="湘潭市涉企行政执法检查备案 —— 备案桌面程序。不带子命令时打开程序窗口。",
    )
    parser.add_argument("--version", action="version", version=f"beian {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="数据文件夹（默认：系统的用户数据文件夹，或环境变量 BEIAN_DATA_DIR）",
    )
    sub = parser.add_subparsers(dest="command", metavar="子命令")
    for module in commands.ALL:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    _utf8_stdio()
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data_dir = resolve_data_dir(args.data_dir)
    if args.command is None:
        from desktop.ui.app import run_window

        return run_window(args.data_dir)
    return int(args.handler(args) or 0)


def _utf8_stdio() -> None:
    # Windows consoles default to a legacy code page; Chinese output must not crash.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    sys.exit(main())
