"""Field checks for one row, each failure a ``ValidationError`` naming the file's own field.

``RowReader`` reads a row's fields by our field names (``enterprise``, ``phone`` ...) through
the channel's mapping, normalises what people type (NFKC for codes, phones and dates; U+3000
in names; placeholders such as ``无`` or ``/``) and records every assumption it makes.
``record_or_rejected`` turns the first failure into a ``RejectedRow`` for the quarantine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime

from appeal_adapters.channels.tabular import text
from appeal_adapters.documents.common import clean
from appeal_core.appeal import Channel
from appeal_core.enterprise import Enterprise, credit_code_problem, normalize_credit_code
from appeal_core.errors import ValidationError
from appeal_core.fields import check_text, is_placeholder, read_moment
from appeal_core.intake import Assumption, IntakeRecord, RejectedRow
from appeal_core.phones import read_phone

LIMITS = {"name": 200, "content": 20000, "address": 500, "contact": 50, "id": 64, "phone": 40}
RAW_LIMIT = 20000  # characters kept of one raw cell in the quarantine
_IDEOGRAPHIC_SPACES = re.compile("\u3000+")
#: How a spreadsheet writes a long number (a credit code typed into a number cell).
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")
#: The item's field path of each of our field names, for assumptions.
PATHS = {"phone": "enterprise.phone", "extension": "enterprise.extension",
         "reported_at": "reported_at"}  # fmt: skip


class RowReader:
    """The checked fields of one row, and the assumptions made reading them."""

    def __init__(
        self,
        row: int,
        get: Callable[[str], object],
        labels: Mapping[str, str],
        *,
        area_code: str,
        code_override: str = "",
    ) -> None:
        self.row = row
        self.get = get
        self.labels = labels
        self.area_code = area_code
        self.code_override = code_override  # the desk's reason to keep a failing code
        self.assumptions: list[Assumption] = []

    def label(self, key: str) -> str:
        """The file's own name for the field (its header or JSON key)."""
        return self.labels.get(key, key)

    def text(self, key: str, *, limit: int, required: bool = False) -> str:
        """Trimmed printable text; a placeholder (``无``, ``/`` ...) is empty or, if required,
        the row's failure."""
        value = self.get(key)
        found = "" if value is None else clean(value if isinstance(value, str) else text(value))
        found = found.strip()
        if found and is_placeholder(found):
            if required:
                raise ValidationError(
                    self.label(key), found, f"「{found}」是占位符，不是有效的值（必填项）",
                    row=self.row,
                )  # fmt: skip
            return ""
        if not found:
            if required:
                raise ValidationError(self.label(key), value, "必填项不能为空", row=self.row)
            return ""
        if len(found) > limit:
            return check_text(found, self.label(key), limit=limit, row=self.row)
        return found

    def name(self, key: str = "enterprise") -> str:
        """An enterprise name: U+3000 runs inside removed (other characters as written)."""
        name = self.text(key, limit=LIMITS["name"], required=True)
        return _IDEOGRAPHIC_SPACES.sub("", name) if "\u3000" in name else name

    def credit_code(self, key: str = "credit_code") -> str:
        """A unified social credit code that passes GB 32100-2015, or ``""`` when blank."""
        value = self.get(key)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric or (isinstance(value, str) and _SCIENTIFIC.match(value.strip())):
            raise ValidationError(
                self.label(key), text(value),
                "统一社会信用代码是数字格式的单元格（Excel 只保留 15 位有效数字，后几位已丢失）；"
                "请将该列设为文本格式，按营业执照重新填写",
                row=self.row,
            )  # fmt: skip
        raw = self.text(key, limit=40)
        raw = raw if raw.isascii() else unicodedata.normalize("NFKC", raw)
        code = normalize_credit_code(raw)
        problem = credit_code_problem(code) if code else None
        if problem and not self.code_override:
            raise ValidationError(
                self.label(key), code, problem + "；核实后可由区服务企业办以 code_override 登记",
                row=self.row,
            )  # fmt: skip
        return code

    def phone(self, key: str = "phone") -> tuple[str, str]:
        """(number, extension) in canonical form, ``("", "")`` when blank."""
        value = self.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            value = self.text(key, limit=LIMITS["phone"])
            if not value:
                return "", ""
        reading = read_phone(value, self.label(key), row=self.row, area_code=self.area_code)
        if reading.assumed:
            self.assume("phone", text(value), reading.number, reading.assumed)
        extension = reading.extension or self.text("extension", limit=10)
        return reading.number, extension

    def when(self, key: str = "reported_at", *, required: bool = False) -> datetime | None:
        """A date and time as people type it (or a spreadsheet's date), None when blank."""
        value = self.get(key)
        if not isinstance(value, date | int | float) or isinstance(value, bool):
            value = self.text(key, limit=40, required=required)
            if not value:
                return None
        moment, assumed = read_moment(value, self.label(key), row=self.row)
        if assumed:
            self.assume(key, text(value), moment.strftime("%Y-%m-%d %H:%M"), assumed)
        return moment

    def assume(self, key: str, original: str, assumed: str, reason: str) -> None:
        """Note an assumption on the item's field for ``key``."""
        self.assumptions.append(
            Assumption(field=PATHS.get(key, key), original=original, assumed=assumed, reason=reason)
        )

    def enterprise(self) -> Enterprise:
        """The enterprise of the row (name, code, address, contact, phone and extension)."""
        name = self.name()
        code = self.credit_code()
        address = self.text("address", limit=LIMITS["address"])
        contact = self.text("contact", limit=LIMITS["contact"])
        phone, extension = self.phone()
        return Enterprise(name=name, credit_code=code, address=address, contact=contact,
                          phone=phone, extension=extension,
                          code_override=self.code_override)  # fmt: skip


