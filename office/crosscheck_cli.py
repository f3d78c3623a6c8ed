"""``beian-office crosscheck``: the cross-filing checks from the command line, until (and
beside) the workbench's pages: clusters of overlapping filings, a reviewer's decision on
one (已协调 / 无需联合, audited), repeated-inspection counts and the units' plans."""

from __future__ import annotations

import argparse
from typing import Any

from forms.record import now
from office.cli_support import actor, print_json, reading, writing


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    acting: argparse.ArgumentParser,
) -> None:
    cc = sub.add_parser("crosscheck", help="交叉检查：联合检查撮合、重复检查、年度抽查计划")
    cc_sub = cc.add_subparsers(dest="crosscheck_action", metavar="操作", required=True)
    year = argparse.ArgumentParser(add_help=False)
    year.add_argument("--year", type=int, default=None, help="年度（默认今年）")
    year.add_argument("--json", action="store_true", help="以 JSON 输出")
    p = cc_sub.add_parser("clusters", parents=[common, year], help="相互重叠的备案（同一企业）")
    p.add_argument("--office", metavar="CODE", help="只列出涉及该办公室的")
    p.set_defaults(handler=_clusters)
    p = cc_sub.add_parser("decide", parents=[common, acting], help="标记已协调或无需联合")
    p.add_argument("key", metavar="KEY", help="clusters 列出的编号")
    p.add_argument("--state", choices=("coordinated", "not_needed"), required=True)
    p.add_argument("--note", default="", help="备注")
    p.add_argument("--office", metavar="CODE", required=True, help="作出决定的办公室")
    p.set_defaults(handler=_decide)
    p = cc_sub.add_parser("repeats", parents=[common, year], help="本年度多次检查同一企业的单位")
    p.set_defaults(handler=_repeats)
    p = cc_sub.add_parser("plans", parents=[common, year], help="各单位年度抽查计划及是否逾期")
    p.set_defaults(handler=_plans)


def _year(args: argparse.Namespace) -> int:
    return int(args.year) if args.year is not None else now().year


def _clusters(args: argparse.Namespace) -> int:
    from office import crosscheck_review, offices

    with reading(args) as db:
        reach = None
        if args.office:
            reach = offices.in_reach(db, offices.resolve(db, args.office).code)
        found = crosscheck_review.clusters(db, reach, _year(args))
    rows: list[dict[str, Any]] = [
        {
            "key": c.key,
            "enterprise": c.enterprise_name,
            "members": c.members,
            "state": c.state,
            "note": c.note,
        }
        for c in found
    ]
    if args.json:
        print_json(rows)
    elif not rows:
        print("没有相互重叠的备案。")
    for c in [] if args.json else found:
        state = crosscheck_review.STATES.get(c.state or "", "待协调")
        units = "、".join(f"{m['unit']}（{m['date']}）" for m in c.members)
        print(f"{c.key}\t{c.enterprise_name}\t{state}\t{units}")
    return 0


def _decide(args: argparse.Namespace) -> int:
    from office import crosscheck_review

    with writing(args) as db:
        crosscheck_review.decide(db, actor(db, args), args.key, args.state, args.note, args.office)
    print(f"已标记为“{crosscheck_review.STATES[args.state]}”。")
    return 0


def _repeats(args: argparse.Namespace) -> int:
    from office import crosscheck_review

    with reading(args) as db:
        rows = crosscheck_review.repeat_counts(db, _year(args))
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("本年度没有单位多次检查同一企业。")
    for r in rows:
        print(f"{r['name']}\t{r['unit']}\t{r['count']} 次")
    return 0


def _plans(args: argparse.Namespace) -> int:
    from office import plans

    with reading(args) as db:
        held = plans.all_for_year(db, _year(args))
    rows = [
        {"unit": p.unit, "items": len(p.items), "arrived_at": p.arrived_at, "late": p.late}
        for p in held
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("本年度还没有单位登记抽查计划。")
    for r in rows:
        late = "逾期（3 月 31 日后登记）" if r["late"] else "按时"
        print(f"{r['unit']}\t{r['items']} 项\t{r['arrived_at']}\t{late}")
    return 0
