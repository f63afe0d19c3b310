"""The summary list (附件2 企业问题诉求汇总清单) as .xlsx and .csv, and its reader.

Layout (1-based rows, both formats): row 1 title; row 2 ``填表单位：`` in column A, ``填报人：``
in C, ``联系电话：`` in E; row 3 column headers; rows 4.. one item each; last row ``备注：``.
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
WIDTHS = {"编号": 16, "企业名称": 30, "存在问题": 56, "问题来源": 20, "企业联系人": 12,
          "联系电话": 16, "状态": 11, "主办部门": 26, "答复期限": 17, "答复日期": 17,
          "回访结果": 14}  # fmt: skip
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
        lead = clean(a.lead) + ("；协办：" + "、".join(clean(c) for c in a.co) if a.co else "")
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
        row = [clean(item.number), clean(ent.name), clean(item.content), item.channel.label,
               clean(ent.contact), tel]  # fmt: skip
        rows.append(row + (_handling(item) if handling else []))
    rows.append([clean(remark)])
    return rows


def _lines(row: list[str], columns: list[str]) -> int:
    """Lines the tallest cell wraps to (a CJK character is two width units)."""

    def wide(line: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)

    return max(
        sum(-(-wide(line) // max(1, WIDTHS[name] - 1)) or 1 for line in text.split("\n"))
        for text, name in zip(row, columns, strict=False)
    )


def _xlsx(rows: list[list[str]]) -> bytes:
    openpyxl = load("openpyxl", "汇总清单（xlsx）", "xlsx")
    from openpyxl.styles import Alignment, Border, Font, Side  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总清单"
    columns = rows[2]
    width = len(columns)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = text[:XLSX_LIMIT]
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if text.startswith(TRIGGERS):
                cell.quotePrefix = True
            cell.alignment = Alignment(wrap_text=r != 2, vertical="center")
            if 3 <= r < len(rows):
                cell.border = box
        if FIRST_ROW <= r < len(rows):
            ws.row_dimensions[r].height = min(409, 15 * _lines(row, columns))
    last = len(rows)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=width)
    ws["A1"].font = Font(name="黑体", size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[last].height = 32
    for c, name in enumerate(columns, start=1):
        ws.cell(row=3, column=c).font = Font(bold=True)
        ws.cell(row=3, column=c).alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS[name]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
    """The list as .xlsx bytes (options: policy, unit, filler, phone, handling, mask_phones)."""
    return _xlsx(table(list(subject), **options))


def render_summary_csv(subject: Sequence[Appeal], **options: Any) -> bytes:
    """The list as CSV bytes: UTF-8 with BOM, the same rows as the .xlsx."""
    return _csv(table(list(subject), **options))


def _read_rows(data: bytes) -> list[list[str]]:
    if data[:2] == b"PK":
        openpyxl = load("openpyxl", "读取汇总清单（xlsx）", "xlsx")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = wb.worksheets[0].iter_rows(values_only=True)
        rows = [["" if v is None else str(v) for v in row] for row in cells]
        wb.close()
    else:
        text = data.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text))
        rows = [[t[1:] if t.startswith("'") else t for t in r] for r in reader]
    return [r for r in rows if any(r)]


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
