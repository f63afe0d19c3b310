"""Field checks for what people type: dates, texts and placeholders, messages naming the field.

Used by the intake channels on every row; pure functions, no I/O.  Phone numbers are in
``appeal_core.phones`` (``normalize_phone`` is re-exported here).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

from appeal_core.errors import ValidationError
from appeal_core.phones import PHONE_SEPARATORS, normalize_phone
from appeal_core.timeutil import SHANGHAI

__all__ = [
    "PHONE_SEPARATORS",
    "PLACEHOLDERS",
    "check_text",
    "is_placeholder",
    "normalize_phone",
    "parse_date",
    "parse_datetime",
    "read_moment",
]

#: What people write for "nothing" (compared after NFKC, trimmed, case-insensitive).
PLACEHOLDERS = frozenset(
    {
        "无",
        "暂无",
        "/",
        "//",
        "-",
        "--",
        "—",
        "——",
        "空",
        "不详",
        "n/a",
        "na",
        "null",
        "none",
        "无无",
    }
)


def is_placeholder(text: str) -> bool:
    """True when ``text`` is a placeholder for a missing value (``无``, ``/``, ``N/A`` ...)."""
    return len(text) <= 8 and unicodedata.normalize("NFKC", text).strip().lower() in PLACEHOLDERS


_DATE_FORMS = (
    re.compile(r"^(\d{4}|\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(.*)$"),
    re.compile(r"^(\d{4}|\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(.*)$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})(.*)$"),
)
_TIME = re.compile(r"^[T\s]*(\d{1,2})(?:[:：时点]\s*(\d{1,2})?)?\s*分?(?:[:：]?(\d{1,2}))?\s*秒?$")
_EXCEL_EPOCH = date(1899, 12, 30)
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
NO_TIME = "未写时间，按当日 0 时计"


def parse_datetime(value: object, field: str = "date", *, row: int | None = None) -> datetime:
    """An aware Asia/Shanghai datetime from what people type or spreadsheets hold.

    Accepts ``2026年11月16日``, ``2026/11/16``, ``2026-11-16 09:30``, ``20261116``, Excel serial
    numbers (days since 1899-12-30), and ``date``/``datetime`` objects; naive times are
    Asia/Shanghai.  A date alone is taken at 00:00; a two-digit year is 20YY.
    """
    return read_moment(value, field, row=row)[0]


def read_moment(value: object, field: str = "date", *, row: int | None = None) -> (
    tuple[datetime, str]
):  # fmt: skip
    """``parse_datetime`` and the assumption it made: ``""``, or why the value is not exactly
    what was written (a date without a time, a two-digit year), for a person to confirm."""
    assumed = ""
    if isinstance(value, datetime):
        result = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    elif isinstance(value, date):
        result, assumed = datetime.combine(value, time(), SHANGHAI), NO_TIME
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = _from_serial(float(value), field, row)
        assumed = NO_TIME if float(value).is_integer() else ""
    else:
        text = str(value)
        text = (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip()
        result, assumed = _from_text(text, value, field, row)
    if not EARLIEST <= result.date() <= LATEST:
        raise ValidationError(
            field, value, f"日期超出合理范围（{EARLIEST.year}至{LATEST.year}年）", row=row
        )
    return result, assumed


def parse_date(value: object, field: str = "date", *, row: int | None = None) -> date:
    """The calendar date of ``parse_datetime(value)`` in Asia/Shanghai."""
    return parse_datetime(value, field, row=row).astimezone(SHANGHAI).date()


def _from_serial(serial: float, field: str, row: int | None) -> datetime:
    if not 1 <= serial < 2958466:
        raise ValidationError(field, serial, "不是有效的 Excel 日期序号", row=row)
    return datetime.combine(_EXCEL_EPOCH, time(), SHANGHAI) + timedelta(
        seconds=round(serial * 86400)
    )


def _from_text(text: str, original: object, field: str, row: int | None) -> tuple[datetime, str]:
    if not text:
        raise ValidationError(field, original, "日期不能为空", row=row)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_serial(float(text), field, row), "" if "." in text else NO_TIME
    try:
        parsed = datetime.fromisoformat(text)
        moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)
        return moment, NO_TIME if len(text) <= 10 else ""
    except ValueError:
        pass
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            year, month, day, rest = match.groups()
            hour = minute = second = 0
            notes = []
            if len(year) == 2:
                notes.append(f"两位年份 {year} 按 20{year} 年计")
                year = "20" + year
            if rest.strip():
                clock = _TIME.match(rest)
                if not clock:
                    raise ValidationError(field, original, "时间部分无法识别", row=row)
                hour, minute, second = (int(g or 0) for g in clock.groups())
            else:
                notes.append(NO_TIME)
            try:
                moment = datetime(
                    int(year), int(month), int(day), hour, minute, second, tzinfo=SHANGHAI
                )
            except ValueError as exc:
                raise ValidationError(field, original, f"不是有效的日期：{exc}", row=row) from exc
            return moment, "；".join(notes)
    raise ValidationError(
        field,
        original,
        "无法识别的日期，请写作 2026年11月16日、2026/11/16 或 2026-11-16 09:30",
        row=row,
    )


def check_text(
    value: object, field: str, *, limit: int, required: bool = True, row: int | None = None
) -> str:
    """A trimmed text field: required when asked, never absurdly long."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError(field, value, "必填项不能为空", row=row)
    if len(text) > limit:
        raise ValidationError(
            field, text[:20] + "…", f"长度 {len(text)} 超过上限 {limit} 字", row=row
        )
    return text
