"""The file readers against independent oracles: every cell that exists, where it is.

xlsx: what openpyxl reads in full mode (it trusts no dimension there), merged ranges filled;
CSV: what the standard csv module reads from the whole decoded text, with the physical line
where each record starts.
"""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeal_adapters.channels.tabular import open_table
from tests import hostile

FORMATS = ("csv", "xlsx", "xls", "ods")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
cells = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["企业名称", "０５１３－８２１１８８９９", "无", "　海门　", "=1+1", "'x"]),
    st.integers(-(10**12), 10**12),
)
grid = st.lists(st.lists(cells, max_size=7), min_size=1, max_size=15)


@SETTINGS
@given(rows=grid, gaps=st.lists(st.integers(0, 3), max_size=15), data=st.data())
def test_xlsx_rows_are_the_cells_that_exist(rows: list[list[object]], gaps: list[int],
                                            data: st.DataObject) -> None:  # fmt: skip
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    ws = book.active
    number = 0
    for i, row in enumerate(rows):
        number += 1 + (gaps[i] if i < len(gaps) else 0)
        for col, value in enumerate(row, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value is not None and value != "":
                ws.cell(row=number, column=col, value=value)
    height, width = max(ws.max_row, 1), max(ws.max_column, 1)
    merge = None
    if data.draw(st.booleans()) and height >= 2:
        r1 = data.draw(st.integers(1, height - 1))
        c1 = data.draw(st.integers(1, width))
        merge = (r1, c1, data.draw(st.integers(r1 + 1, height)), data.draw(st.integers(c1, width)))
        ws.merge_cells(start_row=merge[0], start_column=merge[1], end_row=merge[2],
                       end_column=merge[3])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    data_bytes = hostile.dimension(out.getvalue(), "A1:A1")  # never trusted
    expected = {}
    oracle = openpyxl.load_workbook(io.BytesIO(out.getvalue()), data_only=True).active
    for row in oracle.iter_rows():
        values = {c.column - 1: c.value for c in row if c.value is not None and c.value != ""}
        if values:
            expected[row[0].row] = values
    if merge is not None:
        top = oracle.cell(merge[0], merge[1]).value
        for r in range(merge[0], merge[2] + 1):
            if r in expected and top not in (None, ""):
                for c in range(merge[1] - 1, merge[3]):
                    expected[r][c] = top
    table = open_table(data_bytes, filename="f.xlsx", formats=FORMATS)
    (sheet,) = table.sheets
    got = {row.number: {i: v for i, v in enumerate(row.cells) if v is not None}
           for row in sheet.rows()}  # fmt: skip
    assert got == expected
    assert table.census.rows == len(expected)


@SETTINGS
@given(
    rows=st.lists(st.lists(st.text(alphabet="甲乙,\"\n\r x1", max_size=6), min_size=1, max_size=5),
                  min_size=1, max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    ending=st.sampled_from(["\r\n", "\n", "\r"]),
)  # fmt: skip
def test_csv_records_start_on_the_line_an_editor_shows(
    rows: list[list[str]], encoding: str, ending: str
) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerows(rows)
    text = out.getvalue()
    data = text.encode(encoding)
    if not text.strip():
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    expected = []
    start = 1
    for record, cells_ in enumerate(reader, start=1):
        if any(c.strip() for c in cells_):
            expected.append((start, record, cells_))
        start = reader.line_num + 1
    if not expected:
        return
    table = open_table(data, filename="f.csv", formats=FORMATS)
    got = [(r.number, r.record, r.cells) for r in table.sheets[0].rows()]
    assert got == expected
    assert table.encoding == ("utf-8" if encoding == "utf-8" or text.isascii() else encoding) or (
        encoding == "utf-8-sig" and table.encoding == "utf-8-sig")  # fmt: skip
