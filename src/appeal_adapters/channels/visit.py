"""The visit channel: problems raised on leaders' visits (区领导“双挂钩”调研走访, channel
``leader_visit``) and face-to-face visits (“面对面”走访, ``face_to_face``), as a table or JSON.

One row (or JSON object) per problem raised.  The kind of visit comes from the row's 走访类型
(``kind``), else from ``options["kind"]``; the visitor goes into the record's notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.base import ChannelParser, Row, Source
from appeal_adapters.channels.jsonchannel import check_keys, fields_of, read_record
from appeal_adapters.channels.jsonfile import load_records, unflat
from appeal_adapters.channels.mapping import FieldMap, defaults, field_map, stored
from appeal_adapters.channels.tablechannel import (
    Plan,
    RowStream,
    Spec,
    area_code,
    body,
    plans,
    read_row,
    replay,
)
from appeal_adapters.channels.tabular import Census, TableRow, as_stream, open_table, text
from appeal_core.appeal import Channel
from appeal_core.errors import ValidationError
from appeal_core.intake import IntakeRecord, RejectedRow

#: Our field names and the table headers accepted for them (first found wins).
HEADERS: dict[str, tuple[str, ...]] = {
    "source_id": ("走访编号", "编号"),
    "kind": ("走访类型",),
    "visitor": ("走访人", "走访领导"),
    "reported_at": ("走访日期", "走访时间"),
    "enterprise": ("企业名称",),
    "credit_code": ("统一社会信用代码",),
    "address": ("企业地址",),
    "contact": ("企业联系人",),
    "phone": ("联系电话",),
    "extension": ("分机",),
    "content": ("反映问题", "存在问题"),
}
#: The JSON keys of the same fields (``{"visits": [...]}``).
KEYS: dict[str, tuple[str, ...]] = {
    "source_id": ("id",), "kind": ("kind",), "visitor": ("visitor",),
    "reported_at": ("visited_at",), "enterprise": ("enterprise",),
    "credit_code": ("credit_code",), "address": ("address",), "contact": ("contact",),
    "phone": ("phone",), "extension": ("extension",), "content": ("content",),
}  # fmt: skip
REQUIRED = ("source_id", "visitor", "enterprise", "content")
FORMATS = ("csv", "xlsx", "xls", "ods")
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


def _guess(kind: object, default: str) -> Channel:
    said = text(kind) or default
    return next((c for w, c in KINDS.items() if w in said), Channel.LEADER_VISIT)


def spec(options: Mapping[str, Any]) -> Spec:
    """The table headers with the caller's ``options["headers"]``."""
    return Spec("visit", field_map(defaults("visit", HEADERS), options, "visit"), REQUIRED)


def keys(options: Mapping[str, Any]) -> FieldMap:
    """The JSON keys with the caller's ``options["headers"]``."""
    return field_map(KEYS, options, "visit")


def parse_visits(data: Source, *, filename: str, options: Mapping[str, Any]) -> Iterator[Row]:
    """Records of a visit file: JSON ``{"visits": [...]}``, or a table with Chinese headers."""
    default = str(options.get("kind") or "")
    code = area_code(options)
    stream = as_stream(data)
    stream.seek(0)
    head = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        items = load_records(stream, filename, "visits")
        known = keys(options)
        check_keys(items, known, REQUIRED, channel="visit", filename=filename)
        census = Census(kind="json", encoding="utf-8", rows=len(items))
        return RowStream(_json(items, known, default, code), census)
    table = open_table(stream, filename=filename, formats=FORMATS)
    found = plans(table, spec(options), filename)
    return RowStream(_table(found, default, code), table.census)


def _json(items: list[object], known: FieldMap, default: str, code: str) -> Iterator[Row]:
    for number, item in enumerate(items, start=1):
        kind = fields_of(item, known)[0].get("kind") if isinstance(item, dict) else None
        yield read_record(number, item, known, _builder(default), channel=_guess(kind, default),
                          code=code)  # fmt: skip


def _table(found: list[Plan], default: str, code: str) -> Iterator[Row]:
    build = _builder(default)
    for plan in found:
        kind_col = plan.columns.get("kind")
        for row in body(plan, Channel.LEADER_VISIT):
            if isinstance(row, RejectedRow):
                yield row
                continue
            kind = (
                row.cells[kind_col] if kind_col is not None and kind_col < len(row.cells) else None
            )
            yield read_row(plan, row, lambda r, _row, _plan: build(r, {}),
                           channel=_guess(kind, default), code=code,
                           source_id=_source_id)  # fmt: skip


def readmit_visit(
    raw: tuple[tuple[str, str], ...],
    *,
    row: int | None,
    corrections: Mapping[str, str],
    options: Mapping[str, Any],
) -> Row:
    """A quarantined visit read again (table or JSON, as it came) with the corrections."""
    default = str(options.get("kind") or "")
    code = area_code(options)
    known = spec(options)
    if _is_table(raw, known):
        plan, again = replay(raw, known, corrections, row or 0)
        said: object = corrections.get("kind") or dict(raw).get(plan.labels.get("kind", ""), "")
        build = _builder(default)
        return read_row(plan, again, lambda r, _row, _plan: build(r, {}),
                        channel=_guess(said, default), code=code, source_id=_source_id,
                        override=corrections.get("code_override", ""))  # fmt: skip
    item = unflat(raw)
    known_keys = {**keys(options), **stored(raw)}
    said = corrections.get("kind") or fields_of(item, known_keys)[0].get("kind")
    return read_record(row or 0, item, known_keys, _builder(default),
                       channel=_guess(said, default), code=code,
                       corrections=corrections)  # fmt: skip


def _is_table(raw: tuple[tuple[str, str], ...], known: Spec) -> bool:
    names = {k for k, _ in raw}
    return any(h in names for k in REQUIRED for h in known.fields[k])


def _source_id(get: Callable[[str], object], row: TableRow, plan: Plan) -> str:
    return text(get("source_id"))


def _builder(default: str) -> Callable[[rc.RowReader, dict[str, Any]], IntakeRecord]:
    def build(reader: rc.RowReader, values: dict[str, Any]) -> IntakeRecord:
        visit_id = reader.text("source_id", limit=rc.LIMITS["id"], required=True)
        kind = reader.text("kind", limit=50) or default
        channel = kind_of(kind, reader.label("kind"), row=reader.row)
        visitor = reader.text("visitor", limit=100, required=True)
        firm = reader.enterprise()
        content = reader.text("content", limit=rc.LIMITS["content"], required=True)
        return IntakeRecord(channel=channel, enterprise=firm, content=content,
                            source_id=visit_id, reported_at=reader.when(),
                            notes=(("走访人", visitor),))  # fmt: skip

    return build


VISIT = ChannelParser(
    name="visit",
    formats=("csv", "xlsx", "xls", "ods", "json"),
    fn=parse_visits,
    description="区领导“双挂钩”调研走访与“面对面”走访记录（表格或 JSON，表头可映射）",
    readmit=readmit_visit,
)
