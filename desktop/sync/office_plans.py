"""Talk to the office outside a sync pass: send the unit's annual plan, and ask whether
other units inspect an enterprise near the same days (for the editor's reminders).

Settings from the store and the token from the keyring, as ``desktop.sync.service``;
never raises for network, keyring or settings trouble: the answer says what happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from desktop import plan_sheet, token_keyring
from desktop.sync.client import NoAnswer, OfficeClient, Unreachable
from desktop.sync.config import ConfigError, OfficeConfig
from forms.record import format_timestamp, now


@dataclass(frozen=True)
class Answer:
    ok: bool
    message: str  # Chinese, for the clerk
    body: Any = None


class NotConnected(Exception):  # noqa: N818 - an answer, not a crash
    pass


@contextmanager
def _client(store: Any) -> Iterator[OfficeClient]:
    try:
        config = OfficeConfig.from_store(store)
    except ConfigError as exc:
        raise NotConnected(str(exc.problem)) from None
    if config is None:
        raise NotConnected("尚未连接优化营商环境部门（beian connect）。")
    try:
        token = token_keyring.load_token(config.url)
    except token_keyring.NoKeyring as exc:
        raise NotConnected(str(exc.problem)) from None
    if not token:
        raise NotConnected("没有本单位的令牌，请先连接优化营商环境部门。")
    with OfficeClient(config, token) as client:
        yield client


def send_plan(store: Any, year: int) -> Answer:
    """PUT the plan kept for ``year``; on success mark it sent."""
    plan = plan_sheet.kept(store, year)
    if plan is None:
        return Answer(False, f"没有 {year} 年度的抽查计划，请先导入（beian plan import）。")
    try:
        with _client(store) as client:
            reply = client.put_plan(year, {"items": plan["items"]})
    except NotConnected as exc:
        return Answer(False, str(exc))
    except (Unreachable, NoAnswer) as exc:
        return Answer(False, f"无法连接优化营商环境部门：{exc}")
    if reply.status != 200 or not reply.is_json_object:
        return Answer(False, reply.office_message() or f"办公室未接受计划（{reply.status}）。")
    plan_sheet.mark_sent(store, year, format_timestamp(now()))
    late = "（3 月 31 日后登记，办公室标记为逾期）" if reply.body.get("late") else ""
    return Answer(
        True, f"已将 {year} 年度抽查计划（{len(plan['items'])} 项）报送办公室{late}。", reply.body
    )


def ask_overlaps(store: Any, *, uscc: str, name: str, start: str, end: str) -> Answer:
    """The office's ``[{"unit", "date"}]`` for the enterprise near these days."""
    try:
        with _client(store) as client:
            reply = client.overlaps(uscc=uscc, name=name, start=start, end=end)
    except NotConnected as exc:
        return Answer(False, str(exc))
    except (Unreachable, NoAnswer) as exc:
        return Answer(False, f"无法连接优化营商环境部门：{exc}")
    body = reply.body if reply.is_json_object else {}
    found = body.get("overlaps") if reply.status == 200 else None
    if not isinstance(found, list):
        return Answer(False, reply.office_message() or f"办公室未能回答（{reply.status}）。")
    clean = [
        {"unit": str(o.get("unit", ""))[:100], "date": str(o.get("date", ""))[:10]}
        for o in found[:50]
        if isinstance(o, dict)
    ]
    return Answer(True, "", clean)
