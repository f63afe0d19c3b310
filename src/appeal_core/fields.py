"""Field checks for what people type: phone numbers and dates, with messages naming the field.

Used by the intake channels on every row; pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

from appeal_core.errors import ValidationError
from appeal_core.timeutil import SHANGHAI

#: The characters a phone number may have between its digits (a regex character-class body);
#: ``appeal_adapters.documents.common.mask_phones_in`` finds phones in text with the same set.
PHONE_SEPARATORS = r"\s\-－—()（）."
_SEPARATORS = re.compile(f"[{PHONE_SEPARATORS}]+")
_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")
_EXTENSION = re.compile(r"^(.*?)\s*(?:转|分机|ext\.?|EXT\.?|x|#|-)\s*(\d{1,6})$")
_AREA3 = ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029")
_SERVICE = re.compile(r"^(?:400|800)\d{7}$")


def normalize_phone(value: str, field: str = "phone", *, row: int | None = None) -> str:
    """A mainland phone number in one canonical form, or a ``ValidationError``.

    Mobiles become ``13812345678``; landlines ``0513-82111701`` (``转123`` for an extension);
    a local number without area code (``82111701``) and 400/800 numbers are kept as digits.
    Full-width digits and signs (as a Chinese input method types them) count as their ASCII
    forms, so the result is always ASCII.
    """
    raw = unicodedata.normalize("NFKC", str(value)).strip()  # full-width digits, ＋ and （）
    if not raw:
        raise ValidationError(field, value, "电话不能为空", row=row)
    mobile = _MOBILE.match(_SEPARATORS.sub("", raw))
    if mobile:
        return mobile.group(1)
    plain = _landline(_SEPARATORS.sub("", raw))
    if plain is not None:
        return plain
    ext = _EXTENSION.match(raw)
    if ext:
        head = _landline(_SEPARATORS.sub("", ext.group(1)))
        if head is not None:
            return f"{head}转{ext.group(2)}"
    digits = _SEPARATORS.sub("", raw).removeprefix("+86").removeprefix("0086")
    if not digits.isdigit():
        raise ValidationError(field, value, "电话号码含有无法识别的字符", row=row)
    if digits.startswith("0"):
        raise ValidationError(
            field, value, "固定电话应为区号加7至8位号码，如 0513-82111701", row=row
        )
    if digits.startswith("1"):
        raise ValidationError(field, value, "手机号码应为11位，以13至19开头", row=row)
    raise ValidationError(field, value, "不是有效的手机或固定电话号码", row=row)


def _landline(digits: str) -> str | None:
    """A landline, local or 400/800 number in canonical form, or None."""
    if digits.startswith(("+86", "0086")):
        digits = "0" + digits.removeprefix("+86").removeprefix("0086")
    if not digits.isdigit():
        return None
    if _SERVICE.match(digits):
        return digits
    if digits.startswith("0"):
        area_len = 3 if digits[:3] in _AREA3 else 4
        area, local = digits[:area_len], digits[area_len:]
        return f"{area}-{local}" if len(local) in (7, 8) and local[0] != "0" else None
    return digits if len(digits) in (7, 8) and digits[0] not in "01" else None


_DATE_FORMS = (
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(.*)$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(.*)$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})(.*)$"),
)
_TIME = re.compile(r"^[T\s]*(\d{1,2})(?:[:：时点]\s*(\d{1,2})?)?\s*分?(?:[:：]?(\d{1,2}))?\s*秒?$")
_EXCEL_EPOCH = date(1899, 12, 30)
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def parse_datetime(value: object, field: str = "date", *, row: int | None = None) -> datetime:
    """An aware Asia/Shanghai datetime from what people type or spreadsheets hold.

    Accepts ``2026年11月16日``, ``2026/11/16``, ``2026-11-16 09:30``, ``20261116``, Excel serial
    numbers (days since 1899-12-30), and ``date``/``datetime`` objects; naive times are
    Asia/Shanghai.  A date alone is taken at 00:00.
    """
    if isinstance(value, datetime):
        result = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    elif isinstance(value, date):
        result = datetime.combine(value, time(), SHANGHAI)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = _from_serial(float(value), field, row)
    else:
        result = _from_text(str(value).strip(), value, field, row)
    if not EARLIEST <= result.date() <= LATEST:
        raise ValidationError(
            field, value, f"日期超出合理范围（{EARLIEST.year}至{LATEST.year}年）", row=row
        )
    return result


def parse_date(value: object, field: str = "date", *, row: int | None = None) -> date:
    """The calendar date of ``parse_datetime(value)`` in Asia/Shanghai."""
    return parse_datetime(value, field, row=row).astimezone(SHANGHAI).date()


def _from_serial(serial: float, field: str, row: int | None) -> datetime:
    if not 1 <= serial < 2958466:
        raise ValidationError(field, serial, "不是有效的 Excel 日期序号", row=row)
    moment = datetime.combine(_EXCEL_EPOCH, time(), SHANGHAI) + timedelta(days=serial)
    return moment.replace(microsecond=0)


def _from_text(text: str, original: object, field: str, row: int | None) -> datetime:
    if not text:
        raise ValidationError(field, original, "日期不能为空", row=row)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_serial(float(text), field, row)
    try:
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)
    except ValueError:
        pass
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            year, month, day, rest = match.groups()
            hour = minute = second = 0
            if rest.strip():
                clock = _TIME.match(rest)
                if not clock:
                    raise ValidationError(field, original, "时间部分无法识别", row=row)
                hour, minute, second = (int(g or 0) for g in clock.groups())
            try:
                return datetime(
                    int(year), int(month), int(day), hour, minute, second, tzinfo=SHANGHAI
                )
            except ValueError as exc:
                raise ValidationError(field, original, f"不是有效的日期：{exc}", row=row) from exc
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
