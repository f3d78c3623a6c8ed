"""``beian validate FILE [--json] [--at ISO-TIMESTAMP]``.

Exit 0: no error (warnings allowed); 1: errors; 2: not a filing at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from forms import record, rules


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="检查一份备案表（JSON 文件）")
    p.add_argument("file", help="备案表 JSON 文件；- 表示标准输入")
    p.add_argument("--json", action="store_true", help="以 JSON 输出问题列表")
    p.add_argument("--at", metavar="ISO-TIMESTAMP", help="按此时刻检查（默认：现在）")
    p.set_defaults(handler=run)


def read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read(record.MAX_DOCUMENT_BYTES + 1)
    with Path(name).open("rb") as fh:
        return fh.read(record.MAX_DOCUMENT_BYTES + 1)


def run(args: argparse.Namespace) -> int:
    at = None
    if args.at:
        try:
            at = record.parse_timestamp(args.at)
        except record.BadTimestamp:
            print(f"beian validate: --at 不是带时区的时间：{args.at}", file=sys.stderr)
            return 2
    try:
        filing = record.parse(read_input(args.file))
    except OSError as exc:
        print(f"beian validate: 无法读取文件：{exc.strerror or exc}", file=sys.stderr)
        return 2
    except record.NotAFiling as exc:
        print(f"beian validate: {exc}", file=sys.stderr)
        return 2
    report = rules.validate(filing, at=at, **context_for(args))
    if args.json:
        print(
            json.dumps(
                {"problems": [p.to_dict() for p in report.problems]}, ensure_ascii=False, indent=2
            )
        )
    else:
        print_report(report)
    return 1 if report.has_errors else 0


def context_for(args: argparse.Namespace) -> dict:
    """Roster, certificate rules and calendar from the desk's store, when there is one."""
    try:
        from desktop.context import validation_context
    except ImportError:
        return {}
    return validation_context(args.data_dir)


def print_report(report: rules.Report) -> None:
    if not report.problems:
        print("检查通过：没有发现问题。")
        return
    errors, warnings = report.errors, report.warnings
    print(f"发现 {len(errors)} 个错误、{len(warnings)} 个提醒：")
    for p in report.problems:
        mark = "错误" if p.is_error else "提醒"
        print(f"  [{mark}] {p.field}：{p.message}")
