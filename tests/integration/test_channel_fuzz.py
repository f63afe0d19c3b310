"""Fuzzing every parser: only ``UnreadableFile`` (for the file) or row values come out, and an
unreadable file leaves the store exactly as it was."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeal_adapters import load_plugins
from appeal_adapters.channels import UnreadableFile, channel, import_file
from appeal_core import SHANGHAI, Actor, Desk, MemoryStore
from appeal_core.intake import IntakeRecord, RejectedRow

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
PLUGINS = load_plugins(entry_points=False)
NAMES = ("app", "hotline", "summary_list", "visit")
SAMPLES = {
    "app": ["app_export.json"],
    "hotline": ["hotline_12345.csv", "hotline_12345.xlsx"],
    "summary_list": ["summary_三厂街道.xlsx", "summary_常乐镇.csv"],
    "visit": ["visits.csv", "visits.json"],
}
AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HOTLINE = [
    "工单编号",
    "来电时间",
    "来电人",
    "联系电话",
    "企业名称",
    "企业地址",
    "诉求内容",
    "统一社会信用代码",
]

cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "=1+1",
            "+cmd|' /C calc'!A0",
            "-2",
            "@SUM(A1)",
            '=HYPERLINK("x")',
            "\t\r\n",
            "\x00\x01\x1b[31m",
            "\u202e",
            "𠀀😀",
            "'quoted",
        ]
    ),
    st.integers(1, 30).map(lambda n: "问" * (n * 1000)),
)


def parse_all(name: str, data: bytes) -> list[IntakeRecord | RejectedRow]:
    """Every row, or UnreadableFile; anything else fails the test."""
    try:
        rows = list(channel(name, PLUGINS).parse(data, filename="fuzz"))
    except UnreadableFile as exc:
        assert "fuzz" in str(exc)
        return []
    for row in rows:
        assert isinstance(row, IntakeRecord | RejectedRow), row
        if isinstance(row, RejectedRow):
            assert row.field and row.reason
    return rows


@FUZZ
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=2000))
def test_random_bytes(name: str, data: bytes) -> None:
    parse_all(name, data)


@FUZZ
@given(name=st.sampled_from(NAMES), data=st.data())
def test_truncated_and_flipped_samples(name: str, data: st.DataObject) -> None:
    raw = (DATA / data.draw(st.sampled_from(SAMPLES[name]))).read_bytes()
    cut = data.draw(st.integers(0, len(raw)))
    flips = data.draw(
        st.lists(st.tuples(st.integers(0, max(0, cut - 1)), st.integers(0, 255)), max_size=5)
    )
    mutated = bytearray(raw[:cut])
    for at, byte in flips:
        if at < len(mutated):
            mutated[at] = byte
    parse_all(name, bytes(mutated))


@FUZZ
@given(
    name=st.sampled_from(NAMES),
    encoding=st.sampled_from(["utf-16", "utf-32", "big5", "shift_jis", "latin-1", "cp1252"]),
)
def test_wrong_encodings(name: str, encoding: str) -> None:
    for sample in SAMPLES[name]:
        raw = (DATA / sample).read_bytes()
        try:
            text = raw.decode("utf-8-sig") if not sample.endswith("xlsx") else None
        except UnicodeDecodeError:
            text = raw.decode("gbk")
        if text is not None:
            parse_all(name, text.encode(encoding, errors="replace"))


@FUZZ
@given(
    header=st.lists(st.sampled_from([*HOTLINE, "", "备注"]), max_size=12),
    rows=st.lists(st.lists(cells, max_size=10), max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    xlsx=st.booleans(),
)
def test_hotline_tables_with_missing_repeated_headers_and_odd_cells(
    header: list[str], rows: list[list[str]], encoding: str, xlsx: bool
) -> None:
    parse_all("hotline", table(header, rows, encoding, xlsx))


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=6, max_size=6), max_size=6), xlsx=st.booleans())
def test_summary_lists_with_odd_cells(rows: list[list[str]], xlsx: bool) -> None:
    head = [
        ["企业问题诉求汇总清单"],
        ["填表单位：常乐镇", "", "填报人：陆", "", "联系电话：_____"],
        ["编号", "企业名称", "存在问题", "问题来源", "企业联系人", "联系电话"],
    ]
    parse_all("summary_list", table(head[0], [*head[1:], *rows], "gb18030", xlsx))


@FUZZ
@given(
    records=st.lists(
        st.dictionaries(
            st.sampled_from(["id", "submitted_at", "content", "enterprise", "contact", "x"]),
            st.one_of(
                cells,
                st.integers(),
                st.none(),
                st.booleans(),
                st.dictionaries(st.sampled_from(["name", "credit_code", "phone"]), cells),
            ),
        ),
        max_size=5,
    )
)
def test_app_records_of_any_shape(records: list[dict[str, object]]) -> None:
    parse_all("app", json.dumps({"records": records}, ensure_ascii=False).encode())
    parse_all("visit", json.dumps({"visits": records}, ensure_ascii=False).encode())


@FUZZ
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=300), good=st.booleans())
def test_an_unreadable_file_leaves_the_store_unchanged(
    tmp_path_factory: object, name: str, data: bytes, good: bool
) -> None:
    store = MemoryStore()
    desk, clerk = Desk(store, district="HM"), Actor.desk("小王")
    if good:  # something already in the store
        import_file(desk, DATA / SAMPLES[name][0], channel=name, at=AT, by=clerk, plugins=PLUGINS)
    before = (store.numbers(), store.quarantined(include_settled=True))
    path = Path(tmp_path_factory.mktemp("f")) / "f.bin"  # type: ignore[attr-defined]
    path.write_bytes(data)
    try:
        import_file(desk, path, channel=name, at=AT, by=clerk, plugins=PLUGINS)
    except UnreadableFile:
        assert (store.numbers(), store.quarantined(include_settled=True)) == before


def table(header: list[str], rows: list[list[str]], encoding: str, xlsx: bool) -> bytes:
    if xlsx:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        for row in [header, *rows]:
            sheet.append([_xlsx_safe(c) for c in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    return text.getvalue().encode(encoding, errors="replace")


def _xlsx_safe(cell: str) -> str:
    # openpyxl refuses control characters and cells over 32,767 characters when writing.
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", cell)[:32767]


# -- hostile files for every channel (issue 17) ---------------------------------------------

HOSTILE = ("dimension", "far_cell", "last_row", "mixed", "long_line", "nul", "deep", "merges")


def hostile_file(name: str, kind: str, rows: int, where: int) -> tuple[bytes, str]:
    """(file bytes, file name) of a hostile variant of a clean file for channel ``name``."""
    from tests import hostile

    if name == "app" or (name == "visit" and kind == "deep"):
        make = hostile.app_records if name == "app" else hostile.visit_records
        deep = (where,) if kind in ("deep", "merges", "far_cell") else ()
        data = make(rows, deep_at=deep, depth=40 + where * 97)
        if kind == "long_line":
            data = data[:-2] + b"x" * (40 << 20) + data[-2:]
        elif kind == "nul":
            data = data.replace(b"-1", b"-\x001", 1)
        return data, "f.json"
    table = hostile.table(name, rows)
    if kind in ("mixed", "long_line", "nul"):
        if kind == "mixed":
            return hostile.mixed_encodings(table, (where + 1,)), "f.csv"
        data = hostile.csv_bytes(table, "gb18030")
        if kind == "long_line":
            return data + b"y" * (2 << 20), "f.csv"
        return data.replace(b"\r\n", b"\r\n\x00", 1), "f.csv"
    book = hostile.xlsx(table)
    if kind == "dimension":
        return hostile.dimension(book, f"A1:C{where}"), "f.xlsx"
    if kind == "far_cell":
        return hostile.far_cell(book, "XFD1048576"), "f.xlsx"
    if kind == "last_row":
        return hostile.far_cell(book, "B1048576", "孤立的单元格"), "f.xlsx"
    ref = f"A1:XFD{where}"  # merges overlapping each other, as a broken generator writes them
    merges = f'<mergeCells count="3"><mergeCell ref="{ref}"/><mergeCell ref="{ref}"/>' \
             f'<mergeCell ref="B2:C{where}"/></mergeCells>'  # fmt: skip
    return hostile.rewrite(book, hostile.SHEET, lambda b: b.replace(
        b"</sheetData>", b"</sheetData>" + merges.encode())), "f.xlsx"  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.sampled_from(NAMES),
    kind=st.sampled_from(HOSTILE),
    rows=st.integers(1, 40),
    where=st.integers(1, 40),
)
def test_hostile_files_end_as_import_quarantine_or_refusal(
    tmp_path_factory: object, name: str, kind: str, rows: int, where: int
) -> None:
    """Every channel, every hostile shape: a full import, quarantined rows, or a refusal
    with nothing written; never a row lost without a word."""
    import time

    data, filename = hostile_file(name, kind, rows, min(where, rows))
    path = Path(tmp_path_factory.mktemp("h")) / filename  # type: ignore[attr-defined]
    path.write_bytes(data)
    store = MemoryStore()
    desk = Desk(store, district="HM")
    started = time.perf_counter()
    try:
        report = import_file(desk, path, channel=name, at=AT, by=Actor.desk("小王"),
                             plugins=PLUGINS)  # fmt: skip
    except UnreadableFile:
        assert not store.numbers() and not store.quarantined(include_settled=True)
    else:
        # every problem of the file is accounted for: registered or quarantined
        expected = rows + (1 if kind == "last_row" and filename.endswith("xlsx") else 0)
        assert len(report.registered) + len(report.quarantined) == expected, (kind, report)
        assert len(store.numbers()) == len(report.registered)
    assert time.perf_counter() - started < 60


CORPUS = Path(__file__).resolve().parents[1] / "data"
WORKBOOKS = ["附件2_三星镇_手填.xls", "附件2_三星镇_手填.ods", "附件2_三星镇_手填.xlsx",
             "汇总清单_多个区镇.xls", "汇总清单_多个区镇_LO.xlsx"]  # fmt: skip


@FUZZ
@given(data=st.data())
def test_truncated_and_flipped_workbooks_of_every_format(data: st.DataObject) -> None:
    """.xls (xlrd), .ods and .xlsx (the streaming readers) damaged anywhere: rows or a refusal."""
    raw = (CORPUS / data.draw(st.sampled_from(WORKBOOKS))).read_bytes()
    cut = data.draw(st.one_of(st.just(len(raw)), st.integers(len(raw) // 2, len(raw))))
    flips = data.draw(st.lists(st.tuples(st.integers(0, cut - 1), st.integers(0, 255)),
                               max_size=8))  # fmt: skip
    mutated = bytearray(raw[:cut])
    for at, byte in flips:
        mutated[at] = byte
    parse_all("summary_list", bytes(mutated))


@FUZZ
@given(data=st.data())
def test_damaged_xml_inside_a_workbook(data: st.DataObject) -> None:
    """The zip is sound but a part's XML is damaged (bytes changed or cut): rows or a refusal,
    and never a sheet that stops half-way (the XML is checked whole before the first row)."""
    from tests import hostile

    name = data.draw(st.sampled_from(["附件2_三星镇_手填.xlsx", "汇总清单_多个区镇_LO.xlsx"]))
    raw = (CORPUS / name).read_bytes()
    parts = [p for p in zipfile.ZipFile(io.BytesIO(raw)).namelist()
             if p.endswith((".xml", ".rels"))]  # fmt: skip
    part = data.draw(st.sampled_from(parts))
    edits = data.draw(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(list(b'0129"<>/=Asrtvc ')),
                                         st.integers(0, 12)), min_size=1, max_size=3))  # fmt: skip

    def change(body: bytes) -> bytes:
        out = bytearray(body)
        for where, byte, cut in edits:
            at = int(where * (len(out) - 1))
            out[at : at + cut] = bytes([byte])
        return bytes(out)

    rows = parse_all("summary_list", hostile.rewrite(raw, part, change))
    assert not any(isinstance(r, RejectedRow) and r.field == "文件" for r in rows)
