"""The window's wording of the services' problem codes (``desktop.sync.problems``, the
store's ``StoreCode``, a spreadsheet's ``ImportCode``).

For a clerk at the window: it points to the window's buttons and dialogs and never to a
command (the terminal's wording, which may, is ``desktop.sync.messages``). Translatable:
every text goes through ``QCoreApplication.translate`` in the "Wording" context.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from desktop.spreadsheets import ImportCode, ImportFailed
from desktop.store.api import StoreCode, StoreError
from desktop.sync.problems import Code, Problem


def _keyring(p: Problem) -> str:
    reason = p.params.get("reason")
    if reason == "locked":
        first = QCoreApplication.translate(
            "Wording", "系统密钥环已锁定，请先解锁（登录桌面时输入的密码）。"
        )
    elif reason == "unloadable":
        first = QCoreApplication.translate("Wording", "系统密钥环无法加载。")
    elif reason == "error":
        first = QCoreApplication.translate("Wording", "访问系统密钥环时出错。")
    else:
        first = QCoreApplication.translate(
            "Wording", "本机没有可用的系统密钥环（用于安全保存令牌）。"
        )
    return first + QCoreApplication.translate(
        "Wording",
        "本程序不会以明文保存令牌。请让信息中心为本机启用系统密钥环"
        "（Windows 的凭据管理器、macOS 的钥匙串、Linux 的 gnome-keyring 或 KWallet）后重试。",
    )


def _unreachable(p: Problem) -> str:
    if p.params.get("detail") == "timeout":
        return QCoreApplication.translate(
            "Wording",
            "暂时联系不上备案办公室（连接超时）。备案已保留在待发送队列中，网络恢复后会自动发送。",
        )
    return QCoreApplication.translate(
        "Wording",
        "暂时联系不上备案办公室（无法建立连接）。备案已保留在待发送队列中，网络恢复后会自动发送。",
    )


def _no_answer(p: Problem) -> str:
    detail = p.params.get("detail")
    if detail == "timeout":
        why = QCoreApplication.translate("Wording", "等待答复超时")
    elif detail == "interrupted":
        why = QCoreApplication.translate("Wording", "连接中断，答复不完整")
    else:
        why = QCoreApplication.translate("Wording", "网络错误")
    return QCoreApplication.translate(
        "Wording", "没有收到备案办公室的完整答复（%1）。稍后会用同一修订号重新发送，不会重复备案。"
    ).replace("%1", why)


def _office_words(p: Problem) -> str:
    """The office's own message (e.g. 503: its disk is full), already worded for the clerk."""
    office = p.params.get("office")
    return office if isinstance(office, str) else ""


def _refused(p: Problem) -> str:
    office = p.params.get("office")
    if isinstance(office, str) and office:
        return office  # the office's own words, already for the clerk
    status = p.params.get("status")
    if status == 403:
        return QCoreApplication.translate(
            "Wording", "这份备案的牵头单位与本单位令牌不符，办公室拒收。请核对“牵头执法单位”。"
        )
    if status == 409:
        return QCoreApplication.translate(
            "Wording", "办公室已收到同一修订号但内容不同的备案，拒收。请联系办公室核对。"
        )
    if status == 413:
        return QCoreApplication.translate(
            "Wording", "备案内容过大，办公室拒收。请精简检查内容等文字后重新提交。"
        )
    if status == 400:
        return QCoreApplication.translate("Wording", "备案办公室无法读取这份备案（格式不正确）。")
    return QCoreApplication.translate("Wording", "备案办公室检查发现错误，拒收。请修改后重新提交。")


def _fill(text: str, p: Problem, *names: str) -> str:
    for i, name in enumerate(names, 1):
        text = text.replace(f"%{i}", str(p.params.get(name, "")))
    return text


