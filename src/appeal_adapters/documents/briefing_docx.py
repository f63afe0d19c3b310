"""The briefing as .docx, laid out after GB/T 9704: red title, issue number, the issuing line
over a red rule, the ranked table on a landscape page, page numbers, the 报/送/发 block."""

from __future__ import annotations

import io
from typing import Any

from appeal_adapters.documents.briefing import Block, blocks
from appeal_adapters.documents.word import (
    HEADING_FONT,
    RED,
    TITLE_FONT,
    add_text,
    cell_margins,
    new_document,
    no_split,
    repeat_header,
    rule,
    save,
    set_fonts,
    set_widths,
)
from appeal_core.metrics import MonthlyReport
from appeal_core.policy import Policy

PORTRAIT_MM, LANDSCAPE_MM = 156.0, 257.0
WIDTHS: dict[int, list[float]] = {  # by table width (columns): millimetres per column
    15: [9, 44, *[15.69] * 13],
    # with 逾期办理 (the definition ``split_late``): counts narrower, rates wide enough for 100.0%
    16: [9, 45, 12.5, 12.5, 12.5, 18.5, 12.5, 12.5, 12.5, 12.5, 18.5, 18.5, 12.5, 12.5, 12.5, 15],
    7: [42, *[19] * 6],
    6: [8, 31, 36, 31, 36, 14],
}
BODY_PT, TABLE_PT, WIDE_PT = 14, 10, 10


def _section(doc: Any, landscape: bool) -> None:
    """Start a new page section, landscape (for the wide table) or portrait."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    s = doc.add_section(WD_SECTION.NEW_PAGE)
    if landscape:
        s.orientation, s.page_width, s.page_height = WD_ORIENT.LANDSCAPE, Mm(297), Mm(210)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = (
            Mm(26), Mm(24), Mm(20), Mm(20))  # fmt: skip
        s.footer_distance = Mm(12)
    else:
        s.orientation, s.page_width, s.page_height = WD_ORIENT.PORTRAIT, Mm(210), Mm(297)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = (
            Mm(37), Mm(35), Mm(28), Mm(26))  # fmt: skip
        s.footer_distance = Mm(21)


def _table(doc: Any, b: Block) -> None:
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT

    cols = len(b.rows[0])
    t = doc.add_table(rows=len(b.rows), cols=cols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = LANDSCAPE_MM if b.wide else PORTRAIT_MM
    set_widths(t, WIDTHS.get(cols, [width / cols] * cols))
    cell_margins(t, 0.8)
    size = WIDE_PT if b.wide else TABLE_PT
    for r, row in enumerate(b.rows):
        no_split(t.rows[r])
        if r < b.head:
            repeat_header(t.rows[r])
        for c, text in enumerate(row):
            cell = t.cell(r, c)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            left = r >= b.head and cols != 6 and c == (1 if cols in (15, 16) else 0)
            left = left or (r >= b.head and cols == 6 and c in (2, 3))
            for i, line in enumerate(text.split("\n")):
                p = add_text(cell, line, size=size, first=i == 0,
                             align="left" if left else "center")  # fmt: skip
                if r < b.head:
                    set_fonts(p.runs[0]._element, HEADING_FONT)
    if b.head == 2:  # the 环比 table: 部门 over two rows, the two groups over three columns each
        t.cell(0, 0).merge(t.cell(1, 0))
        t.cell(0, 1).merge(t.cell(0, 3))
        t.cell(0, 4).merge(t.cell(0, 6))
        for cell in (t.cell(0, 0), t.cell(0, 1), t.cell(0, 4)):  # merging kept empty paragraphs
            for extra in cell.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)


def _distribution(doc: Any, b: Block) -> None:
    """版记: the 报/送/发 lines between a thick rule above and below, thin rules between."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    add_text(doc, "").paragraph_format.space_before = Pt(24)
    t = doc.add_table(rows=len(b.rows), cols=1)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(t, [PORTRAIT_MM])
    for r, (label, who) in enumerate(b.rows):
        no_split(t.rows[r])
        p = add_text(t.cell(r, 0), f"{label}：{who}", size=BODY_PT, first=True)
        p.paragraph_format.left_indent = Pt(BODY_PT * (1 + len(label) + 1))
        p.paragraph_format.first_line_indent = -Pt(BODY_PT * (len(label) + 1))
        borders = OxmlElement("w:tcBorders")
        for side, size in (("top", 8 if r == 0 else 4), ("bottom", 8 if r == len(b.rows) - 1
                                                         else 4)):  # fmt: skip
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), "000000")
            borders.append(el)
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), "nil")
            borders.append(el)
        t.cell(r, 0)._tc.get_or_add_tcPr().append(borders)


def _write(doc: Any, content: list[Block]) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt, RGBColor

    landscape = False
    for i, b in enumerate(content):
        following = content[i + 1] if i + 1 < len(content) else None
        wide_next = following is not None and following.kind == "table" and following.wide
        if b.kind == "heading" and wide_next != landscape:
            _section(doc, landscape=wide_next)
            landscape = wide_next
        if b.kind == "title":
            p = add_text(doc, b.text, align="center", size=22, font=TITLE_FONT)
            p.runs[0].font.color.rgb = RGBColor.from_string(RED)
            p.paragraph_format.space_after = Pt(6)
        elif b.kind == "issue":
            add_text(doc, b.text, align="center", size=16).paragraph_format.space_after = Pt(6)
        elif b.kind == "issuer":
            p = add_text(doc, b.text, size=BODY_PT)
            p.paragraph_format.tab_stops.add_tab_stop(Mm(PORTRAIT_MM), WD_TAB_ALIGNMENT.RIGHT)
            p.add_run("\t" + b.aside).font.size = Pt(BODY_PT)
            rule(p)  # the red separator under the issuing line
            p.paragraph_format.space_after = Pt(12)
        elif b.kind == "heading":
            p = add_text(doc, b.text, font=HEADING_FONT, size=BODY_PT)
            p.paragraph_format.space_before = Pt(10)
            p.paragraph_format.space_after = Pt(4)
            p.paragraph_format.keep_with_next = True
        elif b.kind == "text":
            p = add_text(doc, b.text, align="justify", size=BODY_PT)
            p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
            p.paragraph_format.line_spacing = 1.25
        elif b.kind == "note":
            add_text(doc, b.text, align="justify", size=TABLE_PT).paragraph_format.space_before = (
                Pt(3))  # fmt: skip
        elif b.kind == "image":
            doc.add_picture(io.BytesIO(b.png), width=Mm(PORTRAIT_MM))
            p = doc.paragraphs[-1]
            p.alignment = 1  # centred
            p.paragraph_format.keep_together = True
        elif b.kind == "distribution":
            if landscape:
                _section(doc, landscape=False)
                landscape = False
            _distribution(doc, b)
        else:
            _table(doc, b)


def briefing_docx(subject: MonthlyReport, **options: Any) -> bytes:
    """The briefing as .docx bytes (options: issue, previous, supervision, top_n, policy,
    with_charts; see ``briefing.blocks``).  Author: the issuer; date: the month's last day."""
    content = blocks(subject, **options)
    doc = new_document("工作简报", size_pt=BODY_PT)
    _write(doc, content)
    identity = (options.get("policy") or Policy()).identity
    title = f"{identity.briefing_title} {subject.year}年{subject.month}月"
    issue = next((b.text for b in content if b.kind == "issue"), "")
    return save(doc, title=f"{title} {issue}", author=identity.issuer,
                created=subject.last)  # fmt: skip
