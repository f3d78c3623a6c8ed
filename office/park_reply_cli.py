"""``beian-office park-reply``: a park committee's reply to a filing from the command line
— recorded ``--as`` the committee's account, or by the operator for a reply given by
telephone — and the replies a filing has had (office.park_replies)."""

from __future__ import annotations

import argparse

from office.cli_support import actor, print_rows, reading, writing


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    acting: argparse.ArgumentParser,
) -> None:
    p = sub.add_parser(
        "park-reply",
        parents=[common, acting],
        help="园区管委会回复备案（派员参加或无补充意见）；不写 --kind 则列出该备案的回复",
    )
    p.add_argument("filing_id", metavar="ID", help="备案编号")
    p.add_argument(
        "--kind",
        choices=("send_staff", "nothing_to_add"),
        help="send_staff 派员参加；nothing_to_add 无补充意见",
    )
    p.add_argument(
        "--staff",
        nargs=2,
        action="append",
        default=[],
        metavar=("姓名", "电话"),
        help="派员的姓名和联系电话（可重复，最多 5 名）",
    )
    p.add_argument("--note", default="", help="说明")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from office import park_replies

    if args.kind is None:
        with reading(args) as db:
            replies = park_replies.replies_of(db, args.filing_id)
        rows = [
            {**r.as_notice(), "actor": r.actor, "current": not r.superseded, "message": r.message()}
            for r in replies
        ]
        print_rows(
            args,
            rows,
            lambda r: (
                f"{r['at'][:16].replace('T', ' ')}\t{r['actor']}\t{r['message']}"
                + ("" if r["current"] else "（已被取代）")
            ),
            empty="这份备案还没有园区回复。",
        )
        return 0
    with writing(args) as db:
        made = park_replies.reply(
            db,
            actor(db, args),
            args.filing_id,
            args.kind,
            [tuple(s) for s in args.staff],
            args.note,
        )
    print(f"已回复：{made.message()}")
    return 0
