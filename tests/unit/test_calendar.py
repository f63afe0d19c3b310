"""The work calendar against the State Council notices, by hand, and its API and errors.

Expected values are worked out from the notices themselves (国务院办公厅关于某年部分节假日安排
的通知), cited above each test; the assignment day never counts.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from chinese_calendar import constants

from appeal_core.calendar import (
    HolidayPeriod,
    OutsideCoverage,
    SkippedRun,
    WorkCalendar,
    YearNotice,
    china_calendar,
)
from appeal_core.errors import CalendarDataMissing, ValidationError

CAL = china_calendar()
WEEKDAYS = china_calendar(outside="weekdays")
ONE = timedelta(days=1)


def days(first: date, last: date) -> list[date]:
    return [first + k * ONE for k in range((last - first).days + 1)]


# -- coverage ---------------------------------------------------------------------------------


def test_chinese_calendar_data_runs_from_2004_to_2026() -> None:
    # chinese-calendar 1.11.0: the constants hold 2004 .. 2026 (the 2026 notice of 2025-11-04).
    assert min(constants.holidays).year == 2004
    assert max(constants.holidays).year == 2026
    assert max(constants.workdays).year == 2026
    assert CAL.coverage == (date(2004, 1, 1), date(2026, 12, 31))
    assert CAL.covers(date(2026, 12, 31)) and not CAL.covers(date(2027, 1, 1))
    assert not CAL.covers(date(2003, 12, 31))


def test_every_covered_day_matches_chinese_calendar() -> None:
    first, last = CAL.coverage
    for d in days(first, last):
        expected = chinese_calendar.is_workday(d)
        assert CAL.is_workday(d) is expected, d
        if d in constants.holidays:
            assert CAL.holiday_name(d) is not None, d
        if CAL.holiday_name(d) is not None:
            assert not expected, d
        assert CAL.is_makeup_workday(d) == (d in constants.workdays), d


# -- make-up Sundays and Saturdays (调休上班) ---------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        # 2024 notice (国办发明电〔2023〕7号): 春节 2月4日（星期日）、2月18日（星期日）上班.
        date(2024, 2, 4),
        date(2024, 2, 18),
        # 2023 notice (国办发明电〔2022〕16号): 劳动节 4月23日（星期日）、5月6日（星期六）上班.
        date(2023, 4, 23),
        date(2023, 5, 6),
        # 2024 notice: 国庆节 9月29日（星期日）、10月12日（星期六）上班.
        date(2024, 9, 29),
        date(2024, 10, 12),
        # 2026 notice (2025-11-04): 元旦 1月4日（周日）上班; 春节 2月14日、2月28日（周六）上班.
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
    ],
)
def test_makeup_weekend_days_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert CAL.is_workday(day)
    assert CAL.is_makeup_workday(day)
    assert CAL.holiday_name(day) is None


def test_an_ordinary_weekday_is_not_a_makeup_day() -> None:
    assert CAL.is_workday(date(2024, 9, 30))
    assert not CAL.is_makeup_workday(date(2024, 9, 30))
    assert not CAL.is_makeup_workday(date(2024, 9, 28))  # a plain Saturday off


# -- 2020: the Spring Festival extension --------------------------------------------------------


def test_2020_spring_festival_extended_to_february_2() -> None:
    # 2020 notice (国办发明电〔2019〕16号): 春节 1月24日至30日, 1月19日（星期日）、2月1日（星期六）上班.
    # Extension (国办发明电〔2020〕1号, 2020-01-26): 春节假期延长至2月2日，2月3日起正常上班; the
    # 2月1日 make-up Saturday is thereby gone.
    assert CAL.is_workday(date(2020, 1, 19))
    for d in days(date(2020, 1, 24), date(2020, 2, 2)):
        assert not CAL.is_workday(d), d
        assert CAL.holiday_name(d) == "春节", d
    assert not CAL.is_makeup_workday(date(2020, 2, 1))
    assert CAL.is_workday(date(2020, 2, 3))
    assert CAL.add_workdays(date(2020, 1, 23), 1) == date(2020, 2, 3)
    assert CAL.skipped(date(2020, 1, 23), date(2020, 2, 3)) == (
        SkippedRun(date(2020, 1, 24), date(2020, 2, 2), "春节假期"),
    )


# -- 2023: Mid-Autumn and National Day combined ---------------------------------------------------


def test_2023_mid_autumn_and_national_day_combined() -> None:
    # 2023 notice: 中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日
    # （星期日）上班.
    for d in days(date(2023, 9, 29), date(2023, 10, 6)):
        assert not CAL.is_workday(d), d
        assert CAL.holiday_name(d) == "中秋节、国庆节", d
    assert CAL.is_makeup_workday(date(2023, 10, 7))
    assert CAL.is_makeup_workday(date(2023, 10, 8))
    # Thursday 09-28 + 1: 10-07 (Saturday, worked).
    assert CAL.add_workdays(date(2023, 9, 28), 1) == date(2023, 10, 7)
    assert str(CAL.skipped(date(2023, 9, 28), date(2023, 10, 7))[0]) == (
        "2023-09-29至2023-10-06为中秋节、国庆节假期"
    )


# -- 2025: the new rules (除夕 and 5月2日 become statutory days off) ------------------------------


def test_2025_spring_festival_from_new_years_eve() -> None:
    # 2025 notice (国办发明电〔2024〕12号, 2024-11-12): 春节：1月28日（农历除夕、周二）至2月4日
    # （农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班.
    for d in days(date(2025, 1, 28), date(2025, 2, 4)):
        assert not CAL.is_workday(d), d
        assert CAL.holiday_name(d) == "春节", d
    assert CAL.is_makeup_workday(date(2025, 1, 26))
    assert CAL.is_makeup_workday(date(2025, 2, 8))
    assert CAL.is_workday(date(2025, 1, 27))
    # Friday 01-24: 01-26 (Sun, worked) is +1, 01-27 (Mon) is +2, then 02-05 (Wed) is +3.
    assert CAL.add_workdays(date(2025, 1, 24), 3) == date(2025, 2, 5)


def test_2025_labour_day_five_days() -> None:
    # 2025 notice: 劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班.
    for d in days(date(2025, 5, 1), date(2025, 5, 5)):
        assert CAL.holiday_name(d) == "劳动节", d
    assert CAL.is_makeup_workday(date(2025, 4, 27))
    assert CAL.add_workdays(date(2025, 4, 30), 1) == date(2025, 5, 6)


def test_2025_national_day_with_mid_autumn() -> None:
    # 2025 notice: 国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、
    # 10月11日（周六）上班.
    assert CAL.holiday_name(date(2025, 10, 1)) == "国庆节、中秋节"
    assert CAL.workdays_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert CAL.is_makeup_workday(date(2025, 9, 28))
    assert CAL.is_makeup_workday(date(2025, 10, 11))


# -- 2024 National Day and the concrete deadlines -------------------------------------------------


def test_2024_national_day() -> None:
    # 2024 notice: 国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班.
    for d in days(date(2024, 10, 1), date(2024, 10, 7)):
        assert CAL.holiday_name(d) == "国庆节", d
    assert CAL.holiday_name(date(2024, 9, 28)) is None  # an ordinary Saturday off


def test_assigned_monday_2024_09_30_is_due_thursday_october_10() -> None:
    # 10-01..10-07 off; 10-08 (Tue) is +1, 10-09 (Wed) +2, 10-10 (Thu) +3.
    due = CAL.add_workdays(date(2024, 9, 30), 3)
    assert due == date(2024, 10, 10)
    assert CAL.workdays_between(date(2024, 9, 30), due) == 3
    runs = CAL.skipped(date(2024, 9, 30), due)
    assert [str(r) for r in runs] == ["2024-10-01至2024-10-07为国庆节假期"]


def test_assigned_friday_2024_09_27_is_due_tuesday_october_8() -> None:
    # 09-28 (Sat) off; 09-29 (Sun, worked) +1; 09-30 (Mon) +2; 10-01..10-07 off; 10-08 (Tue) +3.
    due = CAL.add_workdays(date(2024, 9, 27), 3)
    assert due == date(2024, 10, 8)
    assert [str(r) for r in CAL.skipped(date(2024, 9, 27), due)] == [
        "2024-09-28为周末",
        "2024-10-01至2024-10-07为国庆节假期",
    ]


def test_counting_backwards_over_the_holiday() -> None:
    assert CAL.add_workdays(date(2024, 10, 8), -1) == date(2024, 9, 30)
    assert CAL.add_workdays(date(2024, 10, 8), -2) == date(2024, 9, 29)  # the worked Sunday
    assert CAL.add_workdays(date(2024, 10, 5), -1) == date(2024, 9, 30)  # from a day off
    assert CAL.workdays_between(date(2024, 10, 10), date(2024, 9, 30)) == -3


def test_zero_workdays_is_the_day_itself_even_a_holiday() -> None:
    assert CAL.add_workdays(date(2024, 10, 3), 0) == date(2024, 10, 3)
    assert CAL.add_workdays(date(2024, 10, 3), 1) == date(2024, 10, 8)


# -- year ends ------------------------------------------------------------------------------------


def test_2024_12_31_plus_3() -> None:
    # 2025 notice: 元旦：1月1日（周三）放假1天，不调休. 01-02 +1, 01-03 +2, weekend, 01-06 +3.
    assert CAL.add_workdays(date(2024, 12, 31), 3) == date(2025, 1, 6)


def test_2025_12_31_plus_3() -> None:
    # 2026 notice: 元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班.
    # 01-04 (Sun, worked) +1, 01-05 +2, 01-06 +3.
    assert CAL.add_workdays(date(2025, 12, 31), 3) == date(2026, 1, 6)


def test_2026_12_28_plus_3_stays_inside_2026_under_both_policies() -> None:
    # Monday 12-28: 12-29 +1, 12-30 +2, 12-31 (Thu) +3; no day of 2027 is needed.
    for cal in (CAL, WEEKDAYS):
        assert cal.add_workdays(date(2026, 12, 28), 3) == date(2026, 12, 31)
        assert not cal.is_provisional(date(2026, 12, 28), date(2026, 12, 31))


def test_2026_12_29_plus_3_needs_2027() -> None:
    # 12-30 +1, 12-31 +2, and the third working day lies in 2027, for which there is no notice.
    with pytest.raises(CalendarDataMissing) as info:
        CAL.add_workdays(date(2026, 12, 29), 3)
    assert info.value.year == 2027
    assert info.value.day == date(2027, 1, 1)
    assert "2027 年" in str(info.value)
    assert (info.value.first, info.value.last) == CAL.coverage
    # Mon–Fri alone says Friday 2027-01-01, which is 元旦 every year: provisional, and wrong.
    due = WEEKDAYS.add_workdays(date(2026, 12, 29), 3)
    assert due == date(2027, 1, 1)
    assert WEEKDAYS.is_provisional(date(2026, 12, 29), due)
    assert WEEKDAYS.add_workdays(date(2026, 12, 31), 3) == date(2027, 1, 5)


def test_2027_notice_extends_coverage_and_changes_the_answer() -> None:
    # Made-up test data, NOT the real 2027 arrangement: 元旦 01-01..01-03 off.
    notice = YearNotice.from_mapping(
        {
            "year": 2027,
            "title": "测试用（非真实通知）",
            "holidays": [{"name": "元旦", "first": date(2027, 1, 1), "last": date(2027, 1, 3)}],
        }
    )
    cal = china_calendar(notices=[notice])
    assert cal.coverage == (date(2004, 1, 1), date(2027, 12, 31))
    assert cal.add_workdays(date(2026, 12, 29), 3) == date(2027, 1, 4)
    assert not cal.is_provisional(date(2026, 12, 29), date(2027, 1, 4))
    assert cal.holiday_name(date(2027, 1, 1)) == "元旦"
    with pytest.raises(CalendarDataMissing, match="2028 年"):
        cal.is_workday(date(2028, 1, 3))


# -- errors and policies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_workday(date(2027, 3, 1)),
        lambda c: c.add_workdays(date(2027, 3, 1), 0),
        lambda c: c.add_workdays(date(2026, 12, 31), 1),
        lambda c: c.workdays_between(date(2026, 12, 1), date(2027, 3, 1)),
        lambda c: c.holiday_name(date(2027, 3, 1)),
        lambda c: c.is_makeup_workday(date(2027, 3, 6)),
        lambda c: c.is_makeup_workday(date(2027, 3, 8)),
        lambda c: c.workdays_between(date(2027, 3, 8), date(2027, 3, 8)),
        lambda c: c.skipped(date(2027, 3, 8), date(2027, 3, 8)),
        lambda c: c.skipped(date(2026, 12, 1), date(2027, 3, 1)),
    ],
)
def test_raise_policy_refuses_every_question_about_2027(call: object) -> None:
    with pytest.raises(CalendarDataMissing) as info:
        call(CAL)  # type: ignore[operator]
    assert info.value.year == 2027
    assert isinstance(info.value, LookupError)


def test_before_2004_raises_naming_2003() -> None:
    with pytest.raises(CalendarDataMissing, match="2003 年"):
        CAL.add_workdays(date(2004, 1, 2), -2)


def test_weekdays_policy_answers_mon_to_fri_outside() -> None:
    assert WEEKDAYS.outside is OutsideCoverage.WEEKDAYS
    assert WEEKDAYS.is_workday(date(2027, 1, 1))  # provisional: surely 元旦 in reality
    assert not WEEKDAYS.is_workday(date(2027, 1, 2))
    assert WEEKDAYS.holiday_name(date(2027, 10, 1)) is None
    assert not WEEKDAYS.is_makeup_workday(date(2027, 1, 2))
    assert WEEKDAYS.workdays_between(date(2026, 12, 31), date(2027, 1, 8)) == 6
    assert [str(r) for r in WEEKDAYS.skipped(date(2026, 12, 31), date(2027, 1, 8))] == [
        "2027-01-02至2027-01-03为周末"
    ]
    assert WEEKDAYS.is_provisional(date(2027, 1, 8), date(2026, 12, 31))
    assert CAL.is_provisional(date(2026, 12, 31), date(2027, 1, 8))  # a pure coverage check


def test_unknown_policy_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        china_calendar(outside="guess")
    assert info.value.field == "outside"


def test_the_default_build_is_cached_and_immutable() -> None:
    assert china_calendar() is china_calendar()
    assert china_calendar(outside="weekdays") is china_calendar(outside=OutsideCoverage.WEEKDAYS)
    assert china_calendar(outside="weekdays") is not china_calendar()
    with pytest.raises(AttributeError):
        CAL._outside = OutsideCoverage.WEEKDAYS
    assert CAL.outside is OutsideCoverage.RAISE
    assert CAL.with_outside("weekdays").add_workdays(date(2026, 12, 29), 3) == date(2027, 1, 1)


# -- notices and overrides ------------------------------------------------------------------------


def test_a_notice_replaces_its_whole_year() -> None:
    bare = YearNotice(2024, (HolidayPeriod("元旦", date(2024, 1, 1), date(2024, 1, 1)),), ())
    cal = china_calendar(notices=[bare])
    assert cal.is_workday(date(2024, 10, 1))  # the bundled 国庆节 is gone
    assert not cal.is_workday(date(2024, 9, 29))  # and so is its make-up Sunday
    assert cal.holiday_name(date(2023, 12, 30)) is None  # 2024's late-December days went too
    assert not cal.is_workday(date(2023, 10, 2))  # 2023 untouched


def test_notices_must_leave_no_gap_between_years() -> None:
    n2028 = YearNotice(2028, (HolidayPeriod("元旦", date(2028, 1, 1), date(2028, 1, 1)),), ())
    with pytest.raises(ValidationError, match="缺少 2027 年") as info:
        china_calendar(notices=[n2028])
    assert info.value.field == "notices"
    with pytest.raises(ValidationError) as wrong:
        china_calendar(notices=[n2028, "2027.toml"])  # type: ignore[list-item]
    assert wrong.value.field == "notices[1]"


def test_for_one_year_the_last_notice_wins() -> None:
    # Made-up test data: two versions of a 2027 notice (e.g. a plugin's, then a desk's file).
    first = YearNotice(2027, (HolidayPeriod("元旦", date(2027, 1, 1), date(2027, 1, 1)),), ())
    later = YearNotice(2027, (HolidayPeriod("元旦", date(2027, 1, 1), date(2027, 1, 3)),), ())
    cal = china_calendar(notices=[first, later])
    assert cal.holiday_name(date(2027, 1, 3)) == "元旦"
    assert not china_calendar(notices=[later, first]).is_workday(date(2027, 1, 1))
    assert china_calendar(notices=[later, first]).holiday_name(date(2027, 1, 3)) is None


def test_overrides_set_single_days() -> None:
    cal = china_calendar(overrides={date(2024, 10, 8): False, date(2024, 10, 19): True})
    assert cal.add_workdays(date(2024, 9, 30), 3) == date(2024, 10, 11)
    assert [str(r) for r in cal.skipped(date(2024, 9, 30), date(2024, 10, 11))] == [
        "2024-10-01至2024-10-07为国庆节假期",
        "2024-10-08为休息日",
    ]
    assert cal.is_makeup_workday(date(2024, 10, 19))
    worked_holiday = china_calendar(overrides={date(2024, 10, 7): True})
    assert worked_holiday.holiday_name(date(2024, 10, 7)) is None
    with pytest.raises(ValidationError) as info:
        china_calendar(overrides={date(2030, 1, 2): False})
    assert info.value.field == "overrides"


# -- from_days ------------------------------------------------------------------------------------


def test_from_days_builds_a_small_calendar() -> None:
    cal = WorkCalendar.from_days(
        date(2030, 1, 1),
        date(2030, 1, 31),
        days={date(2030, 1, 1): False, date(2030, 1, 5): True},
        holiday_names={date(2030, 1, 1): "元旦"},
    )
    assert cal.coverage == (date(2030, 1, 1), date(2030, 1, 31))
    assert cal.holiday_name(date(2030, 1, 1)) == "元旦"
    assert cal.is_makeup_workday(date(2030, 1, 5))
    with pytest.raises(CalendarDataMissing, match="2029 年"):
        cal.add_workdays(date(2029, 12, 31), 1)
    assert cal.add_workdays(date(2030, 1, 1), 3) == date(2030, 1, 4)
    assert cal.add_workdays(date(2030, 1, 1), 4) == date(2030, 1, 5)
    assert repr(cal) == "WorkCalendar(coverage=2030-01-01..2030-01-31, outside=raise)"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"days": {date(2031, 1, 1): False}}, "days"),
        ({"holiday_names": {date(2030, 1, 2): "元旦"}}, "holiday_names"),
        ({"outside": "never"}, "outside"),
    ],
)
def test_from_days_refuses_bad_input(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        WorkCalendar.from_days(date(2030, 1, 1), date(2030, 1, 31), **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_from_days_refuses_an_empty_range() -> None:
    with pytest.raises(ValidationError) as info:
        WorkCalendar.from_days(date(2030, 1, 31), date(2030, 1, 1))
    assert info.value.field == "last"


def test_skipped_is_empty_for_an_empty_span() -> None:
    assert CAL.skipped(date(2024, 10, 5), date(2024, 10, 5)) == ()
    assert CAL.skipped(date(2024, 10, 5), date(2024, 10, 1)) == ()
    assert str(SkippedRun(date(2024, 10, 12), date(2024, 10, 12), "周末")) == "2024-10-12为周末"
