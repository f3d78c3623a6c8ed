"""Settings: the unit profile, the office connection, certificate rules, imports, language.

Everything is kept in the store (profile and meta keys); nothing is saved until the clerk
presses 保存, and nothing invalid is saved: the dialog says what to fix and stays open.
The office connection is the exception: its tab only shows it, and 更改连接… opens the
connection dialog, which saves address, CA file and token together through
``desktop.sync.connect.save_settings`` (so the address and the token in the keyring never
disagree).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.store import settings_registry as settings
from desktop.store.api import StoreError, UnitProfile
from desktop.ui import i18n, style
from desktop.ui.errors import show_error
from desktop.ui.form_helpers import add_row, tidy_form
from forms.certificates import CertRules, default_cert_rules
from forms.definition import load_definition

if TYPE_CHECKING:
    from desktop.ui.connection_dialog import ConnectionDialog

log = logging.getLogger(__name__)

# Certificate rules live in the store's reference data, where the office's rules arrive
# too: the rules edited here apply everywhere (window and ``beian validate``) until the
# office sends newer ones.
REFERENCE_CERT_RULES = "cert_rules"

LEADER_FIELDS = ("name", "title", "phone", "cert_no")


def check_cert_rules(text: str) -> tuple[dict | None, str]:
    """(rules as a dict, or None; problem in Chinese or "")."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}"
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return None, "规则应是一个对象，其中“rules”是规则列表。"
    try:
        rules = CertRules.from_dict(data)
    except KeyError as exc:
        return (
            None,
            f"有一条规则缺少“{exc.args[0]}”。每条规则需要 kind、pattern、min_length、max_length。",
        )
    except (TypeError, ValueError) as exc:
        return None, f"规则有误：{exc}"
    except re.error as exc:
        return None, f"规则中的格式（pattern）有误：{exc}"
    return rules.to_dict(), ""


