"""The terminal's wording of sync problems (``beian`` and the record: the last error kept
in the store, the log). It may name commands. The window words the same codes itself
(``desktop.ui.wording``); see ``desktop.sync.problems``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from desktop.sync.problems import Code, Problem

NO_OFFICE = (
    "尚未设置备案办公室地址。"
    "请先运行 beian connect --url 地址 --token-stdin，或在程序的“设置”中填写。"
)
NO_TOKEN = "尚未保存本单位的令牌。请向优化营商环境办公室索取令牌，再运行 beian connect 保存。"
TOKEN_REJECTED = (
    "办公室不认可本单位的令牌（可能已被收回或输入有误）。"
    "请向优化营商环境办公室索取新的令牌，再运行 beian connect 重新保存；待发送的备案会继续保留。"
)
UNREACHABLE = "暂时联系不上备案办公室（{detail}）。备案已保留在待发送队列中，网络恢复后会自动发送。"
NO_ANSWER = "没有收到备案办公室的完整答复（{detail}）。稍后会用同一修订号重新发送，不会重复备案。"
BAD_ANSWER = "备案办公室的答复无法识别（HTTP {status}）。稍后会自动重试，不会重复备案。"
SERVER_BUSY = "备案办公室暂时无法处理（HTTP {status}）。稍后会自动重试。"
NOT_AN_OFFICE = "该地址的答复不像备案办公室（{detail}），请核对办公室地址。"
CERT_FAILED = (
    "无法验证备案办公室的 HTTPS 证书（{detail}）。请核对地址；如单位内网使用自己的证书，"
    "请向信息中心索取根证书文件，并用 beian connect --ca-file 文件 设置。"
)
CA_FILE_BAD = "无法读取根证书文件 {path}：{detail}"
CLOCK_SKEW = (
    "本机时钟与备案办公室相差约 {minutes} 分钟。备案时间以办公室为准，"
    "请校准本机时间（Windows：设置 → 时间和语言 → 立即同步）。"
)
REFUSED_DEFAULT = {
    400: "备案办公室无法读取这份备案（格式不正确）。",
    403: "这份备案的牵头单位与本单位令牌不符，办公室拒收。请核对“牵头执法单位”。",
    409: "办公室已收到同一修订号但内容不同的备案，拒收。请联系办公室核对。",
    413: "备案内容过大，办公室拒收。请精简检查内容等文字后重新提交。",
    422: "备案办公室检查发现错误，拒收。请修改后重新提交。",
}
BAD_REFERENCE = "办公室下发的基础数据无法使用（{detail}），已忽略，继续使用原有数据。"
SYNC_BUSY = "另一个同步正在进行，请稍候再试。"
CONNECTED = "已连接：办公室可以访问，令牌有效。待发送的备案会自动发送。"

_UNREACHABLE_DETAIL = {"timeout": "连接超时", "no_connection": "无法建立连接"}
_NO_ANSWER_DETAIL = {
    "timeout": "等待答复超时",
    "interrupted": "连接中断，答复不完整",
    "network": "网络错误",
}
_KEYRING_REASON = {
    "unloadable": "系统密钥环无法加载。",
    "locked": "系统密钥环已锁定，请先解锁。",
    "error": "访问系统密钥环时出错。",
}
_NO_KEYRING = "本机没有可用的系统密钥环（用于安全保存令牌）。"


def how_to_get_a_keyring() -> str:
    if sys.platform.startswith("win"):
        return (
            "Windows 自带“凭据管理器”，通常无需设置；"
            "请确认是以正常用户身份登录的桌面会话，并且 Credential Manager 服务未被禁用。"
        )
    if sys.platform == "darwin":
        return "请登录 macOS 桌面会话并解锁“钥匙串访问”中的登录钥匙串。"
    return (
        "Linux 上请安装并启动密钥服务：GNOME/统信/麒麟桌面安装 gnome-keyring"
        "（如 sudo apt install gnome-keyring），KDE 桌面使用 KWallet；"
        "然后在桌面会话中登录并解锁密钥环后重试。"
    )


def _office_words(p: Problem) -> str:
    """The office's own message (already Chinese, for the clerk), when it sent one."""
    office = p.params.get("office")
    return office if isinstance(office, str) else ""


