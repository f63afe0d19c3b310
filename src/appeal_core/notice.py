"""Year notices: one year's State Council holiday arrangement (days off, make-up workdays) as data.

A ``YearNotice`` mirrors 国务院办公厅关于某年部分节假日安排的通知; ``from_mapping`` reads the dict a
TOML file gives, ``bundled_notices`` turns chinese-calendar's tables into the same shape.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from itertools import pairwise
from typing import Any

import attrs
import chinese_calendar
from chinese_calendar import constants

from appeal_core.errors import ValidationError

_TOP_KEYS = ("year", "title", "document_number", "issued_on", "holidays", "makeup_workdays")
_PERIOD_KEYS = ("name", "first", "last")
_FULL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
_NEW_YEAR = constants.Holiday.new_years_day.value


@attrs.frozen
class HolidayPeriod:
    """One run of consecutive days off for a holiday, weekends inside it included (e.g. 国庆节)."""

    name: str
    first: date
    last: date

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("name", self.name, "节假日名称不能为空")
        if self.last < self.first:
            raise ValidationError("last", self.last, f"结束日期早于开始日期 {self.first}")

    def days(self) -> Iterable[date]:
        """Every day of the period, in order."""
        return map(date.fromordinal, range(self.first.toordinal(), self.last.toordinal() + 1))


@attrs.frozen
class YearNotice:
    """One year's arrangement: the holiday periods off and the weekend days worked (调休上班)."""

    year: int
    holidays: tuple[HolidayPeriod, ...]
    makeup_workdays: tuple[date, ...]
    title: str = ""
    document_number: str = ""
    issued_on: date | None = None

    def __attrs_post_init__(self) -> None:
        _check_notice(self)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> YearNotice:
        """Parse the dict a TOML notice file gives (``tomllib.loads``); bad data names its field."""
        if not isinstance(data, Mapping):
            raise ValidationError("notice", data, "年度通知应为键值表")
        _reject_unknown(data, _TOP_KEYS, "")
        if "year" not in data:
            raise ValidationError("year", None, "缺少必填字段")
        year = data["year"]
        if not isinstance(year, int) or isinstance(year, bool):
            raise ValidationError("year", year, "应为整数年份，例如 2027")
        raw_holidays = _as_list(data.get("holidays"), "holidays")
        periods = tuple(_parse_period(raw, f"holidays[{i}]") for i, raw in enumerate(raw_holidays))
        raw_makeup = _as_list(data.get("makeup_workdays", []), "makeup_workdays")
        makeup = tuple(_as_date(v, f"makeup_workdays[{i}]") for i, v in enumerate(raw_makeup))
        issued = data.get("issued_on")
        return cls(
            year=year,
            holidays=periods,
            makeup_workdays=makeup,
            title=_as_str(data.get("title", ""), "title"),
            document_number=_as_str(data.get("document_number", ""), "document_number"),
            issued_on=None if issued is None else _as_date(issued, "issued_on"),
        )

    def to_mapping(self) -> dict[str, Any]:
        """The inverse of ``from_mapping``: plain dicts, lists and dates (TOML-ready, no None)."""
        data: dict[str, Any] = {"year": self.year, "title": self.title}
        data["document_number"] = self.document_number
        if self.issued_on is not None:
            data["issued_on"] = self.issued_on
        data["holidays"] = [
            {"name": p.name, "first": p.first, "last": p.last} for p in self.holidays
        ]
        data["makeup_workdays"] = list(self.makeup_workdays)
        return data


def _in_notice_year(day: date, year: int) -> bool:
    """A notice speaks of its own year and, for 元旦 and its 调休, of the December before."""
    return day.year == year or (day.year == year - 1 and day.month == 12)


def _check_notice(notice: YearNotice) -> None:
    """Raise ValidationError naming the field when the notice cannot be a real arrangement."""
    year = notice.year
    if not isinstance(year, int) or isinstance(year, bool) or not 1 < year < 9999:
        raise ValidationError("year", year, "应为 2 至 9998 之间的整数年份")
    if not notice.holidays:
        raise ValidationError("holidays", [], "至少应有一个放假时段")
    for i, period in enumerate(notice.holidays):
        if period.last.year != year:
            raise ValidationError(f"holidays[{i}].last", period.last, f"不在 {year} 年内")
        if not _in_notice_year(period.first, year):
            raise ValidationError(f"holidays[{i}].first", period.first, f"不在 {year} 年内")
    ordered = sorted(range(len(notice.holidays)), key=lambda i: notice.holidays[i].first)
    for before, after in pairwise(ordered):
        if notice.holidays[after].first <= notice.holidays[before].last:
            reason = f"与 holidays[{before}]（{notice.holidays[before].name}）的日期重叠"
            raise ValidationError(f"holidays[{after}]", notice.holidays[after].first, reason)
    seen: set[date] = set()
    for i, day in enumerate(notice.makeup_workdays):
        field = f"makeup_workdays[{i}]"
        if not _in_notice_year(day, year):
            raise ValidationError(field, day, f"不在 {year} 年内")
        if day.weekday() < 5:
            raise ValidationError(field, day, "调休上班日应为周六或周日，该日本是工作日")
        if day in seen:
            raise ValidationError(field, day, "重复列出")
        seen.add(day)
        for period in notice.holidays:
            if period.first <= day <= period.last:
                raise ValidationError(field, day, f"落在放假时段「{period.name}」之内")


#: The holidays every State Council notice arranges since 2008 (a combined period may serve two).
HOLIDAYS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
_TEMPLATE_WORDS = ("示例", "模板", "样例", "非真实", "template", "example", "sample")
_DOCUMENT_NUMBER = re.compile(r"^\S+[〔\[［（(](\d{4})[〕\]］）)]\d+号$")


