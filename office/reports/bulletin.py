"""The summary as a PDF 通报 a leader can read: title, period, office, what stands out,
the tables and two charts, on A4, in the desk's embedded fonts (``forms.pdf.fonts``:
Noto, converted to TrueType and subset-embedded; nothing is left to the reader's fonts).

Charts are drawn here (reportlab graphics), not by a browser: the file is the same
wherever it is printed."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from forms.pdf import fonts
from forms.record import format_timestamp, now
from office.reports.counts import Counts, Summary
from office.reports.labels import COLUMNS, TOTAL
from office.reports.workbook import summary_rows

# The columns a page's width holds (the workbook has them all).
PDF_COLUMNS = (
    "filings",
    "prior",
    "post_hoc",
    "late",
    "returned",
    "joint",
    "repeated",
    "unplanned",
    "white_list",
)
_LABEL = dict(COLUMNS)
_SHORT = {"white_list": "白名单企业"}
PRIOR_COLOUR = colors.HexColor("#3B6EA5")
POST_HOC_COLOUR = colors.HexColor("#E0913A")
LATE_COLOUR = colors.HexColor("#C0392B")
GRID = colors.HexColor("#9AA5B1")
HEAD_FILL = colors.HexColor("#DDE5F0")
MAX_CHART_UNITS = 10
MAX_ENTERPRISES = 15


class _Markup:
    """Text in the font chain: each character in the first font that has it."""

    def __init__(self, chain: fonts.FontChain):
        self.chain = chain
        self.primary = chain.primary

    def __call__(self, text: str) -> str:
        parts = []
        for name, run in self.chain.runs(text):
            esc = escape(run if name is not None else "?" * len(run)).replace("\n", "<br/>")
            parts.append(
                esc if name in (None, self.primary) else f'<font face="{name}">{esc}</font>'
            )
        return "".join(parts)


def _count_label(value: float) -> str:
    """A bar's label: its count, nothing for an empty bar (rows of 0 are noise)."""
    return f"{int(value)}" if value else ""


def highlights(summary: Summary) -> list[str]:
    """A few sentences of what stands out, for the top of the 通报."""
    t = summary.total
    if t.filings == 0:
        empty = f"{summary.period.label}，{summary.office.name}未收到涉企行政检查备案。"
        return [empty, *enterprise_line(t)]
    out = [
        f"{summary.period.label}，共收到涉企行政检查备案 {t.filings} 件，其中事前备案 "
        f"{t.prior} 件、事后补报 {t.post_hoc} 件（占 {round(100 * t.post_hoc / t.filings)}%）。"
    ]
    if t.late:
        most = max(r.counts.late for r in summary.units)
        worst = [r.unit for r in summary.units if r.counts.late == most]
        where = (
            f"最多的是{worst[0]}（{most} 件）"
            if len(worst) == 1
            else f"涉及 {sum(1 for r in summary.units if r.counts.late)} 个单位"
        )
        out.append(
            f"逾期补报（检查结束后超过 5 个工作日才报备）{t.late} 件，{where}，详见逾期补报清单。"
        )
    else:
        out.append("事后补报均在检查结束后 5 个工作日内报备，没有逾期。")
    if t.returned:
        out.append(f"退回修改 {t.returned} 件。")
    if t.joint or t.repeated or t.unplanned:
        out.append(
            f"系统提示可联合检查 {t.joint} 件（其中 {t.joint_joined} 件已联合），"
            f"重复检查 {t.repeated} 件，计划外检查 {t.unplanned} 件。"
        )
    out += enterprise_line(t)
    top = summary.enterprises[0] if summary.enterprises else None
    if top is not None and top.inspections > 1:
        out.append(
            f"被检查最多的企业是{top.name}（{top.inspections} 次，"
            f"{len(top.units)} 个单位），请关注是否可合并检查。"
        )
    return out


def enterprise_line(t: Counts) -> list[str]:
    """The enterprises' side in one sentence: numbers only, never what they wrote."""
    if not (t.evaluations or t.visits or t.unvisited):
        return []
    mean = "" if t.satisfaction_mean is None else f"，平均满意度 {t.satisfaction_mean:.1f}"
    return [
        f"企业评价 {t.evaluations} 条{mean}，反映影响生产经营 {t.disrupted} 条、"
        f"要求主要负责人陪同 {t.principal_required} 条，投诉 {t.complaints} 件；"
        f"扫码留痕 {t.visits} 次，检查结束未扫码 {t.unvisited} 件。"
    ]


