"""The 12345 hotline channel: transfer exports as CSV, .xlsx, .xls or .ods with Chinese headers.

The header row is the first row (within a sheet's first ten) that holds the required headers;
the headers accepted are ``BASE`` plus the shipped layouts (``layouts/hotline.toml``), and
``options["headers"]`` maps our field names to another city's header texts.  Columns no field
maps go into the record's notes.  ``options["delimiter"]`` for a CSV (``,``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.base import ChannelParser, Row, Source
from appeal_adapters.channels.mapping import defaults, field_map
from appeal_adapters.channels.tablechannel import (
    Plan,
    RowStream,
    Spec,
    area_code,
    plans,
    read_row,
    records,
    replay,
)
from appeal_adapters.channels.tabular import TableRow, open_table, text
from appeal_core.appeal import Channel
from appeal_core.intake import IntakeRecord

#: Our field names and the header texts the channel accepts for them (first found wins).
BASE: dict[str, tuple[str, ...]] = {
    "source_id": ("工单编号", "工单号"),
    "reported_at": ("来电时间", "受理时间"),
    "contact": ("来电人", "来电人姓名"),
    "phone": ("联系电话", "来电号码"),
    "extension": ("分机",),
    "enterprise": ("企业名称",),
    "address": ("企业地址", "地址"),
    "content": ("诉求内容", "来电内容"),
    "credit_code": ("统一社会信用代码",),
}
REQUIRED = ("source_id", "enterprise", "content")
FORMATS = ("csv", "xlsx", "xls", "ods")


def spec(options: Mapping[str, Any]) -> Spec:
    """The channel's field map with the caller's ``options["headers"]``."""
    return Spec("hotline", field_map(defaults("hotline", BASE), options, "hotline"), REQUIRED)


def parse_hotline(data: Source, *, filename: str, options: Mapping[str, Any]) -> Iterator[Row]:
    """Records of a 12345 export; a row failing a check is rejected with its reason."""
    table = open_table(
        data, filename=filename, formats=FORMATS, delimiter=options.get("delimiter", ",")
    )
    found = plans(table, spec(options), filename)
    rows = records(found, _build, channel=Channel.HOTLINE, code=area_code(options),
                   source_id=_source_id)  # fmt: skip
    return RowStream(rows, table.census)


def readmit_hotline(
    raw: tuple[tuple[str, str], ...],
    *,
    row: int | None,
    corrections: Mapping[str, str],
    options: Mapping[str, Any],
) -> Row:
    """A quarantined hotline row read again with the clerk's corrections."""
    plan, again = replay(raw, spec(options), corrections, row or 0)
    return read_row(plan, again, _build, channel=Channel.HOTLINE, code=area_code(options),
                    source_id=_source_id,
                    override=corrections.get("code_override", ""))  # fmt: skip


def _source_id(get: Callable[[str], object], row: TableRow, plan: Plan) -> str:
    return text(get("source_id"))


def _build(reader: rc.RowReader, row: TableRow, plan: Plan) -> IntakeRecord:
    source_id = reader.text("source_id", limit=rc.LIMITS["id"], required=True)
    firm = reader.enterprise()
    content = reader.text("content", limit=rc.LIMITS["content"], required=True)
    return IntakeRecord(channel=Channel.HOTLINE, enterprise=firm, content=content,
                        source_id=source_id, reported_at=reader.when())  # fmt: skip


HOTLINE = ChannelParser(
    name="hotline",
    formats=FORMATS,
    fn=parse_hotline,
    description="12345热线转交工单（CSV、.xlsx、.xls 或 .ods，表头可映射）",
    readmit=readmit_hotline,
)
