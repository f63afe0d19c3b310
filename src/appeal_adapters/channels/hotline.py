"""The 12345 hotline channel: transfer exports as CSV or .xlsx with Chinese headers.

The first non-blank row is the header row.  ``options["headers"]`` maps our field names to
the export's header texts (a text or a list of alternatives), merged over ``HEADERS``;
columns not mapped go into the record's notes.  ``options["delimiter"]`` for a CSV (``,``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.base import ChannelParser, Row, Source, UnreadableFile
from appeal_adapters.channels.tabular import Cells, open_table, text
from appeal_adapters.documents.common import clean
from appeal_core.appeal import Channel
from appeal_core.intake import IntakeRecord

#: Our field names and the header texts a 12345 export uses for them (alternatives allowed).
HEADERS: dict[str, tuple[str, ...]] = {
    "source_id": ("工单编号", "工单号"),
    "reported_at": ("来电时间", "受理时间"),
    "contact": ("来电人", "来电人姓名"),
    "phone": ("联系电话", "来电号码"),
    "enterprise": ("企业名称",),
    "address": ("企业地址", "地址"),
    "content": ("诉求内容", "来电内容"),
    "credit_code": ("统一社会信用代码",),
}
REQUIRED = ("source_id", "enterprise", "content")


def header_map(options: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """``HEADERS`` with the caller's ``options["headers"]`` merged over it."""
    merged = dict(HEADERS)
    for key, value in dict(options.get("headers") or {}).items():
        if key not in HEADERS:
            known = "、".join(HEADERS)
            raise ValueError(f"options['headers'] 中的字段 {key!r} 不存在；可用字段：{known}")
        merged[key] = (value,) if isinstance(value, str) else tuple(value)
    return merged


def locate(
    header: Sequence[str], wanted: Mapping[str, tuple[str, ...]], required: Sequence[str], *,
    filename: str,
) -> dict[str, int]:  # fmt: skip
    """Column index of each field found in ``header``; UnreadableFile when one is missing."""
    positions: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        positions.setdefault(cell.strip(), []).append(index)
    found: dict[str, int] = {}
    for field, names in wanted.items():
        hits = [(name, positions[name]) for name in names if name in positions]
        if not hits:
            continue
        name, indexes = hits[0]
        if len(indexes) > 1:
            raise UnreadableFile(
                filename, f"表头「{name}」出现了 {len(indexes)} 次，无法确定使用哪一列"
            )
        found[field] = indexes[0]
    missing = [wanted[f][0] for f in required if f not in found]
    if missing:
        shown = "、".join(h for h in header if h.strip())[:200]
        raise UnreadableFile(
            filename, f"首行表头缺少「{'」「'.join(missing)}」（首行为：{shown or '空'}）"
        )
    return found


def parse_hotline(data: Source, *, filename: str, options: Mapping[str, Any]) -> Iterator[Row]:
    """Records of a 12345 export; a row failing a check is rejected with its reason."""
    wanted = header_map(options)
    table = open_table(
        data, filename=filename, formats=("csv", "xlsx"), delimiter=options.get("delimiter", ",")
    )
    rows = table.rows()
    _, first = next(rows)
    header = [clean(text(c)) for c in first]
    columns = locate(header, wanted, REQUIRED, filename=filename)
    return _records(rows, header, columns)


def _records(
    rows: Iterator[tuple[int, Cells]], header: list[str], columns: dict[str, int]
) -> Iterator[Row]:
    mapped = set(columns.values())
    extras = [(i, name) for i, name in enumerate(header) if name and i not in mapped]
    for number, cells in rows:

        def cell(field: str, cells: Cells = cells) -> object:
            i = columns.get(field)
            return cells[i] if i is not None and i < len(cells) else None

        def label(field: str) -> str:
            return header[columns[field]] if field in columns else field

        def build(number: int = number, cells: Cells = cells) -> IntakeRecord:
            source_id = rc.field_text(
                cell("source_id"), label("source_id"), limit=rc.LIMITS["id"], row=number,
                required=True,
            )  # fmt: skip
            firm = rc.enterprise(
                row=number,
                name=(label("enterprise"), cell("enterprise")),
                code=(label("credit_code"), cell("credit_code")),
                address=(label("address"), cell("address")),
                contact=(label("contact"), cell("contact")),
                tel=(label("phone"), cell("phone")),
            )
            content = rc.field_text(
                cell("content"), label("content"), limit=rc.LIMITS["content"], row=number,
                required=True,
            )  # fmt: skip
            reported = rc.when(cell("reported_at"), label("reported_at"), row=number)
            notes = tuple(
                (name, clean(text(cells[i]), 2000))
                for i, name in extras
                if i < len(cells) and text(cells[i])
            )
            return IntakeRecord(
                channel=Channel.HOTLINE, enterprise=firm, content=content, source_id=source_id,
                reported_at=reported, row=number, notes=notes,
            )  # fmt: skip

        yield rc.record_or_rejected(
            build,
            channel=Channel.HOTLINE,
            row=number,
            raw=partial(rc.zipped, header, cells),
            source_id=text(cell("source_id")),
        )


HOTLINE = ChannelParser(
    name="hotline",
    formats=("csv", "xlsx"),
    fn=parse_hotline,
    description="12345热线转交工单（CSV 或 .xlsx，中文表头，表头可配置）",
)
