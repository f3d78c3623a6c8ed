"""``beian-office digest`` (the daily copies to the justice bureau and the park
committees) and ``beian-office digest-address`` (where an office e-mails them)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from office import offices
from office.errors import OfficeError
from office.logs import log_event
from office.reports import digest
from office.reports.counts import shanghai_today
from office.store import OfficeStore


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "digest",
        parents=[common],
        help="每日抄送：把未送出的抄送汇成 XLSX（写入文件夹或放入发信队列），--send 发送邮件",
    )
    p.add_argument("--office", metavar="CODE", help="只处理该办公室（默认全部）")
    p.add_argument(
        "-o", "--output", type=Path, metavar="DIR", help="把每个接收方的 XLSX 写入此文件夹"
    )
    p.add_argument("--send", action="store_true", help="发送发信队列中的邮件（含此前失败的）")
    p.set_defaults(handler=run)

    p = sub.add_parser("digest-address", parents=[common], help="设置接收方的抄送邮箱")
    p.add_argument("--office", metavar="CODE", help="办公室代码（只有一个办公室时可不写）")
    p.add_argument("--recipient", required=True, help="接收方，例如 司法行政部门")
    p.add_argument("--email", required=True, help="电子邮件地址")
    p.set_defaults(handler=run_address)


def run_address(args: argparse.Namespace) -> int:
    store = OfficeStore.open(args.db, create=False)
    try:
        with store.write() as db:
            office = offices.resolve(db, args.office)
            digest.set_address(db, office.code, args.recipient, args.email)
    finally:
        store.dispose()
    print(f"已设置 {office.name} 抄送“{args.recipient.strip()}”的邮箱。")
    return 0


def run(args: argparse.Namespace) -> int:
    folder: Path | None = args.output
    if folder is not None:
        folder = folder.expanduser()
        if not folder.is_dir():
            raise OfficeError(f"文件夹不存在：{folder}")
    settings = None
    if args.send:
        from office.reports.mail import SmtpSettings

        settings = SmtpSettings.from_env()  # before anything is marked: a bad setting stops here
    store = OfficeStore.open(args.db, create=False)
    try:
        with store.write() as db:
            reach = (
                [o.code for o in offices.all_offices(db)]
                if args.office is None
                else [offices.resolve(db, args.office).code]
            )
            made = digest.make(db, reach, shanghai_today(), folder)
        for d in made:
            where = f"，文件 {d.path}" if d.path else ""
            mail = "，已放入发信队列" if d.queued is not None else ""
            print(f"{d.recipient}（{d.office}）：{len(d.copies)} 件{where}{mail}")
            log_event("digest_made", office=d.office, copies=len(d.copies), queued=d.queued)
        if not made:
            print("没有需要汇总的抄送（或接收方既无邮箱也未指定 -o 文件夹）。")
        failed = 0
        if settings is not None:
            from office.reports.mail import send_pending

            sent, failed = send_pending(store, settings)
            log_event("digest_sent", sent=sent, failed=failed)
            print(f"邮件：发出 {sent} 封，失败 {failed} 封。")
        with store.read() as db:
            waiting = [r for r in digest.mail_state(db) if r["sent_at"] is None]
            late = digest.unseen(db, reach)
        for r in waiting:
            reason = f"，上次失败：{r['last_error']}" if r["last_error"] else ""
            print(f"待发邮件 #{r['seq']} 给 {r['recipient']}（已尝试 {r['attempts']} 次{reason}）")
        if late:
            print(f"超过一个工作日仍未送出的抄送：{len(late)} 件。")
    finally:
        store.dispose()
    return 1 if failed else 0