def _month_chart(summary: Summary, font: str, width: float) -> Drawing:
    d = Drawing(width, 62 * mm)
    d.initialFontName = font  # else the renderer starts in an unembedded Helvetica
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 10 * mm, width - 50 * mm, 44 * mm
    chart.data = [
        [c.prior for _, c in summary.months],
        [c.post_hoc for _, c in summary.months],
        [c.late for _, c in summary.months],
    ]
    chart.categoryAxis.categoryNames = [f"{int(m[5:])}月" for m, _ in summary.months]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    top = max([1, *(v for series in chart.data for v in series)])
    chart.valueAxis.valueStep = max(1, -(-top // 5))
    chart.valueAxis.valueMax = chart.valueAxis.valueStep * -(-top // chart.valueAxis.valueStep)
    chart.bars[0].fillColor = PRIOR_COLOUR
    chart.bars[1].fillColor = POST_HOC_COLOUR
    chart.bars[2].fillColor = LATE_COLOUR
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabelFormat = _count_label
    chart.barLabels.nudge = 5
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 32 * mm, 50 * mm
    legend.fontName, legend.fontSize = font, 8
    legend.colorNamePairs = [
        (PRIOR_COLOUR, "事前备案"),
        (POST_HOC_COLOUR, "事后补报"),
        (LATE_COLOUR, "逾期补报"),
    ]
    d.add(legend)
    d.add(String(0, 57 * mm, "各月备案件数", fontName=font, fontSize=9))
    return d


def _unit_chart(summary: Summary, font: str, width: float) -> Drawing:
    rows = sorted(summary.units, key=lambda r: -r.counts.filings)[:MAX_CHART_UNITS]
    rows.reverse()  # the chart draws from the bottom: the most filings on top
    height = (12 + 7 * max(len(rows), 1)) * mm
    d = Drawing(width, height)
    d.initialFontName = font
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * mm, 6 * mm
    chart.width, chart.height = width - 80 * mm, height - 14 * mm
    chart.data = [[r.counts.filings for r in rows] or [0]]
    names = [r.unit if len(r.unit) <= 16 else r.unit[:15] + "…" for r in rows]
    chart.categoryAxis.categoryNames = names or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    top = max([1, *chart.data[0]])
    chart.valueAxis.valueStep = max(1, -(-top // 5))
    chart.bars[0].fillColor = PRIOR_COLOUR
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabelFormat = _count_label
    chart.barLabels.nudge = 6
    d.add(chart)
    d.add(String(0, height - 5 * mm, "各单位备案件数", fontName=font, fontSize=9))
    return d


def _table(
    data: Sequence[Sequence[str]],
    widths: Sequence[float],
    style: ParagraphStyle,
    head: int = 1,
    first: ParagraphStyle | None = None,
) -> Table:
    """A grid of paragraphs; ``first`` styles the first column's body cells."""
    cells = [
        [
            Paragraph(cell, first if first is not None and i >= head and j == 0 else style)
            for j, cell in enumerate(row)
        ]
        for i, row in enumerate(data)
    ]
    table = Table(cells, colWidths=list(widths), repeatRows=head)
    table.setStyle(
        TableStyle(
            [
                # The cells are paragraphs, but the table sets its own font first.
                ("FONTNAME", (0, 0), (-1, -1), style.fontName),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, head - 1), HEAD_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def render(summary: Summary) -> bytes:
    """The 通报 as PDF bytes."""
    title = f"{summary.office.name}涉企行政执法检查备案情况通报"
    period = summary.period
    subtitle = (
        f"统计期间：{period.label}（{period.start.isoformat()} 至 {period.last.isoformat()}，"
        f"按办公室收到备案的日期统计）　制表：{format_timestamp(now())[:10]}"
    )
    sentences = highlights(summary)
    header = ["单位", *(_SHORT.get(k, _LABEL[k]) for k in PDF_COLUMNS)]
    index = {key: i for i, (key, _) in enumerate(COLUMNS)}
    body_rows = [
        [
            str(row[1]) if row[1] != TOTAL else f"{row[0]}{TOTAL}",
            *(str(row[2 + index[k]]) for k in PDF_COLUMNS),
        ]
        for row in summary_rows(summary)
    ]
    enterprise_rows = [
        [e.name, str(e.inspections), "、".join(f"{u}（{n}）" for u, n in e.units)]
        for e in summary.enterprises[:MAX_ENTERPRISES]
    ]
    late_rows = [
        [f.receipt, f.unit, f.enterprise, str(f.inspection_end), str(f.received), str(f.late_days)]
        for f in summary.late
    ]
    texts = [
        title,
        subtitle,
        *sentences,
        *header,
        "各月备案件数各单位逾期补报清单被检查次数较多的企业",
    ]
    texts += [
        str(cell)
        for rows in (body_rows, enterprise_rows, late_rows)
        for row in rows
        for cell in row
    ]
    texts += [
        "企业名称被检查次数检查单位回执编号检查结束日收到日逾期工作日情况概述一二三四五六七八九十月…（）、0123456789"
    ]
    with fonts.LOCK:
        chain = fonts.chain()
        chain.ensure("".join(texts))
        return _build(
            summary,
            chain,
            title,
            subtitle,
            sentences,
            header,
            body_rows,
            enterprise_rows,
            late_rows,
        )


def _build(
    summary: Summary,
    chain: fonts.FontChain,
    title: str,
    subtitle: str,
    sentences: list[str],
    header: list[str],
    body_rows: list[list[str]],
    enterprise_rows: list[list[str]],
    late_rows: list[list[str]],
) -> bytes:
    m = _Markup(chain)
    font = chain.primary
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=16, wordWrap="CJK")
    styles = {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER),
        "sub": ParagraphStyle("sub", parent=base, fontSize=9, leading=13, alignment=TA_CENTER),
        "h": ParagraphStyle("h", parent=base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
        "p": ParagraphStyle("p", parent=base, firstLineIndent=20),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=11),
        "num": ParagraphStyle("num", parent=base, fontSize=8, leading=11, alignment=TA_CENTER),
    }
    width = A4[0] - 36 * mm
    story: list[object] = [
        Paragraph(m(title), styles["title"]),
        Paragraph(m(subtitle), styles["sub"]),
        Spacer(1, 6 * mm),
        Paragraph(m("一、情况概述"), styles["h"]),
        *(Paragraph(m(s), styles["p"]) for s in sentences),
        Paragraph(m("二、分单位情况"), styles["h"]),
    ]
    unit_w = 42 * mm
    num_w = (width - unit_w) / (len(header) - 1)
    summary_table = _table(
        [[m(h) for h in header], *[[m(c) for c in row] for row in body_rows]],
        [unit_w, *[num_w] * (len(header) - 1)],
        styles["num"],
        first=styles["cell"],
    )
    story += [summary_table, Spacer(1, 4 * mm)]
    if summary.total.filings:  # charts of nothing say nothing
        story += [_month_chart(summary, font, width), _unit_chart(summary, font, width)]
    story.append(Paragraph(m("三、被检查次数较多的企业"), styles["h"]))
    if enterprise_rows:
        story.append(
            _table(
                [[m("企业名称"), m("被检查次数"), m("检查单位（次数）")]]
                + [[m(c) for c in row] for row in enterprise_rows],
                [62 * mm, 20 * mm, width - 82 * mm],
                styles["cell"],
            )
        )
    else:
        story.append(Paragraph(m("本期没有检查记录。"), styles["p"]))
    story.append(Paragraph(m("四、逾期补报清单"), styles["h"]))
    if late_rows:
        story.append(
            _table(
                [
                    [
                        m(h)
                        for h in (
                            "回执编号",
                            "单位",
                            "企业名称",
                            "检查结束日",
                            "收到日",
                            "逾期工作日",
                        )
                    ]
                ]
                + [[m(c) for c in row] for row in late_rows],
                [40 * mm, 36 * mm, width - 40 * mm - 36 * mm - 60 * mm, 20 * mm, 20 * mm, 20 * mm],
                styles["cell"],
            )
        )
    else:
        story.append(Paragraph(m("本期没有逾期补报。"), styles["p"]))

    buf = io.BytesIO()

    def footer(c: Canvas, doc: SimpleDocTemplate) -> None:
        c.saveState()
        c.setFont(font, 8)
        c.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
        c.restoreState()

    chain.ensure("第页 ")
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="",
        creator="beian-office",
        producer="beian-office",
        # Starting in our own font keeps reportlab from adding an unembedded Helvetica.
        initialFontName=font,
        initialFontSize=10,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
