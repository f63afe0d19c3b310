"""The 海企通APP channel: the app's JSON export, checked against ``schema/app.schema.json``.

The file is one UTF-8 JSON document (a BOM is allowed): ``{"records": [...]}``.  A file that
is not JSON, or not an object with a ``records`` array, is refused whole; a record that
breaks the schema or a field check is rejected on its own.  Row numbers count records from 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.base import ChannelParser, Row, Source, UnreadableFile
from appeal_adapters.channels.tabular import as_stream
from appeal_adapters.channels.validation import first_problem, load_schema
from appeal_core.appeal import Channel
from appeal_core.errors import ValidationError
from appeal_core.intake import IntakeRecord

SCHEMA = "app.schema.json"


def load_json(data: Source, filename: str) -> Any:
    """The parsed JSON document, or ``UnreadableFile``."""
    stream = as_stream(data)
    try:
        stream.seek(0)
        raw = stream.read()
    except (OSError, ValueError) as exc:
        raise UnreadableFile(filename, f"读取失败（{exc}）") from exc
    if not raw.strip():
        raise UnreadableFile(filename, "文件为空")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnreadableFile(filename, f"不是 UTF-8 编码（第 {exc.start} 字节附近）") from exc
    except (ValueError, RecursionError) as exc:
        raise UnreadableFile(filename, f"不是有效的 JSON（{exc}）") from exc


def records_of(document: Any, key: str, filename: str) -> list[Any]:
    """The list under ``key`` of the top-level object, or ``UnreadableFile``."""
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        raise UnreadableFile(filename, f"应为 JSON 对象，且含有数组「{key}」")
    items: list[Any] = document[key]
    return items


def flat(value: object, prefix: str = "") -> list[tuple[str, object]]:
    """A record's fields as (dotted path, value) pairs, for the quarantine."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in flat(v, f"{prefix}{k}.")]
    if isinstance(value, list):
        return [(prefix.rstrip("."), json.dumps(value, ensure_ascii=False))]
    return [(prefix.rstrip(".") or "record", "" if value is None else value)]


def parse_app(data: Source, *, filename: str, options: Mapping[str, Any]) -> Iterator[Row]:
    """Records of an app export; each record is checked against the schema, then the fields."""
    records = records_of(load_json(data, filename), "records", filename)
    schema = load_schema(SCHEMA)
    return _records(records, schema)


def _records(records: list[Any], schema: dict[str, Any]) -> Iterator[Row]:
    record_schema = schema["$defs"]["record"]
    for number, item in enumerate(records, start=1):

        def build(item: Any = item, number: int = number) -> IntakeRecord:
            problem = first_problem(item, record_schema, schema)
            if problem:
                path, value, reason = problem
                raise ValidationError(path or "record", value, reason, row=number)
            firm, contact = item["enterprise"], item.get("contact") or {}
            enterprise = rc.enterprise(
                row=number,
                name=("enterprise.name", firm.get("name")),
                code=("enterprise.credit_code", firm.get("credit_code")),
                address=("enterprise.address", firm.get("address")),
                contact=("contact.name", contact.get("name")),
                tel=("contact.phone", contact.get("phone")),
            )
            content = rc.field_text(
                item["content"], "content", limit=rc.LIMITS["content"], row=number, required=True
            )
            category = rc.field_text(item.get("category"), "category", limit=50, row=number)
            return IntakeRecord(
                channel=Channel.APP,
                enterprise=enterprise,
                content=content,
                source_id=rc.field_text(item["id"], "id", limit=64, row=number, required=True),
                reported_at=rc.when(
                    item["submitted_at"], "submitted_at", row=number, required=True
                ),
                row=number,
                notes=(("类别", category),) if category else (),
            )

        source_id = item.get("id") if isinstance(item, dict) else None
        yield rc.record_or_rejected(
            build,
            channel=Channel.APP,
            row=number,
            raw=partial(flat, item),
            source_id=str(source_id) if isinstance(source_id, str | int) else "",
        )


APP = ChannelParser(
    name="app",
    formats=("json",),
    fn=parse_app,
    description="海企通APP线上受理（JSON，见 schema/app.schema.json）",
)
