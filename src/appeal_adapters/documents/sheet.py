"""The assignment sheet (附件1 企业问题诉求部门交办单) as .docx, one item per A4 page.

Each sheet is its own section: a sheet whose problem text runs onto a second page repeats
``事项编号：…（续）`` at the top of that page; the reply box takes the page's spare height for a
handwritten answer; page numbers run through a batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from appeal_adapters.documents.common import BLANK_DATE, clean, cn_date, phone_line
from appeal_adapters.documents.word import (
    BODY_FONT,
    TITLE_FONT,
    add_text,
    cell_margins,
    docx_modules,
    new_document,
    no_split,
    save,
    set_fonts,
    set_widths,
)
from appeal_core.appeal import Appeal, Satisfaction
from appeal_core.identity import sheet_remark
from appeal_core.policy import Policy

__all__ = ["TITLE", "docx_modules", "due_line", "render_sheet"]

TITLE = "企业问题诉求部门交办单"
CO_NOTE = "（涉及其他协办部门参与办理的，由主办部门汇总办理情况后统一回复）"
WIDTHS_MM = (33, 48, 25, 50)  # 156 mm: the A4 width inside the GB/T 9704 margins
LABEL_CHARS = 7  # 12 pt characters that fit the label column (33 mm less 3 mm padding)


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


def _wrap_note(desk: str) -> list[str]:
    """``（此栏由区服务企业办填写）`` in lines that fit the label column, broken between words."""
    lines: list[str] = []
    for part in ("（此栏由", clean(desk), "填写）"):
        while part:
            room = LABEL_CHARS - len(lines[-1]) if lines else 0
            if room > 0 and len(part) <= room:
                lines[-1] += part
                break
            lines.append(part[:LABEL_CHARS])
            part = part[LABEL_CHARS:]
    return lines


def _rows(item: Appeal, mask: bool, policy: Policy) -> list[tuple[str, Any, str, str]]:
    identity = policy.identity
    ent, a = item.enterprise, item.assignment
    reply = item.final_reply or item.preliminary_reply
    phone = phone_line(ent.phone, ent.extension, mask=mask)
    lead = ""
    if a is not None:
        lead = "主办：" + clean(a.lead)
        lead += "；协办：" + "、".join(clean(c) for c in a.co) if a.co else ""
    content = clean(item.content) or "（可另附页）"
    reported = item.reported_at or item.registered_at
    visit = "\n".join(["求助企业", "回访情况", *_wrap_note(identity.desk)])
    return [
        ("企业名称", clean(ent.name), "企业地址", clean(ent.address)),
        ("反映时间", cn_date(reported), "问题来源", policy.channel_label(item.channel)),
        ("企业联系人", clean(ent.contact), "联系电话", phone),
        ("企业反映\n主要问题", content, "", ""),
        ("主办部门", lead, "", ""),
        ("主办部门\n办理情况\n回复", None, "", ""),
        ("主办部门\n联系人", clean(reply.contact) if reply else "", "联系电话",
         clean(reply.phone) if reply else ""),
        (visit, None, "", ""),
    ]  # fmt: skip


def _lines(text: str, width_mm: float, size_pt: float = 12) -> int:
    """Lines ``text`` wraps to in a column (a CJK character is one em, others half)."""
    em = size_pt * 0.3528
    per_line = max(1.0, (width_mm - 3) / em)
    return sum(
        max(1, -(-int(sum(1 if ord(ch) > 0x2E7F else 0.55 for ch in line)) // int(per_line)))
        for line in text.split("\n")
    )


LINE_MM = 12 * 0.3528 * 1.45  # one 12 pt line as LibreOffice sets a CJK font (1.45 em)
TEXT_BLOCK_MM = 297 - 37 - 35


def _heights(rows: list[tuple[str, Any, str, str]], remark: str, address: str) -> list[float]:
    """Row heights: each row as tall as its text; the reply box takes what the page has left."""
    wide = sum(WIDTHS_MM[1:])
    heights = []
    for r, (label, value, label2, value2) in enumerate(rows):
        if r in (5, 7):
            heights.append(LINE_MM * (6 if r == 5 else 4) + 2)
            continue
        texts = [(label, WIDTHS_MM[0])]
        if label2:
            texts += [(value, WIDTHS_MM[1]), (label2, WIDTHS_MM[2]), (value2, WIDTHS_MM[3])]
        else:
            texts.append((value, wide))
        heights.append(max(9.0, max(_lines(t, w) for t, w in texts) * LINE_MM + 2))
    heights[3] = max(heights[3], 30.0)
    notes = (_lines(remark, 156, 10.5) + _lines(address, 156, 10.5)) * 10.5 * 0.3528 * 1.45
    used = 2 * 18 * 0.3528 * 1.45 + 4 + 2 * LINE_MM + 2 + sum(heights) + notes + 2
    spare = TEXT_BLOCK_MM - used - 14  # a margin for the estimate
    heights[5] = max(heights[5], heights[5] + spare)
    return heights


def _continued(section: Any, number: str) -> None:
    """Pages after a sheet's first repeat its number at the top; its first page does not."""
    section.different_first_page_header_footer = True
    for header in (section.header, section.even_page_header, section.first_page_header):
        header.is_linked_to_previous = False
    for header in (section.header, section.even_page_header):
        add_text(header, f"事项编号：{number}（续）", size=10.5, first=True)


