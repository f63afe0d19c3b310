"""What every .docx shares: the A4 page, Chinese fonts, page numbers, table helpers, and a
package without python-docx's template leftovers (Japanese theme, author, 2013 date, thumbnail).

GB/T 9704-2012 layout: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; body
仿宋_GB2312, titles 方正小标宋简体, headings 黑体; the page number "— 1 —" in 4号 (14 pt) under
the text block, odd pages on the right and even pages on the left.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time
from types import ModuleType
from typing import Any

from appeal_adapters.documents.common import load
from appeal_core.timeutil import SHANGHAI

BODY_FONT, TITLE_FONT, HEADING_FONT, WESTERN = (
    "仿宋_GB2312",
    "方正小标宋简体",
    "黑体",
    "Times New Roman",
)
RED = "C00000"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# The font table Word reads for substitution (altName, panose, charset 86 = GB2312); LibreOffice
# ignores it and asks fontconfig, which ``fonts.FONTCONFIG`` teaches the same fallbacks.
FONTS = (
    ("Times New Roman", "", "02020603050405020304", "00", "roman", "variable"),
    (BODY_FONT, "仿宋", "02010609030101010101", "86", "modern", "fixed"),
    ("仿宋", "FangSong", "02010609060101010101", "86", "modern", "fixed"),
    (TITLE_FONT, "宋体", "02000000000000000000", "86", "roman", "variable"),
    (HEADING_FONT, "SimHei", "02010609060101010101", "86", "modern", "fixed"),
    ("宋体", "SimSun", "02010600030101010101", "86", "auto", "variable"),
    ("Noto Serif CJK SC", "", "02020400000000000000", "86", "roman", "variable"),
)


def docx_modules(feature: str) -> ModuleType:
    """python-docx, or ``MissingExtra`` naming ``appeal[docx]``."""
    return load("docx", feature, "docx", "python-docx")


def set_fonts(element: Any, east_asian: str, western: str = WESTERN) -> None:
    """Set the East Asian font slot too (python-docx writes only the Western ones)."""
    _font_slots(element.get_or_add_rPr().get_or_add_rFonts(), east_asian, western)


def _font_slots(rfonts: Any, east_asian: str, western: str = WESTERN) -> None:
    from docx.oxml.ns import qn

    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(slot), western)
    rfonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


def new_document(feature: str, body_font: str = BODY_FONT, size_pt: float = 12) -> Any:
    """An A4 document with GB/T 9704 margins, Chinese fonts, language zh-CN, page numbers."""
    docx = docx_modules(feature)
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(21)
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
        # Chinese text in zh-CN; digits and Latin words in en-US, so LibreOffice never breaks
        # a number or a house number inside (its Chinese line breaking would).
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    page_numbers(doc)
    return doc


def add_text(container: Any, text: str, *, align: str = "left", size: float | None = None,
             font: str | None = None, first: bool = False, bold: bool = False) -> Any:  # fmt: skip
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
    if bold:
        run.bold = True
    return para


def page_numbers(doc: Any) -> None:
    """ "— N —" in 14 pt under the text block: odd pages right, even pages left (GB/T 9704)."""
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    footers = ((section.footer, "right"), (section.even_page_footer, "left"),
               (section.first_page_footer, "right"))  # fmt: skip
    for footer, align in footers:
        para = footer.paragraphs[0]
        add_text(footer, "— ", align=align, size=14, font="宋体", first=True)
        _field(para, "PAGE", "1", size=14)
        run = para.add_run(" —")
        run.font.size = Pt(14)
        set_fonts(run._element, "宋体")
        indent = para.paragraph_format
        indent.right_indent = Pt(14) if align == "right" else None
        indent.left_indent = Pt(14) if align == "left" else None


def _field(para: Any, code: str, shown: str, size: float) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) showing ``shown`` until it is updated."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def run_with(child: Any) -> None:
        run = para.add_run()
        run.font.size = Pt(size)
        set_fonts(run._element, "宋体")
        run._element.append(child)

    for kind in ("begin", "instr", "separate", "text", "end"):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = shown
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run_with(el)


def rule(para: Any, *, color: str = RED, size_eighths: int = 12, where: str = "bottom") -> None:
    """A line under (or over) a paragraph: the red separator of the head, the rules of 版记."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = para._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{where}")
    for key, value in (("val", "single"), ("sz", str(size_eighths)), ("space", "4"),
                       ("color", color)):  # fmt: skip
        line.set(qn(f"w:{key}"), value)
    borders.append(line)


def set_widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and in every cell (Word)."""
    from docx.shared import Mm

    table.autofit = False
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        grid_col.w = Mm(width)
    for col, width in zip(table.columns, widths_mm, strict=True):
        for cell in col.cells:
            cell.width = Mm(width)


def cell_margins(table: Any, left_right_mm: float) -> None:
    """Narrow the cells' left and right padding (Word's default is 1.9 mm)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(left_right_mm * 56.7)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    pr.append(margins)


def no_split(row: Any) -> None:
    """Keep a table row on one page."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def repeat_header(row: Any) -> None:
    """Repeat this (heading) row at the top of every page the table runs onto."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _font_table() -> bytes:
    entries = []
    for name, alt, panose, charset, family, pitch in FONTS:
        alt_el = f'<w:altName w:val="{alt}"/>' if alt else ""
        entries.append(
            f'<w:font w:name="{name}">{alt_el}<w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/>'
            f'<w:pitch w:val="{pitch}"/></w:font>'
        )
    xml = f'<w:fonts xmlns:w="{W_NS}">{"".join(entries)}</w:fonts>'
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + xml).encode("utf-8")


def _theme(blob: bytes) -> bytes:
    """The template theme with Chinese East Asian fonts and no Japanese or Korean overrides."""
    import re

    text = blob.decode("utf-8")
    text = re.sub(r'<a:font script="(Jpan|Hang|Hant)" typeface="[^"]*"/>', "", text)
    major, minor = text.split("<a:minorFont>", 1)
    major = major.replace('<a:ea typeface=""/>', f'<a:ea typeface="{HEADING_FONT}"/>', 1)
    minor = minor.replace('<a:ea typeface=""/>', f'<a:ea typeface="{BODY_FONT}"/>', 1)
    return (major + "<a:minorFont>" + minor).encode("utf-8")


def save(doc: Any, *, title: str, author: str, created: date | datetime | None) -> bytes:
    """The document's bytes, its properties from the document itself and the template's
    leftovers gone: font table, theme and settings say Chinese; no thumbnail, no
    stylesWithEffects (en-US); author, title and dates are ours (``created`` at local midnight
    when a date; absent when unknown)."""
    from docx.oxml.ns import qn

    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rid)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.rels.pop(rid)
    for part in package.iter_parts():
        name = str(part.partname)
        if name == "/word/fontTable.xml":
            part._blob = _font_table()
        elif name.startswith("/word/theme/"):
            part._blob = _theme(part.blob)
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    props = doc.core_properties
    props.author, props.title, props.last_modified_by = author, title, author
    props.comments, props.revision = "", 1
    when = created
    if isinstance(when, date) and not isinstance(when, datetime):
        when = datetime.combine(when, time(0), SHANGHAI)
    if when is not None:
        props.created = props.modified = when
    else:
        props._element.remove_all("dcterms:created", "dcterms:modified")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
