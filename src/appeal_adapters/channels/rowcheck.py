"""Field checks for one row, each failure a ``ValidationError`` naming the file's own field.

``record_or_rejected`` turns the first failure into a ``RejectedRow`` for the quarantine.
Limits follow ``appeal_core.fields.check_text``: name 200, content 20000, address 500,
contact 50 characters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from appeal_adapters.channels.tabular import text
from appeal_adapters.documents.common import clean
from appeal_core.appeal import Channel
from appeal_core.enterprise import Enterprise, credit_code_problem, normalize_credit_code
from appeal_core.errors import ValidationError
from appeal_core.fields import check_text, normalize_phone, parse_datetime
from appeal_core.intake import IntakeRecord, RejectedRow

LIMITS = {"name": 200, "content": 20000, "address": 500, "contact": 50, "id": 64, "phone": 40}
RAW_LIMIT = 20000  # characters kept of one raw cell in the quarantine


def field_text(value: object, field: str, *, limit: int, row: int, required: bool = False) -> str:
    """Trimmed printable text (control characters dropped), required and bounded as asked."""
    return check_text(clean(text(value)), field, limit=limit, required=required, row=row)


def phone(value: object, field: str, *, row: int) -> str:
    """A phone number in canonical form, or ``""`` when the cell is blank."""
    raw = field_text(value, field, limit=LIMITS["phone"], row=row)
    return normalize_phone(raw, field, row=row) if raw else ""


def when(value: object, field: str, *, row: int, required: bool = False) -> datetime | None:
    """A date and time as people type it (or an Excel date), None when blank and optional."""
    if isinstance(value, datetime):
        return parse_datetime(value, field, row=row)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_datetime(value, field, row=row)
    raw = field_text(value, field, limit=40, row=row, required=required)
    return parse_datetime(raw, field, row=row) if raw else None


def credit_code(value: object, field: str, *, row: int) -> str:
    """A unified social credit code that passes GB 32100-2015, or ``""`` when blank."""
    code = normalize_credit_code(field_text(value, field, limit=40, row=row))
    if not code:
        return ""
    problem = credit_code_problem(code)
    if problem:
        raise ValidationError(
            field, code, problem + "；核实后可由区服务企业办以 code_override 登记", row=row
        )
    return code


def enterprise(
    *,
    row: int,
    name: tuple[str, object],
    code: tuple[str, object] = ("", ""),
    address: tuple[str, object] = ("", ""),
    contact: tuple[str, object] = ("", ""),
    tel: tuple[str, object] = ("", ""),
) -> Enterprise:
    """The enterprise of a row; each argument is (the file's field name, the cell)."""
    return Enterprise(
        name=field_text(name[1], name[0], limit=LIMITS["name"], row=row, required=True),
        credit_code=credit_code(code[1], code[0], row=row),
        address=field_text(address[1], address[0], limit=LIMITS["address"], row=row),
        contact=field_text(contact[1], contact[0], limit=LIMITS["contact"], row=row),
        phone=phone(tel[1], tel[0], row=row),
    )


def zipped(header: Sequence[str], cells: Sequence[object]) -> list[tuple[str, object]]:
    """(header, cell) pairs of a table row."""
    return list(zip(header, cells, strict=False))


def raw_pairs(pairs: Sequence[tuple[str, object]]) -> tuple[tuple[str, str], ...]:
    """The row as the file had it, for the quarantine (each cell cut at 20,000 characters)."""
    return tuple((clean(k, 200), clean(text(v), RAW_LIMIT)) for k, v in pairs)


def record_or_rejected(
    build: Callable[[], IntakeRecord],
    *,
    channel: Channel | str,
    row: int,
    raw: Callable[[], Sequence[tuple[str, object]]],
    source_id: str = "",
) -> IntakeRecord | RejectedRow:
    """The record ``build`` makes, or the row rejected with the first failing field."""
    try:
        return build()
    except ValidationError as exc:
        return RejectedRow(
            channel=channel,
            row=row,
            field=exc.field,
            value=clean(exc.value, 200),
            reason=exc.reason,
            raw=raw_pairs(raw()),
            source_id=clean(source_id, LIMITS["id"]).strip(),
        )


def message(rejected: RejectedRow) -> str:
    """The rejection as one Chinese sentence naming the row, the field and the value."""
    where = f"第{rejected.row}行" if rejected.row is not None else "某行"
    return f"{where}字段「{rejected.field}」的值 {rejected.value!r} 不合格：{rejected.reason}"
