"""``beian-office evaluations``, ``complaint``, ``visits``: the office's reading of the
enterprise's page, and a complaint's state and reply (audited with the actor)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from forms.record import now
from office.enterprise import feedback
from office.store import OfficeStore

STATE_NAMES = {**{s: s for s in feedback.STATES}, **{t: s for s, t in feedback.STATE_TEXT.items()}}


def register(sub: Any, common: argparse.ArgumentParser, acting: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "evaluations", parents=[common], help="企业对检查的评价（每个备案版次一条，含投诉）"
    )
    p.add_argument("--json", action="store_true", help="输出 JSON 数组")
    p.add_argument("--complaints", action="store_true", help="只列出投诉（含联系方式、状态、答复）")
    p.set_defaults(handler=_evaluations)

    p = sub.add_parser("complaint", parents=[common, acting], help="处理投诉：改状态、答复企业")
    p.add_argument("id", metavar="ID", help="备案编号")
    p.add_argument("revision", type=int, metavar="REVISION", help="修订版次")
    p.add_argument(
        "--state",
        choices=sorted(STATE_NAMES),
        metavar="STATE",
        help="收到 / 处理中 / 已办结（或 received / in_progress / done）",
    )
    p.add_argument("--reply", metavar="TEXT", help="给企业的答复（企业在核验页面上看到）")
    p.set_defaults(handler=_complaint)

    p = sub.add_parser("visits", parents=[common], help="扫码留痕记录及其提示；未留痕的备案")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument(
        "--unvisited", action="store_true", help="列出检查日期已过、企业从未确认到场的备案"
    )
    p.set_defaults(handler=_visits)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _evaluations(args: argparse.Namespace) -> int:
    store = OfficeStore.open(args.db, create=False)
    with store.read() as db:
        rows = feedback.all_evaluations(db, complaints_only=args.complaints)
    if args.json:
        keys: tuple[str, ...] = (
            "id",
            "revision",
            "satisfaction",
            "disrupted",
            "principal_required",
            "text",
            "at",
        )
        if args.complaints:
            keys += ("contact", "complaint_state", "reply", "replied_at")
        _print_json([{k: r[k] for k in keys} for r in rows])
    elif not rows:
        print("还没有企业评价。")
    else:
        for r in rows:
            state = feedback.STATE_TEXT.get(r["complaint_state"] or "", "")
            print(
                f"{r['id']} 第 {r['revision']} 版\t{r['unit']}\t满意度 {r['satisfaction']}\t"
                f"影响生产经营：{'是' if r['disrupted'] else '否'}\t"
                f"要求负责人陪同：{'是' if r['principal_required'] else '否'}\t"
                + (f"投诉（{state}）\t" if r["complaint"] else "")
                + f"{r['at']}\t{r['text']}"
            )
    return 0


def _complaint(args: argparse.Namespace) -> int:
    from office import users
    from office.staff import Actor

    store = OfficeStore.open(args.db, create=False)
    state = None if args.state is None else STATE_NAMES[args.state]
    with store.write() as db:
        actor = Actor.cli() if args.as_user is None else users.actor_for(db, args.as_user)
        view = feedback.set_complaint(
            db, actor, args.id, args.revision, state=state, reply=args.reply, at=now()
        )
    print(
        f"投诉（备案 {args.id} 第 {args.revision} 版）：{view['complaint_state_text']}"
        + ("，已答复。" if view["reply"] else "。")
    )
    return 0


def _visits(args: argparse.Namespace) -> int:
    store = OfficeStore.open(args.db, create=False)
    with store.read() as db:
        rows = feedback.unvisited(db, now()) if args.unvisited else feedback.all_visits(db)
    if args.json:
        _print_json(rows)
    elif not rows:
        print("没有记录。" if not args.unvisited else "没有未留痕的备案。")
    elif args.unvisited:
        for r in rows:
            print(
                f"{r['receipt']}\t{r['id']} 第 {r['revision']} 版\t{r['unit']}\t"
                f"检查截至 {r['inspection_end']}\t企业未确认到场"
            )
    else:
        for r in rows:
            flags = "；".join(r["flags_text"]) or "—"
            print(
                f"{r['id']} 第 {r['revision']} 版\t{r['unit']}\t到场 {r['arrived_at']}\t"
                f"离开 {r['left_at'] or '—'}\t{flags}"
            )
    return 0
