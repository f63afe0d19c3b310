"""Phone numbers and dates as people type them; only ValidationError comes out."""

from __future__ import annotations

import contextlib
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appeal_core import SHANGHAI, ValidationError
from appeal_core.fields import check_text, normalize_phone, parse_date, parse_datetime
from appeal_core.testing import mobile_phones


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("0513-82111701", "0513-82111701"),
        ("(0513)82111701", "0513-82111701"),
        ("（0513）8211 1701", "0513-82111701"),
        ("0513-82111701转123", "0513-82111701转123"),
        ("0513-82111701-8", "0513-82111701转8"),
        ("010-62345678", "010-62345678"),
        ("021 6123 4567 分机 88", "021-61234567转88"),
        ("82111701", "82111701"),
        ("0513-8211-1701", "0513-82111701"),
        ("+86 513 82111701", "0513-82111701"),
        ("400-123-4567", "4001234567"),
    ],
)
def test_phones_normalise(typed: str, canonical: str) -> None:
    assert normalize_phone(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1381234567", "11位"),
        ("12345", "11位"),
        ("99999", "不是有效"),
        ("0513-123", "区号加7至8位"),
        ("电话号码", "无法识别的字符"),
        ("", "不能为空"),
    ],
)
def test_bad_phones_say_why_and_where(typed: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as info:
        normalize_phone(typed, "联系电话", row=7)
    assert info.value.row == 7 and "第7行" in str(info.value) and "联系电话" in str(info.value)


@given(mobile_phones())
def test_every_mobile_is_its_own_canonical_form(phone: str) -> None:
    assert normalize_phone(phone) == phone
    assert normalize_phone(f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}") == phone


@given(st.text(max_size=30))
def test_junk_phone_raises_only_validation_error(text: str) -> None:
    with contextlib.suppress(ValidationError):
        normalize_phone(text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026年11月16日", datetime(2026, 11, 16, tzinfo=SHANGHAI)),
        ("2026 年 11 月 16 日", datetime(2026, 11, 16, tzinfo=SHANGHAI)),
        ("2026/11/16", datetime(2026, 11, 16, tzinfo=SHANGHAI)),
        ("2026.1.5", datetime(2026, 1, 5, tzinfo=SHANGHAI)),
        ("2026-11-16 09:30", datetime(2026, 11, 16, 9, 30, tzinfo=SHANGHAI)),
        ("2026年11月16日 9时30分", datetime(2026, 11, 16, 9, 30, tzinfo=SHANGHAI)),
        ("20261116", datetime(2026, 11, 16, tzinfo=SHANGHAI)),
        ("46342", datetime(2026, 11, 16, tzinfo=SHANGHAI)),  # Excel serial
        (46342.5, datetime(2026, 11, 16, 12, tzinfo=SHANGHAI)),
        ("2026-11-16T01:30:00+00:00", datetime(2026, 11, 16, 9, 30, tzinfo=SHANGHAI)),
    ],
)
def test_dates_as_people_type_them(typed: object, expected: datetime) -> None:
    assert parse_datetime(typed) == expected
    assert parse_date(typed) == expected.date()


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2026-13-01", "不是有效的日期"),
        ("2026年2月30日", "不是有效的日期"),
        ("1990-01-01", "超出合理范围"),
        ("下周一", "无法识别的日期"),
        ("2026-11-16 下午", "时间部分无法识别"),
        ("", "不能为空"),
    ],
)
def test_bad_dates_say_why(typed: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        parse_date(typed, "反映时间", row=3)


@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True), st.integers()))
def test_junk_dates_raise_only_validation_error(value: object) -> None:
    with contextlib.suppress(ValidationError):
        parse_datetime(value)


def test_text_fields_required_and_bounded() -> None:
    assert check_text("  问题  ", "存在问题", limit=10) == "问题"
    with pytest.raises(ValidationError, match="必填项"):
        check_text(" ", "企业名称", limit=10, row=2)
    with pytest.raises(ValidationError, match="超过上限 10 字"):
        check_text("字" * 11, "企业名称", limit=10)
    assert check_text(None, "联系人", limit=10, required=False) == ""
