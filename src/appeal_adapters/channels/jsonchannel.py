"""What the JSON channels share: records read by field through key paths, one at a time.

A record's field is the value at the first of the field's key paths present in that record
(``enterprise.name``, ``qymc`` ...).  A record that is not an object, nests too deeply or
breaks any check is rejected alone; a file whose records have none of a required field's
keys is refused with the keys found and expected.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from appeal_adapters.channels import limits
from appeal_adapters.channels import rowcheck as rc
from appeal_adapters.channels.base import Row, UnreadableFile
from appeal_adapters.channels.jsonfile import TooDeep, at, flat
from appeal_adapters.channels.mapping import FieldMap, refusal
from appeal_core.appeal import Channel
from appeal_core.errors import ValidationError
from appeal_core.intake import IntakeRecord

Build = Callable[[rc.RowReader, dict[str, Any]], IntakeRecord]


def fields_of(record: dict[str, Any], fields: FieldMap) -> tuple[dict[str, object], dict[str, str]]:
    """(field → value, field → the key path it was found at) of one record."""
    values: dict[str, object] = {}
    labels: dict[str, str] = {}
    for key, paths in fields.items():
        labels[key] = paths[0]
        for path in paths:
            value = at(record, path)
            if value is not None and not isinstance(value, dict):  # an object is not a value
                values[key], labels[key] = value, path
                break
    return values, labels


def check_keys(
    items: Sequence[object], fields: FieldMap, required: Sequence[str], *, channel: str,
    filename: str,
) -> None:  # fmt: skip
    """Refuse a file whose first records have none of a required field's keys."""
    sample = [item for item in items[:20] if isinstance(item, dict)]
    if not sample:
        return
    missing = [k for k in required if not any(fields_of(r, {k: fields[k]})[0] for r in sample)]
    if missing:
        found = list(dict.fromkeys(path for r in sample[:3] for path, _ in flat(r)))
        raise UnreadableFile(
            filename, refusal(found, fields, required, channel=channel, where="记录中")
        )


def read_record(
    number: int,
    item: object,
    fields: FieldMap,
    build: Build,
    *,
    channel: Channel,
    code: str,
    corrections: Mapping[str, str] | None = None,
) -> Row:
    """One record as an ``IntakeRecord`` (with its assumptions), or rejected with its reason."""
    values: dict[str, object] = {}
    labels: dict[str, str] = {}
    if isinstance(item, dict | TooDeep):
        values, labels = fields_of(item if isinstance(item, dict) else item.fields, fields)
        values.update({k: v for k, v in (corrections or {}).items() if k in fields})

    def make() -> IntakeRecord:
        if isinstance(item, TooDeep):
            raise ValidationError("record", item.text[:40], f"嵌套 {item.depth} 层，超过上限 "
                                  f"{limits.MAX_JSON_DEPTH} 层", row=number)  # fmt: skip
        if not isinstance(item, dict):
            raise ValidationError("record", str(item)[:40], "应为对象", row=number)
        override = (corrections or {}).get("code_override", "")
        reader = rc.RowReader(number, values.get, labels, area_code=code, code_override=override)
        record = build(reader, values)
        return attrs.evolve(record, row=number,
                            assumptions=record.assumptions + tuple(reader.assumptions))  # fmt: skip

    source = values.get("source_id")
    return rc.record_or_rejected(
        make,
        channel=channel,
        row=number,
        raw=lambda: [*flat(item), ("@字段", json.dumps(labels, ensure_ascii=False))],
        source_id=str(source) if isinstance(source, str | int) else "",
    )


def read_all(
    items: list[object], fields: FieldMap, build: Build, *, channel: Channel, code: str
) -> Iterator[Row]:
    """Every record, numbered from 1."""
    for number, item in enumerate(items, start=1):
        yield read_record(number, item, fields, build, channel=channel, code=code)