def official_problem(notice: YearNotice) -> ValidationError | None:
    """Why ``notice`` is plainly not a State Council holiday notice, or None.

    The loader refuses such a notice unless a person forces it with a reason (then it is a
    provisional local arrangement): the shipped template, a notice without its title or
    document number, a period other than 元旦 starting in the year before, a notice that does
    not arrange all seven holidays.
    """
    year, title, number = notice.year, notice.title.strip(), notice.document_number.strip()
    text = f"{title} {number}".lower()
    if any(word in text for word in _TEMPLATE_WORDS):
        return ValidationError("title", title, "这是示例模板，不是真实的通知；请按通知原文填写")
    if not title:
        return ValidationError(
            "title", title, "缺少通知标题（国务院办公厅关于某年部分节假日安排的通知）"
        )
    if f"{year}年" not in title:
        return ValidationError("title", title, f"标题应写明 {year} 年，与 year = {year} 不符")
    found = _DOCUMENT_NUMBER.match(number)
    if found is None:
        return ValidationError(
            "document_number", number, "缺少或无法识别文号（如 国办发明电〔2025〕7号）"
        )
    if int(found.group(1)) not in (year - 1, year):
        reason = f"文号年份应为 {year - 1} 或 {year} 年"
        return ValidationError("document_number", number, reason)
    for i, period in enumerate(notice.holidays):
        if period.first.year < year and "元旦" not in period.name:
            reason = f"只有元旦假期可以从 {year - 1} 年 12 月开始"
            return ValidationError(f"holidays[{i}].first", period.first, reason)
    names = "、".join(p.name for p in notice.holidays)
    absent = [h for h in HOLIDAYS if h not in names and h.removesuffix("节") not in names]
    if absent and year >= 2008:  # 清明、端午、中秋 are public holidays since 2008
        return ValidationError("holidays", names, f"缺少{'、'.join(absent)}的放假安排")
    if not any(p.first <= date(year, 1, 1) <= p.last for p in notice.holidays):
        return ValidationError("holidays", names, f"{year} 年 1 月 1 日（元旦）应在放假时段内")
    return None


def _reject_unknown(data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            reason = f"未知字段，可用字段：{'、'.join(allowed)}"
            raise ValidationError(f"{prefix}{key}", data[key], reason)


def _as_list(value: object, field: str) -> list[Any]:
    if value is None:
        raise ValidationError(field, None, "缺少必填字段")
    if not isinstance(value, list | tuple):
        raise ValidationError(field, value, "应为列表")
    return list(value)


def _as_str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, value, "应为文本")
    return value


def _as_date(value: object, field: str) -> date:
    """Accept a TOML local date (``2027-01-01``) or an ISO text; refuse date-times."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError(field, value, "不是 YYYY-MM-DD 格式的日期") from exc
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(field, value, "应为日期（YYYY-MM-DD，不带时刻）")
    return value


def _parse_period(raw: object, field: str) -> HolidayPeriod:
    if not isinstance(raw, Mapping):
        raise ValidationError(field, raw, "应为含 name、first、last 的表")
    _reject_unknown(raw, _PERIOD_KEYS, f"{field}.")
    for key in _PERIOD_KEYS:
        if key not in raw:
            raise ValidationError(f"{field}.{key}", None, "缺少必填字段")
    name = _as_str(raw["name"], f"{field}.name")
    first, last = _as_date(raw["first"], f"{field}.first"), _as_date(raw["last"], f"{field}.last")
    try:
        return HolidayPeriod(name=name, first=first, last=last)
    except ValidationError as exc:
        raise ValidationError(f"{field}.{exc.field}", exc.value, exc.reason) from exc


@functools.cache
def bundled_notices() -> Mapping[int, YearNotice]:
    """chinese-calendar's data (2004 to its last year) as one ``YearNotice`` per year."""
    names = {h.value: _FULL_NAMES.get(h.chinese, h.chinese) for h in constants.Holiday}
    periods: dict[int, list[HolidayPeriod]] = {}
    run: list[date] = []
    for day in sorted(constants.holidays):
        if run and day.toordinal() != run[-1].toordinal() + 1:
            if _weekend_gap(run[-1], day):
                run.extend(
                    date.fromordinal(o) for o in range(run[-1].toordinal() + 1, day.toordinal())
                )
            else:
                _close_run(run, names, periods)
                run = []
        run.append(day)
    _close_run(run, names, periods)
    makeup: dict[int, list[date]] = {}
    for day, holiday in sorted(constants.workdays.items()):
        # A December make-up day for 元旦 is announced in the next year's notice.
        year = day.year + 1 if day.month == 12 and holiday == _NEW_YEAR else day.year
        makeup.setdefault(year, []).append(day)
    title = f"chinese-calendar {chinese_calendar.__version__} 收录的安排"
    return {
        year: YearNotice(
            year, tuple(found), tuple(makeup.get(year, ())), title=f"{title}（{year}）"
        )
        for year, found in sorted(periods.items())
    }


def _weekend_gap(before: date, after: date) -> bool:
    """Same holiday on both sides of a plain weekend: chinese-calendar left the weekend out."""
    gap = [date.fromordinal(o) for o in range(before.toordinal() + 1, after.toordinal())]
    same = constants.holidays[before] == constants.holidays[after]
    return same and all(d.weekday() >= 5 and d not in constants.workdays for d in gap)


def _close_run(
    run: list[date], names: Mapping[str, str], out: dict[int, list[HolidayPeriod]]
) -> None:
    """One run of consecutive days off; several holidays in one run give a combined name."""
    labels = dict.fromkeys(names[constants.holidays[d]] for d in run if d in constants.holidays)
    period = HolidayPeriod("、".join(labels), run[0], run[-1])
    out.setdefault(period.last.year, []).append(period)
