"""The questions a filing action may ask: 提交 ("not yet, these errors"; "submit? mind
these") and 丢弃草稿 ("really?").

The confirmation's buttons are fixed: 取消 on the left, 提交 on the right, in the same
place whether or not reminders are listed (the list goes above the buttons, never
between them). Nothing is the default button and 取消 has the focus, so Enter or Space
pressed out of habit goes back rather than submitting; 提交 takes a click or its
mnemonic (Alt+T).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from forms.definition import FormDefinition
from forms.problems import Problem

MAX_LISTED = 8


def problem_line(definition: FormDefinition, p: Problem) -> str:
    try:
        label = definition.label(p.field)
    except KeyError:
        label = ""
    return f"• {label}：{p.message}" if label else f"• {p.message}"


def explain_errors(parent: QWidget, definition: FormDefinition, errors: list[Problem]) -> None:
    box = QMessageBox(parent)
    box.setObjectName("submitErrors")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(box.tr("还不能提交"))
    box.setText(box.tr("备案表还有 %n 个错误，改正后才能提交。", "", len(errors)))
    box.setInformativeText("\n".join(problem_line(definition, p) for p in errors[:MAX_LISTED]))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText(box.tr("去改正"))
    box.exec()


class ConfirmSubmit(QDialog):
    """提交备案? with the reminders (warnings) listed; ``exec()`` then ``confirmed``."""

    def __init__(
        self,
        parent: QWidget | None,
        definition: FormDefinition,
        warnings: list[Problem],
        reminders: list[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmSubmit")
        self.setWindowTitle(self.tr("提交备案"))
        self.confirmed = False
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxQuestion).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(
            self.tr(
                "提交后，备案表放入发件箱，联网时发送给优化营商环境部门。"
                "发送前可以撤回，发送后不能再修改。"
            )
        )
        self.text.setWordWrap(True)
        self.reminders = QLabel()
        self.reminders.setObjectName("submitReminders")
        self.reminders.setWordWrap(True)
        self.reminders.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lines = [problem_line(definition, p) for p in warnings[:MAX_LISTED]]
        lines += [f"• {text}" for text in (reminders or [])[:MAX_LISTED]]
        if lines:
            self.reminders.setText(self.tr("请留意以下提醒：") + "\n" + "\n".join(lines))
        self.reminders.setVisible(bool(lines))

        # Own buttons in a fixed order (QDialogButtonBox would reorder them per platform).
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("confirmCancelButton")
        self.submit_button = QPushButton(self.tr("提交(&T)"))
        self.submit_button.setObjectName("confirmSubmitButton")
        for button in (self.cancel_button, self.submit_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.submit_button.clicked.connect(self._submit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)

        texts = QVBoxLayout()
        texts.addWidget(self.text)
        texts.addWidget(self.reminders)
        texts.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(texts, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        em = self.fontMetrics().horizontalAdvance("中")
        self.setMinimumWidth(em * 32)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.cancel_button.setFocus()  # Space or Enter out of habit: back, not submitted

    def _submit(self) -> None:
        self.confirmed = True
        self.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Enter goes back (like 取消), whatever has the focus; Esc too (QDialog's own).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.reject()
            return
        super().keyPressEvent(event)


def confirm_submit(
    parent: QWidget,
    definition: FormDefinition,
    warnings: list[Problem],
    reminders: list[str] | None = None,
) -> bool:
    dialog = ConfirmSubmit(parent, definition, warnings, reminders)
    dialog.exec()
    return dialog.confirmed


def confirm_discard(parent: QWidget, enterprise: str) -> bool:
    """丢弃草稿? 取消 is the default: Enter does not throw a draft away."""
    box = QMessageBox(parent)
    box.setObjectName("confirmDiscard")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(box.tr("丢弃草稿"))
    box.setText(box.tr("丢弃“%1”的草稿吗？").replace("%1", enterprise or box.tr("（未填写企业）")))
    box.setInformativeText(
        box.tr("丢弃后它不再出现在列表中，也不能再打开；历史中会留下丢弃的记录。")
    )
    discard = box.addButton(box.tr("丢弃"), QMessageBox.ButtonRole.DestructiveRole)
    discard.setObjectName("confirmDiscardButton")
    cancel = box.addButton(box.tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is discard


def confirm_quit_unsaved(parent: QWidget) -> bool:
    """Quit although the last changes could not be saved? 否 is the default."""
    answer = QMessageBox.warning(
        parent,
        QCoreApplication.translate("MainWindow", "还有内容没有保存"),
        QCoreApplication.translate(
            "MainWindow", "刚才的修改没能保存（见之前的提示）。仍要退出吗？退出后这些修改会丢失。"
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def check_outcome(errors: int, warnings: int) -> str:
    """The status line after 保存并检查."""
    if errors or warnings:
        return (
            QCoreApplication.translate(
                "MainWindow", "已保存。发现 %1 个错误、%2 个提醒，请查看表中标出的地方。"
            )
            .replace("%1", str(errors))
            .replace("%2", str(warnings))
        )
    return QCoreApplication.translate("MainWindow", "已保存，检查通过，可以打印和提交。")
