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
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import cert_rule_shapes as shapes
from desktop.cert_rule_shapes import check_cert_rules
from desktop.store import settings_registry as settings
from desktop.store.api import UnitProfile
from desktop.ui import i18n, style
from desktop.ui.form_helpers import add_row, tidy_form
from desktop.ui.store_errors import LOG, TELL, store_call
from forms.certificates import default_cert_rules
from forms.definition import load_definition
from forms.record import now

if TYPE_CHECKING:
    from desktop.ui.connection_dialog import ConnectionDialog

# Certificate rules live in the store's reference data, where the office's rules arrive
# too: the rules edited here apply everywhere (window and ``beian validate``) until the
# office sends newer ones.
REFERENCE_CERT_RULES = "cert_rules"

LEADER_FIELDS = ("name", "title", "phone", "cert_no")
_W = TypeVar("_W", bound=QWidget)
_NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # what the completer matches and inserts
_OFFICER_ROLE = Qt.ItemDataRole.UserRole + 2  # position in the roster
_RULE_COLUMNS = ("kind", "label", "shape", "text", "min_length", "max_length")


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
        self.resize(em * 50, em * 34)

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
        # The name completes from the roster; choosing an officer fills the title and the
        # certificate number the roster gives (a choice means "this one").
        self._roster_model = QStandardItemModel(self)
        self.leader_completer = QCompleter(self._roster_model, self)
        self.leader_completer.setObjectName("leaderCompleter")
        self.leader_completer.setCompletionRole(_NAME_ROLE)
        self.leader_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.leader_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # The index overload (the stubs do not know signal overloads by subscript).
        self.leader_completer.activated[QModelIndex].connect(self._leader_chosen)  # type: ignore[index]
        self.leader["name"].setCompleter(self.leader_completer)
        return page

    def _load_roster(self) -> None:
        self._roster_model.clear()
        self._officers: list = []
        officers = []
        with store_call(self, LOG, "roster for the leader completer"):
            officers = self.store.officers()
        today = now().date()
        for officer in officers:
            parts = [officer.name, officer.title, officer.cert_no]
            text = "　".join(p for p in parts if p)
            if officer.expired_on(today):
                text += self.tr("（执法证已过期）")
            item = QStandardItem(text)
            item.setData(officer.name, _NAME_ROLE)
            item.setData(len(self._officers), _OFFICER_ROLE)
            item.setEditable(False)
            self._officers.append(officer)
            self._roster_model.appendRow(item)

    def _leader_chosen(self, index: QModelIndex) -> None:
        position = index.data(_OFFICER_ROLE)
        if not isinstance(position, int) or not 0 <= position < len(self._officers):
            return
        officer = self._officers[position]
        self.leader["name"].setText(officer.name)
        if officer.title:
            self.leader["title"].setText(officer.title)
        self.leader["cert_no"].setText(officer.cert_no)

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
                "每种执法证件一条规则：证件类型代码、名称、号码的样子和长度。"
                "在下面输入一个证号，可以马上看到它是否符合、符合哪一种。"
            )
        )
        intro.setWordWrap(True)
        self.rules_table = QTableWidget(0, len(_RULE_COLUMNS))
        self.rules_table.setObjectName("certRulesTable")
        self.rules_table.setAccessibleName(self.tr("执法证规则表"))
        self.rules_table.setHorizontalHeaderLabels(
            [
                self.tr("类型代码"),
                self.tr("名称"),
                self.tr("号码的样子"),
                self.tr("前缀或格式"),
                self.tr("最短"),
                self.tr("最长"),
            ]
        )
        self.rules_table.verticalHeader().hide()
        self.rules_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rules_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.rules_table.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("中")
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the name
        for column, ems in ((0, 7), (3, 7)):  # kind code, prefix or pattern
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.rules_table.setColumnWidth(column, em * ems)
        header.setMinimumSectionSize(em * 3)
        self.rules_table.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + self.fontMetrics().height() // 2 + 10
        )
        intro.setBuddy(self.rules_table)

        self.cert_test = QLineEdit()
        self.cert_test.setObjectName("certTest")
        self.cert_test.setPlaceholderText(self.tr("输入一个执法证号试试"))
        self.cert_test.setAccessibleName(self.tr("试一个证号"))
        self.cert_test_result = QLabel()
        self.cert_test_result.setObjectName("certTestResult")
        self.cert_test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_label = QLabel(self.tr("试一个证号"))
        test_label.setBuddy(self.cert_test)
        test_row.addWidget(test_label)
        test_row.addWidget(self.cert_test, 1)

        # The JSON stays the stored form (and what the office sends): shown on request.
        self.rules_edit = QPlainTextEdit()
        self.rules_edit.setObjectName("certRules")
        self.rules_edit.setAccessibleName(self.tr("执法证规则"))
        self.rules_edit.setTabChangesFocus(True)
        self.rules_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = self.rules_edit.font()
        font.setFamilies(["monospace", *font.families()])
        self.rules_edit.setFont(font)
        self.rules_edit.setVisible(False)
        self.rules_note = QLabel()
        self.rules_note.setObjectName("rulesNote")
        self.rules_note.setWordWrap(True)
        add = QPushButton(self.tr("添加规则"))
        add.setObjectName("addRule")
        remove = QPushButton(self.tr("删除所选规则"))
        remove.setObjectName("removeRule")
        check = QPushButton(self.tr("检查规则"))
        check.setObjectName("checkRules")
        reset = QPushButton(self.tr("恢复默认规则"))
        reset.setObjectName("resetRules")
        self.show_json = QPushButton(self.tr("显示 JSON（高级）"))
        self.show_json.setObjectName("showRulesJson")
        self.show_json.setCheckable(True)
        for button in (add, remove, check, reset, self.show_json):
            button.setAutoDefault(False)
        add.clicked.connect(lambda _checked=False: self._add_rule_row(None))
        remove.clicked.connect(self._remove_rule_row)
        check.clicked.connect(self._check_rules)
        reset.clicked.connect(self._reset_rules)
        self.show_json.toggled.connect(self.rules_edit.setVisible)
        self.rules_edit.textChanged.connect(self._json_edited)
        self.cert_test.textChanged.connect(self._update_cert_test)
        buttons = QHBoxLayout()
        for button in (add, remove, check, reset):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_json)
        layout.addWidget(intro)
        layout.addWidget(self.rules_table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.rules_note)
        layout.addLayout(test_row)
        layout.addWidget(self.cert_test_result)
        layout.addWidget(self.rules_edit, 1)
        self._rules_version = 0
        self._form_problem = ""
        self._filling_form = False
        return page

    # --- certificate rules: form rows <-> the JSON ------------------------------------
    def _add_rule_row(self, form: shapes.RuleForm | None) -> None:
        form = form or shapes.RuleForm("", "", shapes.DIGITS, "", 4, 20)
        table = self.rules_table
        row = table.rowCount()
        table.insertRow(row)
        kind, label, text = QLineEdit(form.kind), QLineEdit(form.label), QLineEdit(form.text)
        kind.setPlaceholderText(self.tr("如 traffic"))
        label.setPlaceholderText(self.tr("如 交通运输执法证"))
        shape = QComboBox()
        for key in shapes.SHAPES:
            shape.addItem(self._shape_label(key), key)
        shape.setCurrentIndex(max(0, shape.findData(form.shape)))
        lo, hi = QSpinBox(), QSpinBox()
        for box, value in ((lo, form.min_length), (hi, form.max_length)):
            box.setRange(1, 64)
            box.setValue(value)
        widgets = (kind, label, shape, text, lo, hi)
        names = (_RULE_COLUMNS[c] for c in range(len(_RULE_COLUMNS)))
        for column, (widget, name) in enumerate(zip(widgets, names, strict=True)):
            widget.setObjectName(f"rule_{name}")
            header = table.horizontalHeaderItem(column)
            widget.setAccessibleName(
                (header.text() if header is not None else "")
                + self.tr("（第 %1 条）").replace("%1", str(row + 1))
            )
            table.setCellWidget(row, column, widget)
        for edit in (kind, label, text):
            edit.textChanged.connect(self._form_edited)
        shape.currentIndexChanged.connect(self._form_edited)
        for box in (lo, hi):
            box.valueChanged.connect(self._form_edited)
        self._update_text_cell(row)
        if not self._filling_form:
            self._form_edited()

    def _shape_label(self, shape: str) -> str:
        return {
            shapes.DIGITS: self.tr("全是数字"),
            shapes.LETTERS_DIGITS: self.tr("字母和数字"),
            shapes.PREFIX_DIGITS: self.tr("前缀加数字"),
            shapes.GROUPS: self.tr("可用“-”分段"),
            shapes.CUSTOM: self.tr("自定义（正则）"),
        }[shape]

    def _remove_rule_row(self) -> None:
        row = self.rules_table.currentRow()
        if row < 0:
            row = self.rules_table.rowCount() - 1
        if row >= 0:
            self.rules_table.removeRow(row)
            self._form_edited()

    def _cell(self, row: int, column: int, kind: type[_W]) -> _W:
        widget = self.rules_table.cellWidget(row, column)
        assert isinstance(widget, kind)  # every cell gets its widget in _add_rule_row
        return widget

    def _update_text_cell(self, row: int) -> None:
        shape = self._cell(row, 2, QComboBox).currentData()
        text = self._cell(row, 3, QLineEdit)
        text.setEnabled(shape in (shapes.PREFIX_DIGITS, shapes.CUSTOM))
        placeholder = {shapes.PREFIX_DIGITS: self.tr("如 JT"), shapes.CUSTOM: self.tr("正则表达式")}
        text.setPlaceholderText(placeholder.get(shape, ""))

    def _rule_forms(self) -> list[shapes.RuleForm]:
        forms = []
        for row in range(self.rules_table.rowCount()):
            forms.append(
                shapes.RuleForm(
                    kind=self._cell(row, 0, QLineEdit).text(),
                    label=self._cell(row, 1, QLineEdit).text(),
                    shape=self._cell(row, 2, QComboBox).currentData(),
                    text=self._cell(row, 3, QLineEdit).text(),
                    min_length=self._cell(row, 4, QSpinBox).value(),
                    max_length=self._cell(row, 5, QSpinBox).value(),
                )
            )
        return forms

    def _form_edited(self, *_args) -> None:
        """A change in the form: the JSON follows if the form makes valid rules."""
        if self._filling_form:
            return
        for row in range(self.rules_table.rowCount()):
            self._update_text_cell(row)
        forms = self._rule_forms()
        problems = [p for p in (shapes.form_problem(f) for f in forms) if p]
        if not forms:
            problems.append(self.tr("至少需要一条规则。"))
        self._form_problem = problems[0] if problems else ""
        if not problems:
            data = {"version": self._rules_version, "rules": [shapes.rule_of(f) for f in forms]}
            rules, problem = check_cert_rules(json.dumps(data, ensure_ascii=False))
            self._form_problem = problem
            if rules is not None:
                self.rules_edit.blockSignals(True)
                self.rules_edit.setPlainText(json.dumps(rules, ensure_ascii=False, indent=2))
                self.rules_edit.blockSignals(False)
        self._show_rules_state()

    def _json_edited(self) -> None:
        """The JSON was edited (or loaded): the form follows when it is valid."""
        rules, _problem = check_cert_rules(self.rules_edit.toPlainText())
        if rules is None:
            self._show_rules_state()
            return
        self._rules_version = int(rules.get("version", 0))
        self._filling_form = True
        try:
            self.rules_table.setRowCount(0)
            for rule in rules["rules"]:
                self._add_rule_row(shapes.form_of(rule))
        finally:
            self._filling_form = False
        self._form_problem = ""
        self._show_rules_state()

    def _show_rules_state(self) -> None:
        problem = self._rules_problem()
        self.rules_note.setText(problem)
        self.rules_note.setStyleSheet(style.ERROR_TEXT if problem else "")
        self.rules_note.setVisible(bool(problem))
        self._update_cert_test()

    def _rules_problem(self) -> str:
        if self._form_problem:
            return self._form_problem
        return check_cert_rules(self.rules_edit.toPlainText())[1]

    def _update_cert_test(self) -> None:
        number = self.cert_test.text()
        if not number.strip():
            self.cert_test_result.setText("")
            return
        rules, _problem = check_cert_rules(self.rules_edit.toPlainText())
        if rules is None or self._form_problem:
            self.cert_test_result.setText(self.tr("规则有误，先改正上面的规则再试。"))
            self.cert_test_result.setStyleSheet(style.WARNING_TEXT)
            return
        found = shapes.matching_kinds(rules, number)
        if found:
            names = "、".join(f"{label}（{kind}）" for kind, label in found)
            self.cert_test_result.setText(self.tr("符合：%1").replace("%1", names))
            self.cert_test_result.setStyleSheet(style.OK_TEXT)
        else:
            self.cert_test_result.setText(self.tr("不符合任何一条规则。"))
            self.cert_test_result.setStyleSheet(style.ERROR_TEXT)

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
        self._load_roster()
        self._load_connection()
        rules = self.store.reference().get(REFERENCE_CERT_RULES) or default_cert_rules().to_dict()
        self.rules_edit.setPlainText(json.dumps(rules, ensure_ascii=False, indent=2))
        language = settings.UI_LANGUAGE.get(self.store) or i18n.SOURCE_LANGUAGE
        index = self.language.findData(language)
        self.language.setCurrentIndex(max(index, 0))
        self._update_import_summary()

    def _problems(self) -> list[tuple[int, QWidget, str]]:
        found: list[tuple[int, QWidget, str]] = []
        rules_problem = self._rules_problem()
        if rules_problem:
            where = self.rules_edit if self._form_problem == "" else self.rules_table
            found.append((2, where, self.tr("执法证规则：") + rules_problem))
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
        with store_call(self, TELL, "saving settings") as call:
            self.store.save_profile(profile)
            reference = dict(self.store.reference())
            if rules == default_rules:
                reference.pop(REFERENCE_CERT_RULES, None)
            else:
                reference[REFERENCE_CERT_RULES] = rules
            if reference != self.store.reference():
                self.store.save_reference(reference)
            settings.UI_LANGUAGE.set(self.store, self.language.currentData())
        if call.failed:
            return False
        self.accept()
        return True

    # --- helpers --------------------------------------------------------------------------
    def _load_connection(self) -> None:
        from desktop.ui.connection_dialog import encryption_note

        url, ca = "", ""
        with store_call(self, LOG, "connection settings"):
            url = settings.OFFICE_URL.get(self.store) or ""
            ca = settings.CA_FILE.get(self.store) or ""
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
        problem = self._rules_problem()
        if problem:
            self.rules_note.setText(problem)
            self.rules_note.setStyleSheet(style.ERROR_TEXT)
        else:
            rules, _ = check_cert_rules(self.rules_edit.toPlainText())
            count = len(rules["rules"]) if rules else 0
            self.rules_note.setText(self.tr("规则有效，共 %n 条。", "", count))
            self.rules_note.setStyleSheet(style.OK_TEXT)
        self.rules_note.setVisible(True)

    def _reset_rules(self) -> None:
        self.rules_edit.setPlainText(
            json.dumps(default_cert_rules().to_dict(), ensure_ascii=False, indent=2)
        )
        self._check_rules()

    def _update_import_summary(self) -> None:
        officers = 0
        with store_call(self, LOG, "roster size"):
            officers = len(self.store.officers())
        self.import_summary.setText(self.tr("执法人员名单中现有 %n 人。", "", officers))

    def _import(self, kind: str) -> None:
        from desktop.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.store, kind, parent=self)
        dialog.exec()
        self._update_import_summary()
        self._load_roster()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Enter in a field must not close the dialog; only the buttons save or cancel.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)
