"""The Chinese working-day calendar: O(1) answers from flat tables built once per data set.

Counting convention: the assignment day never counts. ``add_workdays(d, 3)`` is the third working
day strictly after ``d``; ``workdays_between(a, b)`` counts working days ``w`` with ``a < w <= b``.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from datetime import date
from itertools import accumulate, pairwise
from types import MappingProxyType
from typing import Any, NoReturn

import attrs

from appeal_core.errors import CalendarDataMissing, ValidationError
from appeal_core.notice import HolidayPeriod, YearNotice, bundled_notices

__all__ = [
    "HolidayPeriod",
    "OutsideCoverage",
    "SkippedRun",
    "WorkCalendar",
    "YearNotice",
    "china_calendar",
]

_NO_DAYS: Mapping[date, bool] = MappingProxyType({})
_NO_NAMES: Mapping[date, str] = MappingProxyType({})
_WEEKEND = "周末"
_REST_DAY = "休息日"


class OutsideCoverage(enum.StrEnum):
    """What a calendar does with a day it has no data for: raise, or count Mon–Fri provisionally."""

    RAISE = "raise"
    WEEKDAYS = "weekdays"


@attrs.frozen
class SkippedRun:
    """Consecutive non-working days with one reason (国庆节假期, 周末): explains a deadline."""

    first: date
    last: date
    reason: str

    def __str__(self) -> str:
        span = self.first.isoformat()
        if self.last != self.first:
            span = f"{span}至{self.last.isoformat()}"
        return f"{span}为{self.reason}"


def _weekdays_upto(ordinal: int) -> int:
    """How many Mon–Fri days have an ordinal <= ``ordinal`` (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _kth_weekday(k: int) -> int:
    """Ordinal of the k-th Mon–Fri day counted from ordinal 1: the inverse of ``_weekdays_upto``."""
    weeks, rest = divmod(k - 1, 5)
    return 7 * weeks + rest + 1


def _weekday_table(first: date, last: date) -> bytearray:
    """1 for Monday to Friday, 0 for Saturday and Sunday, one byte per day of [first, last]."""
    size = last.toordinal() - first.toordinal() + 1
    week = bytes(1 if (first.weekday() + i) % 7 < 5 else 0 for i in range(7))
    return bytearray((week * (size // 7 + 1))[:size])


def _policy(outside: OutsideCoverage | str) -> OutsideCoverage:
    try:
        return OutsideCoverage(outside)
    except ValueError as exc:
        raise ValidationError("outside", outside, "应为 'raise' 或 'weekdays'") from exc


class WorkCalendar:
    """Which days are worked, over an explicit coverage; outside it the chosen policy applies.

    Build it with ``china_calendar`` or ``WorkCalendar.from_days``; it never changes afterwards.
    """

    __slots__ = (
        *("_base", "_cum", "_first", "_fo", "_last", "_lo"),
        *("_names", "_nth", "_outside", "_tail", "_total", "_unsure", "_work"),
    )
    _first: date
    _last: date
    _fo: int  # ordinal of the first covered day
    _lo: int  # ordinal of the last covered day
    _work: bytes  # 1 = working day, indexed by ordinal - _fo
    _cum: dict[int, int]  # ordinal -> working days in [first, that day]
    _nth: list[date]  # k -> the k-th working day of the coverage (index 0 unused)
    _names: dict[int, str]  # ordinal -> holiday name, for days off that belong to a holiday
    _base: int  # Mon–Fri days before the coverage, counted from ordinal 1
    _total: int  # working days in the coverage
    _tail: int  # Mon–Fri days up to the last covered day, counted from ordinal 1
    _outside: OutsideCoverage
    _unsure: frozenset[int]  # covered years whose data is a provisional local arrangement

    def __init__(
        self,
        first: date,
        last: date,
        work: bytearray,
        names: Mapping[int, str],
        outside: OutsideCoverage,
        unsure: frozenset[int] = frozenset(),
    ) -> None:
        """Internal: takes the finished day table; use ``china_calendar`` or ``from_days``."""
        fo, counts = first.toordinal(), list(accumulate(work))
        put = object.__setattr__
        put(self, "_first", first)
        put(self, "_last", last)
        put(self, "_fo", fo)
        put(self, "_lo", last.toordinal())
        put(self, "_work", bytes(work))
        put(self, "_cum", dict(zip(range(fo, fo + len(work)), counts, strict=True)))
        put(self, "_nth", [first, *(date.fromordinal(fo + i) for i, w in enumerate(work) if w)])
        put(self, "_names", dict(names))
        put(self, "_base", _weekdays_upto(fo - 1))
        put(self, "_total", counts[-1])
        put(self, "_tail", _weekdays_upto(last.toordinal()))
        put(self, "_outside", outside)
        put(self, "_unsure", unsure)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"WorkCalendar is immutable, cannot set {name}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"WorkCalendar is immutable, cannot delete {name}")

    def __repr__(self) -> str:
        return f"WorkCalendar(coverage={self._first}..{self._last}, outside={self._outside.value})"

    @classmethod
    def from_days(
        cls,
        first: date,
        last: date,
        *,
        days: Mapping[date, bool] = _NO_DAYS,
        holiday_names: Mapping[date, str] = _NO_NAMES,
        outside: OutsideCoverage | str = OutsideCoverage.RAISE,
    ) -> WorkCalendar:
        """A calendar over [first, last]: Mon–Fri work unless ``days`` says so (True = work)."""
        if last < first:
            raise ValidationError("last", last, f"早于 first（{first}）")
        work, fo = _weekday_table(first, last), first.toordinal()
        for day, is_work in days.items():
            _require_inside("days", day, first, last)
            work[day.toordinal() - fo] = 1 if is_work else 0
        names: dict[int, str] = {}
        for day, name in holiday_names.items():
            _require_inside("holiday_names", day, first, last)
            if work[day.toordinal() - fo]:
                raise ValidationError("holiday_names", day, "该日是工作日，不能标为节假日")
            names[day.toordinal()] = name
        return cls(first, last, work, names, _policy(outside))

    def with_outside(self, outside: OutsideCoverage | str) -> WorkCalendar:
        """The same data under another outside-coverage policy (tables are shared, not rebuilt)."""
        other = object.__new__(WorkCalendar)
        for slot in WorkCalendar.__slots__:
            object.__setattr__(other, slot, getattr(self, slot))
        object.__setattr__(other, "_outside", _policy(outside))
        return other

    @property
    def coverage(self) -> tuple[date, date]:
        """The first and the last day the calendar has holiday data for."""
        return self._first, self._last

    @property
    def outside(self) -> OutsideCoverage:
        """The policy for days outside ``coverage``."""
        return self._outside

    def covers(self, d: date) -> bool:
        """True when ``d`` lies within ``coverage``."""
        return self._fo <= d.toordinal() <= self._lo

    def is_workday(self, d: date) -> bool:
        """True when ``d`` is a working day (调休上班 days included, holidays excluded)."""
        i = d.toordinal() - self._fo
        if 0 <= i < len(self._work):
            return self._work[i] == 1
        self._check(d)
        return d.weekday() < 5

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th working day strictly after ``d`` (``d`` never counts); n < 0 counts back."""
        if n > 0:
            try:
                return self._nth[self._cum[d.toordinal()] + n]
            except (KeyError, IndexError):
                pass
        return self._add(d, n)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days w with start < w <= end; if end < start, minus the count the other way."""
        try:
            return self._cum[end.toordinal()] - self._cum[start.toordinal()]
        except KeyError:
            self._check(start, end)
            return self._count(end.toordinal()) - self._count(start.toordinal())

    def holiday_name(self, d: date) -> str | None:
        """The holiday ``d`` is a day off for (e.g. 春节, 中秋节、国庆节), else None."""
        if self.covers(d):
            return self._names.get(d.toordinal())
        self._check(d)
        return None

    def is_makeup_workday(self, d: date) -> bool:
        """True for a Saturday or Sunday that is worked (调休上班)."""
        return self.is_workday(d) and d.weekday() >= 5

    def skipped(self, start: date, end: date) -> tuple[SkippedRun, ...]:
        """Non-working days w with start < w <= end, as runs of one reason (explains a deadline)."""
        self._check(start, end)
        runs: list[list[Any]] = []
        for o in range(start.toordinal() + 1, end.toordinal() + 1):
            reason = self._reason(o)
            if reason is None:
                continue
            if runs and runs[-1][1] == o - 1 and runs[-1][2] == reason:
                runs[-1][1] = o
            else:
                runs.append([o, o, reason])
        return tuple(SkippedRun(date.fromordinal(a), date.fromordinal(b), r) for a, b, r in runs)

    def is_provisional(self, start: date, end: date) -> bool:
        """True when a day of [start, end] is outside coverage (the answer counted Mon–Fri only)
        or in a year whose data is a provisional local arrangement (``provisional_years``)."""
        low, high = sorted((start, end))
        if low.toordinal() < self._fo or high.toordinal() > self._lo:
            return True
        return any(year in self._unsure for year in range(low.year, high.year + 1))

    @property
    def provisional_years(self) -> frozenset[int]:
        """Covered years whose holidays come from a provisional local arrangement, not a notice."""
        return self._unsure

    def missing_years(self, start: date, end: date) -> tuple[int, ...]:
        """The years of [start, end] the calendar has no holiday data for, in order."""
        low, high = sorted((start, end))
        first, last = self._first.year, self._last.year
        return tuple(y for y in range(low.year, high.year + 1) if not first <= y <= last)

    # -- the slow paths: outside the tables, negative n, and the checks ------------------------

    def _check(self, *days: date) -> None:
        """Under RAISE, refuse when any of ``days`` (or any day between them) is not covered."""
        if self._outside is OutsideCoverage.RAISE:
            for d in sorted(days):
                if not self.covers(d):
                    raise CalendarDataMissing(d, self._first, self._last)

    def _count(self, o: int) -> int:
        """Working days with ordinal <= o, counted from ordinal 1, Mon–Fri outside coverage."""
        if o < self._fo:
            return _weekdays_upto(o)
        if o <= self._lo:
            return self._base + self._cum[o]
        return self._base + self._total + _weekdays_upto(o) - self._tail

    def _kth(self, k: int) -> date:
        """The day with ``_count`` reaching k first: the k-th working day counted from ordinal 1."""
        if k <= self._base:
            found = date.fromordinal(_kth_weekday(k))
        elif k <= self._base + self._total:
            return self._nth[k - self._base]
        else:
            found = date.fromordinal(_kth_weekday(k - self._base - self._total + self._tail))
        if self._outside is OutsideCoverage.RAISE:
            edge = self._lo + 1 if found > self._last else self._fo - 1
            raise CalendarDataMissing(date.fromordinal(edge), self._first, self._last)
        return found

    def _add(self, d: date, n: int) -> date:
        self._check(d)
        if n == 0:
            return d
        o = d.toordinal()
        if n > 0:
            return self._kth(self._count(o) + n)
        return self._kth(self._count(o - 1) + n + 1)

    def _reason(self, o: int) -> str | None:
        """Why day ``o`` is not worked (None when it is): a holiday, 周末, or a plain 休息日."""
        i = o - self._fo
        if 0 <= i < len(self._work):
            if self._work[i]:
                return None
            name = self._names.get(o)
            if name is not None:
                return f"{name}假期"
        weekend = (o - 1) % 7 >= 5
        if 0 <= i < len(self._work):
            return _WEEKEND if weekend else _REST_DAY
        return _WEEKEND if weekend else None


def _require_inside(field: str, day: date, first: date, last: date) -> None:
    if not first <= day <= last:
        raise ValidationError(field, day, f"不在日历覆盖范围 {first} 至 {last} 之内")


def china_calendar(
    *,
    notices: Iterable[YearNotice] = (),
    overrides: Mapping[date, bool] = _NO_DAYS,
    outside: OutsideCoverage | str = OutsideCoverage.RAISE,
    provisional_years: Iterable[int] = (),
) -> WorkCalendar:
    """The mainland China calendar: chinese-calendar's data, then ``notices``, then ``overrides``.

    A notice replaces its whole year or adds one (for one year the last notice given wins); an
    override sets one day (True = work).  ``provisional_years`` names years whose notice is a
    local arrangement loaded without the State Council's text: deadlines across them are marked
    provisional, like those outside coverage.
    """
    policy = _policy(outside)
    given, unsure = tuple(notices), frozenset(provisional_years)
    if not given and not overrides and not unsure:
        return _default_calendar(policy)
    built = _build(given, overrides).with_outside(policy)
    object.__setattr__(built, "_unsure", unsure)
    return built


@functools.cache
def _default_calendar(policy: OutsideCoverage) -> WorkCalendar:
    """The build from chinese-calendar alone, made once per process (``cache_clear`` to rebuild)."""
    if policy is OutsideCoverage.RAISE:
        return _build((), _NO_DAYS)
    return _default_calendar(OutsideCoverage.RAISE).with_outside(policy)


def _build(notices: tuple[YearNotice, ...], overrides: Mapping[date, bool]) -> WorkCalendar:
    by_year = dict(bundled_notices())
    for i, notice in enumerate(notices):  # for one year, the notice given last wins
        if not isinstance(notice, YearNotice):
            raise ValidationError(f"notices[{i}]", notice, "应为 YearNotice")
        by_year[notice.year] = notice
    years = sorted(by_year)
    for before, after in pairwise(years):
        if after != before + 1:
            reason = f"缺少 {before + 1} 年的通知，覆盖的年份必须连续"
            raise ValidationError("notices", after, reason)
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    work, fo = _weekday_table(first, last), first.toordinal()
    names: dict[int, str] = {}
    for year in years:  # in year order: a notice's late-December days override the year before
        notice = by_year[year]
        for period in notice.holidays:
            for o in range(max(period.first.toordinal(), fo), period.last.toordinal() + 1):
                work[o - fo] = 0
                names[o] = period.name
        for day in notice.makeup_workdays:
            if day >= first:
                work[day.toordinal() - fo] = 1
                names.pop(day.toordinal(), None)
    for day, is_work in overrides.items():
        _require_inside("overrides", day, first, last)
        work[day.toordinal() - fo] = 1 if is_work else 0
        if is_work:
            names.pop(day.toordinal(), None)
    return WorkCalendar(first, last, work, names, OutsideCoverage.RAISE)