class SettingsDialog(QDialog):
    connectionSaved = Signal()  # noqa: N815 - the connection dialog saved new settings
    connectionChecked = Signal(object)  # noqa: N815 - desktop.sync.connect.Check

    def __init__(
        self, store, parent: QWidget | None = None, *, data_dir: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.data_dir = Path(data_dir) if data_dir is not None else store.data_dir
        self.connection_dialog: ConnectionDialog | None = None
        self.setWindowTitle(self.tr("设置"))
        self.setObjectName("settingsDialog")

        self.tabs = QTabWidget()
        self.tabs.addTab(self._unit_tab(), self.tr("本单位"))
        self.tabs.addTab(self._office_tab(), self.tr("连接"))
        self.tabs.addTab(self._rules_tab(), self.tr("执法证规则"))
        self.tabs.addTab(self._imports_tab(), self.tr("导入"))
        self.tabs.addTab(self._language_tab(), self.tr("界面"))

        self.problem = QLabel()
        self.problem.setObjectName("settingsProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(style.ERROR_TEXT)
        self.problem.hide()

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("saveSettings")
        cancel = buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.save_button, cancel):
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.load()
        em = self.fontMetrics().horizontalAdvance("中")
        self.resize(em * 44, em * 34)

    # --- tabs -----------------------------------------------------------------------------
    def _unit_tab(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = tidy_form(QFormLayout())
        outer.addLayout(form)
        outer.addStretch(1)  # spare height below the fields, not between them
        self.unit_name = QLineEdit()
        self.unit_name.setPlaceholderText(self.tr("如：湘潭市市场监督管理局"))
        add_row(form, self.tr("单位名称"), self.unit_name, name="unitName")
        self.joint_units = QPlainTextEdit()
        self.joint_units.setTabChangesFocus(True)
        self.joint_units.setPlaceholderText(self.tr("每行一个单位"))
        self.joint_units.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        add_row(form, self.tr("常用联合单位"), self.joint_units, name="jointUnits")
        heading = QLabel(self.tr("默认带队人员（新建备案时预先填好）"))
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setContentsMargins(0, self.fontMetrics().height() // 2, 0, 0)
        form.addRow(heading)
        self.leader: dict[str, QLineEdit] = {}
        definition = load_definition()
        for key in LEADER_FIELDS:
            edit = QLineEdit()
            self.leader[key] = edit
            # Labels of form fields are data from the form definition, shown as they are.
            add_row(form, definition.label(f"leader.{key}"), edit, name=f"leader_{key}")
        from desktop.ui.leader_completion import LeaderCompletion

        self.leader_completion = LeaderCompletion(self.store, self.leader, self)
        return page

    def _office_tab(self) -> QWidget:
        from desktop.ui.connection_dialog import add_row_with_note

        page = QWidget()
        outer = QVBoxLayout(page)
        form = tidy_form(QFormLayout())
        outer.addLayout(form)
        self.office_url = QLineEdit()
        self.office_url.setReadOnly(True)
        self.office_url.setPlaceholderText(self.tr("尚未设置"))
        self.url_note = QLabel()
        self.url_note.setObjectName("urlNote")
        self.url_note.setWordWrap(True)
        add_row_with_note(
            form, self.tr("备案办公室地址"), self.office_url, self.url_note, "officeUrl"
        )
        self.ca_file = QLineEdit()
        self.ca_file.setReadOnly(True)
        self.ca_file.setPlaceholderText(self.tr("未使用（单位内网使用自己的根证书时才需要）"))
        add_row(form, self.tr("根证书文件（CA）"), self.ca_file, name="caFile")
        note = QLabel(
            self.tr(
                "办公室地址和本单位的令牌一起设置：令牌只保存在系统密钥环中。"
                "更改后会立即检查能否连接。"
            )
        )
        note.setWordWrap(True)
        self.connection_button = QPushButton(self.tr("更改连接…"))
        self.connection_button.setObjectName("openConnection")
        self.connection_button.setAutoDefault(False)
        self.connection_button.clicked.connect(lambda _checked=False: self.open_connection())
        buttons = QHBoxLayout()
        buttons.addWidget(self.connection_button)
        buttons.addStretch(1)
        outer.addWidget(note)
        outer.addLayout(buttons)
        outer.addStretch(1)
        return page

    def _rules_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            self.tr(
                "执法证号的格式规则（JSON）。每条规则写明证件类型（kind）、名称（label）、"
                "格式（pattern，正则表达式）和长度范围（min_length、max_length）。"
            )
        )
        intro.setWordWrap(True)
        self.rules_edit = QPlainTextEdit()
        self.rules_edit.setObjectName("certRules")
        self.rules_edit.setAccessibleName(self.tr("执法证规则"))
        self.rules_edit.setTabChangesFocus(True)
        self.rules_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = self.rules_edit.font()
        font.setFamilies(["monospace", *font.families()])
        self.rules_edit.setFont(font)
        intro.setBuddy(self.rules_edit)
        self.rules_note = QLabel()
        self.rules_note.setObjectName("rulesNote")
        self.rules_note.setWordWrap(True)
        check = QPushButton(self.tr("检查规则"))
        check.setObjectName("checkRules")
        reset = QPushButton(self.tr("恢复默认规则"))
        reset.setObjectName("resetRules")
        for button in (check, reset):
            button.setAutoDefault(False)
        check.clicked.connect(self._check_rules)
        reset.clicked.connect(self._reset_rules)
        buttons = QHBoxLayout()
        buttons.addWidget(check)
        buttons.addWidget(reset)
        buttons.addStretch(1)
        layout.addWidget(intro)
        layout.addWidget(self.rules_edit, 1)
        layout.addWidget(self.rules_note)
        layout.addLayout(buttons)
        return page

    def _imports_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.import_summary = QLabel()
        self.import_summary.setObjectName("importSummary")
        self.import_summary.setWordWrap(True)
        note = QLabel(
            self.tr(
                "可导入 CSV 或 Excel（.xlsx）文件，按表头找列（中文表头即可）。"
                "导入前会先显示预览和有问题的行，确认后才写入。"
            )
        )
        note.setWordWrap(True)
        roster = QPushButton(self.tr("导入执法人员名单…"))
        roster.setObjectName("importRoster")
        enterprises = QPushButton(self.tr("导入企业名录…"))
        enterprises.setObjectName("importEnterprises")
        for button in (roster, enterprises):
            button.setAutoDefault(False)
        roster.clicked.connect(lambda: self._import("roster"))
        enterprises.clicked.connect(lambda: self._import("enterprises"))
        buttons = QHBoxLayout()
        buttons.addWidget(roster)
        buttons.addWidget(enterprises)
        buttons.addStretch(1)
        layout.addWidget(self.import_summary)
        layout.addWidget(note)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _language_tab(self) -> QWidget:
        page = QWidget()
        form = tidy_form(QFormLayout(page))
        self.language = QComboBox()
        for code, name in i18n.available_languages().items():
            self.language.addItem(name, code)
        add_row(form, self.tr("界面语言"), self.language, name="language")
        note = QLabel(self.tr("更改语言后，重新打开程序生效。"))
        note.setWordWrap(True)
        form.addRow("", note)
        return page

    # --- load and save --------------------------------------------------------------------
    def load(self) -> None:
        profile = self.store.profile()
        self.unit_name.setText(profile.unit_name)
        self.joint_units.setPlainText("\n".join(profile.joint_units))
        for key, edit in self.leader.items():
            edit.setText(str((profile.default_leader or {}).get(key, "")))
        self._load_connection()
        rules = self.store.reference().get(REFERENCE_CERT_RULES) or default_cert_rules().to_dict()
        self.rules_edit.setPlainText(json.dumps(rules, ensure_ascii=False, indent=2))
        language = settings.UI_LANGUAGE.get(self.store) or i18n.SOURCE_LANGUAGE
        index = self.language.findData(language)
        self.language.setCurrentIndex(max(index, 0))
        self._update_import_summary()

    def _problems(self) -> list[tuple[int, QWidget, str]]:
        found: list[tuple[int, QWidget, str]] = []
        _rules, rules_problem = check_cert_rules(self.rules_edit.toPlainText())
        if rules_problem:
            found.append((2, self.rules_edit, self.tr("执法证规则：") + rules_problem))
        if len(self.unit_name.text().strip()) > 50:
            found.append((0, self.unit_name, self.tr("单位名称不能超过 50 个字。")))
        return found

    def save(self) -> bool:
        """Validate and store everything; on a problem, show it and stay open."""
        problems = self._problems()
        if problems:
            tab, widget, _text = problems[0]
            self.problem.setText("\n".join(p[2] for p in problems))
            self.problem.show()
            self.tabs.setCurrentIndex(tab)
            widget.setFocus()
            return False
        rules, _ = check_cert_rules(self.rules_edit.toPlainText())
        default_rules = default_cert_rules().to_dict()
        joint = [line.strip() for line in self.joint_units.toPlainText().splitlines()]
        profile = UnitProfile(
            unit_name=self.unit_name.text().strip(),
            joint_units=[line for line in joint if line],
            default_leader={
                k: e.text().strip() for k, e in self.leader.items() if e.text().strip()
            },
        )
        try:
            self.store.save_profile(profile)
            reference = dict(self.store.reference())
            if rules == default_rules:
                reference.pop(REFERENCE_CERT_RULES, None)
            else:
                reference[REFERENCE_CERT_RULES] = rules
            if reference != self.store.reference():
                self.store.save_reference(reference)
            settings.UI_LANGUAGE.set(self.store, self.language.currentData())
        except StoreError as exc:
            show_error(self, str(exc))
            return False
        self.accept()
        return True

    # --- helpers --------------------------------------------------------------------------
    def _load_connection(self) -> None:
        from desktop.ui.connection_dialog import encryption_note

        try:
            url = settings.OFFICE_URL.get(self.store) or ""
            ca = settings.CA_FILE.get(self.store) or ""
        except StoreError as exc:
            log.error("connection settings: %s", exc)
            url, ca = "", ""
        self.office_url.setText(url)
        self.ca_file.setText(ca)
        text, style = encryption_note(url)
        self.url_note.setText(text)
        self.url_note.setStyleSheet(style)

    def open_connection(self):
        """The connection dialog over this one (non-blocking); returns it."""
        from desktop.ui.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self.store, self.data_dir, parent=self)
        dialog.saved.connect(self._load_connection)
        dialog.saved.connect(self.connectionSaved)
        dialog.checked.connect(self.connectionChecked)
        dialog.finished.connect(lambda _result: self._load_connection())
        self.connection_dialog = dialog
        dialog.open()
        return dialog

    def _check_rules(self) -> None:
        rules, problem = check_cert_rules(self.rules_edit.toPlainText())
        if problem:
            self.rules_note.setText(problem)
            self.rules_note.setStyleSheet(style.ERROR_TEXT)
        else:
            count = len(rules["rules"]) if rules else 0
            self.rules_note.setText(self.tr("规则有效，共 %n 条。", "", count))
            self.rules_note.setStyleSheet(style.OK_TEXT)

    def _reset_rules(self) -> None:
        self.rules_edit.setPlainText(
            json.dumps(default_cert_rules().to_dict(), ensure_ascii=False, indent=2)
        )
        self._check_rules()

    def _update_import_summary(self) -> None:
        try:
            officers = len(self.store.officers())
        except StoreError:
            officers = 0
        self.import_summary.setText(self.tr("执法人员名单中现有 %n 人。", "", officers))

    def _import(self, kind: str) -> None:
        from desktop.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.store, kind, parent=self)
        dialog.exec()
        self._update_import_summary()
        self.leader_completion.refresh()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Enter in a field must not close the dialog; only the buttons save or cancel.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)
