"""The summary list (附件2 企业问题诉求汇总清单) as .xlsx and .csv, and its reader.

Layout (1-based rows, both formats): row 1 title; row 2 ``填表单位：`` in column A, ``填报人：``
in C, ``联系电话：`` in E; row 3 column headers; rows 4.. one item each; last row ``备注：``.

The .xlsx prints as an office sends it: A4 landscape for the six columns of the form (A3 with
the handling columns), 11.5 pt 宋体 in every cell (never shrunk below 9 pt), rows as tall as
their text (computed generously), page numbers ``第 N 页 共 M 页``; a problem text too long
for one printed row keeps its opening in the cell, ending ``……（详见附页N）``, and goes whole
on the sheet 附页.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from appeal_adapters.documents.common import clean, cn_date, load, phone_line
from appeal_core.appeal import Appeal
from appeal_core.identity import list_remark
from appeal_core.policy import Policy

TITLE = "企业问题诉求汇总清单"
COLUMNS = ("编号", "企业名称", "存在问题", "问题来源", "企业联系人", "联系电话")
HANDLING = ("状态", "主办部门", "答复期限", "答复日期", "回访结果")
# Column widths in Excel's units (the default font's digit: 7 px in Excel).  LibreOffice
# without Calibri's metric twin measures them with a wider digit (about 9.3 px) and shrinks the
# page to fit: the widths keep the type at 9 pt or more there too (11.5 pt × 0.8).
WIDTHS = {"编号": 13, "企业名称": 20, "存在问题": 66, "问题来源": 13, "企业联系人": 9,
          "联系电话": 13, "状态": 8, "主办部门": 20, "答复期限": 12, "答复日期": 12,
          "回访结果": 10}  # fmt: skip
BODY_FONT, HEAD_FONT, SIZE = "宋体", "黑体", 11.5
MAX_HEIGHT = 400  # points: Excel's limit is 409; a taller text continues on 附页
SEE_ATTACHED = "……（详见附页{n}）"
ATTACHED = "附页"
HEADER_CELLS = (("unit", 0, "填表单位："), ("filler", 2, "填报人："), ("phone", 4, "联系电话："))
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_LIMIT = 32767  # Excel's maximum characters in one cell
FIRST_ROW = 4


def _fill(text: str) -> str:
    return text or "_____"


def _handling(item: Appeal) -> list[str]:
    a, reply, visit = (
        item.assignment,
        item.final_reply or item.preliminary_reply,
        item.last_follow_up,
    )
    lead = ""
    if a is not None:
        lead = "主办：" + clean(a.lead)
        lead += "；协办：" + "、".join(clean(c) for c in a.co) if a.co else ""
    result = ""
    if visit is not None:
        result = f"{visit.satisfaction.label}，{'已解决' if visit.resolved else '未解决'}"
    return [
        item.status.label,
        lead,
        cn_date(item.reply_due.due, "") if item.reply_due else "",
        cn_date(reply.at, "") if reply else "",
        result,
    ]


def table(
    items: Sequence[Appeal],
    *,
    policy: Policy | None = None,
    unit: str = "",
    filler: str = "",
    phone: str = "",
    handling: bool = False,
    mask_phones: bool = False,
) -> list[list[str]]:
    """Every row of the list as text, in the documented layout (shared by xlsx and csv).

    The office in the title and the remark come from ``policy`` (Haimen's by default).
    """
    policy = policy or Policy()
    office, remark = policy.identity.office, list_remark(policy)
    columns = [*COLUMNS, *(HANDLING if handling else ())]
    header = [""] * len(columns)
    for key, col, label in HEADER_CELLS:
        header[col] = label + _fill(clean({"unit": unit, "filler": filler, "phone": phone}[key]))
    rows = [[clean(office) + TITLE], header, list(columns)]
    for item in items:
        ent = item.enterprise
        tel = phone_line(ent.phone, ent.extension, mask=mask_phones)
        row = [clean(item.number), clean(ent.name), clean(item.content),
               policy.channel_label(item.channel),
               clean(ent.contact), tel]  # fmt: skip
        rows.append(row + (_handling(item) if handling else []))
    rows.append([clean(remark)])
    return rows


def _wide(line: str) -> int:
    """Width units of a line: a CJK (or full-width) character counts two, others one."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)


def _height(text: str, width: int) -> float:
    """Points of row height ``text`` needs in a column ``width`` units wide, generously: the
    larger of Excel's (a unit 7 px, lines 1.3 em) and LibreOffice's without Calibri (a unit
    about 9.3 px, lines 1.45 em for the CJK fonts), plus padding.  Rows get this height:
    LibreOffice does not grow rows when it opens a workbook."""
    need = 6.0
    for em, digit_px in ((1.3, 7.0), (1.45, 9.3)):
        per_line = max(2, int(width * digit_px * 1.5 / SIZE) - 2)  # units (CJK = 2) per line
        lines = sum(-(-_wide(line) // per_line) or 1 for line in text.split("\n"))
        need = max(need, lines * em * SIZE + 6)
    return need


def _overflow(rows: list[list[str]]) -> list[tuple[str, str]]:
    """Move problem texts too long for one printed row to the attached sheet: the cell keeps
    their opening and a reference; returns the (number, full text) pairs for 附页."""
    columns, attached = rows[2], []
    if "存在问题" not in columns:
        return []
    col, width = columns.index("存在问题"), WIDTHS["存在问题"]
    for row in rows[FIRST_ROW - 1 : -1]:
        text = row[col]
        if _height(text, width) <= MAX_HEIGHT:
            continue
        attached.append((row[0], text))
        tail = SEE_ATTACHED.format(n=len(attached))
        cut = len(text)
        while cut and _height(text[:cut] + tail, width) > MAX_HEIGHT:
            cut = cut * 9 // 10
        row[col] = text[:cut] + tail
    return attached


def _xlsx(rows: list[list[str]], title: str, author: str) -> bytes:
    openpyxl = load("openpyxl", "汇总清单（xlsx）", "xlsx")
    from openpyxl.styles import Alignment, Border, Font, Side  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    wb = openpyxl.Workbook()
    wb.properties.creator = wb.properties.lastModifiedBy = author
    wb.properties.title = title
    ws = wb.active
    ws.title = "汇总清单"
    attached = _overflow(rows)
    columns = rows[2]
    width = len(columns)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body, head = Font(name=BODY_FONT, size=SIZE), Font(name=HEAD_FONT, size=SIZE)
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = text[:XLSX_LIMIT]
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if text.startswith(TRIGGERS):
                cell.quotePrefix = True
            cell.alignment = Alignment(wrap_text=r != 2, vertical="center")
            cell.font = head if r == 3 else body
            if 3 <= r < len(rows):
                cell.border = box
        if FIRST_ROW <= r < len(rows):
            ws.row_dimensions[r].height = max(
                _height(text, WIDTHS[name]) for text, name in zip(row, columns, strict=False)
            )
    last = len(rows)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=width)
    ws["A1"].font = Font(name=HEAD_FONT, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[last].height = _height(rows[-1][0], sum(WIDTHS[n] for n in columns))
    for c, name in enumerate(columns, start=1):
        ws.cell(row=3, column=c).alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS[name]
    _page_setup(ws, wide=width > len(COLUMNS))
    ws.print_title_rows = "3:3"
    ws.freeze_panes = "A4"
    if attached:
        _attached_sheet(wb, attached, body, head)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _page_setup(ws: Any, *, wide: bool) -> None:
    """A4 landscape (A3 for the wider list), fitted to the width only, page numbers below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if wide else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.font = f"{BODY_FONT},Regular"
    ws.oddFooter.center.size = 10


def _attached_sheet(wb: Any, attached: list[tuple[str, str]], body: Any, head: Any) -> None:
    from openpyxl.styles import Alignment

    ws = wb.create_sheet(ATTACHED)
    ws.append(["附页", "编号", "存在问题（全文）"])
    for n, (number, text) in enumerate(attached, start=1):
        ws.append([str(n), number, text[:XLSX_LIMIT]])
    for row in ws.iter_rows():
        for cell in row:
            cell.font = head if cell.row == 1 else body
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 6, 14
    ws.column_dimensions["C"].width = 110
    ws.print_title_rows = "1:1"
    _page_setup(ws, wide=False)


def neutralise(text: str) -> str:
    """A CSV cell a spreadsheet will not run: a leading ``'`` before = + - @ tab CR or ``'``."""
    return "'" + text if text.startswith((*TRIGGERS, "'")) else text


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    width = len(rows[2])
    for row in rows:
        writer.writerow([neutralise(t) for t in row] + [""] * (width - len(row)))
    return out.getvalue().encode("utf-8-sig")


def render_summary_list(subject: Sequence[Appeal], **options: Any) -> bytes:
    """The list as .xlsx bytes (options: policy, unit, filler, phone, handling, mask_phones).

    The file's author is the office, its title the list's."""
    office = clean((options.get("policy") or Policy()).identity.office)
    return _xlsx(table(list(subject), **options), title=office + TITLE, author=office)


def render_summary_csv(subject: Sequence[Appeal], **options: Any) -> bytes:
    """The list as CSV bytes: UTF-8 with BOM, the same rows as the .xlsx."""
    return _csv(table(list(subject), **options))


def _read_rows(data: bytes) -> list[list[str]]:
    if data[:2] == b"PK":
        openpyxl = load("openpyxl", "读取汇总清单（xlsx）", "xlsx")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = wb.worksheets[0].iter_rows(values_only=True)
        rows = [["" if v is None else str(v) for v in row] for row in cells]
        if ATTACHED in wb.sheetnames:
            _restore(rows, list(wb[ATTACHED].iter_rows(values_only=True))[1:])
        wb.close()
    else:
        text = data.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text))
        rows = [[t[1:] if t.startswith("'") else t for t in r] for r in reader]
    return [r for r in rows if any(r)]


def _restore(rows: list[list[str]], attached: list[tuple[Any, ...]]) -> None:
    """Put the full texts of the attached sheet back into the cells that refer to it."""
    full = {SEE_ATTACHED.format(n=str(n)): str(text or "") for n, _, text, *_ in attached}
    for row in rows:
        for i, cell in enumerate(row):
            for tail, text in full.items():
                if cell.endswith(tail):
                    row[i] = text


def read_summary_list(source: str | Path | bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Invert the writer: the header block (title, unit, filler, phone, remark) and the rows."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    rows = _read_rows(data)
    title, info, columns, body, last = rows[0], rows[1], rows[2], rows[3:-1], rows[-1]
    header = {"title": title[0], "remark": last[0]}
    for key, col, label in HEADER_CELLS:
        value = info[col].removeprefix(label) if col < len(info) else ""
        header[key] = "" if value == "_____" else value
    names = [c for c in columns if c]
    items = [{n: (row[i] if i < len(row) else "") for i, n in enumerate(names)} for row in body]
    return header, items
