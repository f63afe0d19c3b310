"""Hostile files made the way they arrive: workbooks whose XML lies, JSON nested without end,
CSV in two encodings, lines without end.  Shared by the hostile-file tests and the fuzz test."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import datetime

from appeal_core.enterprise import credit_code_check_char

HOTLINE = ["工单编号", "来电时间", "来电人", "联系电话", "企业名称", "企业地址", "诉求内容",
           "备注", "统一社会信用代码"]  # fmt: skip
SUMMARY_HEAD = [["企业问题诉求汇总清单"], ["填表单位：三星镇", "", "填报人：陆晓燕", "",
                "联系电话：0513-82226015"],
                ["编号", "企业名称", "存在问题", "问题来源", "企业联系人", "联系电话"]]  # fmt: skip
VISIT = ["走访编号", "走访类型", "走访人", "走访日期", "企业名称", "企业联系人", "联系电话",
         "反映问题"]  # fmt: skip


def code(i: int) -> str:
    body = f"91320684MA{i:07d}"
    return body + credit_code_check_char(body)


def hotline_rows(n: int) -> list[list[object]]:
    return [[f"NT-{i}", "2026-11-16 09:30", "陈经理", f"138{i:08d}", f"海门测试{i}机械有限公司",
             "海门区三星镇", f"第{i}个问题：用电增容", "", code(i)] for i in range(1, n + 1)]  # fmt: skip


def summary_rows(n: int) -> list[list[object]]:
    return [[str(i), f"海门测试{i}纺织有限公司", f"第{i}个问题：用工缺口", "基层上报", "陆",
             f"139{i:08d}"] for i in range(1, n + 1)]  # fmt: skip


def visit_rows(n: int) -> list[list[object]]:
    return [[f"V-{i}", "双挂钩", "李区长", "2026-11-16 10:00", f"海门测试{i}电子有限公司", "王",
             f"137{i:08d}", f"第{i}个问题：融资"] for i in range(1, n + 1)]  # fmt: skip


def table(channel: str, n: int) -> list[list[object]]:
    """A clean table of ``n`` problems for a tabular channel, header included."""
    if channel == "hotline":
        return [HOTLINE, *hotline_rows(n)]
    if channel == "summary_list":
        return [*SUMMARY_HEAD, *summary_rows(n)]
    return [VISIT, *visit_rows(n)]


def xlsx(rows: list[list[object]], sheet: str = "Sheet1") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The zip with one part's bytes changed (the way a broken generator writes it)."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def dimension(data: bytes, ref: str) -> bytes:
    """Declare ``ref`` as the sheet's dimension, whatever it holds."""
    return rewrite(
        data,
        SHEET,
        lambda b: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), b),
    )


def far_cell(data: bytes, ref: str, value: str = "x") -> bytes:
    """A lone inline-string cell at ``ref`` (e.g. XFD1048576), declared as the dimension."""
    row = int(re.sub(r"[A-Z]", "", ref))
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c></row>'.encode()
    data = rewrite(data, SHEET, lambda b: b.replace(b"</sheetData>", cell + b"</sheetData>"))
    return dimension(data, f"A1:{ref}")


def zip_bomb(data: bytes, size: int = 300 << 20) -> bytes:
    """The sheet padded with ``size`` bytes of blanks (compresses about 1000 to 1)."""
    pad = b" " * size
    return rewrite(data, SHEET, lambda b: b.replace(b"</sheetData>", pad + b"</sheetData>"))


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[str(c) for c in r] for r in rows])
    return out.getvalue().encode(encoding)


def mixed_encodings(rows: list[list[object]], utf8_lines: tuple[int, ...]) -> bytes:
    """A CSV mostly in GBK with some lines (1-based) in UTF-8, as concatenated exports are."""
    lines = csv_bytes(rows, "utf-8").decode().split("\r\n")
    out = []
    for i, line in enumerate(lines, start=1):
        out.append(line.encode("utf-8" if i in utf8_lines else "gbk"))
    return b"\r\n".join(out)


def app_records(n: int, deep_at: tuple[int, ...] = (), depth: int = 600) -> bytes:
    """An app export of ``n`` records; those at ``deep_at`` (1-based) nest a field ``depth`` deep."""
    parts = []
    for i in range(1, n + 1):
        record = {"id": f"A-{i}", "submitted_at": "2026-11-16 09:30", "content": f"第{i}个问题",
                  "enterprise": {"name": f"海门测试{i}有限公司"}}  # fmt: skip
        text = json.dumps(record, ensure_ascii=False)
        if i in deep_at:
            text = text[:-1] + ', "extra": ' + "[" * depth + "1" + "]" * depth + "}"
        parts.append(text)
    return ('{"exported_at": "2026-11-16", "records": [' + ",".join(parts) + "]}").encode()


AT = datetime(2026, 11, 16, 9)


def visit_records(n: int, deep_at: tuple[int, ...] = (), depth: int = 600) -> bytes:
    """Visit records as JSON; those at ``deep_at`` nest a field ``depth`` deep."""
    parts = []
    for i in range(1, n + 1):
        record = {"id": f"V-{i}", "kind": "面对面", "visitor": "李区长", "content": f"第{i}个问题",
                  "enterprise": f"海门测试{i}有限公司", "visited_at": "2026-11-16 10:00"}  # fmt: skip
        text = json.dumps(record, ensure_ascii=False)
        if i in deep_at:
            text = text[:-1] + ', "extra": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
        parts.append(text)
    return ('{"visits": [' + ",".join(parts) + "]}").encode()
