"""``beian import-roster FILE`` and ``beian import-enterprises FILE`` [--dry-run].

Read the unit's roster of certified officers or its enterprise directory from CSV or
XLSX, print what was understood and what was rejected (in Chinese), and apply it: the
roster replaces the stored one, enterprises are added or updated. Exit 0 when rows were
imported (or previewed), 1 when nothing could be accepted or the store refused.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store import DB_NAME, Store, StoreError
from forms.certificates import CertRules, default_cert_rules

if TYPE_CHECKING:
    from desktop.spreadsheets import ImportResult


def register(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser(
        "import-roster",
        help="从 CSV 或 Excel（.xlsx）文件导入执法人员名单（替换原名单）",
        description="按表头识别列（姓名、执法证号、职务、单位、证件类型、有效期至），"
        "逐行检查后导入执法人员名单；原名单被替换。",
    )
    roster.add_argument("file", help="CSV 或 .xlsx 文件")
    roster.add_argument("--dry-run", action="store_true", help="只预览检查结果，不导入")
    roster.set_defaults(handler=run_roster)

    enterprises = sub.add_parser(
        "import-enterprises",
        help="从 CSV 或 Excel（.xlsx）文件导入企业名录（新增或更新）",
        description="按表头识别列（企业名称、统一社会信用代码、地址、所在园区），"
        "逐行检查后导入企业名录；已有的企业按信用代码更新。",
    )
    enterprises.add_argument("file", help="CSV 或 .xlsx 文件")
    enterprises.add_argument("--dry-run", action="store_true", help="只预览检查结果，不导入")
    enterprises.set_defaults(handler=run_enterprises)


def _cert_rules(data_dir: Path) -> CertRules:
    """The office's certificate rules when the store has them; never creates a store."""
    if not (data_dir / DB_NAME).is_file():
        return default_cert_rules()
    with closing(Store.open(data_dir, daily_backup=False)) as store:
        return store.validation_context()["cert_rules"]


def run_roster(args: argparse.Namespace) -> int:
    return _run(args, "import-roster")


def run_enterprises(args: argparse.Namespace) -> int:
    return _run(args, "import-enterprises")


def _run(args: argparse.Namespace, command: str) -> int:
    # Imported here: the spreadsheet readers are not needed by any other command.
    from desktop.spreadsheets import ImportFailed, read_enterprises, read_roster

    try:
        if command == "import-roster":
            result = read_roster(args.file, cert_rules=_cert_rules(args.data_dir))
        else:
            result = read_enterprises(args.file)
    except (ImportFailed, StoreError) as exc:
        print(f"beian {command}: {exc}", file=sys.stderr)
        return 1
    for line in result.report_lines():
        print(line)
    if not result.accepted:
        print("没有可以导入的行，未做任何修改。")
        return 1
    if args.dry_run:
        print("这是预览，未做任何修改（去掉 --dry-run 即可导入）。")
        return 0
    try:
        with closing(Store.open(args.data_dir)) as store:
            print(_apply(store, result))
    except StoreError as exc:
        print(f"beian {command}: {exc}", file=sys.stderr)
        return 1
    return 0


def _apply(store: Store, result: ImportResult) -> str:
    if result.kind == "roster":
        store.replace_roster(result.officers)
        return f"已导入 {len(result.officers)} 名执法人员（原名单已替换）。"
    n = store.upsert_enterprises(result.enterprises)
    return f"已导入 {n} 家企业（新增或更新）；名录中现有 {store.enterprise_count()} 家企业。"
