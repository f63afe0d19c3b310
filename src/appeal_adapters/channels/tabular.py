"""Tables from CSV, .xlsx, .xls and .ods files, checked whole before a single row is handed out.

``open_table`` checks the file against the documented limits (``channels/limits.py``) and
returns its sheets; each sheet streams its non-blank rows with the number the clerk sees
(the sheet row, or the CSV line where the record starts), merged cells filled in, and the
census counts the rows and cells read.  The declared size of a sheet is never trusted.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import IO, Protocol

import attrs

from appeal_adapters.channels.base import Source, UnreadableFile
from appeal_adapters.channels.csvfile import check_csv, csv_rows
from appeal_adapters.channels.merges import Merge, RawRows, check_merges, filled
from appeal_adapters.channels.sheetxml import ZIP_ERRORS, SheetError
from appeal_adapters.documents.common import load

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls, old .doc

Cells = list[object]


@attrs.frozen(slots=True)
class TableRow:
    """One non-blank row: the number the clerk sees, its cells, and where it comes from.

    ``number`` is the sheet row, or the CSV line where the record starts; ``record`` is the
    CSV record's own number (it differs when a quoted cell spans lines); ``filled`` lists
    ``(column, k)`` for cells a merged range filled, ``k`` rows below the range's first row.
    """

    number: int
    cells: Cells
    sheet: str = ""
    record: int = 0
    filled: tuple[tuple[int, int], ...] = ()

    def where(self) -> str:
        """``工作表「三星镇」第12行``, ``第12行（第10条记录）`` or ``第12行``."""
        if self.sheet:
            return f"工作表「{self.sheet}」第{self.number}行"
        if self.record and self.record != self.number:
            return f"第{self.number}行（第{self.record}条记录）"
        return f"第{self.number}行"


@attrs.define
class Census:
    """What a reader found: the format, encoding, sheets read and skipped, rows and cells."""

    kind: str
    encoding: str = ""
    sheets: list[str] = attrs.Factory(list)
    skipped: list[str] = attrs.Factory(list)
    rows: int = 0
    cells: int = 0


@attrs.frozen
class Sheet:
    """One sheet (a CSV is one sheet without a name): its rows, streamed from the top."""

    name: str
    stream: Callable[[], Iterator[TableRow]]
    census: Census

    def rows(self) -> Iterator[TableRow]:
        """Every non-blank row, counted in the census."""
        census = self.census
        for row in self.stream():
            census.rows += 1
            cells = row.cells
            census.cells += len(cells) - cells.count(None) - cells.count("")
            yield row

    def head(self, count: int) -> list[TableRow]:
        """The first ``count`` non-blank rows (not counted)."""
        return list(itertools.islice(self.stream(), count))


@attrs.frozen
class Table:
    """A checked file: its sheets (in workbook order) and the census."""

    kind: str
    sheets: tuple[Sheet, ...]
    census: Census

    @property
    def encoding(self) -> str:
        """The CSV's encoding (``utf-8``, ``utf-8-sig`` or ``gb18030``); ``""`` for workbooks."""
        return self.census.encoding


def as_stream(data: Source) -> IO[bytes]:
    """A seekable binary stream over ``data``."""
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(data))
    return data


def sniff(stream: IO[bytes], filename: str) -> bytes:
    """The file's first bytes, or ``UnreadableFile`` when it is empty or unreadable."""
    try:
        stream.seek(0)
        head = stream.read(8)
    except (OSError, ValueError) as exc:
        raise UnreadableFile(filename, f"读取失败（{exc}）") from exc
    if not head:
        raise UnreadableFile(filename, "文件为空")
    return head


