"""The intake channels on real-looking files: records, quarantine, idempotency, refusals."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import attrs
import pytest

from appeal_adapters import hookimpl, load_plugins
from appeal_adapters.channels import (
    ChannelParser,
    UnknownChannel,
    UnreadableFile,
    channel,
    channels,
    import_file,
    message,
)
from appeal_adapters.channels.validation import first_problem, load_schema
from appeal_adapters.documents.summary_list import render_summary_csv, render_summary_list
from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore
from appeal_core.intake import IntakeRecord, RejectedRow

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"
AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
CLERK = Actor.desk("小王")
PLUGINS = load_plugins(entry_points=False)
HEADER = "工单编号,来电时间,来电人,联系电话,企业名称,企业地址,诉求内容,统一社会信用代码\r\n"


def valid_code() -> str:
    from appeal_core.enterprise import credit_code_check_char

    body = "91320684MA1MFW2X1"
    return body + credit_code_check_char(body)


def hotline_csv(rows: list[str], encoding: str = "utf-8") -> bytes:
    return (HEADER + "".join(r + "\r\n" for r in rows)).encode(encoding)


def rows_of(name: str, data: bytes, **options: object) -> list[IntakeRecord | RejectedRow]:
    return list(channel(name, PLUGINS).parse(data, filename="t", options=options))


def desk() -> Desk:
    return Desk(MemoryStore(), district="HM")


def unchanged(d: Desk) -> bool:
    return not d.store.numbers() and not d.store.quarantined(include_settled=True)


# -- the sample files ---------------------------------------------------------------------

SAMPLES = [
    ("app_export.json", "app", 56, 4),
    ("hotline_12345.csv", "hotline", 56, 4),
    ("hotline_12345.xlsx", "hotline", 56, 4),
    ("summary_三厂街道.xlsx", "summary_list", 10, 2),
    ("summary_常乐镇.csv", "summary_list", 10, 2),
    ("visits.csv", "visit", 18, 2),
    ("visits.json", "visit", 18, 2),
]


@pytest.mark.parametrize(("name", "chan", "good", "bad"), SAMPLES)
def test_sample_files_register_good_rows_and_quarantine_bad_ones(
    name: str, chan: str, good: int, bad: int
) -> None:
    d = desk()
    report = import_file(d, DATA / name, channel=chan, at=AT, by=CLERK, plugins=PLUGINS)
    assert (len(report.registered), len(report.quarantined)) == (good, bad)
    for entry in d.store.quarantined():
        assert entry.reason and entry.field and entry.row and entry.raw
    again = import_file(d, DATA / name, channel=chan, at=AT, by=CLERK, plugins=PLUGINS)
    assert again.registered == () and len(again.repeated) == good


def test_the_samples_are_reproducible(tmp_path: Path) -> None:
    import subprocess
    import sys

    subprocess.run([sys.executable, str(DATA / "make_samples.py"), str(tmp_path)], check=True)
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (DATA / path.name).read_bytes(), path.name


def test_rejections_name_row_field_and_value() -> None:
    rows = rows_of("app", (DATA / "app_export.json").read_bytes())
    bad = [r for r in rows if isinstance(r, RejectedRow)]
    text = [message(r) for r in bad]
    assert any("第8行" in t and "enterprise.credit_code" in t and "校验位" in t for t in text)
    assert any("contact.phone" in t and "1381234567" in t for t in text)


# -- hotline ------------------------------------------------------------------------------


ROW = "NT-001,2026年11月16日,陈经理,138 1234 5678,南通恒丰机械有限公司,海门区长江路1号,厂房消防验收迟迟未办,{code}"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_hotline_reads_utf8_bom_and_gbk(encoding: str) -> None:
    [record] = rows_of("hotline", hotline_csv([ROW.format(code=valid_code())], encoding))
    assert isinstance(record, IntakeRecord)
    assert record.enterprise.name == "南通恒丰机械有限公司"
    assert record.enterprise.phone == "13812345678"
    assert record.reported_at == datetime(2026, 11, 16, tzinfo=SHANGHAI)
    assert (record.source_id, record.channel.value, record.row) == ("NT-001", "hotline", 2)


def test_hotline_header_mapping_is_configurable() -> None:
    data = "单号,时间,企业,内容\nA1,2026/11/16 09:30,某某公司,用电增容\n".encode("gbk")
    options = {
        "headers": {
            "source_id": "单号",
            "reported_at": "时间",
            "enterprise": "企业",
            "content": "内容",
        }
    }
    [record] = rows_of("hotline", data, **options)
    assert isinstance(record, IntakeRecord) and record.source_id == "A1"
    assert record.reported_at == datetime(2026, 11, 16, 9, 30, tzinfo=SHANGHAI)
    with pytest.raises(UnreadableFile, match="工单编号"):
        rows_of("hotline", data)


def test_hotline_xlsx_reads_excel_dates_and_numbers() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["NT-9", 46342.375, "陈", 13812345678, "某公司", "", "融资难", ""])
    sheet.append(
        ["NT-10", datetime(2026, 11, 16, 10), "陈", "0513-82111701", "某公司", "", "x", ""]
    )
    out = io.BytesIO()
    book.save(out)
    first, second = rows_of("hotline", out.getvalue())
    assert isinstance(first, IntakeRecord) and isinstance(second, IntakeRecord)
    assert first.reported_at == datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
    assert first.enterprise.phone == "13812345678"
    assert second.reported_at == datetime(2026, 11, 16, 10, tzinfo=SHANGHAI)


def test_unmapped_columns_go_to_notes() -> None:
    data = "工单编号,企业名称,诉求内容,承办单位\nA,某公司,问题,区工信局\n".encode()
    [record] = rows_of("hotline", data)
    assert isinstance(record, IntakeRecord) and record.notes == (("承办单位", "区工信局"),)


# -- summary list round trip ------------------------------------------------------------


@pytest.mark.parametrize("render", [render_summary_csv, render_summary_list])
def test_summary_list_reads_back_what_the_writer_exports(render: object) -> None:
    d = desk()
    firms = [
        Enterprise(name="海门金海纺织科技有限公司", contact="施海燕", phone="13912345678"),
        Enterprise(name="=南通(叠石)建材有限公司", contact="'顾", phone="0513-82111701"),
    ]
    items = [
        d.register(enterprise=f, content=c, channel=ch, at=AT, by=CLERK)
        for f, c, ch in zip(
            firms, ["厂房用地\n第二行", "-贷款续贷慢"], ["app", "hotline"], strict=True
        )
    ]
    data = render(items, unit="三厂街道", filler="陆建国", phone="0513-81234567")  # type: ignore[operator]
    records = rows_of("summary_list", data)
    assert len(records) == len(items)
    for item, record in zip(items, records, strict=True):
        assert isinstance(record, IntakeRecord), record
        assert record.source_id == f"三厂街道:{item.number}"
        assert record.channel.value == "grassroots"
        assert record.content == item.content
        for field in ("name", "contact", "phone"):
            assert getattr(record.enterprise, field) == getattr(item.enterprise, field)
        notes = dict(record.notes)
        assert notes["问题来源"] == item.channel.label
        assert notes["填表单位"] == "三厂街道" and notes["填报人"] == "陆建国"


def test_summary_list_needs_the_town() -> None:
    data = render_summary_csv([], unit="")
    with pytest.raises(UnreadableFile, match="填表单位"):
        rows_of("summary_list", data + "1,某公司,问题,,,\r\n".encode())
    assert rows_of("summary_list", render_summary_csv([], unit="常乐镇")) == []


# -- visits ----------------------------------------------------------------------------


def test_visits_put_the_visitor_in_notes_and_pick_the_channel() -> None:
    data = json.dumps(
        {
            "visits": [
                {
                    "id": "V1",
                    "kind": "双挂钩",
                    "visitor": "李区长",
                    "visited_at": "2026/11/10",
                    "enterprise": "某公司",
                    "content": "用工缺口",
                },
                {"id": "V2", "visitor": "顾科长", "enterprise": "某公司", "content": "用电"},
            ]
        },
        ensure_ascii=False,
    ).encode()
    first, second = rows_of("visit", data, kind="面对面")
    assert isinstance(first, IntakeRecord) and isinstance(second, IntakeRecord)
    assert first.channel.value == "leader_visit" and first.notes == (("走访人", "李区长"),)
    assert second.channel.value == "face_to_face"


# -- app schema ---------------------------------------------------------------------------


def test_the_schema_ships_and_is_in_the_docs() -> None:
    schema = load_schema("app.schema.json")
    docs = (ROOT / "docs" / "channels.md").read_text(encoding="utf-8")
    shipped = (ROOT / "src/appeal_adapters/channels/schema/app.schema.json").read_text("utf-8")
    assert shipped.strip() in docs
    record = {"id": 1, "submitted_at": "2026-11-16", "content": "x", "enterprise": {"name": "a"}}
    assert first_problem({"records": [record]}, schema, schema) is None
    del record["enterprise"]
    assert first_problem({"records": [record]}, schema, schema) == (
        "records[0].enterprise",
        None,
        "缺少必填项",
    )


# -- refusals: whole file, nothing written ----------------------------------------------


def broken_xlsx() -> bytes:
    data = (DATA / "hotline_12345.xlsx").read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("chan", "data", "why"),
    [
        ("app", b"{not json", "JSON"),
        ("app", b'{"rows": []}', "records"),
        ("app", "{}".encode("utf-16"), "UTF-8"),
        ("hotline", b"", "为空"),
        ("hotline", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "xls"),
        ("hotline", b"\x81\xff\xfe\x80 not text", "编码"),
        ("hotline", broken_xlsx(), "xlsx"),
        ("hotline", "企业,内容\n甲,乙\n".encode(), "工单编号"),
        ("hotline", "工单编号,工单编号,企业名称,诉求内容\n1,2,a,b\n".encode(), "出现了 2 次"),
        ("hotline", b"a,b\n\x00\x00\n", "NUL"),
        ("summary_list", "随便,写点\n".encode("gbk"), "表头"),
        ("visit", b'{"visits": 3}', "visits"),
    ],
)
def test_unreadable_files_are_refused_whole(
    tmp_path: Path, chan: str, data: bytes, why: str
) -> None:
    path = tmp_path / "bad.dat"
    path.write_bytes(data)
    d = desk()
    with pytest.raises(UnreadableFile, match=why) as info:
        import_file(d, path, channel=chan, at=AT, by=CLERK, plugins=PLUGINS)
    assert "bad.dat" in str(info.value)
    assert unchanged(d)


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match=r"nope\.csv"):
        import_file(
            desk(), tmp_path / "nope.csv", channel="hotline", at=AT, by=CLERK, plugins=PLUGINS
        )


def test_a_bad_row_at_the_end_still_refuses_nothing_else(tmp_path: Path) -> None:
    good = ROW.format(code=valid_code())
    data = hotline_csv([good]) + b"NT-2,x,y,z,\r\n" + b"\xff\xfe broken"
    path = tmp_path / "tail.csv"
    path.write_bytes(data)
    d = desk()
    with pytest.raises(UnreadableFile):
        import_file(d, path, channel="hotline", at=AT, by=CLERK, plugins=PLUGINS)
    assert unchanged(d)


# -- quarantine workflow, idempotency, progress, duplicates -------------------------------


def test_a_failing_credit_code_can_be_admitted_with_an_override(tmp_path: Path) -> None:
    bad = valid_code()[:17] + ("0" if valid_code()[17] != "0" else "1")
    path = tmp_path / "h.csv"
    path.write_bytes(hotline_csv([ROW.format(code=bad)], "gbk"))
    d = desk()
    report = import_file(d, path, channel="hotline", at=AT, by=CLERK, plugins=PLUGINS)
    [entry] = d.store.quarantined()
    assert report.quarantined == (entry.id,) and entry.field == "统一社会信用代码"
    assert entry.value == bad and "校验位" in entry.reason
    raw = dict(entry.raw)
    record = IntakeRecord(
        channel="hotline",
        source_id=entry.source_id,
        content=raw["诉求内容"],
        enterprise=Enterprise(
            name=raw["企业名称"], credit_code=bad, code_override="与营业执照核对无误"
        ),
    )
    item = d.admit(entry.id, record, at=AT, by=CLERK)
    assert d.store.quarantine_entry(entry.id).status == "admitted"
    assert item.enterprise.credit_code == bad
    again = import_file(d, path, channel="hotline", at=AT, by=CLERK, plugins=PLUGINS)
    assert again.registered == ()


def test_overlapping_exports_register_nothing_twice(tmp_path: Path) -> None:
    rows = [f"NT-{i},2026-11-16,陈,13812345678,公司{i},,问题{i}号,," for i in range(60)]
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(hotline_csv(rows[:40]))
    second.write_bytes(hotline_csv(rows[20:], "gbk"))
    d = desk()
    a = import_file(d, first, channel="hotline", at=AT, by=CLERK, plugins=PLUGINS)
    b = import_file(d, second, channel="hotline", at=AT, by=CLERK, plugins=PLUGINS)
    assert (len(a.registered), len(b.registered), len(b.repeated)) == (40, 20, 20)
    assert len(d.store.numbers()) == 60


def test_progress_reports_rows_done(tmp_path: Path) -> None:
    rows = [f"NT-{i},2026-11-16,陈,13812345678,公司{i},,问题{i}号,," for i in range(25)]
    path = tmp_path / "p.csv"
    path.write_bytes(hotline_csv(rows))
    seen: list[int] = []
    import_file(
        desk(),
        path,
        channel="hotline",
        at=AT,
        by=CLERK,
        plugins=PLUGINS,
        progress=seen.append,
        batch_size=10,
    )
    assert seen == [10, 20, 25]


def test_the_same_problem_from_app_and_hotline_is_flagged(tmp_path: Path) -> None:
    code = valid_code()
    app = {
        "records": [
            {
                "id": "A1",
                "submitted_at": "2026-11-15 10:00",
                "content": "厂房消防验收申请提交后迟迟未安排现场验收，新厂房无法启用。",
                "enterprise": {"name": "南通恒丰机械有限公司", "credit_code": code},
            }
        ]
    }
    (tmp_path / "app.json").write_text(json.dumps(app, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "h.csv").write_bytes(
        hotline_csv(
            [
                f"NT-1,2026-11-16,陈,13812345678,南通恒丰机械有限公司,,厂房消防验收申请提交后一直未安排现场验收，新厂房没法启用,{code}",
                f"NT-2,2026-11-16,陈,13812345678,南通恒丰机械有限公司,,员工子女入学问题,{code}",
            ],
            "gbk",
        )
    )
    d = desk()
    [primary] = import_file(
        d, tmp_path / "app.json", channel="app", at=AT, by=CLERK, plugins=PLUGINS
    ).registered
    report = import_file(d, tmp_path / "h.csv", channel="hotline", at=AT, by=CLERK, plugins=PLUGINS)
    assert report.flagged == ((report.registered[0], (primary,)),)
    d.merge(report.registered[0], into=primary, at=AT, by=CLERK)
    assert not d.get(report.registered[0]).status.is_open


# -- plugins ------------------------------------------------------------------------------


def test_a_third_party_channel_registers_and_replaces_by_name() -> None:
    def parse(data: object, *, filename: str, options: object) -> object:
        yield IntakeRecord(channel="app", enterprise=Enterprise(name="甲"), content=str(data))

    mine = ChannelParser(name="app", formats=("txt",), fn=parse)  # type: ignore[arg-type]

    class Plugin:
        @hookimpl
        def appeal_channels(self, register: object) -> None:
            register(mine)  # type: ignore[operator]

    plugins = load_plugins(entry_points=False, extra=[Plugin()])
    assert channels(plugins)["app"] is mine
    assert set(channels(PLUGINS)) == {"app", "hotline", "summary_list", "visit"}
    with pytest.raises(UnknownChannel, match="hotline"):
        channel("fax", PLUGINS)


def test_parsers_accept_bytes_and_streams() -> None:
    data = (DATA / "visits.csv").read_bytes()
    parser = channel("visit", PLUGINS)
    from_bytes = list(parser.parse(data, filename="v.csv"))
    from_stream = list(parser.parse(io.BytesIO(data), filename="v.csv"))
    assert from_bytes == from_stream
    assert attrs.has(type(from_bytes[0]))


# -- the readers' rules on real-looking files (issue 13) ------------------------------------


def test_the_districts_own_area_code_completes_local_numbers(tmp_path: Path) -> None:
    from appeal_core import Policy
    from appeal_core.identity import Identity

    path = tmp_path / "h.csv"
    path.write_bytes(hotline_csv(["NT-1,2026-11-16 09:30,陈,66881234,某公司,,用电增容,"], "gbk"))
    d = Desk(MemoryStore(), district="SZ", policy=Policy(identity=Identity(area_code="0512")))
    report = import_file(d, path, channel="hotline", at=AT, by=CLERK, plugins=PLUGINS)
    assert d.get(report.registered[0]).enterprise.phone == "0512-66881234"
    [record] = rows_of("hotline", path.read_bytes())  # no desk: Policy's default, 0513
    assert record.enterprise.phone == "0513-66881234"  # type: ignore[union-attr]
    assert record.assumptions[0].reason == "固定电话未写区号，按本区区号 0513 补全"  # type: ignore[union-attr]


def test_hidden_sheets_are_named_not_read_and_a_half_headed_sheet_refuses_the_file() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["NT-1", "", "", "", "某公司", "", "用电增容", ""])
    hidden = book.create_sheet("草稿")
    hidden.append(HEADER.strip().split(","))
    hidden.append(["NT-2", "", "", "", "某公司", "", "草稿", ""])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    rows = channel("hotline", PLUGINS).parse(out.getvalue(), filename="t.xlsx")
    assert [r.source_id for r in rows] == ["NT-1"]
    assert rows.census.skipped == ["工作表「草稿」已隐藏，未读取"]  # type: ignore[attr-defined]
    half = book.create_sheet("11月")
    half.append(["工单编号", "企业名称", "内容"])  # 诉求内容 missing
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(UnreadableFile, match="工作表「11月」找不到hotline渠道的表头"):
        rows_of("hotline", out.getvalue())


def test_one_towns_several_sheets_and_a_repeated_number(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for i, month in enumerate(("10月", "11月")):
        ws = book.active if i == 0 else book.create_sheet()
        ws.title = month
        ws.append(["填表单位：三星镇", "", "填报人：陆", "", "联系电话："])
        ws.append(["编号", "企业名称", "存在问题", "问题来源", "企业联系人", "联系电话"])
        ws.append(["1", f"{month}甲公司", "用电", "基层上报", "", ""])
        ws.append(["1", f"{month}乙公司", "用地", "基层上报", "", ""])
    out = io.BytesIO()
    book.save(out)
    rows = rows_of("summary_list", out.getvalue())
    assert [(r.source_id, type(r).__name__) for r in rows] == [
        ("三星镇:10月:1", "IntakeRecord"), ("三星镇:10月:1#第4行", "RejectedRow"),
        ("三星镇:11月:1", "IntakeRecord"), ("三星镇:11月:1#第4行", "RejectedRow"),
    ]  # fmt: skip
    assert "编号与第3行重复" in rows[1].reason  # type: ignore[union-attr]
    path = tmp_path / "two_months.xlsx"
    path.write_bytes(out.getvalue())
    d = desk()
    report = import_file(d, path, channel="summary_list", at=AT, by=CLERK, plugins=PLUGINS)
    assert (len(report.registered), len(report.quarantined)) == (2, 2)
    again = import_file(d, path, channel="summary_list", at=AT, by=CLERK, plugins=PLUGINS)
    assert (len(again.repeated), len(again.known), again.quarantined) == (2, 2, ())
