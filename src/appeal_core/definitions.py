"""The figures' definitions (统计口径) as data: the options cities differ on, dated.

Every option has the seed-era behaviour as its default, so a district that sets nothing gets
the figures it always had.  A change is stored as a ``RulesAmended`` event effective from the
first day of a month (``@D:policy``); earlier months keep the rules they had, and a sealed month
keeps the rules recorded in its seal.  docs/metrics.md, "Definitions", describes each option and
the practice it comes from.
"""

from __future__ import annotations

import calendar as _months
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import attrs

from appeal_core.errors import ValidationError


def _flag(field: str) -> Any:
    def check(_: object, __: attrs.Attribute[bool], value: bool) -> None:
        if not isinstance(value, bool):
            raise ValidationError(field, value, "应为 true 或 false")

    return check


def _weight(_: object, __: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValidationError("policy.basically_satisfied_weight", value, "应为 0 到 1 之间的数")


def _start_day(_: object, __: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 28:
        raise ValidationError(
            "policy.period_start_day", value, "应为 1 到 28 之间的整数（1 表示自然月）"
        )


@attrs.frozen(kw_only=True)
class MetricsRules:
    """One set of definitions (口径) the monthly figures are computed under.

    - ``basically_satisfied_weight``: what a 基本满意 visit counts for in 满意度 (1 = as 满意);
    - ``valid_visits_only``: a visit where the enterprise could not be reached (无效回访) leaves
      the 回访 denominators (completion and satisfaction rates) instead of counting as unsolved
      and unsatisfied;
    - ``revisit_final``: once an item was re-handled (重新交办) and visited again, the earlier
      visit leaves the rates: the second evaluation is final;
    - ``split_late``: tables print 逾期办理 (finished after the deadline) beside 逾期未办;
    - ``extension_keeps_miss``: a completion deadline extended only after it had passed still
      counts, late, in the month it fell due (the extension does not erase the miss);
    - ``period_start_day``: the month's figures run from this day of the previous month to the
      day before it in the month (1: the calendar month).
    """

    basically_satisfied_weight: float = attrs.field(default=1.0, validator=_weight)
    valid_visits_only: bool = attrs.field(
        default=False, validator=_flag("policy.valid_visits_only")
    )
    revisit_final: bool = attrs.field(default=False, validator=_flag("policy.revisit_final"))
    split_late: bool = attrs.field(default=False, validator=_flag("policy.split_late"))
    extension_keeps_miss: bool = attrs.field(
        default=False, validator=_flag("policy.extension_keeps_miss")
    )
    period_start_day: int = attrs.field(default=1, validator=_start_day)

    def cutoff(self, year: int, month: int) -> date:
        """The last day counted in month ``year-month`` (its cut-off)."""
        if self.period_start_day == 1:
            return date(year, month, _months.monthrange(year, month)[1])
        return date(year, month, self.period_start_day) - timedelta(days=1)

    def lines(self) -> tuple[str, ...]:
        """Each option as one Chinese phrase, as every report prints them."""
        w = self.basically_satisfied_weight
        return (
            "按自然月统计" if self.period_start_day == 1
            else f"按上月{self.period_start_day}日至本月{self.period_start_day - 1}日统计",
            f"满意度：满意计1、基本满意计{w:g}、不满意计0",
            "无效回访（未联系上企业）不计入回访分母" if self.valid_visits_only
            else "无效回访（未联系上企业）计入回访分母，按未解决、不满意计",
            "重新办理后再次回访的，以再次回访为准" if self.revisit_final
            else "每次回访均计入",
            "逾期办理与逾期未办分列" if self.split_late else "只列逾期未办",
            "期限届满后批准的延期不消除原期限的逾期" if self.extension_keeps_miss
            else "以截止日有效的期限为准（含延期）",
        )  # fmt: skip

    def describe(self) -> str:
        """The definitions in one line: ``统计口径：统计期间：自然月；满意度：...``."""
        return "统计口径：" + "；".join(self.lines())


def as_dict(rules: MetricsRules) -> dict[str, Any]:
    """The definitions as a plain mapping (for JSON and digests)."""
    return attrs.asdict(rules)


def period(
    previous: MetricsRules, current: MetricsRules, year: int, month: int
) -> tuple[date, date]:
    """The first and last day of month ``year-month`` counted under ``current``, following the
    previous month counted under ``previous`` (a change of start day never counts a day twice or
    leaves one out: the month after the change is shorter or longer)."""
    prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
    first = previous.cutoff(prev_year, prev_month) + timedelta(days=1)
    return first, current.cutoff(year, month)


def first_of(text: str | date, field: str = "effective") -> date:
    """A month (``2027-01``, or the date of its first day) as the date of its first day."""
    if isinstance(text, date):
        if text.day != 1:
            raise ValidationError(
                field, text.isoformat(), "口径自某月起生效，请填写该月1日或 YYYY-MM"
            )
        return text
    try:
        year, month = (int(part) for part in str(text).strip().split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        raise ValidationError(field, text, "应写作 YYYY-MM，如 2027-01") from None


def in_force(
    amendments: Iterable[tuple[date, MetricsRules]], default: MetricsRules, year: int, month: int
) -> MetricsRules:
    """The rules for month ``year-month``: the latest amendment effective by its first day (in
    recording order among those of the same date), else ``default``."""
    first = date(year, month, 1)
    found, when = default, date.min
    for effective, rules in amendments:
        if effective <= first and effective >= when:
            found, when = rules, effective
    return found
