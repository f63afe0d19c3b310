"""Old Excel 97-2003 .xls workbooks, through xlrd (the ``xlsx`` extra), size-bounded.

The format itself stops at 65,536 rows and 256 columns; the file is read whole, so its size is
bounded (``MAX_XLS_BYTES``), and rows are kept ragged (only the cells that exist).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from appeal_adapters.channels import limits
from appeal_adapters.channels.sheetxml import SheetError
from appeal_adapters.documents.common import load

Merge = tuple[int, int, int, int]


class XlsBook:
    """An .xls workbook: its sheets, merged ranges and rows (xlrd, formatting kept for merges)."""

    def __init__(self, stream: IO[bytes]) -> None:
        xlrd = load("xlrd", "读取 .xls 文件", "xlsx")
        stream.seek(0)
        data = stream.read(limits.MAX_XLS_BYTES + 1)
        if len(data) > limits.MAX_XLS_BYTES:
            raise SheetError(
                f".xls 文件超过 {limits.MAX_XLS_BYTES >> 20} MB，请另存为 .xlsx 或 CSV 后导入"
            )
        try:
            self.book = xlrd.open_workbook(
                file_contents=data, formatting_info=True, ragged_rows=True, on_demand=True,
                logfile=io.StringIO(), verbosity=0,
            )  # fmt: skip
        except Exception as exc:  # xlrd raises its own errors and whatever struct/OLE raise
            raise SheetError(f"不是有效的 .xls 文件（{type(exc).__name__}: {exc}）") from exc
        self.xlrd = xlrd
        if self.book.nsheets > limits.MAX_SHEETS:
            raise SheetError(f"工作簿有 {self.book.nsheets} 个工作表，超过上限")
        self.sheets = [
            (name, str(i), bool(self._sheet(i).visibility))
            for i, name in enumerate(self.book.sheet_names())
        ]

    def _sheet(self, index: int) -> Any:
        try:
            return self.book.sheet_by_index(index)
        except Exception as exc:
            raise SheetError(f"工作表 {index + 1} 已损坏（{type(exc).__name__}: {exc}）") from exc

    def scan(self, index: int) -> list[Merge]:
        """The sheet's merged ranges (xlrd's are half-open, zero-based)."""
        sheet = self._sheet(index)
        cells = sum(sheet.row_len(r) for r in range(sheet.nrows))
        if cells > limits.MAX_CELLS:
            raise SheetError(f"单元格超过 {limits.MAX_CELLS:,} 个")
        return [(r1 + 1, c1, r2, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells
                if (r2 - r1, c2 - c1) != (1, 1)]  # fmt: skip

    def rows(self, index: int) -> Iterator[tuple[int, dict[int, object]]]:
        """(sheet row, {column: value}) of rows that have a value."""
        xlrd = self.xlrd
        sheet = self._sheet(index)
        for r in range(sheet.nrows):
            cells: dict[int, object] = {}
            for c, cell in enumerate(sheet.row(r)):
                value = _value(xlrd, cell, self.book.datemode)
                if value is not None and value != "":
                    cells[c] = value
            if cells:
                yield r + 1, cells


def _value(xlrd: Any, cell: Any, datemode: int) -> object:
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        return str(cell.value)[: limits.MAX_CELL_CHARS]
    if kind == xlrd.XL_CELL_NUMBER:
        number = float(cell.value)
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment: datetime = xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except Exception:
            return cell.value
        return moment.date() if float(cell.value).is_integer() else moment
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return str(cell.value)
