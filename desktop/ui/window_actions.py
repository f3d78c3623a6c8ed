"""The main window's actions, menus and toolbar, declared as one table.

Each ``ActionSpec`` names an action (``act_<name>`` on the window, ``objectName``), its
text, shortcut, status tip, the window method it runs and when it is enabled. The menus
and the toolbar list action names. ``build`` makes the QActions from the table and
``update_enabled`` applies the enabled-when rules for the filing now shown: adding an
action is one row here and one method on the window.

Texts are translated in the ``MainWindow`` context (``QT_TRANSLATE_NOOP`` marks them for
``lupdate``), where they were before the table existed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar

from desktop.store.api import QUEUED, RETURNED, FilingRow

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

CONTEXT = "MainWindow"

# Enabled-when rules: the filing shown (None: nothing open) → enabled.
EnabledWhen = Callable[[FilingRow | None], bool]


def always(_row: FilingRow | None) -> bool:
    return True


def any_filing(row: FilingRow | None) -> bool:
    return row is not None


def editable(row: FilingRow | None) -> bool:
    return row is not None and row.editable


def returned(row: FilingRow | None) -> bool:
    return row is not None and row.status == RETURNED


def queued(row: FilingRow | None) -> bool:
    return row is not None and row.status == QUEUED


def discardable(row: FilingRow | None) -> bool:
    """A draft never submitted: editable revision 1 (a later revision was returned)."""
    return row is not None and row.editable and row.revision == 1


@dataclass(frozen=True)
class ActionSpec:
    name: str  # window attribute act_<name>; objectName act<Name>
    text: object  # QT_TRANSLATE_NOOP's result: the Chinese source text (CONTEXT)
    handler: str  # the window method run on trigger (dotted: a part's, e.g. dialogs.about)
    shortcut: QKeySequence.StandardKey | str | None = None
    tip: object = ""
    enabled_when: EnabledWhen = always
    args: tuple[object, ...] = ()  # passed to the handler

    @property
    def object_name(self) -> str:
        head, *rest = self.name.split("_")
        return "act" + head.capitalize() + "".join(p.capitalize() for p in rest)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new",
        QT_TRANSLATE_NOOP("MainWindow", "新建"),
        "new_filing",
        QKeySequence.StandardKey.New,
        QT_TRANSLATE_NOOP("MainWindow", "新建一份备案，按本单位设置预先填好单位和带队人员"),
    ),
    ActionSpec(
        "new_similar",
        QT_TRANSLATE_NOOP("MainWindow", "新建类似"),
        "new_similar",
        "Ctrl+Shift+N",
        QT_TRANSLATE_NOOP("MainWindow", "以当前备案为样子新建一份"),
        any_filing,
    ),
    ActionSpec(
        "save",
        QT_TRANSLATE_NOOP("MainWindow", "保存并检查"),
        "save_and_check",
        QKeySequence.StandardKey.Save,
        QT_TRANSLATE_NOOP("MainWindow", "保存并检查整张备案表，显示所有问题"),
        editable,
    ),
    ActionSpec(
        "preview",
        QT_TRANSLATE_NOOP("MainWindow", "预览/打印"),
        "preview",
        QKeySequence.StandardKey.Print,
        QT_TRANSLATE_NOOP("MainWindow", "预览一式三份的备案表，打印或存为 PDF"),
        any_filing,
    ),
    ActionSpec(
        "submit",
        QT_TRANSLATE_NOOP("MainWindow", "提交"),
        "submit",
        None,
        QT_TRANSLATE_NOOP("MainWindow", "检查无误后放入发件箱，联网时发送给优化营商环境部门"),
        editable,
    ),
    ActionSpec(
        "revise",
        QT_TRANSLATE_NOOP("MainWindow", "修改退回的备案"),
        "revise",
        None,
        QT_TRANSLATE_NOOP("MainWindow", "为被退回的备案生成新的版本，改正后重新提交"),
        returned,
    ),
    ActionSpec(
        "unqueue",
        QT_TRANSLATE_NOOP("MainWindow", "撤回提交"),
        "unqueue",
        None,
        QT_TRANSLATE_NOOP("MainWindow", "把尚未发送的备案从发件箱取回，继续修改"),
        queued,
    ),
    ActionSpec(
        "discard",
        QT_TRANSLATE_NOOP("MainWindow", "丢弃草稿…"),
        "discard_draft",
        "Ctrl+Shift+D",
        QT_TRANSLATE_NOOP("MainWindow", "丢弃尚未提交过的草稿：不再列出，历史中留有记录"),
        discardable,
    ),
    ActionSpec(
        "sync",
        QT_TRANSLATE_NOOP("MainWindow", "立即同步"),
        "sync_now",
        "F5",
        QT_TRANSLATE_NOOP("MainWindow", "立即发送发件箱中的备案并取回回执"),
    ),
    ActionSpec(
        "connection",
        QT_TRANSLATE_NOOP("MainWindow", "连接备案办公室…"),
        "open_connection",
        None,
        QT_TRANSLATE_NOOP("MainWindow", "办公室地址、本单位的令牌和根证书"),
    ),
    ActionSpec(
        "settings",
        QT_TRANSLATE_NOOP("MainWindow", "设置…"),
        "dialogs.open_settings",
        "Ctrl+,",
        QT_TRANSLATE_NOOP("MainWindow", "本单位信息、连接、执法证规则、导入"),
    ),
    ActionSpec(
        "import_roster",
        QT_TRANSLATE_NOOP("MainWindow", "导入执法人员名单…"),
        "dialogs.open_import",
        None,
        QT_TRANSLATE_NOOP("MainWindow", "从 CSV 或 Excel 文件导入本单位的执法人员名单"),
        args=("roster",),
    ),
    ActionSpec(
        "import_enterprises",
        QT_TRANSLATE_NOOP("MainWindow", "导入企业名录…"),
        "dialogs.open_import",
        None,
        QT_TRANSLATE_NOOP("MainWindow", "从 CSV 或 Excel 文件导入企业名录"),
        args=("enterprises",),
    ),
    ActionSpec(
        "open_logs",
        QT_TRANSLATE_NOOP("MainWindow", "打开日志文件夹"),
        "dialogs.open_log_folder",
        None,
        QT_TRANSLATE_NOOP("MainWindow", "出错时把日志发给技术支持"),
    ),
    ActionSpec("quit", QT_TRANSLATE_NOOP("MainWindow", "退出"), "close", "Ctrl+Q"),
    ActionSpec("about", QT_TRANSLATE_NOOP("MainWindow", "关于"), "dialogs.about"),
)

SEPARATOR = "-"
# Menu title → action names in order (SEPARATOR: a line).
MENUS: tuple[tuple[object, tuple[str, ...]], ...] = (
    (
        QT_TRANSLATE_NOOP("MainWindow", "文件(&F)"),
        ("new", "new_similar", "save", "preview", SEPARATOR, "quit"),
    ),
    (
        QT_TRANSLATE_NOOP("MainWindow", "备案(&B)"),
        ("submit", "unqueue", "revise", SEPARATOR, "discard", SEPARATOR, "sync"),
    ),
    (
        QT_TRANSLATE_NOOP("MainWindow", "设置(&S)"),
        ("settings", "connection", "import_roster", "import_enterprises"),
    ),
    (QT_TRANSLATE_NOOP("MainWindow", "帮助(&H)"), ("open_logs", "about")),
)
TOOLBAR: tuple[str, ...] = (
    "new",
    "new_similar",
    "save",
    "preview",
    "submit",
    SEPARATOR,
    "sync",
)


def _tr(text: object) -> str:
    return QCoreApplication.translate(CONTEXT, str(text))


def _make(window: QMainWindow, spec: ActionSpec) -> QAction:
    text = _tr(spec.text)
    action = QAction(text, window)
    action.setObjectName(spec.object_name)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if spec.tip:
        action.setStatusTip(_tr(spec.tip))
        shortcut = action.shortcut().toString()
        action.setToolTip(f"{text}（{shortcut}）" if shortcut else text)
    handler: Any = window
    for part in spec.handler.split("."):
        handler = getattr(handler, part)
    args = spec.args
    action.triggered.connect(lambda _checked=False: handler(*args))
    window.addAction(action)
    return action


def build(window: MainWindow) -> dict[str, QAction]:
    """Make every action (as ``window.act_<name>``), the menus and the toolbar."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        actions[spec.name] = _make(window, spec)
        setattr(window, f"act_{spec.name}", actions[spec.name])
    bar = window.menuBar()
    for title, names in MENUS:
        menu = bar.addMenu(_tr(title))
        for name in names:
            if name == SEPARATOR:
                menu.addSeparator()
            else:
                menu.addAction(actions[name])
    toolbar = QToolBar(_tr(QT_TRANSLATE_NOOP("MainWindow", "常用操作")))
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for name in TOOLBAR:
        if name == SEPARATOR:
            toolbar.addSeparator()
        else:
            toolbar.addAction(actions[name])
    window.addToolBar(toolbar)
    window.toolbar = toolbar
    return actions


def update_enabled(actions: dict[str, QAction], row: FilingRow | None) -> None:
    """Apply each action's enabled-when rule to the filing now shown."""
    for spec in ACTIONS:
        actions[spec.name].setEnabled(spec.enabled_when(row))
