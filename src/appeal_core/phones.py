"""Phone numbers as people type them: the number, its extension, and any assumption made.

``read_phone`` NFKC-normalises the text (full-width digits and dashes are what people type),
splits an extension (``转``, ``分机``, ``ext``, ``-`` after a complete number) and, given the
district's area code, completes a local landline or restores the leading zero a spreadsheet
dropped, saying so (``PhoneReading.assumed``): a guess is never silent.
"""

from __future__ import annotations

import re
import unicodedata

import attrs

from appeal_core.errors import ValidationError

#: The characters a phone number may have between its digits (a regex character-class body);
#: ``appeal_core.masking`` finds phones in text with the same set.
PHONE_SEPARATORS = r"\s\-－—()（）."
_SEPARATORS = re.compile(f"[{PHONE_SEPARATORS}]+")
_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")
_EXTENSION = re.compile(r"^(.*?\d)\s*(?:转|分机|ext\.?|x|#|-|—)\s*(\d{1,6})$", re.IGNORECASE)
_AREA3 = ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029")
_SERVICE = re.compile(r"^(?:400|800)\d{7}$")


@attrs.frozen
class PhoneReading:
    """A phone as read: the complete number, its extension, and the assumption made (if any)."""

    number: str
    extension: str = ""
    #: Why the number is not exactly what was written (``""`` when it is).
    assumed: str = ""

    @property
    def text(self) -> str:
        """``0513-82111701转123``: the number with its extension."""
        return f"{self.number}转{self.extension}" if self.extension else self.number


def read_phone(
    value: object, field: str = "phone", *, row: int | None = None, area_code: str | None = None
) -> PhoneReading:
    """A mainland phone number in canonical form, or a ``ValidationError`` naming the field.

    Mobiles become ``13812345678``, landlines ``0513-82111701``, 400/800 numbers digits.  With
    ``area_code``, a local number (``82111701``) becomes ``0513-82111701`` and a number that
    lost its leading zero in a spreadsheet (``51382111701``) ``0513-82111701``, each with
    ``assumed`` saying so; without it, a local number stays as written and no guess is made.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        raw = str(int(value)) if float(value).is_integer() else str(value)
    else:
        raw = str(value)
        raw = (raw if raw.isascii() else unicodedata.normalize("NFKC", raw)).strip()
    if not raw:
        raise ValidationError(field, value, "电话不能为空", row=row)
    whole = _reading(_SEPARATORS.sub("", raw), area_code)
    if whole is not None:
        return whole
    ext = _EXTENSION.match(raw)
    if ext:
        head = _reading(_SEPARATORS.sub("", ext.group(1)), area_code)
        if head is not None:
            return attrs.evolve(head, extension=ext.group(2))
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


def normalize_phone(value: str, field: str = "phone", *, row: int | None = None) -> str:
    """A phone in one canonical form (``转`` before an extension), no assumption made."""
    return read_phone(value, field, row=row).text


def _reading(digits: str, area_code: str | None) -> PhoneReading | None:
    mobile = _MOBILE.match(digits)
    if mobile:
        return PhoneReading(mobile.group(1))
    if digits.startswith(("+86", "0086")):
        digits = "0" + digits.removeprefix("+86").removeprefix("0086")
    if not digits.isdigit():
        return None
    if _SERVICE.match(digits):
        return PhoneReading(digits)
    if digits.startswith("0"):
        full = _with_area(digits)
        return PhoneReading(full) if full else None
    if len(digits) in (7, 8) and digits[0] not in "01":
        if area_code is None:
            return PhoneReading(digits)
        return PhoneReading(
            f"{area_code}-{digits}", assumed=f"固定电话未写区号，按本区区号 {area_code} 补全"
        )
    if area_code is not None and len(digits) in (10, 11) and digits[0] != "1":
        full = _with_area("0" + digits)
        if full:
            return PhoneReading(
                full, assumed="号码开头的 0 被表格软件去掉（数字格式的单元格），已补回"
            )
    return None


def _with_area(digits: str) -> str | None:
    area_len = 3 if digits[:3] in _AREA3 else 4
    area, local = digits[:area_len], digits[area_len:]
    return f"{area}-{local}" if len(local) in (7, 8) and local[0] not in "01" else None
