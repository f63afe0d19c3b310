"""The assignment sheet (附件1 企业问题诉求部门交办单) as .docx, one item per A4 page."""

from __future__ import annotations

import io
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from appeal_adapters.documents.common import BLANK_DATE, clean, cn_date, load, phone_line
from appeal_core.appeal import Appeal, Satisfaction
from appeal_core.identity import sheet_remark
from appeal_core.policy import Policy

TITLE = "企业问题诉求部门交办单"
CO_NOTE = "（涉及其他协办部门参与办理的，由主办部门汇总办理情况后统一回复）"
WIDTHS_MM = (27, 51, 26, 52)  # 156 mm: the A4 width inside the GB/T 9704 margins
BODY_FONT, TITLE_FONT, WESTERN = "仿宋_GB2312", "方正小标宋简体", "Times New Roman"


def docx_modules(feature: str) -> ModuleType:
    """python-docx, or ``MissingExtra`` naming ``appeal[docx]``."""
    return load("docx", feature, "docx", "python-docx")


def set_fonts(element: Any, east_asian: str, western: str = WESTERN) -> None:
    """Set the East Asian font slot too (python-docx writes only the Western ones)."""
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    _font_slots(rfonts, east_asian, western)


def _font_slots(rfonts: Any, east_asian: str, western: str = WESTERN) -> None:
    from docx.oxml.ns import qn

    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(slot), western)
    rfonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


def new_document(feature: str, body_font: str = BODY_FONT, size_pt: float = 12) -> Any:
    """An A4 document with GB/T 9704 margins, Chinese fonts and language zh-CN."""
    docx = docx_modules(feature)
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _font_slots(rpr.find(qn("w:rFonts")), body_font)
    normal = doc.styles["Normal"]
    set_fonts(normal.element, body_font)
    normal.font.size = Pt(size_pt)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for parent in (rpr, normal.element.get_or_add_rPr()):
        lang = parent.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            parent.append(lang)
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    return doc


def add_text(container: Any, text: str, *, align: str = "left", size: float | None = None,
             font: str | None = None, first: bool = False) -> Any:  # fmt: skip
    """A paragraph (the container's first, empty one when ``first``) holding ``text``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    para = container.paragraphs[0] if first else container.add_paragraph()
    para.alignment = getattr(WD_ALIGN_PARAGRAPH, align.upper())
    run = para.add_run(text)
    if size:
        run.font.size = Pt(size)
    if font:
        set_fonts(run._element, font)
    return para


def _cell(cell: Any, lines: Sequence[str], align: str = "left") -> None:
    from docx.enum.table import WD_ALIGN_VERTICAL

    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    for i, line in enumerate(lines or [""]):
        add_text(cell, line, align=align, first=i == 0)


def _reply_lines(item: Appeal) -> tuple[list[str], str]:
    final, pre = item.final_reply, item.preliminary_reply
    if final is not None:
        return clean(final.text).split("\n"), cn_date(final.at)
    if pre is not None:
        due = item.completion_due.due if item.completion_due else None
        lines = ["初步答复：" + clean(pre.text), f"承诺办结时间：{cn_date(due)}"]
        return "\n".join(lines).split("\n"), cn_date(pre.at)
    return ["", ""], "　　　　年　　月　　日"


def _follow_up_lines(item: Appeal) -> list[str]:
    last = item.last_follow_up
    if last is None:
        return [
            "1. 对部门服务是否满意：满意（　）/不满意（　）",
            "2. 反映的问题是否解决：解决（　）/未解决（　）",
            "3. 其他说明：______________________________",
            f"4. 回访日期：{BLANK_DATE}",
        ]
    ok, bad = ("√", "　") if last.satisfied else ("　", "√")
    yes, no = ("√", "　") if last.resolved else ("　", "√")
    notes = clean(last.notes)
    if last.satisfaction is Satisfaction.BASICALLY_SATISFIED:
        notes = "基本满意。" + notes
    return [
        f"1. 对部门服务是否满意：满意（{ok}）/不满意（{bad}）",
        f"2. 反映的问题是否解决：解决（{yes}）/未解决（{no}）",
        f"3. 其他说明：{notes or '______________________________'}",
        f"4. 回访日期：{cn_date(last.visited_on)}",
    ]


def due_line(item: Appeal) -> str:
    """The computed deadline sentence of the remark, e.g. ``请于2024年10月10日前答复。``."""
    if item.reply_due is None:
        return ""
    mark = "（暂定）" if item.reply_due.provisional else ""
    when = cn_date(item.reply_due.due) + mark
    if item.reply_due.rule == "preliminary":
        return f"本件请于{when}前向企业作出初步答复，并在承诺的时间内办结。"
    return f"本件请于{when}前答复。"


def _rows(item: Appeal, mask: bool) -> list[tuple[str, Any, str, str]]:
    ent, a = item.enterprise, item.assignment
    reply = item.final_reply or item.preliminary_reply
    phone = phone_line(ent.phone, ent.extension, mask=mask)
    lead = ""
    if a is not None:
        lead = "主办：" + clean(a.lead)
        lead += "；协办：" + "、".join(clean(c) for c in a.co) if a.co else ""
    content = clean(item.content) or "（可另附页）"
    reported = item.reported_at or item.registered_at
    return [
        ("企业名称", clean(ent.name), "企业地址", clean(ent.address)),
        ("反映时间", cn_date(reported), "问题来源", item.channel.label),
        ("企业联系人", clean(ent.contact), "联系电话", phone),
        ("企业反映\n主要问题", content, "", ""),
        ("主办部门", lead, "", ""),
        ("主办部门\n办理情况\n回复", None, "", ""),
        ("主办部门\n联系人", clean(reply.contact) if reply else "", "联系电话",
         clean(reply.phone) if reply else ""),
        ("求助企业\n回访情况\n（此栏由区服务\n企业办填写）", None, "", ""),
    ]  # fmt: skip


def set_widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and in every cell (Word)."""
    from docx.shared import Mm

    table.autofit = False
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        grid_col.w = Mm(width)
    for col, width in zip(table.columns, widths_mm, strict=True):
        for cell in col.cells:
            cell.width = Mm(width)


