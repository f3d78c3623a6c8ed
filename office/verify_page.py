"""The verification page as HTML: one small self-contained page in Chinese, readable on
a phone, with every value escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from office.verify import BAD_CODE, FILED, FOUND, MATCH, MISMATCH, RETURNED, SUPERSEDED

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;
background:#f5f5f5;color:#222}
main{max-width:34rem;margin:0 auto;padding:1.2rem}
h1{font-size:1.1rem;color:#555;margin:0 0 1rem}
.verdict{font-size:1.35rem;font-weight:bold;padding:1rem;border-radius:.4rem;margin-bottom:1rem}
.match{background:#e6f4ea;color:#1e6b34}.mismatch{background:#fdecea;color:#a31515}
.unknown,.returned{background:#fff4e5;color:#8a5300}.superseded{background:#fdecea;color:#a31515}
h2{font-size:1rem;margin:1.4rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #ddd;vertical-align:top}
th{width:7em;color:#555;font-weight:normal}
p.note{color:#666;font-size:.85rem;margin-top:1rem}
"""

_ADVICE = {
    MISMATCH: "纸质备案表可能被改动过，或不是最新版本。请向检查单位核实，"
    "也可向优化营商环境部门反映。",
}
_UNKNOWN_ADVICE = (
    "优化营商环境部门没有这份备案的记录。检查应在备案后进行，请向检查单位核实，"
    "也可向优化营商环境部门反映。"
)
_STANDING_ADVICE = {
    RETURNED: "优化营商环境部门已将此备案退回检查单位修改，检查单位尚未重新备案。"
    "此备案表目前不能作为已备案的凭证，请向检查单位核实。",
    SUPERSEDED: "您手中的是第 {revision} 版，检查单位此后已重新备案第 {latest} 版，"
    "这份纸质备案表已不是最新版本，以第 {latest} 版为准。请向检查单位索取最新的备案表，"
    "并核对到场的检查人员。",
}
_CHECK_OFFICERS = "请核对上述检查人员是否与到场人员一致，并查验其执法证件。"
BAD_LINK = "核验链接不完整或有误，请重新扫描备案表上的二维码。"


def render(answer: dict[str, Any], *, extra: str = "", style: str = "") -> str:
    """The page of a QR link; ``extra`` (the enterprise's sections) goes below, with its
    own ``style``."""
    status = answer["status"]
    verdict = status
    if status == MATCH and answer["standing"] != FILED:
        verdict = answer["standing"]  # returned, superseded: not the green headline
    parts = [f'<div class="verdict {escape(verdict)}">{escape(answer["message"])}</div>']
    if status == MATCH:
        advice = _STANDING_ADVICE.get(answer["standing"])
        if advice:
            text = advice.format(revision=answer["revision"], latest=answer["latest_revision"])
            parts.append(f'<p class="note">{escape(text)}</p>')
        parts.append(_table(answer))
        parts.append(f'<p class="note">{escape(_CHECK_OFFICERS)}</p>')
    else:
        advice = _ADVICE.get(status, _UNKNOWN_ADVICE)
        parts.append(f'<p class="note">{escape(advice)}</p>')
    return _page("".join(parts) + extra, style)


def render_code(answer: dict[str, Any]) -> str:
    """The page of a 查询码 look-up: each filing with the code, its latest revision."""
    status = answer["status"]
    parts = [f'<div class="verdict {"match" if status == FOUND else "unknown"}">']
    parts.append(f"{escape(answer['message'])}（{escape(answer['code'])}）</div>")
    for found in answer["filings"]:
        if len(answer["filings"]) > 1:
            parts.append(f"<h2>{escape(found['id'])}</h2>")
        parts.append(_table(found))
    if status == FOUND:
        parts.append(
            '<p class="note">按查询码查到的是最新版次，未核对您手中纸质表的内容；'
            f"扫描备案表上的二维码可核对内容是否一致。{escape(_CHECK_OFFICERS)}</p>"
        )
    else:
        parts.append(f'<p class="note">{escape(_UNKNOWN_ADVICE)}</p>')
    return _page("".join(parts))


def _table(answer: dict[str, Any]) -> str:
    rows = [
        ("查询码", answer["short_code"] or ""),
        ("备案回执", answer["receipt"]),
        ("修订版次", f"第 {answer['revision']} 版"),
        ("备案状态", answer["filing_status_text"]),
    ]
    if answer["standing"] == SUPERSEDED:
        latest = f"第 {answer['latest_revision']} 版（{answer['latest_receipt']}）"
        rows.append(("最新版次", latest))
    rows.append(("检查单位", answer["unit"]))
    if answer["joint_units"]:
        rows.append(("联合单位", "、".join(answer["joint_units"])))
    rows.append(("检查对象", answer["enterprise"]))
    rows.append(("检查日期", answer["inspection_date_text"]))
    for officer in answer["officers"]:
        rows.append((officer["role"], f"{officer['name']}（执法证号：{officer['cert_no']}）"))
    return (
        "<table>"
        + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        + "</table>"
    )


def render_bad_code() -> str:
    return _page(f'<div class="verdict unknown">{escape(BAD_CODE)}</div>')


def render_bad_link() -> str:
    return _page(f'<div class="verdict unknown">{escape(BAD_LINK)}</div>')


def _page(content: str, style: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        "<title>涉企行政执法检查备案核验</title>"
        f"<style>{_STYLE}{style}</style></head><body><main>"
        "<h1>湘潭市涉企行政执法检查备案核验</h1>"
        f"{content}</main></body></html>"
    )
