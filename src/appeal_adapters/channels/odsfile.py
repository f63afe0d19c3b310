"""OpenDocument spreadsheets (.ods, LibreOffice and WPS), streamed from ``content.xml``.

Repeated rows and cells (``number-rows-repeated``, ``number-columns-repeated``) are expanded
only where they hold a value, and counted against the limits before a row is handed out;
spanned cells (``number-columns-spanned``/``number-rows-spanned``) are the merged ranges.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from appeal_adapters.channels import limits
from appeal_adapters.channels.sheetxml import (
    ZIP_ERRORS,
    SheetError,
    check_zip,
    expat_parser,
    feed,
)

Merge = tuple[int, int, int, int]
_PART = "content.xml"


class OdsBook:
    """An .ods workbook: sheets scanned together in one pass, then streamed one by one."""

    def __init__(self, stream: IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(stream)
        except ZIP_ERRORS as exc:
            raise SheetError(f"不是有效的 .ods 文件（{exc}）") from exc
        check_zip(self.zip, [_PART])
        reader = _Reader(sheet=None)
        for _ in feed(self.zip, _PART, expat_parser(reader.start, reader.end, reader.data)):
            pass
        self.merges = reader.merges
        self.sheets = [(name, str(i), False) for i, name in enumerate(reader.names)]
        if not self.sheets:
            raise SheetError("工作簿中没有工作表")

    def scan(self, index: int) -> list[Merge]:
        """The merged ranges of sheet ``index`` (the limits were checked when opening)."""
        return self.merges[index]

    def rows(self, index: int) -> Iterator[tuple[int, dict[int, object]]]:
        """(sheet row, {column: value}) of rows that have a value, in sheet order."""
        reader = _Reader(sheet=index)
        for _ in feed(self.zip, _PART, expat_parser(reader.start, reader.end, reader.data)):
            for first, count, cells in reader.done:
                for number in range(first, first + count):  # repeated rows, one by one
                    yield number, dict(cells)
            reader.done.clear()


class _Reader:
    """expat handlers over content.xml; ``sheet=None`` scans every sheet (limits, merges)."""

    def __init__(self, sheet: int | None) -> None:
        self.sheet = sheet
        self.names: list[str] = []
        self.merges: list[list[Merge]] = []
        self.done: list[tuple[int, int, dict[int, object]]] = []
        self.index = -1
        self.row = 0  # rows so far in this sheet
        self.repeat = 1
        self.col = 0
        self.cells: dict[int, object] = {}
        self.cell: dict[str, str] | None = None
        self.parts: list[str] = []
        self.paragraphs = 0
        self.size = 0
        self.total = 0

    @property
    def reading(self) -> bool:
        return self.sheet is None or self.sheet == self.index

    def start(self, name: str, a: dict[str, str]) -> None:
        name = name[name.find(":") + 1 :]
        if name == "table-cell" or name == "covered-table-cell":
            self.cell = a
            self.parts = []
            self.paragraphs = 0
            self.size = 0
        elif self.cell is not None:
            if name == "p":
                if self.paragraphs:
                    self.parts.append("\n")
                self.paragraphs += 1
            elif name == "s":
                self._text(" " * min(_count(a.get("text:c"), 1), limits.MAX_CELL_CHARS))
            elif name == "tab":
                self._text("\t")
            elif name == "line-break":
                self._text("\n")
        elif name == "table-row":
            self.repeat = _count(a.get("table:number-rows-repeated"), 1)
            self.col = 0
            self.cells = {}
        elif name == "table":
            self.index += 1
            self.row = 0
            self.names.append(a.get("table:name", f"Sheet{self.index + 1}"))
            self.merges.append([])
            if len(self.names) > limits.MAX_SHEETS:
                raise SheetError(f"工作簿有超过 {limits.MAX_SHEETS} 个工作表")

    def _text(self, text: str) -> None:
        self.size += len(text)
        if self.size <= limits.MAX_CELL_CHARS:
            self.parts.append(text)

    def data(self, text: str) -> None:
        if self.cell is not None and self.paragraphs:
            self._text(text)

    def end(self, name: str) -> None:
        name = name[name.find(":") + 1 :]
        if name == "table-cell" or name == "covered-table-cell":
            self._cell(name == "covered-table-cell")
        elif name == "table-row":
            self._row()

    def _cell(self, covered: bool) -> None:
        a = self.cell or {}
        self.cell = None
        repeat = _count(a.get("table:number-columns-repeated"), 1)
        value = None if covered else _value(a, "".join(self.parts))
        if value is not None and value != "":
            last = self.col + repeat - 1
            if last >= limits.MAX_COLUMNS:
                raise SheetError(
                    f"第 {self.row + 1} 行第 {last + 1} 列有内容，超过 {limits.MAX_COLUMNS} 列上限"
                )
            if self.reading:
                for col in range(self.col, last + 1):
                    self.cells[col] = value
            rows = _count(a.get("table:number-rows-spanned"), 1)
            cols = _count(a.get("table:number-columns-spanned"), 1)
            if self.sheet is None and (rows > 1 or cols > 1):
                first = self.row + 1
                self.merges[self.index].append((first, self.col, first + rows - 1,
                                                self.col + cols - 1))  # fmt: skip
                if len(self.merges[self.index]) > limits.MAX_MERGES:
                    raise SheetError(f"合并单元格超过 {limits.MAX_MERGES:,} 处")
        self.col += repeat

    def _row(self) -> None:
        first = self.row + 1
        self.row += self.repeat
        if not self.cells:
            return
        if self.row > limits.MAX_ROWS:
            raise SheetError(f"第 {first:,} 行起有内容，超过 {limits.MAX_ROWS:,} 行上限")
        self.total += len(self.cells) * self.repeat
        if self.total > limits.MAX_CELLS:
            raise SheetError(f"单元格超过 {limits.MAX_CELLS:,} 个，请拆分后分别导入")
        if self.reading and self.sheet is not None:
            self.done.append((first, self.repeat, self.cells))


def _count(value: str | None, default: int) -> int:
    try:
        count = int(value) if value else default
    except ValueError:
        return default
    return max(1, min(count, limits.MAX_ROWS * 16))


def _value(a: dict[str, str], text: str) -> object:
    kind = a.get("office:value-type", "")
    if kind in ("float", "percentage", "currency"):
        raw = a.get("office:value", "")
        try:
            number = float(raw)
        except ValueError:
            return text
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind == "date":
        raw = a.get("office:date-value", "")
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return text
        return moment.date() if "T" not in raw else moment
    if kind == "boolean":
        return a.get("office:boolean-value") == "true"
    return text
