"""The visit channel: problems raised on leaders' visits (区领导“双挂钩”调研走访, channel
``leader_visit``) and face-to-face visits (“面对面”走访, ``face_to_face``), as CSV/.xlsx or JSON.

One row (or JSON object) per problem raised.  The kind of visit comes from the row's 走访类型
(``kind``), else from ``options["kind"]``; the visitor goes into the record's notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.app import flat, load_json, records_of
from appeal_adapters.channels.base import ChannelParser, Row, Source
from appeal_adapters.channels.hotline import locate
from appeal_adapters.channels.tabular import as_stream, open_table, text
from appeal_adapters.documents.common import clean
from appeal_core.appeal import Channel
from appeal_core.errors import ValidationError
from appeal_core.intake import IntakeRecord

#: Our field names, the JSON keys, and the CSV header texts (alternatives allowed).
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("走访编号", "编号"),
    "kind": ("走访类型",),
    "visitor": ("走访人", "走访领导"),
    "visited_at": ("走访日期", "走访时间"),
    "enterprise": ("企业名称",),
    "credit_code": ("统一社会信用代码",),
    "address": ("企业地址",),
    "contact": ("企业联系人",),
    "phone": ("联系电话",),
    "content": ("反映问题", "存在问题"),
}
REQUIRED = ("id", "visitor", "enterprise", "content")
KINDS = {"双挂钩": Channel.LEADER_VISIT, "领导": Channel.LEADER_VISIT,
         "leader_visit": Channel.LEADER_VISIT, "面对面": Channel.FACE_TO_FACE,
         "face_to_face": Channel.FACE_TO_FACE}  # fmt: skip


def kind_of(value: str, field: str, *, row: int) -> Channel:
    """The visit's channel from what the row says (双挂钩 / 面对面 / the channel names)."""
    for word, channel in KINDS.items():
        if word in value:
            return channel
    if not value:
        raise ValidationError(field, value, "走访类型不能为空（双挂钩 或 面对面）", row=row)
    raise ValidationError(
        field, value, "走访类型应为「双挂钩」（区领导调研走访）或「面对面」", row=row
    )


def parse_visits(data: Source, *, filename: str, options: Mapping[str, Any]) -> Iterator[Row]:
    """Records of a visit file: JSON ``{"visits": [...]}``, or CSV/.xlsx with Chinese headers."""
    default_kind = str(options.get("kind") or "")
    stream = as_stream(data)
    stream.seek(0)
    head = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        visits = records_of(load_json(stream, filename), "visits", filename)
        return _from_json(visits, default_kind)
    table = open_table(stream, filename=filename, formats=("csv", "xlsx"))
    rows = table.rows()
    _, first = next(rows)
    header = [clean(text(c)) for c in first]
    columns = locate(header, FIELDS, REQUIRED, filename=filename)
    labels = {f: header[i] for f, i in columns.items()}

    def pairs() -> Iterator[
        tuple[int, Callable[[str], object], Callable[[], Sequence[tuple[str, object]]]]
    ]:
        for number, cells in rows:

            def get(field: str, cells: list[object] = cells) -> object:
                i = columns.get(field)
                return cells[i] if i is not None and i < len(cells) else None

            yield number, get, partial(rc.zipped, header, cells)

    return _records(pairs(), labels, default_kind)


def _from_json(visits: list[Any], default_kind: str) -> Iterator[Row]:
    def pairs() -> Iterator[
        tuple[int, Callable[[str], object], Callable[[], Sequence[tuple[str, object]]]]
    ]:
        for number, item in enumerate(visits, start=1):
            record = item if isinstance(item, dict) else {}

            def get(field: str, record: dict[str, Any] = record) -> object:
                value = record.get(field)
                return value if isinstance(value, str | int | float) else None

            yield number, get, partial(flat, item)

    return _records(pairs(), {f: f for f in FIELDS}, default_kind)


def _records(
    rows: Iterator[tuple[int, Callable[[str], object], Callable[[], Sequence[tuple[str, object]]]]],
    labels: Mapping[str, str],
    default_kind: str,
) -> Iterator[Row]:
    for number, get, raw in rows:

        def label(field: str) -> str:
            return labels.get(field, field)

        def build(number: int = number, get: Callable[[str], object] = get) -> IntakeRecord:
            visit_id = rc.field_text(get("id"), label("id"), limit=64, row=number, required=True)
            kind = rc.field_text(get("kind"), label("kind"), limit=50, row=number) or default_kind
            channel = kind_of(kind, label("kind"), row=number)
            visitor = rc.field_text(get("visitor"), label("visitor"), limit=100, row=number,
                                    required=True)  # fmt: skip
            firm = rc.enterprise(
                row=number,
                name=(label("enterprise"), get("enterprise")),
                code=(label("credit_code"), get("credit_code")),
                address=(label("address"), get("address")),
                contact=(label("contact"), get("contact")),
                tel=(label("phone"), get("phone")),
            )
            content = rc.field_text(get("content"), label("content"), limit=rc.LIMITS["content"],
                                    row=number, required=True)  # fmt: skip
            return IntakeRecord(
                channel=channel, enterprise=firm, content=content, source_id=visit_id,
                reported_at=rc.when(get("visited_at"), label("visited_at"), row=number),
                row=number, notes=(("走访人", visitor),),
            )  # fmt: skip

        kind_text = text(get("kind")) or default_kind
        channel = next((c for w, c in KINDS.items() if w in kind_text), Channel.LEADER_VISIT)
        yield rc.record_or_rejected(
            build, channel=channel, row=number, raw=raw, source_id=text(get("id"))
        )


VISIT = ChannelParser(
    name="visit",
    formats=("csv", "xlsx", "json"),
    fn=parse_visits,
    description="区领导“双挂钩”调研走访与“面对面”走访记录（CSV、.xlsx 或 JSON）",
)