def _add_sheet(doc: Any, item: Appeal, opts: dict[str, Any], first: bool) -> None:
    from docx.enum.section import WD_SECTION
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    section = doc.sections[0] if first else doc.add_section(WD_SECTION.NEW_PAGE)
    _continued(section, clean(item.number))
    title = add_text(doc, clean(opts["office"]), align="center", size=18, font=opts["title_font"])
    title.runs[0].add_break()
    run = title.add_run(TITLE)
    run.font.size = title.runs[0].font.size
    set_fonts(run._element, opts["title_font"])
    title.paragraph_format.space_after = Mm(4)
    a = item.assignment
    add_text(doc, f"事项编号：{clean(item.number)}")
    day = add_text(doc, f"交办日期：{cn_date(a.assigned_at if a else None)}")
    day.paragraph_format.space_after = Mm(2)
    table = doc.add_table(rows=8, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, WIDTHS_MM)
    cell_margins(table, 1.5)
    rows = _rows(item, opts["mask_phones"], opts["policy"])
    remark = clean(opts["remark"]) + due_line(item)
    heights = _heights(rows, remark, clean(opts["desk_address"]))
    minimums = (9, 9, 9, 30, 9, heights[5], 10, 26)  # rows grow with their text
    for r, (label, value, label2, value2) in enumerate(rows):
        row = table.rows[r]
        row.height, row.height_rule = Mm(minimums[r]), WD_ROW_HEIGHT_RULE.AT_LEAST
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
    note = add_text(doc, remark, size=10.5)
    note.paragraph_format.space_before = Mm(2)
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
    ``policy`` (the seed's Haimen values by default).  The file's author is the office, its
    title the sheet's (and first number), its date the latest assignment's.
    """
    policy = policy or Policy()
    items = [subject] if isinstance(subject, Appeal) else list(subject)
    doc = new_document("交办单", body_font)
    identity = policy.identity
    opts = {"office": identity.office, "desk_address": identity.desk_contact,
            "remark": sheet_remark(policy), "mask_phones": mask_phones,
            "title_font": title_font, "identity": identity, "policy": policy}  # fmt: skip
    for i, item in enumerate(items):
        _add_sheet(doc, item, opts, first=i == 0)
    days = [i.assignment.assigned_at for i in items if i.assignment is not None]
    name = TITLE + (f" {clean(items[0].number)}" if items else "")
    name += f" 等{len(items)}件" if len(items) > 1 else ""
    return save(doc, title=name, author=clean(identity.office), created=max(days, default=None))