def open_table(
    data: Source, *, filename: str, formats: tuple[str, ...], delimiter: str = ","
) -> Table:
    """The file as a checked table, or ``UnreadableFile`` saying why it cannot be read."""
    stream = as_stream(data)
    head = sniff(stream, filename)
    workbook = "xlsx" in formats
    try:
        if head.startswith(ZIP):
            if not workbook:
                raise UnreadableFile(
                    filename, f"这是压缩包或工作簿，本渠道只读 {'、'.join(formats)}"
                )
            return _zip_table(stream, filename)
        if head.startswith(OLE2):
            if not workbook:
                raise UnreadableFile(filename, f"这是 .xls 工作簿，本渠道只读 {'、'.join(formats)}")
            return _xls_table(stream, filename)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UnreadableFile(filename, "这是 UTF-16 编码的文本，请另存为 CSV（UTF-8 或 GBK）")
        if "csv" not in formats:
            raise UnreadableFile(filename, f"不是表格文件，本渠道只读 {'、'.join(formats)}")
        return _csv_table(stream, filename, delimiter)
    except SheetError as exc:
        raise UnreadableFile(filename, str(exc)) from exc


def _csv_table(stream: IO[bytes], filename: str, delimiter: str) -> Table:
    encoding, count = check_csv(stream, delimiter)
    if count == 0:
        raise UnreadableFile(filename, "文件中没有任何内容")
    census = Census(kind="csv", encoding=encoding)

    def rows() -> Iterator[TableRow]:
        for number, record, cells in csv_rows(stream, encoding, delimiter):
            yield TableRow(number=number, cells=list(cells), record=record)

    return Table(kind="csv", sheets=(Sheet(name="", stream=rows, census=census),), census=census)


def _zip_table(stream: IO[bytes], filename: str) -> Table:
    import zipfile

    try:
        names = set(zipfile.ZipFile(stream).namelist())
    except ZIP_ERRORS as exc:
        raise UnreadableFile(filename, f"不是有效的 .xlsx 文件（{exc}）") from exc
    if "content.xml" in names:
        from appeal_adapters.channels.odsfile import OdsBook

        return _book_table(OdsBook(stream), "ods", filename)
    from appeal_adapters.channels.xlsxfile import XlsxBook

    return _book_table(XlsxBook(stream), "xlsx", filename)


def _xls_table(stream: IO[bytes], filename: str) -> Table:
    from appeal_adapters.channels.xlsfile import XlsBook

    return _book_table(XlsBook(stream), "xls", filename)


def _book_table(book: Book, kind: str, filename: str) -> Table:
    census = Census(kind=kind)
    sheets: list[Sheet] = []
    for index, (name, _, hidden) in enumerate(book.sheets):
        if hidden:
            census.skipped.append(f"工作表「{name}」已隐藏，未读取")
            continue
        try:
            merges = book.scan(index)
            check_merges(merges)
        except SheetError as exc:
            raise SheetError(f"工作表「{name}」：{exc}") from exc

        def rows(index: int = index, name: str = name, merges: list[Merge] = merges) -> (
            Iterator[TableRow]
        ):  # fmt: skip
            for number, cells, marks in filled(book.rows(index), merges):
                yield TableRow(number=number, cells=cells, sheet=name, filled=marks)

        sheets.append(Sheet(name=name, stream=rows, census=census))
        census.sheets.append(name)
    if not sheets:
        raise UnreadableFile(
            filename, "工作簿中没有可读的工作表（" + "；".join(census.skipped) + "）"
        )
    return Table(kind=kind, sheets=tuple(sheets), census=census)


class Book(Protocol):
    """What a workbook reader offers: sheets (name, part, hidden), a scan, and raw rows."""

    sheets: list[tuple[str, str, bool]]

    def scan(self, index: int) -> list[Merge]:
        """Check the sheet against the limits; its merged ranges."""

    def rows(self, index: int) -> RawRows:
        """(row, {column: value}) of rows that have a value."""


def text(cell: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates in ISO form, blanks as ``""``."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e16:
        return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat(sep=" ") if isinstance(cell, datetime) else cell.isoformat()
    if isinstance(cell, bool | int | float):
        return str(cell)
    return f"<{type(cell).__name__}>"


def load_extra(module: str, feature: str) -> object:
    """Import a reader's optional library (the ``xlsx`` extra)."""
    return load(module, feature, "xlsx")
