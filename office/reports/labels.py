"""The Chinese column names of the summary, shared by the workbook, the PDF and the
dashboard (one wording everywhere)."""

from __future__ import annotations

# (Counts attribute, column header) in the order of the 汇总 sheet.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("filings", "备案数"),
    ("prior", "事前备案"),
    ("post_hoc", "事后补报"),
    ("late", "逾期补报"),
    ("returned", "退回"),
    ("reviewed", "已审核"),
    ("joint", "联合检查提示"),
    ("joint_joined", "提示后联合检查"),
    ("repeated", "重复检查提示"),
    ("unplanned", "计划外检查"),
    ("white_list", "白名单企业被检查"),
)
TOTAL = "合计"
