"""Small helpers for dialogs: every input gets its label as its accessible name."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QWidget


def add_row(form: QFormLayout, label: str, field: QWidget | QLayout, *, name: str = "") -> QLabel:
    """Add ``label`` and ``field`` to ``form``; the label is the field's accessible name
    and its buddy (Alt+key and screen readers). Returns the label widget."""
    label_widget = QLabel(label)
    label_widget.setWordWrap(False)
    if isinstance(field, QWidget):
        field.setAccessibleName(label.rstrip("：:"))
        if name:
            field.setObjectName(name)
        label_widget.setBuddy(field)
    form.addRow(label_widget, field)
    return label_widget


def tidy_form(form: QFormLayout) -> QFormLayout:
    """Labels on the left and fields that grow, on every platform style."""
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form
