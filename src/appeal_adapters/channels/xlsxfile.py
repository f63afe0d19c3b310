"""A streaming .xlsx reader bounded by the cells that exist, never by the declared dimension.

The zip's parts are checked against the documented sizes first; shared strings are held as one
UTF-8 buffer with offsets (compact); each worksheet's XML is streamed through expat, row by
row, with merged ranges read in a first pass (Excel writes them after the rows).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import IO

from appeal_adapters.channels import limits
from appeal_adapters.channels.sheetxml import (
    ZIP_ERRORS,
    SheetError,
    check_zip,
    column_index,
    expat_parser,
    feed,
    parse_all,
    parser,
)
from appeal_adapters.channels.xlsxscan import Merge, scan_sheet, too_far

#: Built-in number formats that show dates or times (ECMA-376 18.8.30, with the CJK ones).
DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DATE_CODE = re.compile(r"[ymdhsYMDHS年月日时分秒]")


class XlsxBook:
    """An .xlsx (or .xlsm) workbook: its sheets, each scanned and then streamed."""

    def __init__(self, stream: IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(stream)
        except ZIP_ERRORS as exc:
            raise SheetError(f"不是有效的 .xlsx 文件（{exc}）") from exc
        names = set(self.zip.namelist())
        if "xl/workbook.xml" not in names:
            raise SheetError("压缩包中没有 xl/workbook.xml，不是 .xlsx 文件")
        self.sheets, self.epoch = self._workbook(names)
        parts = [part for _, part, _ in self.sheets]
        optional: list[str] = [p for p in ("xl/sharedStrings.xml", "xl/styles.xml") if p in names]
        check_zip(self.zip, parts + optional)
        self.dates = self._date_styles() if "xl/styles.xml" in names else frozenset()
        self.strings = _SharedStrings(self.zip) if "xl/sharedStrings.xml" in names else None

    def _workbook(self, names: set[str]) -> tuple[list[tuple[str, str, bool]], date]:
        rels: dict[str, str] = {}
        sheets: list[tuple[str, str, bool]] = []
        epoch = [date(1899, 12, 30)]

        def rel(name: str, a: dict[str, str]) -> None:
            if name == "Relationship" and a.get("Type", "").endswith("/worksheet"):
                target = a.get("Target", "")
                full = target[1:] if target.startswith("/") else posixpath.join("xl", target)
                rels[a.get("Id", "")] = posixpath.normpath(full)

        if "xl/_rels/workbook.xml.rels" in names:
            parse_all(self.zip, "xl/_rels/workbook.xml.rels", parser(rel, lambda _: None))
        found: list[tuple[str, str, str]] = []

        def book(name: str, a: dict[str, str]) -> None:
            if name == "sheet":
                rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), "")
                found.append((a.get("name", ""), rid, a.get("state", "visible")))
            elif name == "workbookPr" and a.get("date1904") in ("1", "true"):
                epoch[0] = date(1904, 1, 1)

        parse_all(self.zip, "xl/workbook.xml", parser(book, lambda _: None))
        if len(found) > limits.MAX_SHEETS:
            raise SheetError(f"工作簿有 {len(found)} 个工作表，超过上限 {limits.MAX_SHEETS} 个")
        for name, rid, state in found:
            part = rels.get(rid, "")
            if part in names:  # chart sheets and missing parts are not worksheets
                sheets.append((name, part, state != "visible"))
        if not sheets:
            raise SheetError("工作簿中没有工作表")
        return sheets, epoch[0]

    def _date_styles(self) -> frozenset[int]:
        custom: dict[int, bool] = {}
        xfs: list[int] = []
        depth = {"cellXfs": False}

        def start(name: str, a: dict[str, str]) -> None:
            if name == "numFmt":
                code = _QUOTED.sub("", a.get("formatCode", ""))
                custom[_int(a.get("numFmtId"))] = bool(_DATE_CODE.search(code))
            elif name == "cellXfs":
                depth["cellXfs"] = True
            elif name == "xf" and depth["cellXfs"]:
                xfs.append(_int(a.get("numFmtId")))

        def end(name: str) -> None:
            if name == "cellXfs":
                depth["cellXfs"] = False

        parse_all(self.zip, "xl/styles.xml", parser(start, end))
        return frozenset(
            i for i, fmt in enumerate(xfs) if custom.get(fmt, fmt in DATE_FORMATS) is True
        )

    def scan(self, index: int) -> list[Merge]:
        """The merged ranges of sheet ``index``, its limits checked on the raw XML (fast)."""
        return scan_sheet(self.zip, self.sheets[index][1])

    def rows(self, index: int) -> Iterator[tuple[int, dict[int, object]]]:
        """(sheet row, {column: value}) of every row that has a value, in sheet order."""
        reader = _SheetReader(self)
        p = expat_parser(reader.start, reader.end, reader.data)
        for _ in feed(self.zip, self.sheets[index][1], p):
            if reader.done:
                yield from reader.done
                reader.done.clear()

    def close(self) -> None:
        """Close the zip."""
        self.zip.close()


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return -1


class _SharedStrings:
    """The workbook's shared strings as one UTF-8 buffer and an offset table."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        size = zf.getinfo("xl/sharedStrings.xml").file_size
        if size > limits.MAX_SHARED_STRINGS_BYTES:
            raise SheetError(
                f"共享字符串表解压后 {size:,} 字节，超过上限 {limits.MAX_SHARED_STRINGS_BYTES:,}"
            )
        self.buffer = bytearray()
        self.offsets = array("Q", [0])
        parts: list[str] = []
        state = {"t": False, "skip": 0}

        def start(name: str, _: dict[str, str]) -> None:
            if name == "t":
                state["t"] = True
            elif name in ("rPh", "phoneticPr"):
                state["skip"] += 1

        def end(name: str) -> None:
            if name == "t":
                state["t"] = False
            elif name in ("rPh", "phoneticPr"):
                state["skip"] -= 1
            elif name == "si":
                self.buffer += "".join(parts).encode("utf-8", "surrogatepass")
                self.offsets.append(len(self.buffer))
                parts.clear()

        def data(text: str) -> None:
            if state["t"] and not state["skip"]:
                parts.append(text)

        parse_all(zf, "xl/sharedStrings.xml", parser(start, end, data))

    def get(self, index: int) -> str:
        if not 0 <= index < len(self.offsets) - 1:
            raise SheetError(f"共享字符串序号 {index} 不存在，文件已损坏")
        return self.buffer[self.offsets[index] : self.offsets[index + 1]].decode(
            "utf-8", "surrogatepass"
        )


