"""The figures' tables for checking and assessment: the briefing's appendix (every item behind
every figure, .xlsx) and the annual assessment (.xlsx, and a one-page .docx table).

Printed as an office sends them: A4 landscape, 宋体/黑体, header rows repeated, rows as tall as
their text, page numbers; each names the period and the definitions (口径) it was computed
under, so a department can check its lines one by one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from appeal_adapters.documents.common import clean, load, percent
from appeal_adapters.documents.summary_list import _page_setup, _wide, neutralise
from appeal_core.annual import AnnualReport
from appeal_core.explain import Explanation
from appeal_core.metrics import MonthlyReport
from appeal_core.policy import Policy
from appeal_core.ranking import points

BODY_FONT, HEAD_FONT, SIZE = "宋体", "黑体", 10.5
SUMMARY = (("部门", 22), ("指标", 12), ("分子", 8), ("分母", 8), ("数值", 9), ("计入件数", 9))
DETAIL = (
    ("序号", 6),
    ("部门", 20),
    ("指标", 10),
    ("事项编号", 14),
    ("分子", 6),
    ("分母", 6),
    ("计入", 6),
    ("依据", 64),
    ("相关事件", 30),
)


def _height(text: str, width: int) -> float:
    """Points of row height ``text`` needs in a column ``width`` units wide, on the safe side
    of Excel (a unit 7 px) and LibreOffice (about 9.3 px, taller CJK lines)."""
    need = 0.0
    for em, digit_px in ((1.3, 7.0), (1.45, 9.3)):
        per_line = max(2, int(width * digit_px * 1.5 / SIZE / 1.1) - 2)
        lines = sum(-(-_wide(line) // per_line) or 1 for line in text.split("\n"))
        need = max(need, lines * em * SIZE + 5)
    return need


def _value(x: Explanation) -> str:
    if x.denominator is None:
        return f"{x.numerator:g}"
    return percent(x.value)


def _table(
    wb: Any,
    title: str,
    heading: str,
    note: str,
    columns: Sequence[tuple[str, int]],
    rows: Sequence[Sequence[str]],
    *,
    first: bool = False,
) -> None:
    """One printable sheet: a title, a note, the column heads (repeated), the rows."""
    from openpyxl.styles import Alignment, Border, Font, Side  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    width = len(columns)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body, head = Font(name=BODY_FONT, size=SIZE), Font(name=HEAD_FONT, size=SIZE)
    ws.cell(row=1, column=1, value=clean(heading)).font = Font(name=HEAD_FONT, size=15)
    ws.cell(row=2, column=1, value=clean(note)).font = body
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        ws.cell(row=r, column=1).alignment = Alignment(
            horizontal="center" if r == 1 else "left", vertical="center", wrap_text=True
        )
    ws.row_dimensions[1].height = 28
    ws.row_dimensions[2].height = _height(note, sum(w for _, w in columns))
    for c, (name, w) in enumerate(columns, start=1):
        cell = ws.cell(row=3, column=c, value=name)
        cell.font, cell.border = head, box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = w
    for r, row in enumerate(rows, start=4):
        for c, text in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=neutralise(clean(text)))
            cell.data_type = "s"
            cell.font, cell.border = body, box
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.row_dimensions[r].height = max(
            _height(clean(t), w) for t, (_, w) in zip(row, columns, strict=True)
        )
    _page_setup(ws, wide=False)
    ws.print_title_rows = "3:3"
    ws.freeze_panes = "A4"


def render_explain_xlsx(subject: Sequence[Explanation], **options: Any) -> bytes:
    """The briefing's appendix: a summary per department and figure, then every item line
    (numerator, denominator, counted or not, the rule and the events)."""
    openpyxl = load("openpyxl", "简报附表（xlsx）", "xlsx")
    policy: Policy = options.get("policy") or Policy()
    report: MonthlyReport | None = options.get("report")
    if not subject:
        raise ValueError("no explanation to write")
    x0 = subject[0]
    wb = openpyxl.Workbook()
    wb.properties.creator = wb.properties.lastModifiedBy = policy.identity.issuer
    heading = f"{policy.identity.briefing_title}附表 {x0.year}年{x0.month}月各部门指标逐件明细"
    wb.properties.title = heading
    sealed = "（已封存；封存后的更正不在此表，见简报“更正”）" if x0.sealed else ""
    note = f"统计期间：{x0.first} 至 {x0.last}{sealed}。{x0.rules.describe()}"
    summary: list[list[str]] = []
    names = [d.department for d in report.ranking()] if report is not None else []
    for x in subject:
        depts = sorted(
            {line.department for line in x.lines},
            key=lambda d: (names.index(d) if d in names else len(names), d),
        )
        for d in depts:
            mine = [line for line in x.lines if line.department == d and line.counted]
            num, den = sum(m.numerator for m in mine), sum(m.denominator for m in mine)
            value = percent(num / den if den else None) if x.denominator is not None else f"{num:g}"
            summary.append(
                [
                    d,
                    x.label,
                    f"{num:g}",
                    f"{den:g}" if x.denominator is not None else "",
                    value,
                    str(len(mine)),
                ]
            )
        summary.append(
            [
                x.department,
                x.label,
                f"{x.numerator:g}",
                "" if x.denominator is None else f"{x.denominator:g}",
                _value(x),
                str(sum(1 for line in x.lines if line.counted)),
            ]
        )
    _table(wb, "汇总", heading, note, SUMMARY, summary, first=True)
    rows, k = [], 0
    for x in subject:
        for line in x.lines:
            k += 1
            rows.append(
                [
                    str(k),
                    line.department,
                    x.label,
                    line.number,
                    f"{line.numerator:g}",
                    f"{line.denominator:g}" if x.denominator is not None else "",
                    "是" if line.counted else "否",
                    line.reason,
                    "\n".join(line.events),
                ]
            )
    _table(wb, "明细", heading, note, DETAIL, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ANNUAL = (
    ("名次", 6),
    ("部门", 22),
    ("应答复", 8),
    ("按期答复", 8),
    ("响应率", 8),
    ("应办结", 8),
    ("按期办结", 8),
    ("回访", 7),
    ("解决", 7),
    ("完成率", 8),
    ("满意度", 8),
    ("年度得分", 9),
    *((f"{m}月", 6) for m in range(1, 13)),
    ("红榜月份", 12),
    ("黑榜月份", 12),
    ("说明", 10),
)


def _annual_note(a: AnnualReport) -> str:
    rule = (
        "年度得分为全年各项计数合计后计算的综合得分"
        if a.rule == "summed"
        else "年度得分为各月综合得分的平均（仅计有得分的月份）"
    )
    weights = "、".join(f"{w:g}" for w in a.weights)
    text = (
        f"{rule}；权重（响应率、完成率、满意度{'、按时办结率' if len(a.weights) > 3 else ''}）"
        f"为 {weights}；应答复、回访均不足{a.rules.min_items}件的不排名（样本不足）。"
    )
    if a.provisional:
        text += "未封存的月份（" + "、".join(f"{m}月" for m in a.provisional) + "）按当前数据计算。"
    described = {r.metrics_rules.describe() for r in a.months}
    if len(described) == 1:
        text += described.pop()
    else:
        text += "各月统计口径不同，见各月简报。"
    return text


def _annual_rows(a: AnnualReport) -> list[list[str]]:
    rows = []
    for line in a.lines:
        d, p = line.figures, points(line.score)
        rows.append(
            [
                str(line.rank or "—"),
                d.department,
                str(d.reply_due),
                str(d.replied_on_time),
                percent(d.response_rate),
                str(d.completion_due),
                str(d.completed_on_time),
                str(d.visited),
                str(d.resolved),
                percent(d.completion_rate),
                percent(d.satisfaction_rate),
                "—" if p is None else str(p),
                *("—" if m is None else str(m) for m in line.monthly),
                "、".join(map(str, line.red)) or "—",
                "、".join(map(str, line.black)) or "—",
                line.standing,
            ]
        )
    return rows


def render_annual_xlsx(subject: AnnualReport, **options: Any) -> bytes:
    """The annual assessment as one printable sheet, with each month's score."""
    openpyxl = load("openpyxl", "年度考核表（xlsx）", "xlsx")
    policy: Policy = options.get("policy") or Policy()
    wb = openpyxl.Workbook()
    wb.properties.creator = wb.properties.lastModifiedBy = policy.identity.issuer
    heading = f"{subject.year}年度各部门“服务企业发展”考核数据"
    wb.properties.title = heading
    _table(
        wb, "年度考核", heading, _annual_note(subject), ANNUAL, _annual_rows(subject), first=True
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


DOCX_COLUMNS = (
    "名次",
    "部门",
    "应答复",
    "响应率",
    "回访",
    "完成率",
    "满意度",
    "年度\n得分",
    "红榜\n月份",
    "黑榜\n月份",
    "说明",
)
DOCX_WIDTHS = [12, 62, 16, 19, 14, 19, 19, 17, 24, 24, 21]


def render_annual_docx(subject: AnnualReport, **options: Any) -> bytes:
    """The annual assessment on one landscape page for the assessment office."""
    from appeal_adapters.documents.word import (
        HEADING_FONT,
        TITLE_FONT,
        add_text,
        cell_margins,
        new_document,
        no_split,
        repeat_header,
        save,
        set_fonts,
        set_widths,
    )

    policy: Policy = options.get("policy") or Policy()
    doc = new_document("年度考核表", size_pt=12)
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.orientation, section.page_width, section.page_height = (
        WD_ORIENT.LANDSCAPE,
        Mm(297),
        Mm(210),
    )
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    section.left_margin = section.right_margin = Mm(20)
    title = f"{subject.year}年度各部门“服务企业发展”考核数据"
    add_text(doc, title, align="center", size=18, font=TITLE_FONT)
    p = add_text(doc, f"{clean(policy.identity.issuer)}", align="center", size=12)
    p.paragraph_format.space_after = Pt(6)
    rows = [
        [r[0], r[1], r[2], r[4], r[7], r[9], r[10], r[11], r[24], r[25], r[26]]
        for r in _annual_rows(subject)
    ]
    t = doc.add_table(rows=len(rows) + 1, cols=len(DOCX_COLUMNS))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(t, DOCX_WIDTHS)
    cell_margins(t, 0.8)
    for r, row in enumerate([list(DOCX_COLUMNS), *rows]):
        no_split(t.rows[r])
        if r == 0:
            repeat_header(t.rows[r])
        for c, text in enumerate(row):
            for i, part in enumerate(clean(text).split("\n")):
                para = add_text(
                    t.cell(r, c),
                    part,
                    size=10.5,
                    first=i == 0,
                    align="left" if c == 1 and r else "center",
                )
                if r == 0:
                    set_fonts(para.runs[0]._element, HEADING_FONT)
    add_text(doc, "注：" + _annual_note(subject), size=10.5).paragraph_format.space_before = Pt(4)
    return save(doc, title=title, author=policy.identity.issuer, created=None)
