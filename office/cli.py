"""``beian-office``: the office's intake service and its administration commands.

Every subcommand takes ``--db DB`` (a SQLite file path, or a ``postgresql://`` URL;
``BEIAN_OFFICE_DB`` when not given) and ``--log-file PATH`` (JSON lines; ``serve`` logs
to stderr without it, the other commands log only with it). Commands that change
something act as ``--as USER`` (a staff account, whose role is checked) or, without it,
as the operator at the shell, recorded as ``cli``. Messages are in Chinese; exit status
0 means done, 1 refused or failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from forms import __version__
from office import crosscheck_cli, logs, park_reply_cli
from office.cli_support import actor, print_json, print_rows, reading, writing
from office.enterprise import cli as enterprise_cli
from office.errors import OfficeError
from office.logs import log_event
from office.staff import Actor
from office.store import ENV_DB, OfficeStore, describe


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="DB",
        help=f"办公室数据库：SQLite 文件路径或 postgresql:// 地址（默认取环境变量 {ENV_DB}）",
    )
    common.add_argument(
        "--log-file", type=Path, metavar="PATH", help="结构化日志（JSON 行）写入的文件"
    )
    return common


def _acting() -> argparse.ArgumentParser:
    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="以该工作人员账号的身份操作（检查其角色）；不写则记为服务器操作员 cli",
    )
    return acting


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="beian-office", description="优化营商环境部门备案接收服务"
    )
    parser.add_argument("--version", action="version", version=f"beian-office {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="子命令")
    common = _common()
    acting = _acting()

    crosscheck_cli.register(sub, common, acting)

    p = sub.add_parser("serve", parents=[common], help="启动接收服务（HTTP API 与核验页面）")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=8080, help="监听端口（默认 8080）")
    p.add_argument(
        "--rate-limit",
        type=int,
        default=None,
        metavar="N",
        help="每个令牌每分钟最多请求数（默认 600；0 表示不限）",
    )
    p.add_argument("--ssl-certfile", metavar="PEM", help="直接提供 HTTPS 时的证书文件")
    p.add_argument("--ssl-keyfile", metavar="PEM", help="直接提供 HTTPS 时的私钥文件")
    p.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="信任其 X-Forwarded-* 请求头的反向代理地址（默认 127.0.0.1）",
    )
    p.add_argument("--workers", type=int, default=1, metavar="N", help="工作进程数（默认 1）")
    p.add_argument(
        "--api-docs",
        action="store_true",
        help="提供接口说明（/openapi.json，不含外部脚本；默认关闭）",
    )
    p.add_argument(
        "--header-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="请求头须在此秒数内收齐，否则断开连接（默认 10）",
    )
    p.add_argument(
        "--max-connections-per-client",
        type=int,
        default=None,
        metavar="N",
        help="每个客户端地址最多同时保持的连接数（默认 50；0 表示不限）",
    )
    _signing_key_option(p)
    p.set_defaults(handler=_serve)

    p = sub.add_parser("migrate", parents=[common], help="建立或升级数据库结构（升级前请先备份）")
    p.add_argument(
        "--office-code", metavar="CODE", help="升级单办公室数据库时其办公室的代码（默认 430300）"
    )
    p.add_argument("--office-name", metavar="NAME", help="其办公室的名称（默认 湘潭市）")
    p.add_argument("--prefix", metavar="PREFIX", help="其回执前缀（默认 潭优备）")
    p.set_defaults(handler=_migrate)

    office = sub.add_parser("office", help="办公室（市县两级）：设立、列出")
    office_sub = office.add_subparsers(dest="office_command", metavar="操作", required=True)
    p = office_sub.add_parser("create", parents=[common], help="设立办公室")
    p.add_argument("--code", required=True, metavar="CODE", help="行政区划代码，例如 430302")
    p.add_argument("--name", required=True, metavar="NAME", help="名称，例如 雨湖区")
    p.add_argument("--prefix", required=True, metavar="PREFIX", help="回执前缀，例如 雨优备")
    p.add_argument("--parent", metavar="CODE", help="上级（市级）办公室的代码")
    p.set_defaults(handler=_office_create)
    p = office_sub.add_parser("list", parents=[common], help="列出办公室")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(handler=_office_list)

    user = sub.add_parser("user", help="工作人员账号：新建、列出、停用、重设密码")
    user_sub = user.add_subparsers(dest="user_command", metavar="操作", required=True)
    p = user_sub.add_parser("create", parents=[common, acting], help="新建工作人员账号")
    p.add_argument("--username", required=True, metavar="U")
    p.add_argument(
        "--role", required=True, choices=["admin", "reviewer", "justice", "park", "viewer"]
    )
    p.add_argument("--office", metavar="CODE", help="所属办公室（只有一个办公室时可省略）")
    p.add_argument("--park", metavar="NAME", help="园区管委会账号的园区名称")
    p.add_argument(
        "--password-stdin", action="store_true", required=True, help="从标准输入读取密码"
    )
    p.set_defaults(handler=_user_create)
    p = user_sub.add_parser("list", parents=[common], help="列出工作人员账号（不含密码）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(handler=_user_list)
    p = user_sub.add_parser("disable", parents=[common, acting], help="停用账号并结束其会话")
    p.add_argument("--username", required=True, metavar="U")
    p.set_defaults(handler=_user_disable)
    p = user_sub.add_parser("reset-password", parents=[common, acting], help="重设密码")
    p.add_argument("--username", required=True, metavar="U")
    p.add_argument(
        "--password-stdin", action="store_true", required=True, help="从标准输入读取新密码"
    )
    p.set_defaults(handler=_user_reset_password)

    p = sub.add_parser("audit", parents=[common], help="工作人员操作记录（只增不改）")
    p.add_argument("--json", action="store_true", help="输出 JSON 数组")
    p.add_argument("--office", metavar="CODE", help="只列出该办公室的记录")
    p.set_defaults(handler=_audit)

    token = sub.add_parser("token", help="单位令牌：签发、吊销、列出")
    token_sub = token.add_subparsers(dest="token_command", metavar="操作", required=True)
    p = token_sub.add_parser(
        "create", parents=[common, acting], help="为单位签发令牌（最后一行为令牌）"
    )
    p.add_argument("--unit", required=True, metavar="NAME", help="单位名称，与备案表的牵头单位一致")
    p.add_argument(
        "--office", metavar="CODE", help="单位备案的办公室（只有一个办公室或单位已登记时可省略）"
    )
    p.set_defaults(handler=_token_create)
    p = token_sub.add_parser("revoke", parents=[common, acting], help="吊销令牌")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--unit", metavar="NAME", help="吊销该单位的全部有效令牌")
    which.add_argument("--id", type=int, metavar="N", help="吊销编号为 N 的令牌")
    p.set_defaults(handler=_token_revoke)
    p = token_sub.add_parser("list", parents=[common], help="列出令牌（不显示令牌本身）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(handler=_token_list)

    p = sub.add_parser("filings", parents=[common], help="列出办公室收到的每个备案版次")
    p.add_argument("--json", action="store_true", help="输出 JSON 数组")
    p.add_argument("--unit", metavar="NAME", help="只列出该单位的备案")
    p.add_argument(
        "--office", metavar="CODE", help="只列出该办公室可查看的备案（市级含所辖县级，只读）"
    )
    p.set_defaults(handler=_filings)

    p = sub.add_parser("return", parents=[common, acting], help="将备案（最新版次）退回检查单位")
    p.add_argument("id", metavar="ID", help="备案编号")
    p.add_argument("--reason", required=True, metavar="TEXT", help="退回原因")
    p.set_defaults(handler=_return)

    ref = sub.add_parser("reference", help="参考数据：载入、查看")
    ref_sub = ref.add_subparsers(dest="reference_command", metavar="操作", required=True)
    p = ref_sub.add_parser(
        "load", parents=[common, acting], help="载入参考数据文件（JSON），版本号加一"
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=_reference_load)
    p = ref_sub.add_parser("show", parents=[common], help="显示当前参考数据（JSON）")
    p.set_defaults(handler=_reference_show)

    p = sub.add_parser("import", parents=[common, acting], help="导入单位送来的离线备案包")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--unit", required=True, metavar="NAME", help="送来备案包的单位")
    p.add_argument("--office", metavar="CODE", help="尚未登记的单位备案的办公室")
    p.add_argument("--json", action="store_true", help="以 JSON 数组输出每份备案的结果")
    p.set_defaults(handler=_import)

    p = sub.add_parser("export-changes", parents=[common], help="导出单位的回执和退回（离线）")
    p.add_argument("--unit", required=True, metavar="NAME")
    p.add_argument("--since", metavar="CURSOR", help="上次导出文件中的同步位置（cursor）")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    _signing_key_option(p)
    p.set_defaults(handler=_export_changes)

    key = sub.add_parser("key", help="签名密钥：导出公钥文件（交给离线单位）")
    key_sub = key.add_subparsers(dest="key_command", metavar="操作", required=True)
    p = key_sub.add_parser(
        "export", parents=[common], help="导出办公室公钥文件，供离线单位 beian import-office-key"
    )
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    _signing_key_option(p)
    p.set_defaults(handler=_key_export)

    p = sub.add_parser("backup", parents=[common], help="在线备份数据库（服务运行时也可以）")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE", help="备份文件")
    p.set_defaults(handler=_backup)

    p = sub.add_parser(
        "notifications", parents=[common], help="列出应抄送司法行政部门和告知园区的记录"
    )
    p.add_argument("--json", action="store_true", help="输出 JSON 数组")
    p.set_defaults(handler=_notifications)

    from office.reports import command as report_command

    report_command.register(sub, common)
    from office.reports import digest_command

    digest_command.register(sub, common)

    enterprise_cli.register(sub, common, acting)  # evaluations, complaint, visits
    park_reply_cli.register(sub, common, acting)  # a park committee's reply to a filing
    return parser


def _signing_key_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--signing-key",
        type=Path,
        metavar="PATH",
        help="签名密钥文件（默认：数据库旁的 <数据库>.signing-key，首次使用时创建）",
    )


# --- handlers ------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    from office import connections
    from office.api import DEFAULT_RATE_LIMIT
    from office.server import serve

    if not 0 <= args.port <= 65535:
        raise OfficeError(f"端口 {args.port} 无效。")
    header_timeout = (
        connections.HEADER_TIMEOUT_SECONDS if args.header_timeout is None else args.header_timeout
    )
    if not 0.1 <= header_timeout <= 3600:
        raise OfficeError("--header-timeout 应在 0.1 到 3600 秒之间。")
    per_client = args.max_connections_per_client
    return serve(
        args.db,
        workers=args.workers,
        host=args.host,
        port=args.port,
        log_file=args.log_file,
        rate_limit=DEFAULT_RATE_LIMIT if args.rate_limit is None else max(args.rate_limit, 0),
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        forwarded_allow_ips=args.forwarded_allow_ips,
        signing_key_path=args.signing_key,
        api_docs=args.api_docs,
        header_timeout=header_timeout,
        max_connections_per_client=(
            connections.MAX_CONNECTIONS_PER_CLIENT if per_client is None else max(per_client, 0)
        ),
    )


def _migrate(args: argparse.Namespace) -> int:
    from office import migrations

    # Creates a new database too (a missing SQLite file, an empty PostgreSQL database).
    store = OfficeStore.open(args.db, check_schema=False)
    with store.read() as db:
        before = migrations.state(db)
    store.dispose()
    if before.current == before.head:
        print(f"数据库结构已是最新（{before.head}）。")
        return 0
    told = {
        key: value.strip()
        for key, value in (
            ("code", args.office_code),
            ("name", args.office_name),
            ("prefix", args.prefix),
        )
        if value and value.strip()
    }
    if told and before.current != migrations.SINGLE_OFFICE:
        raise OfficeError("--office-code、--office-name、--prefix 只用于升级单办公室数据库。")
    if "code" in told and not offices_code_ok(told["code"]):
        raise OfficeError("办公室代码应为 6 位行政区划代码，例如 430300。")
    OfficeStore.open(args.db, migrate=True, single_office=told or None).dispose()
    log_event("migrated", from_revision=before.current, to_revision=before.head)
    print(f"已将数据库结构从 {before.current} 升级到 {before.head}。")
    return 0


def offices_code_ok(code: str) -> bool:
    from office.offices import CODE_RE

    return CODE_RE.fullmatch(code) is not None


def _office_create(args: argparse.Namespace) -> int:
    from office import offices

    with writing(args, create=True) as db:
        made = offices.create(
            db,
            Actor.cli(),
            code=args.code,
            name=args.name,
            prefix=args.prefix,
            parent=args.parent,
        )
    log_event("office_created", code=made.code, parent=made.parent)
    print(f"已设立办公室 {made.code} {made.name}，回执编号为 {made.prefix}〔年份〕NNNNNN号。")
    return 0


def _office_list(args: argparse.Namespace) -> int:
    from office import offices

    with reading(args) as db:
        rows = [o.row() for o in offices.all_offices(db)]

    def line(r: dict[str, Any]) -> str:
        above = f"\t上级 {r['parent']}" if r["parent"] else ""
        return f"{r['code']}\t{r['name']}\t{r['prefix']}{above}"

    print_rows(args, rows, line)
    return 0


def _password_from_stdin() -> str:
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _user_create(args: argparse.Namespace) -> int:
    from office import users

    password = _password_from_stdin()
    with writing(args) as db:
        made = users.create(
            db,
            actor(db, args),
            username=args.username,
            role=args.role,
            password=password,
            office=args.office,
            park=args.park,
        )
    log_event("user_created", username=made.username, role=made.role, office=made.office)
    print(f"已新建工作人员账号“{made.username}”（{made.role}，办公室 {made.office}）。")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    from office import users

    with reading(args) as db:
        rows = [u.row() for u in users.all_users(db)]

    def line(r: dict[str, Any]) -> str:
        state = f"已停用（{r['disabled_at']}）" if r["disabled_at"] else "有效"
        park = f"\t{r['park']}" if r["park"] else ""
        return f"{r['username']}\t{r['role']}\t{r['office']}{park}\t{state}"

    print_rows(args, rows, line, empty="还没有工作人员账号。")
    return 0


def _user_disable(args: argparse.Namespace) -> int:
    from office import users

    with writing(args) as db:
        user = users.disable(db, actor(db, args), args.username)
    log_event("user_disabled", username=user.username)
    print(f"已停用工作人员账号“{user.username}”，其登录会话已结束。")
    return 0


def _user_reset_password(args: argparse.Namespace) -> int:
    from office import users

    password = _password_from_stdin()
    with writing(args) as db:
        user = users.reset_password(db, actor(db, args), args.username, password)
    log_event("password_reset", username=user.username)
    print(f"已重设“{user.username}”的密码，其登录会话已结束。")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from office import audit

    with reading(args) as db:
        rows = audit.entries(db, office=args.office)

    def line(r: dict[str, Any]) -> str:
        details = json.dumps(r["details"], ensure_ascii=False, sort_keys=True)
        return f"{r['at']}\t{r['actor']}\t{r['action']}\t{r['target']}\t{details}"

    print_rows(args, rows, line, empty="还没有操作记录。")
    return 0


def _token_create(args: argparse.Namespace) -> int:
    from office import tokens

    with writing(args, create=True) as db:
        token_id, token = tokens.create(db, actor(db, args), args.unit, args.office)
    unit = tokens.unit_key(args.unit)
    log_event("token_created", unit=unit, token_id=token_id)
    print(f"已为“{unit}”签发令牌（编号 {token_id}）。令牌只显示这一次，请通过安全途径交给该单位：")
    print(token)
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    from office import tokens

    with writing(args) as db:
        by = actor(db, args)
        if args.id is not None:
            info = tokens.revoke_id(db, by, args.id)
            count, unit = (1 if info.active else 0), info.unit
        else:
            unit = tokens.unit_key(args.unit)
            count = tokens.revoke_unit(db, by, unit)
    log_event("token_revoked", unit=unit, token_id=args.id, count=count)
    if count == 0:
        print(f"“{unit}”没有需要吊销的有效令牌。")
    else:
        print(f"已吊销“{unit}”的 {count} 个令牌，使用这些令牌的请求将被拒绝。")
    return 0


def _token_list(args: argparse.Namespace) -> int:
    from office import tokens

    with reading(args) as db:
        infos = tokens.all_tokens(db)
    rows = [
        {
            "id": t.id,
            "unit": t.unit,
            "office": t.office,
            "created_at": t.created_at,
            "revoked_at": t.revoked_at,
        }
        for t in infos
    ]

    def line(r: dict[str, Any]) -> str:
        state = f"已吊销（{r['revoked_at']}）" if r["revoked_at"] else "有效"
        return f"{r['id']}\t{r['unit']}\t签发于 {r['created_at']}\t{state}"

    print_rows(args, rows, line, empty="还没有签发任何令牌。")
    return 0


def _filings(args: argparse.Namespace) -> int:
    from office import filings, offices
    from office.tokens import unit_key

    with reading(args) as db:
        reach = None
        if args.office is not None:
            reach = offices.in_reach(db, offices.resolve(db, args.office).code)
        rows = [h.summary() for h in filings.all_held(db, offices_in=reach)]
    if args.unit:
        rows = [r for r in rows if r["unit"] == unit_key(args.unit)]
    status_text = {filings.FILED: "已备案", filings.RETURNED: "已退回"}

    def line(r: dict[str, Any]) -> str:
        return (
            f"{r['receipt']}\t{r['id']} 第 {r['revision']} 版\t{r['unit']}\t"
            f"{r['office']}\t{status_text[r['status']]}"
        )

    print_rows(args, rows, line, empty="还没有收到任何备案。")
    return 0


def _return(args: argparse.Namespace) -> int:
    from office import filings

    with writing(args) as db:
        by = actor(db, args)
        held = filings.return_latest(db, by, args.id, args.reason)
    log_event(
        "returned",
        id=held.id,
        revision=held.revision,
        unit=held.unit,
        receipt=held.receipt,
        actor=by.name,
    )
    print(f"已将备案 {held.id} 第 {held.revision} 版（{held.receipt}）退回“{held.unit}”。")
    return 0


MAX_REFERENCE_BYTES = 64 * 1024 * 1024


def _reference_load(args: argparse.Namespace) -> int:
    from forms import json_limits
    from office import reference

    try:
        with args.file.open("rb") as fh:
            data = fh.read(MAX_REFERENCE_BYTES + 1)
        if len(data) > MAX_REFERENCE_BYTES:
            raise OfficeError(f"{args.file.name} 过大，不是参考数据文件。")
        given = json_limits.loads(data.decode("utf-8-sig"), max_items=100_000)
    except FileNotFoundError:
        raise OfficeError(f"找不到文件：{args.file}") from None
    except OSError as exc:
        raise OfficeError(f"无法读取文件 {args.file}：{exc.strerror}") from None
    except json_limits.JsonLimitError as exc:
        raise OfficeError(f"{args.file.name} 不能载入：{exc}。") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise OfficeError(f"{args.file.name} 不是有效的 JSON 文件。") from None
    with writing(args, create=True) as db:
        new = reference.load(db, given, source=args.file.name, actor=actor(db, args))
    sections = [k for k in reference.SECTIONS if k in given]
    log_event("reference_loaded", version=new.version, sections=sections)
    print(f"已载入参考数据（{'、'.join(sections) or '无变化'}），当前版本 {new.version}。")
    return 0


def _reference_show(args: argparse.Namespace) -> int:
    from office import reference

    with reading(args) as db:
        print_json(reference.current(db).answer())
    return 0


def _import(args: argparse.Namespace) -> int:
    from office import audit, bundles
    from office.tokens import checked_unit

    store = OfficeStore.open(args.db)
    with store.read() as db:
        by = actor(db, args)
    outcomes = bundles.import_bundle(store, args.file, args.unit, args.office)
    with store.write() as db:
        audit.record(
            db,
            by,
            "bundle_imported",
            checked_unit(args.unit),
            file=args.file.name,
            accepted=sum(1 for o in outcomes if o.decision == "accepted"),
            refused=sum(1 for o in outcomes if not o.accepted),
        )
    for i, outcome in enumerate(outcomes, 1):
        log_event(
            "import",
            decision=outcome.decision,
            status=outcome.status,
            id=outcome.filing_id,
            revision=outcome.revision,
            unit=args.unit,
            **outcome.extra,
        )
        if not args.json:
            print(bundles.outcome_line(i, outcome))
    if args.json:
        print_json(
            [
                {
                    "id": o.filing_id,
                    "revision": o.revision,
                    "decision": o.decision,
                    "status": o.status,
                    "body": o.body,
                }
                for o in outcomes
            ]
        )
    refused = sum(1 for o in outcomes if not o.accepted)
    print(
        f"共 {len(outcomes)} 份：受理 {len(outcomes) - refused} 份，不予受理 {refused} 份。",
        file=sys.stderr,
    )
    return 1 if refused else 0


def _export_changes(args: argparse.Namespace) -> int:
    from office import bundles

    store = OfficeStore.open(args.db, create=False)
    key = _signing_key(args, store)
    document = bundles.export_changes(store, args.unit, args.since, args.output, key=key)
    log_event(
        "changes_exported",
        unit=document["unit"],
        count=len(document["changes"]),
        cursor=document["cursor"],
    )
    print(
        f"已导出“{document['unit']}”的 {len(document['changes'])} 条变化到 {args.output}"
        f"（同步位置 {document['cursor']}）。"
    )
    return 0


def _signing_key(args: argparse.Namespace, store: OfficeStore) -> Any:
    from office import signing

    if args.signing_key is not None:
        return signing.load_or_create(args.signing_key)
    if store.path is None:
        raise OfficeError("数据库在 PostgreSQL 上时，请用 --signing-key 指定签名密钥文件的位置。")
    return signing.load_or_create(signing.default_key_path(store.path))


def _key_export(args: argparse.Namespace) -> int:
    from office import bundles, signing

    store = OfficeStore.open(args.db, create=False)
    document = signing.key_document(_signing_key(args, store))
    bundles.write_atomically(args.output, json.dumps(document, indent=2) + "\n")
    log_event("office_key_exported", fingerprint=document["fingerprint"])
    print(f"已导出办公室公钥到 {args.output}。")
    print(f"公钥指纹：{document['fingerprint']}")
    print("请把文件交给离线单位，并通过电话等另一途径与对方核对指纹。")
    return 0


def _backup(args: argparse.Namespace) -> int:
    # A schema that is behind is backed up too: that is the step before `migrate`.
    store = OfficeStore.open(args.db, create=False, check_schema=False)
    store.backup(args.output)
    log_event("backup", target=str(args.output))
    print(f"已将数据库备份到 {args.output}（已通过完整性检查）。")
    return 0


def _notifications(args: argparse.Namespace) -> int:
    from office import filings

    with reading(args) as db:
        rows = filings.notifications(db)

    def line(r: dict[str, Any]) -> str:
        return f"{r['created_at']}\t{r['id']} 第 {r['revision']} 版\t告知：{r['recipient']}"

    print_rows(args, rows, line)
    return 0


# --- entry point ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    _utf8_stdio()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "serve" or args.log_file is not None:
        logs.configure(args.log_file)
    else:
        logs.silence()
    handler: Callable[[argparse.Namespace], int] = args.handler
    if getattr(args, "db", None) is None:
        args.db = os.environ.get(ENV_DB) or None
        if args.db is None:
            print(f"错误：请用 --db 指定数据库（或设置环境变量 {ENV_DB}）。", file=sys.stderr)
            return 2
    try:
        return int(handler(args) or 0)
    except OfficeError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except (sqlite3.OperationalError, OperationalError) as exc:
        locked = "locked" in str(exc) or "busy" in str(exc)
        reason = "数据库正被其他程序长时间占用，请稍后重试" if locked else "数据库无法使用"
        print(f"错误：{reason}（{describe(args.db)}）。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into a pager or `head` that quit early
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep interpreter exit quiet
        return 0


def _utf8_stdio() -> None:
    # Windows consoles default to a legacy code page; Chinese output must not crash.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    sys.exit(main())
