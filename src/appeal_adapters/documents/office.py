"""The office's plain documents (agenda, minutes, digest, supervision notice) in one style:
the issuing office in red over a red rule, a 方正小标宋 title, 黑体 headings, 仿宋 body,
grid tables with repeated heads, and the office and date to close.  Built on ``word``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from appeal_adapters.documents.common import clean, cn_date
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
    set_fonts,
    set_widths,
)

BODY_PT, TABLE_PT = 14, 10.5
WIDTH_MM = 156.0  # the A4 text block inside the GB/T 9704 margins


def document(feature: str) -> Any:
    """A new A4 document in the office's style."""
    return new_document(feature, size_pt=BODY_PT)


def head(doc: Any, office: str, title: str, number: str = "", aside: str = "") -> None:
    """The issuing office in red, a red rule, the title; ``number`` and ``aside`` (a date or a
    level) on the line under the office, left and right."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt, RGBColor

    p = add_text(doc, clean(office), align="center", size=20, font=TITLE_FONT)
    p.runs[0].font.color.rgb = RGBColor.from_string(RED)
    line = add_text(doc, clean(number), size=BODY_PT)
    line.paragraph_format.tab_stops.add_tab_stop(Mm(WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    line.add_run("\t" + clean(aside)).font.size = Pt(BODY_PT)
    rule(line)
    line.paragraph_format.space_after = Pt(12)
    t = add_text(doc, clean(title), align="center", size=20, font=TITLE_FONT)
    t.paragraph_format.space_after = Pt(10)


def heading(doc: Any, text: str) -> None:
    """A 黑体 heading kept with what follows."""
    from docx.shared import Pt

    p = add_text(doc, clean(text), font=HEADING_FONT, size=BODY_PT)
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.space_after = Pt(4)
    p.paragraph_format.keep_with_next = True


def para(doc: Any, text: str, *, indent: bool = True, size: float = BODY_PT) -> None:
    """A justified body paragraph, first line indented two characters."""
    from docx.shared import Pt

    p = add_text(doc, clean(text), align="justify", size=size)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = 1.25


def table(
    doc: Any, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    """A grid table: 黑体 head repeated on every page, rows kept whole, text cells left."""
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT

    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(t, list(widths))
    cell_margins(t, 0.8)
    for r, row in enumerate([list(header), *(list(x) for x in rows)]):
        no_split(t.rows[r])
        if r == 0:
            repeat_header(t.rows[0])
        for k, value in enumerate(row):
            cell = t.cell(r, k)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            wide = widths[k] >= 30 and r > 0
            for i, line in enumerate(clean(value).split("\n") or [""]):
                p = add_text(cell, line, size=TABLE_PT, first=i == 0,
                             align="left" if wide else "center")  # fmt: skip
                if r == 0 and p.runs:
                    set_fonts(p.runs[0]._element, HEADING_FONT)


def none_line(doc: Any, text: str = "无。") -> None:
    """The line for an empty section (a section is never left out silently)."""
    para(doc, text)


def close(doc: Any, office: str, day: date | None) -> None:
    """The office and the date, right-aligned under the text."""
    from docx.shared import Pt

    p = add_text(doc, clean(office), align="right", size=BODY_PT)
    p.paragraph_format.space_before = Pt(18)
    add_text(doc, cn_date(day), align="right", size=BODY_PT)


def clip(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
