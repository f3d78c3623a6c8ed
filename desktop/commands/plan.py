"""``beian plan``: the unit's annual 双随机 plan.

``beian plan template FILE [--year Y]`` writes the XLSX template;
``beian plan import FILE [--year Y]`` reads a filled one and keeps it (not yet sent);
``beian plan show [--year Y]`` prints what is kept; ``beian plan send [--year Y]`` sends
it to the office (``PUT /api/v1/plans/{year}``). Sending is its own step, not part of
``beian sync``: a plan replaces the one registered, so the clerk sends it when it is
final. The year defaults to the current one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop.commands.sync import EXIT_BAD_INPUT, EXIT_OK, EXIT_REFUSED, _with_store
from forms.record import now


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="本单位年度“双随机”抽查计划：模板、导入、查看、报送")
    actions = p.add_subparsers(dest="plan_action", metavar="操作", required=True)
    for name, text in (
        ("template", "生成抽查计划的 Excel 模板"),
        ("import", "导入填好的抽查计划（.xlsx）"),
        ("show", "显示已导入的抽查计划"),
        ("send", "把抽查计划报送优化营商环境部门"),
    ):
        a = actions.add_parser(name, help=text)
        if name in ("template", "import"):
            a.add_argument("file", metavar="FILE")
        a.add_argument("--year", type=int, default=None, help="年度（默认今年）")
    p.set_defaults(handler=run)


def _year(args: argparse.Namespace) -> int | None:
    year = args.year if args.year is not None else now().year
    if not 2000 <= year <= 2100:
        print("beian plan: 年度应在 2000 到 2100 之间。", file=sys.stderr)
        return None
    return int(year)


def run(args: argparse.Namespace) -> int:
    from desktop import plan_sheet

    year = _year(args)
    if year is None:
        return EXIT_BAD_INPUT
    if args.plan_action == "template":
        try:
            plan_sheet.write_template(Path(args.file), year)
        except OSError as exc:
            print(f"beian plan: 无法写入文件：{exc.strerror or exc}", file=sys.stderr)
            return EXIT_REFUSED
        print(f"已生成 {year} 年度抽查计划模板：{args.file}")
        return EXIT_OK

    def act(store: Any) -> int:
        if args.plan_action == "import":
            try:
                plan = plan_sheet.read_plan(args.file, year)
            except plan_sheet.PlanSheetError as exc:
                print(f"beian plan: {exc} 未导入任何内容。", file=sys.stderr)
                return EXIT_BAD_INPUT
            plan_sheet.keep(store, plan)
            print(f"已导入 {year} 年度抽查计划 {len(plan.items)} 项（尚未报送，beian plan send）。")
            return EXIT_OK
        if args.plan_action == "show":
            kept = plan_sheet.kept(store, year)
            if kept is None:
                print(f"没有 {year} 年度的抽查计划。")
                return EXIT_OK
            sent = f"已于 {kept['sent_at']} 报送" if kept.get("sent_at") else "尚未报送"
            print(f"{year} 年度抽查计划，{len(kept['items'])} 项，{sent}：")
            for item in kept["items"]:
                quarter = f"（第 {item['quarter']} 季度）" if item.get("quarter") else ""
                print(f"  {item['ref']}  {item['matter']}{quarter}")
            return EXIT_OK
        from desktop.sync.office_plans import send_plan

        answer = send_plan(store, year)
        print(answer.message, file=sys.stdout if answer.ok else sys.stderr)
        return EXIT_OK if answer.ok else EXIT_REFUSED

    return _with_store(args, act)
