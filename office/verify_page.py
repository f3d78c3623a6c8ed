"""The verification page as HTML: one small self-contained page in Chinese, readable on
a phone, with every value escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from office.verify import MATCH, MISMATCH

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;
background:#f5f5f5;color:#222}
main{max-width:34rem;margin:0 auto;padding:1.2rem}
h1{font-size:1.1rem;color:#555;margin:0 0 1rem}
.verdict{font-size:1.35rem;font-weight:bold;padding:1rem;border-radius:.4rem;margin-bottom:1rem}
.match{background:#e6f4ea;color:#1e6b34}.mismatch{background:#fdecea;color:#a31515}
.unknown{background:#fff4e5;color:#8a5300}
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
BAD_LINK = "核验链接不完整或有误，请重新扫描备案表上的二维码。"


def render(answer: dict[str, Any]) -> str:
    status = answer["status"]
    parts = [f'<div class="verdict {escape(status)}">{escape(answer["message"])}</div>']
    if status == MATCH:
        rows = [("备案回执", answer["receipt"]), ("备案状态", answer["filing_status_text"])]
        rows.append(("检查单位", answer["unit"]))
        if answer["joint_units"]:
            rows.append(("联合单位", "、".join(answer["joint_units"])))
        rows.append(("检查对象", answer["enterprise"]))
        rows.append(("检查日期", answer["inspection_date_text"]))
        for officer in answer["officers"]:
            rows.append((officer["role"], f"{officer['name']}（执法证号：{officer['cert_no']}）"))
        parts.append(
            "<table>"
            + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
            + "</table>"
        )
        parts.append('<p class="note">请核对上述检查人员是否与到场人员一致，并查验其执法证件。</p>')
    else:
        advice = _ADVICE.get(status, _UNKNOWN_ADVICE)
        parts.append(f'<p class="note">{escape(advice)}</p>')
    return _page("".join(parts))


def render_bad_link() -> str:
    return _page(f'<div class="verdict unknown">{escape(BAD_LINK)}</div>')


def _page(content: str) -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        "<title>涉企行政执法检查备案核验</title>"
        f"<style>{_STYLE}</style></head><body><main>"
        "<h1>湘潭市涉企行政执法检查备案核验</h1>"
        f"{content}</main></body></html>"
    )
