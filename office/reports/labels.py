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
    ("evaluations", "评价数"),
    ("satisfaction_mean", "平均满意度"),  # a property: one decimal, None (blank) when none
    ("disrupted", "影响生产经营"),
    ("principal_required", "要求负责人陪同"),
    ("complaints", "投诉"),
    ("visits", "扫码留痕"),
    ("unvisited", "未扫码"),
)
TOTAL = "合计"