class _SheetReader:
    """expat handlers for one worksheet (raw names, prefix stripped): rows go to ``done``."""

    def __init__(self, book: XlsxBook) -> None:
        self.book = book
        self.done: list[tuple[int, dict[int, object]]] = []
        self.row = 0
        self.cells: dict[int, object] = {}
        self.col = -1
        self.kind = ""
        self.style = 0
        self.parts: list[str] = []
        self.size = 0
        self.text = False
        self.skip = 0
        self.columns: dict[str, int] = {}

    def start(self, name: str, a: dict[str, str]) -> None:
        if ":" in name:
            name = name[name.find(":") + 1 :]
        if name == "c":
            ref = a.get("r")
            if ref:
                letters = ref.rstrip("0123456789").lstrip("$").rstrip("$")
                col = self.columns.get(letters)
                if col is None:
                    col = self.columns[letters] = _column(letters, ref, self.row)
            else:
                col = self.col + 1
            if col >= limits.MAX_COLUMNS:
                raise SheetError(too_far(self.row, col))
            self.col = col
            self.kind = a.get("t", "n")
            style = a.get("s")
            self.style = int(style) if style and style.isdigit() else 0
            self.parts = []
            self.size = 0
        elif name == "v" or name == "t":
            self.text = True
        elif name == "row":
            r = a.get("r")
            number = _int(r) if r else self.row + 1
            if not self.row < number <= limits.MAX_ROWS:  # out of order: counted on, as Excel
                number = self.row + 1  # would repair it (the scan refused rows past the limit)
            self.row = number
            self.col = -1
            self.cells = {}
        elif name == "rPh" or name == "phoneticPr":
            self.skip += 1

    def data(self, text: str) -> None:
        if self.text and not self.skip:
            self.size += len(text)
            if self.size > limits.MAX_CELL_CHARS:  # kept cut; the row's checks reject it
                text = text[: max(0, limits.MAX_CELL_CHARS - self.size + len(text))]
            self.parts.append(text)

    def end(self, name: str) -> None:
        if ":" in name:
            name = name[name.find(":") + 1 :]
        if name == "v" or name == "t":
            self.text = False
        elif name == "c":
            if self.parts:
                value = self._value("".join(self.parts), self.kind, self.style)
                if value != "":
                    self.cells[self.col] = value
        elif name == "row":
            if self.cells:
                self.done.append((self.row, self.cells))
        elif name == "rPh" or name == "phoneticPr":
            self.skip -= 1

    def _value(self, raw: str, kind: str, style: int) -> object:
        if kind == "s":
            strings = self.book.strings
            if strings is None:
                raise SheetError("引用了共享字符串，但文件中没有共享字符串表")
            return strings.get(_int(raw))
        if kind in ("str", "inlineStr", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        try:
            number: float = int(raw) if raw.isdigit() else float(raw)
        except ValueError:
            return raw
        if style in self.book.dates and 0 <= number < 2958466:
            moment = datetime.combine(self.book.epoch, datetime.min.time()) + timedelta(
                seconds=round(number * 86400)
            )
            return moment.date() if number == int(number) else moment
        return number


def _column(letters: str, ref: str, row: int) -> int:
    if not letters.isalpha() or not letters.isascii() or len(letters) > 3:
        raise SheetError(f"第 {row} 行的单元格位置 {ref!r} 无法识别")
    return column_index(letters.upper())