def _refused(p: Problem) -> str:
    office = p.params.get("office")
    if isinstance(office, str) and office:
        return office
    return REFUSED_DEFAULT.get(int(p.params.get("status", 422)), REFUSED_DEFAULT[422])


def _no_keyring(p: Problem) -> str:
    reason = _KEYRING_REASON.get(str(p.params.get("reason")), _NO_KEYRING)
    return f"{reason}本程序不会以明文保存令牌。{how_to_get_a_keyring()}"


_TERMINAL: dict[Code, Callable[[Problem], str]] = {
    Code.NO_OFFICE: lambda p: NO_OFFICE,
    Code.NO_TOKEN: lambda p: NO_TOKEN,
    Code.NO_KEYRING: _no_keyring,
    Code.URL_MISSING: lambda p: "请填写备案办公室的地址，如 https://beian.example.gov.cn",
    Code.URL_INVALID: lambda p: f"办公室地址无效：{p.params.get('value', '')}",
    Code.URL_SCHEME: lambda p: "办公室地址应以 https:// 或 http:// 开头。",
    Code.URL_NO_HOST: lambda p: f"办公室地址缺少主机名：{p.params.get('value', '')}",
    Code.URL_CREDENTIALS: lambda p: (
        "办公室地址中不能包含用户名或密码；令牌请用 --token-stdin 输入。"
    ),
    Code.URL_QUERY: lambda p: "办公室地址不应包含“?”或“#”后面的部分。",
    Code.TIMEOUT_RANGE: lambda p: "等待答复的时间应在 0.1 到 600 秒之间。",
    Code.CA_FILE_BAD: lambda p: CA_FILE_BAD.format(**p.params),
    Code.TOKEN_MISSING: lambda p: "没有收到令牌：请把办公室发放的令牌从标准输入传入。",
    Code.TOKEN_MALFORMED: lambda p: (
        "收到的内容不像令牌（含有空白或不可打印字符，或过长），请核对后重试。"
    ),
    Code.SYNC_BUSY: lambda p: SYNC_BUSY,
    Code.UNREACHABLE: lambda p: UNREACHABLE.format(
        detail=_UNREACHABLE_DETAIL.get(str(p.params.get("detail")), "无法建立连接")
    ),
    Code.CERT_FAILED: lambda p: CERT_FAILED.format(detail=p.params.get("detail", "证书无效")),
    Code.NO_ANSWER: lambda p: NO_ANSWER.format(
        detail=_NO_ANSWER_DETAIL.get(str(p.params.get("detail")), "网络错误")
    ),
    Code.NOT_AN_OFFICE: lambda p: NOT_AN_OFFICE.format(
        detail=f"/health 返回 HTTP {p.params.get('status', '')}"
    ),
    Code.BAD_ANSWER: lambda p: BAD_ANSWER.format(status=p.params.get("status", "")),
    Code.TOO_MANY_CHANGES: lambda p: BAD_ANSWER.format(status="（变更过多）"),
    Code.SERVER_BUSY: lambda p: (
        _office_words(p) or SERVER_BUSY.format(status=p.params.get("status", ""))
    ),
    Code.TOKEN_REJECTED: lambda p: TOKEN_REJECTED,
    Code.CONNECTED: lambda p: CONNECTED,
    Code.REFUSED: _refused,
    Code.CLOCK_SKEW: lambda p: CLOCK_SKEW.format(minutes=p.params.get("minutes", "")),
    Code.OFFICE_TIME_UNREADABLE: lambda p: "办公室答复的时间无法识别，未比较时钟。",
    Code.BAD_REFERENCE: lambda p: BAD_REFERENCE.format(detail=p.params.get("detail", "")),
    Code.STORE: lambda p: str(p.params.get("text", "")),
}


def terminal(problem: Problem) -> str:
    """``problem`` worded for a terminal (and for the record)."""
    return _TERMINAL[problem.code](problem)