def no_split(row: Any) -> None:
    """Keep a table row on one page."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def _add_sheet(doc: Any, item: Appeal, opts: dict[str, Any], first: bool) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    title = add_text(doc, clean(opts["office"]), align="center", size=18, font=opts["title_font"])
    title.runs[0].add_break()
    run = title.add_run(TITLE)
    run.font.size = title.runs[0].font.size
    set_fonts(run._element, opts["title_font"])
    title.paragraph_format.page_break_before = not first
    title.paragraph_format.space_after = Mm(4)
    a = item.assignment
    add_text(doc, f"事项编号：{clean(item.number)}")
    day = add_text(doc, f"交办日期：{cn_date(a.assigned_at if a else None)}")
    day.paragraph_format.space_after = Mm(2)
    table = doc.add_table(rows=8, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_widths(table, WIDTHS_MM)
    heights = (9, 9, 9, 34, 9, 36, 10, 26)
    for r, (label, value, label2, value2) in enumerate(_rows(item, opts["mask_phones"])):
        row = table.rows[r]
        row.height, row.height_rule = Mm(heights[r]), WD_ROW_HEIGHT_RULE.AT_LEAST
        if r != 3:  # only the problem row may continue on the next page
            no_split(row)
        _cell(row.cells[0], label.split("\n"), align="center")
        if label2:
            _cell(row.cells[1], [value])
            _cell(row.cells[2], [label2], align="center")
            _cell(row.cells[3], [value2])
            continue
        merged = table.cell(r, 1).merge(table.cell(r, 3))
        if r == 5:
            lines, day = _reply_lines(item)
            _cell(merged, [*lines, CO_NOTE])
            add_text(merged, day, align="right")
        elif r == 7:
            _cell(merged, _follow_up_lines(item))
        else:
            _cell(merged, value.split("\n"))
    remark = add_text(doc, clean(opts["remark"]) + due_line(item), size=10.5)
    remark.paragraph_format.space_before = Mm(2)
    add_text(doc, clean(opts["desk_address"]), size=10.5)


def render_sheet(
    subject: Appeal | Sequence[Appeal],
    *,
    policy: Policy | None = None,
    mask_phones: bool = False,
    title_font: str = TITLE_FONT,
    body_font: str = BODY_FONT,
) -> bytes:
    """One sheet per item (a batch in one document, each sheet on a new page) as .docx bytes.

    The office, the remark (in the policy's numbers) and the desk's address come from
    ``policy`` (the seed's Haimen values by default).
    """
    policy = policy or Policy()
    items = [subject] if isinstance(subject, Appeal) else list(subject)
    doc = new_document("交办单", body_font)
    opts = {"office": policy.identity.office, "desk_address": policy.identity.desk_contact,
            "remark": sheet_remark(policy), "mask_phones": mask_phones,
            "title_font": title_font}  # fmt: skip
    for i, item in enumerate(items):
        _add_sheet(doc, item, opts, first=i == 0)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
