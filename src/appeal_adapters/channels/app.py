"""The 海企通APP channel: the app's JSON export, checked against ``schema/app.schema.json``.

The file is one UTF-8 JSON document (a BOM is allowed): ``{"records": [...]}``.  A record's
fields are read through key paths (``enterprise.name``, or a shipped layout's ``qymc`` ...,
or ``options["headers"]``), put in the schema's shape and checked; a record that breaks the
schema or a field check is rejected alone, whatever its shape.  Rows count records from 1.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.base import ChannelParser, Row, Source
from appeal_adapters.channels.jsonchannel import check_keys, read_all, read_record
from appeal_adapters.channels.jsonfile import load_records, unflat
from appeal_adapters.channels.mapping import FieldMap, defaults, field_map, stored
from appeal_adapters.channels.tablechannel import RowStream, area_code
from appeal_adapters.channels.tabular import Census
from appeal_adapters.channels.validation import first_problem, load_schema
from appeal_core.appeal import Channel
from appeal_core.errors import ValidationError
from appeal_core.intake import IntakeRecord

SCHEMA = "app.schema.json"
#: Our field names and the schema's key path for each (the first alternative).
BASE: dict[str, tuple[str, ...]] = {
    "source_id": ("id",),
    "reported_at": ("submitted_at",),
    "category": ("category",),
    "content": ("content",),
    "enterprise": ("enterprise.name",),
    "credit_code": ("enterprise.credit_code",),
    "address": ("enterprise.address",),
    "contact": ("contact.name",),
    "phone": ("contact.phone",),
    "extension": ("contact.extension",),
}
REQUIRED = ("source_id", "reported_at", "enterprise", "content")


def fields(options: Mapping[str, Any]) -> FieldMap:
    """The channel's key paths with the caller's ``options["headers"]``."""
    return field_map(defaults("app", BASE), options, "app")


def parse_app(data: Source, *, filename: str, options: Mapping[str, Any]) -> Iterator[Row]:
    """Records of an app export; each record is checked against the schema, then the fields."""
    items = load_records(data, filename, "records")
    known = fields(options)
    check_keys(items, known, REQUIRED, channel="app", filename=filename)
    census = Census(kind="json", encoding="utf-8", rows=len(items))
    return RowStream(read_all(items, known, _build, channel=Channel.APP,
                              code=area_code(options)), census)  # fmt: skip


def readmit_app(
    raw: tuple[tuple[str, str], ...],
    *,
    row: int | None,
    corrections: Mapping[str, str],
    options: Mapping[str, Any],
) -> Row:
    """A quarantined record read again with the clerk's corrections."""
    known = {**fields(options), **stored(raw)}
    return read_record(row or 0, unflat(raw), known, _build, channel=Channel.APP,
                       code=area_code(options), corrections=corrections)  # fmt: skip


def _build(reader: rc.RowReader, values: dict[str, Any]) -> IntakeRecord:
    schema = load_schema(SCHEMA)
    canonical: dict[str, Any] = {}
    for key, value in values.items():
        *parents, last = BASE[key][0].split(".")
        node = canonical
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    problem = first_problem(canonical, schema["$defs"]["record"], schema)
    if problem:
        path, value, reason = problem
        key = next((k for k, v in BASE.items() if v[0] == path or v[0].startswith(path + ".")),
                   "")  # fmt: skip
        raise ValidationError(reader.label(key) if key else path or "record", value, reason,
                              row=reader.row)  # fmt: skip
    category = reader.text("category", limit=50)
    return IntakeRecord(
        channel=Channel.APP,
        enterprise=reader.enterprise(),
        content=reader.text("content", limit=rc.LIMITS["content"], required=True),
        source_id=reader.text("source_id", limit=rc.LIMITS["id"], required=True),
        reported_at=reader.when("reported_at", required=True),
        notes=(("类别", category),) if category else (),
    )


APP = ChannelParser(
    name="app",
    formats=("json",),
    fn=parse_app,
    description="海企通APP线上受理（JSON，见 schema/app.schema.json；键可映射）",
    readmit=readmit_app,
)
