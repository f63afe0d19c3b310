"""Time conventions: instants are aware datetimes; dates are read in Asia/Shanghai (UTC+8)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from appeal_core.errors import ValidationError

#: China Standard Time. China has kept UTC+8 without daylight saving since 1991, so a fixed
#: offset is exact for every date the desk handles and needs no time-zone database (no I/O).
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def require_aware(value: datetime, field: str) -> datetime:
    """Refuse naive datetimes: a clock reading without a zone is ambiguous."""
    if not isinstance(value, datetime):
        raise ValidationError(field, value, "应为带时区的日期时间（datetime）")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, value.isoformat(), "缺少时区，请传入 Asia/Shanghai 时间")
    return value


def local_date(value: datetime) -> date:
    """The calendar date of an instant in Asia/Shanghai."""
    return value.astimezone(SHANGHAI).date()


def at_noon(day: date) -> datetime:
    """Noon of ``day`` in Asia/Shanghai: a convenient instant for date-only records."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI)
