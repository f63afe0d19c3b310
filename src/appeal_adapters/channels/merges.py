"""Merged cells: a merged range's value belongs to every cell it spans (rows that exist only).

A reader in read-only mode does not see merges; the workbook readers collect the ranges in
their first pass and ``filled`` applies them while the rows stream.
"""

from __future__ import annotations

from collections.abc import Iterator

from appeal_adapters.channels import limits
from appeal_adapters.channels.sheetxml import SheetError

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column
RawRows = Iterator[tuple[int, dict[int, object]]]
#: A row with its cells in place and the merged cells it got: (column, rows below the top).
Filled = tuple[int, list[object], tuple[tuple[int, int], ...]]


def check_merges(merges: list[Merge]) -> None:
    """Refuse merged ranges that overlap so much that filling them would exceed a row's width."""
    events: list[tuple[int, int]] = []
    for r1, c1, r2, c2 in merges:
        width = min(c2, limits.MAX_COLUMNS - 1) - c1 + 1
        events += [(r1, width), (r2 + 1, -width)]
    events.sort(key=lambda e: (e[0], e[1]))
    total = 0
    for row, width in events:
        total += width
        if total > limits.MAX_COLUMNS:
            raise SheetError(f"第 {row} 行附近的合并单元格相互重叠，文件已损坏")


def filled(raw: RawRows, merges: list[Merge]) -> Iterator[Filled]:
    """Rows with each merged range's value in every cell of the range (rows that exist only)."""
    pending = sorted(merges)
    nxt = 0
    active: list[Merge] = []
    values: dict[Merge, object] = {}
    for number, cells in raw:
        marks: list[tuple[int, int]] = []
        if pending:
            while nxt < len(pending) and pending[nxt][0] <= number:
                active.append(pending[nxt])
                nxt += 1
            active = [m for m in active if m[2] >= number]
            for merge in active:
                r1, c1, _, c2 = merge
                if number == r1:
                    values[merge] = cells.get(c1)
                value = values.get(merge)
                if value is None or value == "":
                    continue
                for col in range(c1, min(c2, limits.MAX_COLUMNS - 1) + 1):
                    if number != r1 or col != c1:
                        cells[col] = value
                        marks.append((col, number - r1))
        width = max(cells) + 1
        row: list[object] = [None] * width
        for col, value in cells.items():
            row[col] = value
        yield number, row, tuple(marks)
