"""``beian pdf FILE -o OUT.pdf [--copy 1|2|3] [--office-url URL] [--receipt TEXT]``.

Writes the triplicate (or one copy) of a filing. A filing with errors is still
printed, as a draft marked on every page. Exit 0: written; 1: could not write the
output; 2: FILE is not a filing (or cannot be read).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from forms import record, rules


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pdf", help="打印备案表（一式三份）为 PDF 文件")
    p.add_argument("file", help="备案表 JSON 文件；- 表示标准输入")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="输出的 PDF 文件")
    p.add_argument(
        "--copy",
        type=int,
        choices=(1, 2, 3),
        action="append",
        help="只打印某一联（1、2、3；可重复）；默认三联全部打印",
    )
    p.add_argument(
        "--office-url",
        metavar="URL",
        help="优化营商环境部门的地址，二维码将指向其核验页面（默认：程序设置中的地址）",
    )
    p.add_argument("--receipt", metavar="TEXT", help="备案回执号（已备案时填写）")
    p.set_defaults(handler=run)


def _fail(message: str, code: int) -> int:
    print(f"beian pdf: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    # Imported here: reportlab and fontTools are not needed by the other subcommands.
    from desktop.commands.validate import context_for, read_input
    from forms.pdf import missing_characters, render_pdf

    try:
        filing = record.parse(read_input(args.file))
    except OSError as exc:
        return _fail(f"无法读取文件：{exc.strerror or exc}", 2)
    except record.NotAFiling as exc:
        return _fail(str(exc), 2)
    report = rules.validate(filing, **context_for(args))
    office_url = args.office_url or _configured_office_url(args.data_dir)
    copies = tuple(dict.fromkeys(args.copy)) if args.copy else (1, 2, 3)
    try:
        data = render_pdf(
            filing,
            copies=copies,
            office_url=office_url,
            receipt=args.receipt,
            draft=report.has_errors,
        )
    except (ValueError, TypeError) as exc:
        return _fail(f"无法生成 PDF：{exc}", 2)
    try:
        if args.output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            Path(args.output).write_bytes(data)
    except OSError as exc:
        return _fail(f"无法写入 {args.output}：{exc.strerror or exc}", 1)
    note = sys.stderr if args.output == "-" else sys.stdout
    if report.has_errors:
        print(
            f"注意：备案表有 {len(report.errors)} 个错误，已按草稿打印（每页标有“草稿”）。",
            file=note,
        )
    missing = missing_characters(filing)
    if missing:
        shown = "、".join(f"{ch}（U+{ord(ch):04X}）" for ch in sorted(missing)[:10])
        print(f"注意：以下字符没有可用的字体，打印为〓：{shown}", file=note)
    if args.output != "-":
        print(f"已写入 {args.output}", file=note)
    return 0


def _configured_office_url(data_dir: Path) -> str | None:
    """The address the QR code links to, from the desk's settings, if there is a store:
    the office's published verification address, else the address the desk connects to."""
    try:
        from desktop.store import DB_NAME, Store
    except ImportError:
        return None
    if not (Path(data_dir) / DB_NAME).is_file():
        return None
    try:
        store = Store.open(Path(data_dir), daily_backup=False)
    except Exception:  # printing does not need the store; go without the link
        return None
    try:
        return store.verification_url()
    finally:
        store.close()
