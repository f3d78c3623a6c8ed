"""``beian-office``: the office's intake service and its administration commands."""

from __future__ import annotations

import argparse
import sys

from forms import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="beian-office", description="优化营商环境部门备案接收服务"
    )
    parser.add_argument("--version", action="version", version=f"beian-office {__version__}")
    parser.add_subparsers(dest="command", metavar="子命令")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
