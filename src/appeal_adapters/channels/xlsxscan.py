"""The fast first pass over an .xlsx worksheet: its limits and merged ranges, from the bytes.

Excel writes a sheet's merged ranges after its rows, so they are read before the rows are
streamed; the same pass refuses, in C-speed regex and expat work, what the streaming pass must
never meet: a cell past the column limit, a row past the row limit, too many cells, an
overlong cell, XML that is not well-formed.
"""

from __future__ import annotations

import re
import zipfile
from xml.parsers.expat import ExpatError

from appeal_adapters.channels import limits
from appeal_adapters.channels.sheetxml import (
    ZIP_ERRORS,
    SheetError,
    bare_parser,
    column_index,
    column_letters,
)

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (rows 1-based)
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


def too_far(row: int, col: int) -> str:
    """The refusal of a cell right of the column limit."""
    return (
        f"第 {row} 行有 {column_letters(col)} 列的单元格，超过 {limits.MAX_COLUMNS} 列上限"
        f"（{column_letters(limits.MAX_COLUMNS - 1)} 列）"
    )


_FAR = re.compile(rb' r="(?:\$?([A-Za-z]{3,})\$?(\d*)|(\d{7,}))"')
_MERGE = re.compile(rb'mergeCell\s[^>]*?\bref="([^"]{1,40})"')
_LONG_TEXT = re.compile(rb">[^<]{%d}" % (limits.MAX_CELL_CHARS * 3 + 64))


def scan_sheet(zf: zipfile.ZipFile, part: str) -> list[Merge]:
    """Check a worksheet's raw XML against the limits and return its merged ranges.

    A fast pass over the bytes: cells beyond the column limit, row numbers beyond the row
    limit, the cell count, overlong text and the merged ranges, and the XML well-formed (expat
    without handlers), so the streaming pass that follows meets nothing it cannot read.
    """
    merges: list[Merge] = []
    cells = 0
    carry = b""
    syntax = bare_parser()
    try:
        with zf.open(part) as handle:
            while True:
                chunk = handle.read(1 << 20)
                syntax.Parse(chunk, not chunk)
                data = carry + chunk
                cut = data.rfind(b"<") if chunk else len(data)
                if cut <= 0 and chunk:
                    cut = len(data) if len(data) > 1 << 20 else 0
                block, carry = data[:cut], data[cut:]
                cells += block.count(b"<c ") + block.count(b"<c>") + block.count(b":c ")
                if cells > limits.MAX_CELLS:
                    raise SheetError(f"单元格超过 {limits.MAX_CELLS:,} 个，请拆分后分别导入")
                if _LONG_TEXT.search(block):
                    raise SheetError(f"有单元格超过 {limits.MAX_CELL_CHARS:,} 字")
                for m in _FAR.finditer(block):
                    if m.group(3) and int(m.group(3)) > limits.MAX_ROWS:
                        raise SheetError(f"行号 {int(m.group(3)):,} 超过 {limits.MAX_ROWS:,}")
                    col = column_index(m.group(1).decode().upper()) if m.group(1) else 0
                    if col >= limits.MAX_COLUMNS:
                        raise SheetError(too_far(int(m.group(2) or 0), col))
                for m in _MERGE.finditer(block):
                    merge = _merge(m.group(1).decode("ascii", "replace").upper())
                    if merge is not None:
                        merges.append(merge)
                        if len(merges) > limits.MAX_MERGES:
                            raise SheetError(f"合并单元格超过 {limits.MAX_MERGES:,} 处")
                if not chunk:
                    break
    except SheetError:
        raise
    except ZIP_ERRORS as exc:
        raise SheetError(f"{part} 已损坏（{type(exc).__name__}: {exc}）") from exc
    except (ExpatError, LookupError) as exc:
        raise SheetError(f"{part} 不是有效的 XML（{exc}）") from exc
    return merges


def _merge(ref: str) -> Merge | None:
    first, _, last = ref.partition(":")
    a, b = _REF.match(first), _REF.match(last or first)
    if a is None or b is None:
        return None
    r1, r2 = int(a.group(2)), int(b.group(2))
    c1, c2 = column_index(a.group(1)), column_index(b.group(1))
    if (r1, c1) == (r2, c2) or r2 < r1 or c2 < c1:
        return None
    return r1, c1, r2, c2