_WINDOW: dict[Code, Callable[[Problem], str]] = {
    Code.NO_OFFICE: lambda p: QCoreApplication.translate(
        "Wording", "尚未设置备案办公室地址。请点“设置”，填写办公室地址和令牌。"
    ),
    Code.NO_TOKEN: lambda p: QCoreApplication.translate(
        "Wording", "尚未保存本单位的令牌。请向优化营商环境办公室索取令牌，点“输入令牌…”保存。"
    ),
    Code.NO_KEYRING: _keyring,
    Code.URL_MISSING: lambda p: QCoreApplication.translate(
        "Wording", "请填写备案办公室的地址，如 https://beian.example.gov.cn"
    ),
    Code.URL_INVALID: lambda p: _fill(
        QCoreApplication.translate("Wording", "办公室地址无效：%1"), p, "value"
    ),
    Code.URL_SCHEME: lambda p: QCoreApplication.translate(
        "Wording", "办公室地址应以 https:// 或 http:// 开头。"
    ),
    Code.URL_NO_HOST: lambda p: _fill(
        QCoreApplication.translate("Wording", "办公室地址缺少主机名：%1"), p, "value"
    ),
    Code.URL_CREDENTIALS: lambda p: QCoreApplication.translate(
        "Wording", "办公室地址中不能包含用户名或密码；令牌请填在“令牌”一栏。"
    ),
    Code.URL_QUERY: lambda p: QCoreApplication.translate(
        "Wording", "办公室地址不应包含“?”或“#”后面的部分。"
    ),
    Code.TIMEOUT_RANGE: lambda p: QCoreApplication.translate(
        "Wording", "等待答复的时间应在 0.1 到 600 秒之间。"
    ),
    Code.CA_FILE_BAD: lambda p: _fill(
        QCoreApplication.translate("Wording", "无法读取根证书文件 %1：%2"), p, "path", "detail"
    ),
    Code.TOKEN_MISSING: lambda p: QCoreApplication.translate("Wording", "请填写办公室发放的令牌。"),
    Code.TOKEN_MALFORMED: lambda p: QCoreApplication.translate(
        "Wording", "填写的内容不像令牌（含有空白或不可打印字符，或过长），请核对后重试。"
    ),
    Code.SYNC_BUSY: lambda p: QCoreApplication.translate(
        "Wording", "另一个同步正在进行，请稍候再试。"
    ),
    Code.UNREACHABLE: _unreachable,
    Code.CERT_FAILED: lambda p: _fill(
        QCoreApplication.translate(
            "Wording",
            "无法验证备案办公室的 HTTPS 证书（%1）。请核对地址；如单位内网使用自己的证书，"
            "请向信息中心索取根证书文件，在“设置”中选择它。",
        ),
        p,
        "detail",
    ),
    Code.NO_ANSWER: _no_answer,
    Code.NOT_AN_OFFICE: lambda p: _fill(
        QCoreApplication.translate(
            "Wording", "该地址的答复不像备案办公室（HTTP %1），请核对办公室地址。"
        ),
        p,
        "status",
    ),
    Code.BAD_ANSWER: lambda p: _fill(
        QCoreApplication.translate(
            "Wording", "备案办公室的答复无法识别（HTTP %1）。稍后会自动重试，不会重复备案。"
        ),
        p,
        "status",
    ),
    Code.TOO_MANY_CHANGES: lambda p: QCoreApplication.translate(
        "Wording", "备案办公室发来的变更过多，无法识别。稍后会自动重试，不会重复备案。"
    ),
    Code.SERVER_BUSY: lambda p: (
        _office_words(p)
        or _fill(
            QCoreApplication.translate(
                "Wording", "备案办公室暂时无法处理（HTTP %1）。稍后会自动重试。"
            ),
            p,
            "status",
        )
    ),
    Code.TOKEN_REJECTED: lambda p: QCoreApplication.translate(
        "Wording",
        "备案办公室不认可本单位的令牌（可能已被收回或输入有误）。"
        "请向优化营商环境办公室索取新的令牌，点“输入令牌…”保存。待发送的备案会继续保留。",
    ),
    Code.CONNECTED: lambda p: QCoreApplication.translate(
        "Wording", "已连接：办公室可以访问，令牌有效。待发送的备案会自动发送。"
    ),
    Code.REFUSED: _refused,
    Code.CLOCK_SKEW: lambda p: _fill(
        QCoreApplication.translate(
            "Wording",
            "本机时钟与备案办公室相差约 %1 分钟。备案时间以办公室为准，"
            "请校准本机时间（Windows：设置 → 时间和语言 → 立即同步）。",
        ),
        p,
        "minutes",
    ),
    Code.OFFICE_TIME_UNREADABLE: lambda p: QCoreApplication.translate(
        "Wording", "办公室答复的时间无法识别，未比较时钟。"
    ),
    Code.BAD_REFERENCE: lambda p: _fill(
        QCoreApplication.translate(
            "Wording", "办公室下发的基础数据无法使用（%1），已忽略，继续使用原有数据。"
        ),
        p,
        "detail",
    ),
    Code.STORE: lambda p: str(p.params.get("text", "")),
}


def text(problem: Problem) -> str:
    """``problem`` worded for the window."""
    return _WINDOW[problem.code](problem)


_STORE: dict[StoreCode, Callable[[], str]] = {
    StoreCode.DISK_FULL: lambda: QCoreApplication.translate(
        "Wording",
        "磁盘空间不足，刚才的修改没有保存（之前保存的内容都还在）。"
        "请清理磁盘或把数据文件夹移到空间充足的磁盘后再试。",
    ),
    StoreCode.READ_ONLY: lambda: QCoreApplication.translate(
        "Wording",
        "数据文件夹是只读的，刚才的修改没有保存（之前保存的内容都还在）。"
        "请检查数据文件夹的权限，或确认磁盘没有被设为只读后再试。",
    ),
    StoreCode.IO_ERROR: lambda: QCoreApplication.translate(
        "Wording",
        "写入数据文件时出错（磁盘故障、空间不足或文件被其他程序锁定），刚才的修改没有保存"
        "（之前保存的内容都还在）。请检查磁盘后再试。",
    ),
    StoreCode.BUSY: lambda: QCoreApplication.translate(
        "Wording", "数据文件正被另一个程序占用，刚才的修改没有保存。请稍后再试。"
    ),
    StoreCode.DAMAGED: lambda: QCoreApplication.translate(
        "Wording", "数据文件已损坏，无法继续读写。请关闭程序后重新打开，按提示从备份恢复。"
    ),
    StoreCode.CLOSED: lambda: QCoreApplication.translate(
        "Wording", "数据文件已经关闭。请重新打开程序。"
    ),
    StoreCode.NOT_FOUND: lambda: QCoreApplication.translate(
        "Wording", "没有找到这份备案表，可能已被删除或数据文件已更换。"
    ),
}


