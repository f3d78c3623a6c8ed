"""The enterprise's part of the verification page: 扫码留痕, the evaluation form, the
complaint's state and reply, and the enterprise's rights — plain HTML forms that work
without JavaScript (the page's CSP allows none), laid out for a 390 px phone first."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from forms.record import SHANGHAI, parse_timestamp
from office.enterprise import feedback

STYLE = """
section{background:#fff;border-radius:.4rem;padding:1rem;margin:1.2rem 0}
section h2{margin-top:0}
label.field{display:block;margin:.8rem 0 .3rem;font-weight:bold}
input[type=datetime-local],input[type=text],textarea{box-sizing:border-box;width:100%;
font-size:1rem;padding:.6rem;min-height:2.9rem;border:1px solid #999;border-radius:.3rem;
font-family:inherit}
textarea{min-height:6rem}
fieldset{border:0;margin:.8rem 0 0;padding:0;min-width:0}
legend{font-weight:bold;padding:0;margin-bottom:.3rem}
.choices{display:flex;flex-wrap:wrap;gap:.4rem}
.choices label{flex:1 1 auto;white-space:nowrap;display:flex;
align-items:center;justify-content:center;
min-height:2.9rem;border:1px solid #999;border-radius:.3rem;background:#fafafa;
padding:0 .3rem;cursor:pointer}
.choices input{width:1.2rem;height:1.2rem;margin:0 .3rem 0 0}
.check{display:flex;align-items:center;min-height:2.9rem;margin-top:.6rem}
.check input{width:1.3rem;height:1.3rem;margin:0 .5rem 0 0}
button{display:block;width:100%;min-height:3rem;margin-top:1rem;font-size:1.05rem;
border:0;border-radius:.3rem;background:#1f5fa8;color:#fff;font-family:inherit}
.ok{background:#e6f4ea;color:#1e6b34;padding:.7rem;border-radius:.3rem}
.error{background:#fdecea;color:#a31515;padding:.7rem;border-radius:.3rem}
.flag{color:#a31515}
.reply{border-left:4px solid #1f5fa8;padding:.4rem .7rem;background:#f0f5fb}
ul{padding-left:1.2rem;margin:.4rem 0}li{margin:.3rem 0}
"""

# From the source document (湘潭市涉企行政执法检查备案制度): what every enterprise may
# rely on when inspectors come.
RIGHTS = (
    "行政执法部门入企检查前，须事先填写《湘潭市涉企行政执法检查备案表》并报优化营商环境部门备案；"
    "原则上未经备案的涉企行政检查不得开展。",
    "实施行政执法检查不得影响企业的正常生产经营，不得要求企业主要负责人陪同。",
    "各级行政执法部门、优化营商环境部门设立执法检查投诉举报渠道，企业可以投诉举报。",
)
PRIVACY = "您的评价和投诉只由优化营商环境部门查看，不会告知检查单位。"
OK_TEXT = {
    "visit": "已记录检查人员到场和离开的时间。",
    "evaluation": "已收到您的评价，谢谢。",
}


def _now_local(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _local(stamp: str | None) -> str:
    if not stamp:
        return ""
    return parse_timestamp(stamp).astimezone(SHANGHAI).strftime("%Y年%m月%d日 %H:%M")


def action_url(filing_id: str, what: str) -> str:
    return f"/verify/{quote(filing_id, safe='')}/{what}"


def page_url(filing_id: str, revision: int, digest: str, ok: str | None = None) -> str:
    query = {"r": str(revision), "d": digest, **({"ok": ok} if ok else {})}
    anchor = {"visit": "#visit", "evaluation": "#evaluate"}.get(ok or "", "")
    return f"/verify/{quote(filing_id, safe='')}?{urlencode(query)}{anchor}"


def sections(
    answer: dict[str, Any],
    link: feedback.Link | None,
    *,
    at: datetime,
    visits: list[dict[str, Any]],
    evaluation: dict[str, Any] | None,
    contact: str,
    ok: str | None = None,
    error: tuple[str, str] | None = None,  # (which form, message)
    typed: dict[str, str] | None = None,
) -> str:
    """The sections below the verdict. The forms only when the link holds."""
    parts = []
    if link is not None and answer.get("status") == "match":
        parts.append(_visit_section(link, at, visits, ok, error, typed))
        parts.append(_evaluation_section(link, at, evaluation, ok, error, typed))
    parts.append(_rights_section(contact))
    return "".join(parts)


def _hidden(link: feedback.Link) -> str:
    return (
        f'<input type="hidden" name="r" value="{link.revision}">'
        f'<input type="hidden" name="d" value="{escape(link.digest)}">'
    )


def _notice(which: str, ok: str | None, error: tuple[str, str] | None) -> str:
    if error is not None and error[0] == which:
        return f'<p class="error" role="alert">{escape(error[1])}</p>'
    if ok == which:
        return f'<p class="ok" role="status">{escape(OK_TEXT[which])}</p>'
    return ""


def _visit_section(
    link: feedback.Link,
    at: datetime,
    visits: list[dict[str, Any]],
    ok: str | None,
    error: tuple[str, str] | None,
    typed: dict[str, str] | None,
) -> str:
    typed = typed if error is not None and error[0] == "visit" else None
    now_value = _now_local(at)
    arrived = (typed or {}).get("arrived_at", now_value)
    left = (typed or {}).get("left_at", now_value)
    recorded = "".join(
        f"<li>到场 {escape(_local(v['arrived_at']))}"
        + (f"，离开 {escape(_local(v['left_at']))}" if v["left_at"] else "")
        + "</li>"
        for v in visits
    )
    return (
        '<section id="visit"><h2>扫码留痕：确认检查人员到场</h2>'
        + _notice("visit", ok, error)
        + (f"<p>已记录：</p><ul>{recorded}</ul>" if recorded else "")
        + f'<form method="post" action="{escape(action_url(link.id, "visit"))}">'
        + _hidden(link)
        + '<label class="field" for="arrived_at">到场时间</label>'
        + f'<input type="datetime-local" id="arrived_at" name="arrived_at" required '
        f'value="{escape(arrived)}">'
        + '<label class="field" for="left_at">离开时间（尚未离开可清空）</label>'
        + f'<input type="datetime-local" id="left_at" name="left_at" value="{escape(left)}">'
        + '<button type="submit">确认到场和离开</button></form></section>'
    )


def _choices(name: str, options: list[tuple[str, str]], chosen: str | None) -> str:
    return (
        '<div class="choices">'
        + "".join(
            f'<label><input type="radio" name="{name}" value="{escape(value)}" required'
            + (" checked" if chosen == value else "")
            + f">{escape(text)}</label>"
            for value, text in options
        )
        + "</div>"
    )


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _evaluation_section(
    link: feedback.Link,
    at: datetime,
    evaluation: dict[str, Any] | None,
    ok: str | None,
    error: tuple[str, str] | None,
    typed: dict[str, str] | None,
) -> str:
    parts = ['<section id="evaluate"><h2>评价本次检查</h2>', _notice("evaluation", ok, error)]
    editable = True
    if evaluation is not None:
        parts.append(_your_evaluation(evaluation))
        editable = parse_timestamp(evaluation["editable_until"]) >= at and (
            evaluation["complaint_state"] in (None, feedback.RECEIVED)
        )
    if not editable:
        parts.append("<p>评价已不能修改。如需补充，请直接联系优化营商环境部门（见下方）。</p>")
        parts.append("</section>")
        return "".join(parts)
    if typed is None or error is None or error[0] != "evaluation":
        given = evaluation or {}
        typed = {
            "satisfaction": str(given.get("satisfaction", "")),
            "disrupted": _yes_no(given.get("disrupted")) or "",
            "principal_required": _yes_no(given.get("principal_required")) or "",
            "text": given.get("text", ""),
            "complaint": "on" if given.get("complaint") else "",
            "contact": given.get("contact", ""),
        }
    if evaluation is not None:
        until = _local(evaluation["editable_until"])
        parts.append(f"<p>可在 {escape(until)} 前修改，修改后以新的评价为准。</p>")
    levels = [(str(n), feedback.SATISFACTION_TEXT[n]) for n in (5, 4, 3, 2, 1)]
    yes_no = [("yes", "是"), ("no", "否")]
    parts += [
        f'<form method="post" action="{escape(action_url(link.id, "evaluation"))}">',
        _hidden(link),
        "<fieldset><legend>满意度</legend>",
        _choices("satisfaction", levels, typed.get("satisfaction")),
        "</fieldset><fieldset><legend>是否影响正常生产经营</legend>",
        _choices("disrupted", yes_no, typed.get("disrupted")),
        "</fieldset><fieldset><legend>是否要求主要负责人陪同</legend>",
        _choices("principal_required", yes_no, typed.get("principal_required")),
        "</fieldset>",
        f'<label class="field" for="text">意见或投诉（最多 {feedback.MAX_TEXT} 字）</label>',
        f'<textarea id="text" name="text" maxlength="{feedback.MAX_TEXT}">'
        f"{escape(typed.get('text', ''))}</textarea>",
        '<label class="check"><input type="checkbox" name="complaint" value="on"'
        + (" checked" if typed.get("complaint") else "")
        + ">这是投诉，请优化营商环境部门处理并答复</label>",
        f'<label class="field" for="contact">联系方式（投诉时可留，供回电；最多 '
        f"{feedback.MAX_CONTACT} 字）</label>",
        f'<input type="text" id="contact" name="contact" maxlength="{feedback.MAX_CONTACT}" '
        f'autocomplete="tel" value="{escape(typed.get("contact", ""))}">',
        '<button type="submit">提交评价</button></form>',
        f'<p class="note">{escape(PRIVACY)}</p></section>',
    ]
    return "".join(parts)


def _your_evaluation(evaluation: dict[str, Any]) -> str:
    rows = [
        ("满意度", feedback.SATISFACTION_TEXT[evaluation["satisfaction"]]),
        ("影响生产经营", "是" if evaluation["disrupted"] else "否"),
        ("要求负责人陪同", "是" if evaluation["principal_required"] else "否"),
    ]
    if evaluation["text"]:
        rows.append(("意见或投诉", evaluation["text"]))
    rows.append(("提交时间", _local(evaluation["at"])))
    if evaluation["complaint"]:
        rows.append(("投诉办理", evaluation["complaint_state_text"]))
    out = (
        "<p>您的评价：</p><table>"
        + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        + "</table>"
    )
    if evaluation["reply"]:
        out += (
            f"<p><b>优化营商环境部门的答复</b>（{escape(_local(evaluation['replied_at']))}）：</p>"
            f'<p class="reply">{escape(evaluation["reply"])}</p>'
        )
    return out


def _rights_section(contact: str) -> str:
    how = (
        f"也可以直接向优化营商环境部门投诉：{contact}"
        if contact
        else "也可以直接向所在地的市县两级优化营商环境部门投诉。"
    )
    return (
        '<section id="rights"><h2>您的权利</h2><ul>'
        + "".join(f"<li>{escape(line)}</li>" for line in RIGHTS)
        + f"</ul><p>{escape(how)}</p></section>"
    )
