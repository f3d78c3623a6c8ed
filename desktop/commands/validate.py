"""``beian validate FILE [--json] [--at ISO-TIMESTAMP]``.

Exit 0: no error (warnings allowed); 1: errors; 2: not a filing at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

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


def context_for(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for ``forms.rules.validate`` from the desk's store; ``{}`` without one.

    When the data folder holds a store, a filing is checked against the unit's roster and
    the office's reference data, exactly as in the window. A store that cannot be read is
    reported on stderr and the default rules are used: checking a file must not fail
    because of the store. The store is imported only here, so that validating a file in a
    folder without one loads nothing of it.
    """
    from desktop.store import DB_NAME, Store, StoreError

    data_dir = Path(args.data_dir)
    if not (data_dir / DB_NAME).is_file():
        return {}
    try:
        store = Store.open(data_dir, daily_backup=False)
    except StoreError as exc:
        print(f"注意：无法读取本机数据文件（{exc}），按默认规则检查。", file=sys.stderr)
        return {}
    try:
        return store.validation_context()
    finally:
        store.close()


def print_report(report: rules.Report) -> None:
    if not report.problems:
        print("检查通过：没有发现问题。")
        return
    errors, warnings = report.errors, report.warnings
    print(f"发现 {len(errors)} 个错误、{len(warnings)} 个提醒：")
    for p in report.problems:
        mark = "错误" if p.is_error else "提醒"
        print(f"  [{mark}] {p.field}：{p.message}")
