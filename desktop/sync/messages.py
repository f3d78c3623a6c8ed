"""Chinese messages the clerk sees about sending and syncing, in one place."""

from __future__ import annotations

import enum


class Code(enum.StrEnum):
    """What a pass needs from the clerk, for callers that word it themselves (the window
    says "open the connection settings", the command line says "run beian connect")."""

    NO_TOKEN = "no_token"
    TOKEN_REJECTED = "token_rejected"


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
