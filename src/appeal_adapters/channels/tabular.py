"""Tables from CSV and .xlsx files, checked whole before a single row is handed out.

CSV: UTF-8, UTF-8 with BOM, or GB18030 (which includes GBK and GB2312), found by decoding
the whole file strictly in a streaming pass; .xlsx: the first worksheet, read with openpyxl
in read-only mode.  The check pass reads every row; the second pass hands them out.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import IO, Any

import attrs

from appeal_adapters.channels.base import Source, UnreadableFile
from appeal_adapters.documents.common import load

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls, old .doc
CHUNK = 1 << 20
#: Encodings tried in order for a CSV without BOM (GB18030 is a superset of GBK and GB2312).
ENCODINGS = ("utf-8", "gb18030")

Cells = list[object]


@attrs.frozen(kw_only=True)
class Table:
    """A checked table: its kind (``csv`` or ``xlsx``), encoding, and a row iterator factory."""

    kind: str
    encoding: str
    rows: Callable[[], Iterator[tuple[int, Cells]]]  # (1-based row number, cells), blanks skipped


def as_stream(data: Source) -> IO[bytes]:
    """A seekable binary stream over ``data``."""
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(data))
    return data


def open_table(
    data: Source, *, filename: str, formats: tuple[str, ...], delimiter: str = ","
) -> Table:
    """The file as a checked table, or ``UnreadableFile`` saying why it cannot be read."""
    stream = as_stream(data)
    try:
        stream.seek(0)
        head = stream.read(8)
    except (OSError, ValueError) as exc:
        raise UnreadableFile(filename, f"读取失败（{exc}）") from exc
    if not head:
        raise UnreadableFile(filename, "文件为空")
    if head.startswith(ZIP):
        if "xlsx" not in formats:
            raise UnreadableFile(
                filename, f"这是 .xlsx 或 zip 文件，本渠道只读 {'、'.join(formats)}"
            )
        return _xlsx_table(stream, filename)
    if head.startswith(OLE2):
        raise UnreadableFile(filename, "这是旧版 Excel 97-2003（.xls）文件，请另存为 .xlsx 或 CSV")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(filename, "这是 UTF-16 编码的文本，请另存为 CSV（UTF-8 或 GBK）")
    if "csv" not in formats:
        raise UnreadableFile(filename, f"不是 .xlsx 文件，本渠道只读 {'、'.join(formats)}")
    return _csv_table(stream, filename, delimiter)


# -- CSV -----------------------------------------------------------------------------------


def _csv_table(stream: IO[bytes], filename: str, delimiter: str) -> Table:
    stream.seek(0)
    bom = stream.read(3) == codecs.BOM_UTF8
    candidates = ("utf-8-sig",) if bom else ENCODINGS
    problems = []
    for encoding in candidates:
        try:
            count = sum(1 for _ in _csv_rows(stream, encoding, delimiter))
        except UnicodeDecodeError as exc:
            problems.append(f"不是 {encoding.upper()}（第 {exc.start} 字节附近无法解码）")
            continue
        except (csv.Error, _NulError) as exc:
            raise UnreadableFile(filename, f"CSV 格式错误：{exc}") from exc
        if count == 0:
            raise UnreadableFile(filename, "文件中没有任何内容")

        def rows(encoding: str = encoding) -> Iterator[tuple[int, Cells]]:
            return _csv_rows(stream, encoding, delimiter)

        return Table(kind="csv", encoding=encoding, rows=rows)
    raise UnreadableFile(filename, "无法识别的文字编码：" + "；".join(problems))


class _NulError(ValueError):
    pass


def _csv_rows(stream: IO[bytes], encoding: str, delimiter: str) -> Iterator[tuple[int, Cells]]:
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    try:
        for number, row in enumerate(csv.reader(_no_nul(text), delimiter=delimiter), start=1):
            if any(cell.strip() for cell in row):
                yield number, list(row)
    finally:
        if not stream.closed:  # the caller may have closed the file under an unfinished read
            text.detach()


def _no_nul(lines: IO[str]) -> Iterator[str]:
    for number, line in enumerate(lines, start=1):
        if "\x00" in line:
            raise _NulError(f"第 {number} 行含有空字符（NUL），不是文本文件")
        yield line


# -- xlsx ----------------------------------------------------------------------------------


def _xlsx_table(stream: IO[bytes], filename: str) -> Table:
    openpyxl = load("openpyxl", "读取 .xlsx 文件", "xlsx")
    try:
        count = sum(1 for _ in _xlsx_rows(openpyxl, stream))
    except Exception as exc:  # openpyxl raises whatever its zip and XML layers raise
        raise UnreadableFile(
            filename, f"不是有效的 .xlsx 文件（{type(exc).__name__}: {exc}）"
        ) from exc
    if count == 0:
        raise UnreadableFile(filename, "工作表中没有任何内容")

    def rows() -> Iterator[tuple[int, Cells]]:
        return _xlsx_rows(openpyxl, stream)

    return Table(kind="xlsx", encoding="", rows=rows)


def _xlsx_rows(openpyxl: Any, stream: IO[bytes]) -> Iterator[tuple[int, Cells]]:
    stream.seek(0)
    book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    try:
        if not book.worksheets:
            raise ValueError("没有工作表")
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = list(row)
            if any(text(cell) for cell in cells):
                yield number, cells
    finally:
        book.close()


def text(cell: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates in ISO form, blanks as ``""``."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e16:
        return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat(sep=" ") if isinstance(cell, datetime) else cell.isoformat()
    return str(cell).strip()