def store_text(exc: StoreError) -> str:
    """A failed store call worded for the window (by its code; a rule of the store's
    own, ``StoreCode.OTHER``, by the store's message)."""
    words = _STORE.get(getattr(exc, "code", StoreCode.OTHER))
    return words() if words is not None else str(exc)


def _import_fill(text: str, params: dict, *names: str) -> str:
    for i, name in enumerate(names, 1):
        text = text.replace(f"%{i}", str(params.get(name, "")))
    return text


_IMPORT: dict[ImportCode, Callable[[dict], str]] = {
    ImportCode.NOT_FOUND: lambda p: _import_fill(
        QCoreApplication.translate("Wording", "找不到文件：%1。请重新选择文件。"), p, "path"
    ),
    ImportCode.IS_FOLDER: lambda p: _import_fill(
        QCoreApplication.translate("Wording", "这是一个文件夹，不是文件：%1。请选择一个表格文件。"),
        p,
        "path",
    ),
    ImportCode.UNREADABLE: lambda p: _import_fill(
        QCoreApplication.translate(
            "Wording", "无法读取文件（%1）。请确认文件没有被其他程序占用后重新选择。"
        ),
        p,
        "reason",
    ),
    ImportCode.FILE_TOO_BIG: lambda p: _import_fill(
        QCoreApplication.translate(
            "Wording", "文件过大（超过 %1 MB），无法导入。请拆分后分批导入。"
        ),
        p,
        "mb",
    ),
    ImportCode.OLD_XLS: lambda p: QCoreApplication.translate(
        "Wording",
        "这是旧版 Excel 文件（.xls），无法直接导入。"
        "请在 Excel 中“另存为”Excel 工作簿（.xlsx）或 CSV UTF-8 后再选择它。",
    ),
    ImportCode.ENCODING: lambda p: QCoreApplication.translate(
        "Wording",
        "无法识别文件的文字编码。"
        "请在 Excel 中“另存为”CSV UTF-8 或 Excel 工作簿（.xlsx）后再选择它。",
    ),
    ImportCode.NOT_TEXT: lambda p: QCoreApplication.translate(
        "Wording", "这不是文本格式的 CSV 文件。请选择 CSV 或 Excel 工作簿（.xlsx）文件。"
    ),
    ImportCode.CSV_MALFORMED: lambda p: _import_fill(
        QCoreApplication.translate(
            "Wording", "CSV 文件格式有误（%1）。请在 Excel 中重新另存为 CSV 后再选择它。"
        ),
        p,
        "detail",
    ),
    ImportCode.TOO_MANY_ROWS: lambda p: _import_fill(
        QCoreApplication.translate("Wording", "工作表超过 %1 行，无法导入。请拆分后分批导入。")
        if p.get("part") == "sheet"
        else QCoreApplication.translate("Wording", "文件超过 %1 行，无法导入。请拆分后分批导入。"),
        p,
        "rows",
    ),
    ImportCode.TOO_LARGE: lambda p: _import_fill(
        QCoreApplication.translate(
            "Wording", "文件内容过多，无法导入：%1。请删去多余的内容或拆分后分批导入。"
        ),
        p,
        "what",
    ),
    ImportCode.XLSX_UNREADABLE: lambda p: QCoreApplication.translate(
        "Wording",
        "无法打开这个 Excel 文件，文件可能已损坏或有密码保护。"
        "请在 Excel 中打开后另存为 .xlsx 或 CSV UTF-8，再选择它。",
    ),
    ImportCode.NO_HEADER: lambda p: _import_fill(
        QCoreApplication.translate(
            "Wording",
            "没有找到表头：文件前 %1 行中应有一行包含 %2 这几列（列名可以是常见的同义说法）。",
        ),
        p,
        "rows",
        "columns",
    ),
}


def stored_text(coded: dict | None, text: str | None) -> str:
    """A problem the store kept (``last_problem`` beside ``last_error``) worded for the
    window; the stored text when only text was kept (older versions) or the code is unknown."""
    problem = Problem.from_stored(coded)
    return _WINDOW[problem.code](problem) if problem is not None else (text or "")


def import_text(exc: ImportFailed) -> str:
    """A spreadsheet that cannot be read, worded for the import dialog."""
    return _IMPORT[exc.code](exc.params)
