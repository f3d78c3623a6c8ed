"""Office connection and the outbox from the command line (docs/sync.md).

``beian connect --url URL --token-stdin [--ca-file FILE] [--timeout S]``
``beian queue FILE``         validate and queue one filing
``beian sync [--json]``      one full pass
``beian status [--json]``
``beian export-bundle -o FILE`` / ``beian import-changes FILE``   offline bundles

Exit codes: 0 done (for ``sync``: nothing left queued); 1 refused, or something is still
queued; 2 bad input (not a filing, unreadable file, bad setting); 3 the clerk must act
first (no office set, no token or the token was refused, no usable keyring, the data
file is damaged, full or cannot be written).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from desktop import token_keyring
from desktop.filing_summary import enterprise_name
from desktop.paths import ensure_data_dir
from desktop.store import settings_registry as settings
from desktop.store.api import DRAFT, QUEUED, READY, RETURNED, SENT, STATUSES, StoreError
from desktop.sync import messages
from forms import record, rules

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT, EXIT_NEEDS_CLERK = 0, 1, 2, 3
MAX_TOKEN_INPUT = 8192


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("connect", help="设置备案办公室地址并保存本单位令牌")
    p.add_argument("--url", required=True, help="办公室地址，如 https://beian.example.gov.cn")
    p.add_argument(
        "--token-stdin", action="store_true", help="从标准输入读取令牌（令牌只存入系统密钥环）"
    )
    p.add_argument("--ca-file", metavar="FILE", help="单位内网的根证书文件（PEM）")
    p.add_argument("--timeout", type=float, metavar="秒", help="等待办公室答复的秒数（默认 30）")
    p.set_defaults(handler=run_connect)

    p = sub.add_parser("queue", help="检查一份备案表并放入待发送队列")
    p.add_argument("file", help="备案表 JSON 文件；- 表示标准输入")
    p.set_defaults(handler=run_queue)

    p = sub.add_parser("sync", help="立即与备案办公室同步一次（发送、取回回执和退回）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    p.set_defaults(handler=run_sync)

    p = sub.add_parser("status", help="各状态的备案数量与上次同步情况")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=run_status)

    p = sub.add_parser("export-bundle", help="把待发送的备案导出为离线文件，带到办公室导入")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="导出的文件")
    p.set_defaults(handler=run_export_bundle)

    p = sub.add_parser("import-changes", help="导入办公室导出的回执与退回文件")
    p.add_argument("file", help="办公室用 beian-office export-changes 导出的文件")
    p.set_defaults(handler=run_import_changes)

    p = sub.add_parser("import-office-key", help="导入办公室的公钥文件（离线单位，只需一次）")
    p.add_argument("file", help="办公室用 beian-office key export 导出的文件")
    p.set_defaults(handler=run_import_office_key)


# --- helpers ------------------------------------------------------------------------------


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def printable(text: str) -> str:
    """Text from a file or the office, safe for a terminal: control, format (bidi),
    private-use and line-separator characters are shown as ``\\uXXXX``; line breaks stay."""
    return "".join(
        ch if ch == "\n" or unicodedata.category(ch) not in _UNPRINTABLE else f"\\u{ord(ch):04x}"
        for ch in text
    )


_UNPRINTABLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def open_store(data_dir: Path) -> Any:
    from desktop.store import Store

    return Store.open(ensure_data_dir(data_dir))


def _with_store(args: argparse.Namespace, fn) -> int:
    from desktop.store.api import StoreDamaged

    try:
        store = open_store(args.data_dir)
    except StoreDamaged as exc:
        # Restoring asks the clerk which backup to trust: that is the window's job.
        _err(f"beian {args.command}: {exc} 请打开备案程序窗口，按提示从备份恢复。")
        return EXIT_NEEDS_CLERK
    except StoreError as exc:
        _err(f"beian {args.command}: {exc}")
        return EXIT_NEEDS_CLERK
    except OSError as exc:
        _err(f"beian {args.command}: 无法打开数据文件夹：{exc.strerror or exc}")
        return EXIT_NEEDS_CLERK
    try:
        return fn(store)
    except StoreError as exc:
        _err(f"beian {args.command}: {exc}")
        return EXIT_REFUSED
    finally:
        store.close()


def _label(filing: dict[str, Any]) -> str:
    name = enterprise_name(filing)
    short_id = str(filing.get("id", ""))[:8]
    return f"{name or '（未填企业名称）'}（{short_id}，第 {filing.get('revision')} 版）"


def _row_label(store: Any, filing_id: str, revision: int) -> str:
    row = store.get(filing_id)
    filing = dict(row.filing) if row else {"id": filing_id}
    filing["revision"] = revision
    return _label(filing)


# --- connect ------------------------------------------------------------------------------


def run_connect(args: argparse.Namespace) -> int:
    from desktop.sync.config import ConfigError
    from desktop.sync.connect import (
        NO_KEYRING,
        NO_TOKEN,
        OK,
        TOKEN_REJECTED,
        UNREACHABLE,
        check_connection,
        save_settings,
    )

    token = sys.stdin.read(MAX_TOKEN_INPUT) if args.token_stdin else None

    def connect(store: Any) -> int:
        try:
            config = save_settings(
                store, args.url, token=token, ca_file=args.ca_file, timeout_s=args.timeout
            )
        except (ConfigError, token_keyring.BadToken) as exc:
            _err(f"beian connect: {messages.terminal(exc.problem)}")
            return EXIT_BAD_INPUT
        except token_keyring.NoKeyring as exc:
            _err(f"beian connect: {messages.terminal(exc.problem)}")
            return EXIT_NEEDS_CLERK
        print(f"办公室地址已保存：{config.url}")
        if config.encrypted:
            print("连接方式：HTTPS 加密连接，证书经过验证。")
        else:
            print("注意：这是未加密的 http:// 连接，只应在单位内网中使用。")
        check = check_connection(store)
        said = messages.terminal(check.problem)
        if check.state == UNREACHABLE:
            print(f"设置已保存，但现在无法确认。{said}")
            return EXIT_REFUSED
        print(said)
        if check.state == OK:
            return EXIT_OK
        needs_clerk = (TOKEN_REJECTED, NO_TOKEN, NO_KEYRING)
        return EXIT_NEEDS_CLERK if check.state in needs_clerk else EXIT_REFUSED

    return _with_store(args, connect)


def run_import_office_key(args: argparse.Namespace) -> int:
    from desktop.sync import office_key
    from forms import json_limits

    try:
        with Path(args.file).expanduser().open("rb") as fh:
            data = fh.read(4097)
        document = json_limits.loads(data.decode("utf-8-sig")) if len(data) <= 4096 else None
    except OSError as exc:
        _err(f"beian import-office-key: 无法读取文件：{exc.strerror or exc}")
        return EXIT_BAD_INPUT
    except (UnicodeDecodeError, ValueError):
        document = None
    key = office_key.parse_key_document(document)
    if key is None:
        _err("beian import-office-key: 文件不是办公室的公钥文件（beian-office key export 导出）。")
        return EXIT_BAD_INPUT

    def save(store: Any) -> int:
        old = office_key.load(store)
        office_key.save(store, key)
        if old is not None and old.public_key != key.public_key:
            print(f"注意：已替换此前保存的办公室公钥（指纹 {old.fingerprint}）。")
        print(f"已保存办公室公钥。指纹：{key.fingerprint}")
        print("请与办公室核对这串指纹（例如电话确认），一致才说明文件没有被调换。")
        return EXIT_OK

    return _with_store(args, save)


# --- queue --------------------------------------------------------------------------------


def run_queue(args: argparse.Namespace) -> int:
    from desktop.commands.validate import print_report, read_input

    try:
        filing = record.parse(read_input(args.file))
    except OSError as exc:
        _err(f"beian queue: 无法读取文件：{exc.strerror or exc}")
        return EXIT_BAD_INPUT
    except record.NotAFiling as exc:
        _err(f"beian queue: {exc}")
        return EXIT_BAD_INPUT

    def queue(store: Any) -> int:
        report = rules.validate(filing, **store.validation_context())
        if report.has_errors:
            print_report(report)
            print("有错误，未放入待发送队列。请修改后重试。")
            return EXIT_REFUSED
        message = queue_filing(store, filing)
        if message:
            _err(f"beian queue: {message}")
            return EXIT_REFUSED
        if report.warnings:
            print_report(report)
        print(f"已放入待发送队列：{_label(filing)}")
        return EXIT_OK

    return _with_store(args, queue)


def queue_filing(store: Any, filing: dict[str, Any]) -> str | None:
    """Create or update the filing and queue it; a Chinese refusal, or None when queued.

    The store does it in one transaction and never lets a second copy of a revision the
    office may hold come into being: a sent revision is refused (AlreadySent), a queued
    revision that has already been attempted can only be queued again unchanged, and a
    returned filing takes only revision n+1.
    """
    fid, rev = filing.get("id"), filing.get("revision")
    if not isinstance(fid, str) or not isinstance(rev, int) or isinstance(rev, bool):
        return "备案缺少有效的编号（id）或修订号（revision）。"
    row = store.get(fid)
    if row is not None and row.status == RETURNED and rev != row.revision + 1:
        return (
            f"此备案第 {row.revision} 版已被办公室退回。"
            f"修改后请以修订号 {row.revision + 1} 重新提交（文件中为 {rev}）。"
        )
    try:
        store.queue(fid, filing)
    except StoreError as exc:
        return str(exc)
    return None


# --- sync ---------------------------------------------------------------------------------


def run_sync(args: argparse.Namespace) -> int:
    from desktop.sync import engine
    from desktop.sync.service import sync_once

    def sync(store: Any) -> int:
        result = sync_once(store, args.data_dir)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            print_result(store, result)
        if result.state in (engine.NEEDS_TOKEN, engine.NOT_CONFIGURED):
            return EXIT_NEEDS_CLERK
        return EXIT_REFUSED if result.remaining else EXIT_OK

    return _with_store(args, sync)


def print_result(store: Any, result: Any) -> None:
    for fid, rev, receipt in result.sent:
        print(f"已备案：{_row_label(store, fid, rev)}，回执号 {receipt}")
    for fid, rev, reason in result.returned:
        print(f"被退回：{_row_label(store, fid, rev)}\n  办公室意见：{printable(reason)}")
    for f in result.failed:
        kind = "被拒收（需修改后重新提交）" if f.permanent else "未发送（稍后自动重试）"
        print(f"{kind}：{_row_label(store, f.id, f.revision)}")
        said = messages.terminal(f.problem) if f.problem else f.message
        for line in said.splitlines():
            print(f"  {line}")
    for problem in result.problems:
        print(messages.terminal(problem))
    for problem in result.warning_problems:
        print(f"提醒：{messages.terminal(problem)}")
    if result.reference_updated:
        print("已更新办公室下发的基础数据（节假日安排、执法证号规则等）。")
    if result.remaining:
        print(f"仍在待发送队列中：{result.remaining} 份。")
    elif not result.errors:
        print("同步完成，没有待发送的备案。")


# --- status -------------------------------------------------------------------------------


def status_dict(store: Any) -> dict[str, Any]:
    counts = store.counts_by_status()
    url = settings.OFFICE_URL.get(store)
    out: dict[str, Any] = {s: int(counts.get(s, 0)) for s in STATUSES}
    out.update(
        last_sync=settings.LAST_SYNC.get(store),
        last_error=settings.LAST_ERROR.get(store),
        office_url=url,
        encrypted=bool(url and str(url).startswith("https://")),
        clock_skew_s=settings.CLOCK_SKEW_S.get(store),
    )
    return out


def run_status(args: argparse.Namespace) -> int:
    def status(store: Any) -> int:
        data = status_dict(store)
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=2))
            return EXIT_OK
        names = {
            DRAFT: "草稿",
            READY: "待提交",
            QUEUED: "待发送",
            SENT: "已备案",
            RETURNED: "被退回",
        }
        print("　".join(f"{names[s]} {data[s]}" for s in STATUSES))
        if data["office_url"]:
            secure = "加密连接" if data["encrypted"] else "未加密连接（仅限单位内网）"
            print(f"办公室：{data['office_url']}（{secure}）")
        else:
            print("尚未设置备案办公室（beian connect）。")
        print(f"上次同步：{data['last_sync'] or '从未'}")
        if data["last_error"]:
            print(f"上次问题：{data['last_error']}")
        skew = data["clock_skew_s"]
        if isinstance(skew, int | float) and abs(skew) > 300:
            print(f"提醒：本机时钟与办公室相差约 {round(abs(skew) / 60)} 分钟，请校准。")
        return EXIT_OK

    return _with_store(args, status)


# --- offline bundles ----------------------------------------------------------------------


def run_export_bundle(args: argparse.Namespace) -> int:
    from desktop.sync.bundle import export_bundle

    out = Path(args.output).expanduser()

    def export(store: Any) -> int:
        if not any(not getattr(i, "permanent", False) for i in store.outbox()):
            print("待发送队列中没有可以导出的备案。")
            return EXIT_OK
        try:
            bundle = export_bundle(store, out)
        except OSError as exc:
            _err(f"beian export-bundle: 无法写入 {out}：{exc.strerror or exc}")
            return EXIT_BAD_INPUT
        n = len(bundle["filings"])
        print(f"已导出 {n} 份备案到 {out}。")
        print("这些备案仍在待发送队列中；办公室导入后，请带回回执文件并运行 beian import-changes。")
        return EXIT_OK

    return _with_store(args, export)


def run_import_changes(args: argparse.Namespace) -> int:
    from desktop.sync.bundle import BundleError, import_changes, read_changes_file
    from desktop.sync.office_key import ChangesRefused

    try:
        data = read_changes_file(Path(args.file).expanduser())
    except BundleError as exc:
        _err(f"beian import-changes: {exc}")
        return EXIT_BAD_INPUT

    def apply(store: Any) -> int:
        try:
            applied = import_changes(store, data)
        except ChangesRefused as exc:
            _err(f"beian import-changes: {exc}")
            return EXIT_REFUSED
        for fid, rev, receipt in applied.sent:
            print(f"已备案：{_row_label(store, fid, rev)}，回执号 {printable(receipt)}")
        for fid, rev, reason in applied.returned:
            print(f"被退回：{_row_label(store, fid, rev)}\n  办公室意见：{printable(reason)}")
        if applied.bad:
            print(f"有 {applied.bad} 条记录无法识别，已跳过。")
        if not applied.sent and not applied.returned:
            print("没有新的回执或退回（文件中的记录本机都已处理过）。")
        remaining = store.counts_by_status().get(QUEUED, 0)
        if remaining:
            print(f"仍在待发送队列中：{remaining} 份。")
        return EXIT_OK

    return _with_store(args, apply)
