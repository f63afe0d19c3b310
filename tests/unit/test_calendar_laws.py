"""Laws of the work calendar, and the fast tables checked against the obvious day-by-day loop.

The oracle is ``chinese_calendar.is_workday`` inside its data and Mon–Fri outside it (for the
WEEKDAYS policy); the fast calendar must agree with it everywhere, including across the edges.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise

import chinese_calendar
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from appeal_core.calendar import OutsideCoverage, WorkCalendar, china_calendar
from appeal_core.errors import CalendarDataMissing

FIRST = date(2004, 1, 1)
LAST = date(2026, 12, 31)
ONE = timedelta(days=1)

RAISING = china_calendar()
WEEKDAYS = china_calendar(outside=OutsideCoverage.WEEKDAYS)


class LeftCoverage(Exception):
    """The naive walk needed a day chinese-calendar has no data for."""


@functools.cache
def oracle_raise(d: date) -> bool:
    """chinese-calendar's own answer, one day at a time (memoised: same answers, faster tests)."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError as exc:
        raise LeftCoverage(d) from exc


def oracle_weekdays(d: date) -> bool:
    return oracle_raise(d) if FIRST <= d <= LAST else d.weekday() < 5


Oracle = Callable[[date], bool]


def naive_add(d: date, n: int, is_work: Oracle) -> date:
    step = ONE if n > 0 else -ONE
    left, day = abs(n), d
    if not FIRST <= d <= LAST:
        is_work(d)  # under RAISE the start itself must be covered
    while left:
        day += step
        if is_work(day):
            left -= 1
    return day


def naive_between(start: date, end: date, is_work: Oracle) -> int:
    if end < start:
        return -naive_between(end, start, is_work)
    for d in (start, end):
        is_work(d)  # under RAISE both ends must be covered
    return sum(is_work(start + k * ONE) for k in range(1, (end - start).days + 1))


covered = st.dates(min_value=FIRST, max_value=LAST)
# Dates around both edges of the data, for the WEEKDAYS policy.
edges = st.one_of(
    st.dates(min_value=date(2025, 6, 1), max_value=date(2028, 12, 31)),
    st.dates(min_value=date(2002, 6, 1), max_value=date(2005, 6, 30)),
)
steps = st.integers(min_value=-45, max_value=45)
ahead = st.integers(min_value=0, max_value=45)
CASES = [
    pytest.param(RAISING, oracle_raise, covered, id="raise-whole-coverage"),
    pytest.param(WEEKDAYS, oracle_weekdays, edges, id="weekdays-across-edges"),
]


@pytest.mark.parametrize(("cal", "oracle", "days"), CASES)
@given(data=st.data())
def test_add_workdays_equals_the_naive_walk(
    cal: WorkCalendar, oracle: Oracle, days: st.SearchStrategy[date], data: st.DataObject
) -> None:
    d, n = data.draw(days), data.draw(steps)
    try:
        expected = naive_add(d, n, oracle)
    except LeftCoverage:
        with pytest.raises(CalendarDataMissing):
            cal.add_workdays(d, n)
        return
    assert cal.add_workdays(d, n) == expected
    reached = {d, expected}
    assert cal.is_provisional(min(reached), max(reached)) == any(not cal.covers(x) for x in reached)


@pytest.mark.parametrize(("cal", "oracle", "days"), CASES)
@given(data=st.data())
def test_workdays_between_equals_the_naive_count(
    cal: WorkCalendar, oracle: Oracle, days: st.SearchStrategy[date], data: st.DataObject
) -> None:
    start = data.draw(days)
    end = start + data.draw(st.integers(min_value=-400, max_value=400)) * ONE
    try:
        expected = naive_between(start, end, oracle)
    except LeftCoverage:
        with pytest.raises(CalendarDataMissing):
            cal.workdays_between(start, end)
        return
    assert cal.workdays_between(start, end) == expected


@pytest.mark.parametrize(("cal", "oracle", "days"), CASES)
@given(data=st.data())
def test_is_workday_and_skipped_agree_with_the_oracle(
    cal: WorkCalendar, oracle: Oracle, days: st.SearchStrategy[date], data: st.DataObject
) -> None:
    start = data.draw(days)
    end = start + data.draw(st.integers(min_value=0, max_value=40)) * ONE
    try:
        expected_off = [
            start + k * ONE for k in range(1, (end - start).days + 1) if not oracle(start + k * ONE)
        ]
        oracle(start)
    except LeftCoverage:
        with pytest.raises(CalendarDataMissing):
            cal.skipped(start, end)
        return
    runs = cal.skipped(start, end)
    listed = [r.first + k * ONE for r in runs for k in range((r.last - r.first).days + 1)]
    assert listed == expected_off
    for before, after in pairwise(runs):
        assert before.last < after.first
        assert before.last + ONE < after.first or before.reason != after.reason
    assert cal.is_workday(start) == oracle(start)


def _span_ok(cal: WorkCalendar, *days: date) -> bool:
    return cal.outside is OutsideCoverage.WEEKDAYS or all(cal.covers(d) for d in days)