def zipped(header: Sequence[str], cells: Sequence[object]) -> list[tuple[str, object]]:
    """(header, cell) pairs of a table row."""
    return list(zip(header, cells, strict=False))


def raw_pairs(pairs: Iterable[tuple[str, object]]) -> tuple[tuple[str, str], ...]:
    """The row as the file had it, for the quarantine (each cell cut at 20,000 characters)."""
    return tuple((clean(k, 200), clean(text(v), RAW_LIMIT)) for k, v in pairs)


def record_or_rejected(
    build: Callable[[], IntakeRecord],
    *,
    channel: Channel | str,
    row: int,
    raw: Callable[[], Iterable[tuple[str, object]]],
    source_id: str = "",
) -> IntakeRecord | RejectedRow:
    """The record ``build`` makes, or the row rejected with the first failing field.

    A row that breaks the reader in any other way is rejected too (named by the exception's
    type), so one odd row never stops an import.
    """
    try:
        return build()
    except ValidationError as exc:
        field, value, reason = exc.field, clean(exc.value, 200), exc.reason
    except MemoryError:
        raise
    except Exception as exc:  # a row is quarantined alone, whatever its shape
        field, value, reason = "record", "", f"无法读取这一行（{type(exc).__name__}）"
    return RejectedRow(
        channel=channel,
        row=row,
        field=field,
        value=value,
        reason=reason,
        raw=raw_pairs(raw()),
        source_id=clean(source_id, LIMITS["id"]).strip(),
    )


def message(rejected: RejectedRow) -> str:
    """The rejection as one Chinese sentence naming the row, the field and the value."""
    where = location(rejected.raw, rejected.row)
    return f"{where}字段「{rejected.field}」的值 {rejected.value!r} 不合格：{rejected.reason}"


def location(raw: Iterable[tuple[str, str]], row: int | None) -> str:
    """Where a quarantined row came from: ``工作表「三星镇」第12行`` or ``第12行（第10条记录）``."""
    context = dict(raw)
    where = f"第{row}行" if row is not None else "某行"
    if context.get("@工作表"):
        where = f"工作表「{context['@工作表']}」" + where
    if context.get("@记录"):
        where += f"（第{context['@记录']}条记录）"
    return where
