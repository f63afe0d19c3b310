"""CSV files read in bounded memory: physical lines of bounded length, one encoding for all.

The bytes are split into physical lines (``\\n``, ``\\r\\n`` or ``\\r``) chunk by chunk, so a
file without line breaks is refused after ``MAX_LINE_BYTES``, not after reading it whole.  A
file without BOM is UTF-8 when every line is, else GB18030 (which includes GBK); a file
whose lines are UTF-8 in some places and GBK in others is refused with the line numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from typing import IO

from appeal_adapters.channels import limits
from appeal_adapters.channels.sheetxml import SheetError

CHUNK = 1 << 20
_BREAK = re.compile(rb"\r\n|\r|\n")
#: A line longer than the limit, found from a line's start (linear: no retry inside a line).
_LONG_LINE = re.compile(rb"(?:\A|[\r\n])[^\r\n]{%d}" % (limits.MAX_LINE_BYTES + 1))


def _lines_of(block: bytes) -> list[bytes]:
    """A block's physical lines, without their ends (for the encoding messages)."""
    lines = _BREAK.split(block)
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


class _Lines:
    """The file's physical lines as text, checked; ``pending`` counts the record's characters."""

    def __init__(self, stream: IO[bytes], encoding: str | None) -> None:
        self.stream = stream
        self.encoding = encoding or ""  # found while reading when not given
        self.auto = encoding is None
        self.utf8_lines: list[int] = []  # lines with non-ASCII UTF-8 text
        self.other_lines: list[int] = []  # lines that are not UTF-8 (GB18030)
        self.pending = 0
        self.lines = 0

    def __iter__(self) -> Iterator[str]:
        self.stream.seek(0)
        bom = self.stream.read(3)
        if bom != codecs.BOM_UTF8:
            self.stream.seek(0)
        elif self.auto:
            self.encoding = "utf-8-sig"
        carry = b""
        while True:
            chunk = self.stream.read(CHUNK)
            data = carry + chunk
            if chunk:
                cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
                if cut == len(data) - 1 and data.endswith(b"\r"):
                    cut -= 1  # a CR at the end may be the first half of CRLF
                    cut = max(data.rfind(b"\n", 0, cut + 1), data.rfind(b"\r", 0, cut + 1))
                block, carry = data[: cut + 1], data[cut + 1 :]
                if len(carry) > limits.MAX_LINE_BYTES:
                    raise SheetError(self._too_long(self.lines + block.count(b"\n") + 1))
            else:
                block, carry = data, b""
            if block:
                yield from self._block(block)
            if not chunk:
                return

    def _too_long(self, line: int) -> str:
        return f"第 {line} 行超过 {limits.MAX_LINE_BYTES:,} 字节（没有换行，或不是 CSV 文件）"

    def _block(self, block: bytes) -> Iterator[str]:
        first = self.lines + 1
        if b"\x00" in block:
            at = block.index(b"\x00")
            number = first + len(_BREAK.findall(block, 0, at))
            raise SheetError(f"第 {number} 行含有空字符（NUL），不是文本文件")
        if len(block) > limits.MAX_LINE_BYTES:
            long = _LONG_LINE.search(block)
            if long is not None:
                start = long.start() + (block[long.start()] in b"\r\n")
                raise SheetError(self._too_long(first + len(_BREAK.findall(block, 0, start))))
        text = self._decode(block, first)
        for line in io.StringIO(text, newline=""):  # splits at \n, \r\n and \r, as csv does
            self.lines += 1
            self.pending += len(line)
            if self.pending > limits.MAX_RECORD_CHARS:
                raise SheetError(
                    f"第 {self.lines} 行附近的一条记录超过 {limits.MAX_RECORD_CHARS:,} 字"
                    "（引号未闭合？）"
                )
            yield line

    def _decode(self, block: bytes, first: int) -> str:
        if block.isascii():
            return block.decode("ascii")
        if not self.auto:
            try:
                return block.decode("utf-8" if self.encoding == "utf-8-sig" else self.encoding)
            except UnicodeDecodeError as exc:  # the file changed since it was checked
                raise SheetError(f"第 {first} 行起无法按 {self.encoding} 解码") from exc
        text = ""
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            self._classify(_lines_of(block), first)
        else:
            if len(self.utf8_lines) < 3:
                self.utf8_lines += [first + i for i, b in enumerate(_lines_of(block))
                                    if not b.isascii()][: 3 - len(self.utf8_lines)]  # fmt: skip
        if self.utf8_lines and self.other_lines:
            raise SheetError(
                f"编码不一致：第 {'、'.join(map(str, self.utf8_lines))} 行是 UTF-8，"
                f"第 {'、'.join(map(str, self.other_lines))} 行是 GBK/GB18030；"
                "请在表格软件中打开后整体另存为一种编码（CSV UTF-8）"
            )
        if self.other_lines:
            if self.encoding == "utf-8-sig":
                raise SheetError(
                    f"文件以 UTF-8 标记开头，但第 {'、'.join(map(str, self.other_lines))} 行"
                    "不是 UTF-8"
                )
            self.encoding = "gb18030"
            return block.decode("gb18030")
        self.encoding = self.encoding or "utf-8"
        return text

    def _classify(self, raw_lines: list[bytes], first: int) -> None:
        """Note which lines are UTF-8 and which GB18030; refuse a line that is neither."""
        for i, raw in enumerate(raw_lines):
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    raw.decode("gb18030")
                except UnicodeDecodeError as exc:
                    raise SheetError(
                        f"第 {first + i} 行既不是 UTF-8 也不是 GBK/GB18030 编码"
                        f"（该行第 {exc.start + 1} 字节），请另存为 CSV UTF-8"
                    ) from exc
                if len(self.other_lines) < 3:
                    self.other_lines.append(first + i)
            else:
                if len(self.utf8_lines) < 3:
                    self.utf8_lines.append(first + i)


def check_csv(stream: IO[bytes], delimiter: str) -> tuple[str, int]:
    """The file's encoding and its count of non-blank records; ``SheetError`` when unreadable."""
    lines = _Lines(stream, None)
    count = sum(1 for _ in _records(lines, delimiter))
    return lines.encoding or "utf-8", count


def csv_rows(
    stream: IO[bytes], encoding: str, delimiter: str
) -> Iterator[tuple[int, int, list[str]]]:
    """(first physical line, record number, cells) of every non-blank record."""
    return _records(_Lines(stream, encoding), delimiter)


def _records(lines: _Lines, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    record = 0
    try:
        for cells in reader:
            record += 1
            if any(cell.strip() for cell in cells):
                yield start, record, cells
            start = reader.line_num + 1
            lines.pending = 0
    except csv.Error as exc:
        raise SheetError(f"第 {start} 行起的记录不是有效的 CSV（{exc}）") from exc