def _add(cal: WorkCalendar, d: date, n: int) -> date:
    """add_workdays, turning a RAISE at the edge of the data into a skipped example."""
    try:
        return cal.add_workdays(d, n)
    except CalendarDataMissing:
        assume(False)
        raise


LAW_CASES = [
    pytest.param(RAISING, covered, id="raise"),
    pytest.param(WEEKDAYS, edges, id="weekdays"),
]


@pytest.mark.parametrize(("cal", "days"), LAW_CASES)
@given(data=st.data())
def test_counting_forward_then_measuring_gives_n_back(
    cal: WorkCalendar, days: st.SearchStrategy[date], data: st.DataObject
) -> None:
    d, n = data.draw(days), data.draw(ahead)
    due = _add(cal, d, n)
    assert cal.workdays_between(d, due) == n
    assert cal.workdays_between(due, d) == -n
    if n:
        assert due > d
        assert cal.is_workday(due)
    else:
        assert due == d


@pytest.mark.parametrize(("cal", "days"), LAW_CASES)
@given(data=st.data())
def test_results_are_working_days_in_both_directions(
    cal: WorkCalendar, days: st.SearchStrategy[date], data: st.DataObject
) -> None:
    d, n = data.draw(days), data.draw(steps)
    assume(n != 0)
    result = _add(cal, d, n)
    assert cal.is_workday(result)
    assert (result > d) == (n > 0)


@pytest.mark.parametrize(("cal", "days"), LAW_CASES)
@given(data=st.data())
def test_monotonic_in_the_day_and_strictly_in_n(
    cal: WorkCalendar, days: st.SearchStrategy[date], data: st.DataObject
) -> None:
    d1, d2 = sorted((data.draw(days), data.draw(days)))
    n1, n2 = sorted((data.draw(steps), data.draw(steps)))
    assert _add(cal, d1, n1) <= _add(cal, d2, n1)
    if n1 < n2:
        assert _add(cal, d1, n1) < _add(cal, d1, n2)


@pytest.mark.parametrize(("cal", "days"), LAW_CASES)
@given(data=st.data())
def test_steps_compose_in_one_direction(
    cal: WorkCalendar, days: st.SearchStrategy[date], data: st.DataObject
) -> None:
    """add(add(d, a), b) == add(d, a + b) for a, b of one sign.

    Why: for a > 0, add(d, a) is a working day w with (working days <= w) = (working days <= d)
    + a, so counting b more from w reaches the same day as a + b from d; a == 0 is trivial, and
    the backward case is the mirror image.
    """
    d, a, b = data.draw(days), data.draw(ahead), data.draw(ahead)
    sign = data.draw(st.sampled_from([1, -1]))
    a, b = sign * a, sign * b
    assert _add(cal, _add(cal, d, a), b) == _add(cal, d, a + b)


@pytest.mark.parametrize(("cal", "days"), LAW_CASES)
@given(data=st.data())
def test_backward_undoes_forward(
    cal: WorkCalendar, days: st.SearchStrategy[date], data: st.DataObject
) -> None:
    d, n = data.draw(days), data.draw(st.integers(min_value=1, max_value=45))
    latest_on_or_before = d if _span_ok(cal, d) and cal.is_workday(d) else _add(cal, d, -1)
    earliest_on_or_after = d if cal.is_workday(d) else _add(cal, d, 1)
    assert _add(cal, _add(cal, d, n), -n) == latest_on_or_before
    assert _add(cal, _add(cal, d, -n), n) == earliest_on_or_after
    # Counting back n lands just before n working days (d itself counts when it is one).
    assert cal.workdays_between(_add(cal, d, -n), d) == n - 1 + cal.is_workday(d)


@pytest.mark.parametrize(("cal", "days"), LAW_CASES)
@given(data=st.data())
def test_workdays_between_is_antisymmetric_and_additive(
    cal: WorkCalendar, days: st.SearchStrategy[date], data: st.DataObject
) -> None:
    a, b, c = (data.draw(days) for _ in range(3))
    assert cal.workdays_between(a, b) == -cal.workdays_between(b, a)
    assert cal.workdays_between(a, b) + cal.workdays_between(b, c) == cal.workdays_between(a, c)
    assert cal.workdays_between(a, a) == 0


@given(
    d=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    n=st.integers(min_value=-300, max_value=300),
)
def test_weekday_arithmetic_far_outside_a_small_table(d: date, n: int) -> None:
    """Outside coverage the O(1) weeks*5 + remainder arithmetic matches a Mon–Fri walk."""
    cal = WorkCalendar.from_days(
        date(2024, 1, 1), date(2024, 1, 31), days={date(2024, 1, 1): False}, outside="weekdays"
    )

    def is_work(x: date) -> bool:
        return x.weekday() < 5 and x != date(2024, 1, 1)

    assert cal.add_workdays(d, n) == naive_add(d, n, is_work)
    end = d + n * ONE
    assert cal.workdays_between(d, end) == naive_between(d, end, is_work)
