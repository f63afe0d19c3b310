"""Year notices: the TOML data format, its validation messages, and chinese-calendar's years."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chinese_calendar import constants
from hypothesis import given
from hypothesis import strategies as st

from appeal_core.errors import ValidationError
from appeal_core.notice import HolidayPeriod, YearNotice, bundled_notices

# A made-up arrangement in the TOML format (test data, not a real notice).
SAMPLE = """
year = 2030
title = "测试数据：非真实通知"
document_number = "测试〔2029〕1号"
issued_on = 2029-11-01
makeup_workdays = [2029-12-29, 2030-02-09]

[[holidays]]
name = "元旦"
first = 2029-12-30
last = 2030-01-01

[[holidays]]
name = "春节"
first = 2030-02-02
last = 2030-02-08
"""

EXAMPLE_FILE = Path(__file__).parents[2] / "examples" / "calendar" / "2027.example.toml"


def sample() -> dict[str, Any]:
    return tomllib.loads(SAMPLE)


def test_a_toml_notice_parses() -> None:
    notice = YearNotice.from_mapping(sample())
    assert notice.year == 2030
    assert notice.document_number == "测试〔2029〕1号"
    assert notice.issued_on == date(2029, 11, 1)
    assert notice.holidays[0] == HolidayPeriod("元旦", date(2029, 12, 30), date(2030, 1, 1))
    assert notice.makeup_workdays == (date(2029, 12, 29), date(2030, 2, 9))


def test_to_mapping_is_the_inverse() -> None:
    data = sample()
    assert YearNotice.from_mapping(data).to_mapping() == data
    minimal = YearNotice(2030, (HolidayPeriod("元旦", date(2030, 1, 1), date(2030, 1, 1)),), ())
    assert "issued_on" not in minimal.to_mapping()
    assert YearNotice.from_mapping(minimal.to_mapping()) == minimal


def test_iso_text_dates_are_accepted() -> None:
    data = sample()
    data["holidays"][1]["first"] = "2030-02-02"
    assert YearNotice.from_mapping(data) == YearNotice.from_mapping(sample())


def test_the_example_file_is_a_valid_notice() -> None:
    notice = YearNotice.from_mapping(tomllib.loads(EXAMPLE_FILE.read_text(encoding="utf-8")))
    assert notice.year == 2027
    assert "示例" in notice.title  # it must never pass for the real notice


def _broken(change: dict[str, Any]) -> dict[str, Any]:
    data = sample()
    for path, value in change.items():
        target: Any = data
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        key: Any = int(last) if last.isdigit() else last
        if value is KeyError:
            del target[key]
        else:
            target[key] = value
    return data


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"holiday": []}, "holiday", "未知字段"),
        ({"holidays.0.start": date(2030, 1, 1)}, "holidays[0].start", "未知字段"),
        ({"year": KeyError}, "year", "缺少"),
        ({"year": "2030"}, "year", "整数"),
        ({"year": True}, "year", "整数"),
        ({"holidays": KeyError}, "holidays", "缺少"),
        ({"holidays": []}, "holidays", "至少"),
        ({"holidays": "元旦"}, "holidays", "列表"),
        ({"holidays.0": "元旦"}, "holidays[0]", "name"),
        ({"holidays.1.name": " "}, "holidays[1].name", "不能为空"),
        ({"holidays.1.name": 1}, "holidays[1].name", "文本"),
        ({"holidays.1.last": KeyError}, "holidays[1].last", "缺少"),
        ({"holidays.1.last": date(2030, 2, 1)}, "holidays[1].last", "早于"),
        ({"holidays.1.last": "2030-02-30"}, "holidays[1].last", "YYYY-MM-DD"),
        ({"holidays.1.last": datetime(2030, 2, 8, 9)}, "holidays[1].last", "不带时刻"),
        ({"holidays.1.first": date(2029, 2, 2)}, "holidays[1].first", "不在 2030 年内"),
        (
            {"holidays.1.first": date(2029, 12, 1), "holidays.1.last": date(2029, 12, 3)},
            "holidays[1].last",
            "不在 2030 年内",
        ),
        ({"holidays.1.last": date(2031, 2, 8)}, "holidays[1].last", "不在 2030 年内"),
        ({"holidays.1.first": date(2029, 11, 30)}, "holidays[1].first", "不在 2030 年内"),
        ({"holidays.1.first": date(2030, 1, 1)}, "holidays[1]", "重叠"),
        ({"makeup_workdays": [date(2030, 2, 11)]}, "makeup_workdays[0]", "周六或周日"),
        ({"makeup_workdays": [date(2030, 2, 2)]}, "makeup_workdays[0]", "放假时段「春节」"),
        ({"makeup_workdays": [date(2030, 2, 9)] * 2}, "makeup_workdays[1]", "重复"),
        ({"makeup_workdays": [date(2031, 1, 4)]}, "makeup_workdays[0]", "不在 2030 年内"),
        ({"makeup_workdays": date(2030, 2, 9)}, "makeup_workdays", "列表"),
        ({"issued_on": "soon"}, "issued_on", "YYYY-MM-DD"),
        ({"title": 7}, "title", "文本"),
    ],
)
def test_bad_data_names_the_field(change: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        YearNotice.from_mapping(_broken(change))
    assert info.value.field == field
    assert fragment in info.value.reason
    assert f"「{field}」" in str(info.value)


def test_a_notice_must_be_a_mapping() -> None:
    with pytest.raises(ValidationError):
        YearNotice.from_mapping([("year", 2030)])  # type: ignore[arg-type]


def test_new_year_may_start_in_the_december_before() -> None:
    # As in the 2023 notice: 元旦：2022年12月31日至2023年1月2日放假调休.
    notice = YearNotice(2023, (HolidayPeriod("元旦", date(2022, 12, 31), date(2023, 1, 2)),), ())
    assert notice.holidays[0].first == date(2022, 12, 31)


# -- chinese-calendar's data as notices -----------------------------------------------------------


def test_bundled_notices_cover_2004_to_2026() -> None:
    notices = bundled_notices()
    assert sorted(notices) == list(range(2004, 2027))
    assert all("chinese-calendar" in n.title for n in notices.values())


def test_bundled_notices_hold_every_day_of_chinese_calendar() -> None:
    off = {d for n in bundled_notices().values() for p in n.holidays for d in p.days()}
    worked = {d for n in bundled_notices().values() for d in n.makeup_workdays}
    assert set(constants.holidays) <= off
    assert worked == set(constants.workdays)
    # Days added to close a period are plain weekends chinese-calendar left out (2011, 2012, 2015
    # 端午节), never a weekday.
    assert all(d.weekday() >= 5 for d in off - set(constants.holidays))


def test_bundled_2019_holds_its_late_december_days() -> None:
    # 2019 notice: 元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班.
    n2019 = bundled_notices()[2019]
    assert n2019.holidays[0] == HolidayPeriod("元旦", date(2018, 12, 30), date(2019, 1, 1))
    assert date(2018, 12, 29) in n2019.makeup_workdays
    assert date(2018, 12, 29) not in bundled_notices()[2018].makeup_workdays


@given(st.sampled_from(sorted(bundled_notices())))
def test_every_bundled_year_round_trips(year: int) -> None:
    notice = bundled_notices()[year]
    assert YearNotice.from_mapping(notice.to_mapping()) == notice


@st.composite
def notices(draw: st.DrawFn) -> YearNotice:
    """Valid made-up notices: disjoint periods inside the year, weekend make-up days outside them."""
    year = draw(st.integers(min_value=2000, max_value=2100))
    starts = sorted(draw(st.sets(st.integers(min_value=0, max_value=350), min_size=1, max_size=8)))
    periods = []
    for i, start in enumerate(starts):
        room = (starts[i + 1] if i + 1 < len(starts) else 365) - start - 1
        length = draw(st.integers(min_value=0, max_value=min(room, 9)))
        first = date(year, 1, 1) + timedelta(days=start)
        periods.append(HolidayPeriod("春节", first, first + timedelta(days=length)))
    off = {d for p in periods for d in p.days()}
    weekends = [
        d
        for d in (date(year, 1, 1) + timedelta(days=k) for k in range(365))
        if d.weekday() >= 5 and d not in off
    ]
    makeup = draw(st.lists(st.sampled_from(weekends), unique=True, max_size=5))
    return YearNotice(year, tuple(periods), tuple(makeup), title=draw(st.text(max_size=20)))


@given(notices())
def test_generated_notices_round_trip(notice: YearNotice) -> None:
    assert YearNotice.from_mapping(notice.to_mapping()) == notice
