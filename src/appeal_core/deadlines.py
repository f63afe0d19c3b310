"""Deadlines that explain themselves: one ``Deadline`` value used by desk, documents and sweep."""

from __future__ import annotations

import calendar as _month_calendar
from datetime import date
from typing import TYPE_CHECKING, Protocol

import attrs

from appeal_core.errors import ValidationError

if TYPE_CHECKING:
    from appeal_core.policy import Policy


class Workdays(Protocol):
    """What deadlines need of a work calendar (``appeal_core.calendar.WorkCalendar`` has it)."""

    def is_workday(self, d: date, /) -> bool: ...
    def add_workdays(self, d: date, n: int, /) -> date: ...
    def workdays_between(self, start: date, end: date, /) -> int: ...
    def skipped(self, start: date, end: date, /) -> tuple[object, ...]: ...
    def is_provisional(self, start: date, end: date, /) -> bool: ...
    def missing_years(self, start: date, end: date, /) -> tuple[int, ...]: ...


@attrs.frozen(kw_only=True)
class Deadline:
    """A due date with the rule that produced it and a Chinese explanation.

    ``provisional`` is True when the date was *counted* across days the calendar had no holiday
    notice for (it answered from weekdays alone) or only a provisional local arrangement; such a
    date may move once the notice is loaded.  A date a person gave (a committed date, an
    extension) is never provisional.  ``workdays`` is the count of a counted deadline (0 for a
    date a person gave), so it can be counted again with better data.

    ``paused`` is the number of working days the clock stood still (挂起, ``appeal_core.pause``),
    already in ``due``: a paused deadline is the ``workdays + paused``-th working day after
    ``start``; for a date a person gave, ``start`` is then that date and ``workdays`` 0.
    """

    due: date
    rule: str
    start: date
    explanation: str
    provisional: bool = False
    workdays: int = 0
    paused: int = 0

    def __str__(self) -> str:
        mark = "（暂定）" if self.provisional else ""
        return f"{self.due.isoformat()}{mark}"


def _skipped_text(calendar: Workdays, start: date, end: date) -> str:
    runs = calendar.skipped(start, end)
    return "；其间不计：" + "，".join(str(r) for r in runs) if runs else ""


def _provisional_text(calendar: Workdays, start: date, end: date) -> str:
    """Why a counted date is provisional (no notice, or only a local arrangement), or ``""``."""
    if not calendar.is_provisional(start, end):
        return ""
    missing = calendar.missing_years(start, end)
    if missing:
        years = "、".join(str(y) for y in missing)
        return f"。缺少 {years} 年的节假日安排，该期限按周一至周五暂算，载入后将重新计算"
    return "。该期限按本地临时节假日安排暂算，待载入国务院办公厅通知后重新计算"


def workday_deadline(
    calendar: Workdays, start: date, workdays: int, rule: str, what: str
) -> Deadline:
    """The ``workdays``-th working day after ``start`` (the start day itself never counts)."""
    due = calendar.add_workdays(start, workdays)
    provisional = calendar.is_provisional(start, due)
    text = (
        f"{what}：自 {start.isoformat()} 起算（当日不计），第 {workdays} 个工作日为 "
        f"{due.isoformat()}{_skipped_text(calendar, start, due)}"
        f"{_provisional_text(calendar, start, due)}"
    )
    return Deadline(
        due=due,
        rule=rule,
        start=start,
        explanation=text,
        provisional=provisional,
        workdays=workdays,
    )


def reply_deadline(
    calendar: Workdays, policy: Policy, assigned_on: date, complex_: bool
) -> Deadline:
    """The first reply deadline: final for routine items, preliminary for the others."""
    if complex_:
        return workday_deadline(
            calendar, assigned_on, policy.preliminary_workdays, "preliminary", "初步答复期限"
        )
    return workday_deadline(calendar, assigned_on, policy.reply_workdays, "reply", "答复期限")


def committed_deadline(
    calendar: Workdays,
    policy: Policy,
    *,
    assigned_on: date,
    committed: date,
    preliminary_due: date,
    category: str,
    paused: int = 0,
) -> Deadline:
    """The completion deadline a department commits to, checked against the rules.

    ``paused``: working days the clock stood still before the commitment (a statutory limit
    excludes them, as it excludes a 公示 or a 听证)."""
    if committed < preliminary_due:
        raise ValidationError(
            "committed_due",
            committed.isoformat(),
            f"承诺办结时间不得早于初步答复期限 {preliminary_due.isoformat()}",
        )
    limit = policy.statutory_limit(category)
    note = ""
    if limit is not None:
        cap = calendar.add_workdays(assigned_on, limit + paused)
        unsure = calendar.is_provisional(assigned_on, cap)
        if committed > cap and not unsure:
            raise ValidationError(
                "committed_due",
                committed.isoformat(),
                f"「{category}」类事项法定时限为 {limit} 个工作日，最迟 {cap.isoformat()}",
            )
        if unsure:  # the cap itself is counted across days without a notice: never refuse on it
            note = (
                f"；「{category}」类法定时限 {limit} 个工作日暂按周一至周五算至 {cap.isoformat()}"
                "，待载入当年节假日安排后请核对"
            )
        else:
            stood = f"，另加暂停计时 {paused} 个工作日" if paused else ""
            note = f"，未超过「{category}」类法定时限 {limit} 个工作日{stood}（{cap.isoformat()}）"
    text = f"办结期限：主办部门承诺于 {committed.isoformat()} 前办结{note}"
    return Deadline(due=committed, rule="committed", start=assigned_on, explanation=text)


def extended_deadline(current: Deadline, new_due: date, reason: str) -> Deadline:
    """A completion deadline moved by an approved extension, with its reason."""
    if new_due <= current.due:
        raise ValidationError(
            "new_due", new_due.isoformat(), f"延期后的期限应晚于原期限 {current.due.isoformat()}"
        )
    if not reason.strip():
        raise ValidationError("reason", reason, "延期必须说明理由")
    text = (
        f"办结期限：经批准由 {current.due.isoformat()} 延至 {new_due.isoformat()}，理由：{reason}"
    )
    return Deadline(due=new_due, rule="extended", start=current.start, explanation=text)


def last_workday_of_month(calendar: Workdays, year: int, month: int) -> date:
    """The last working day of a calendar month."""
    day = date(year, month, _month_calendar.monthrange(year, month)[1])
    while not calendar.is_workday(day):
        day = date.fromordinal(day.toordinal() - 1)
    return day


def escalation_deadline(calendar: Workdays, escalated_on: date) -> Deadline:
    """Settle within the month: the last working day of the escalation's month.

    Escalated after that month's last working day (say on its last weekend), the item is due
    on the last working day of the next month.
    """
    due = last_workday_of_month(calendar, escalated_on.year, escalated_on.month)
    rolled = ""
    if due < escalated_on:
        year, month = divmod(escalated_on.year * 12 + escalated_on.month, 12)
        due = last_workday_of_month(calendar, year, month + 1)
        rolled = "（报送时当月已无工作日，顺延至次月）"
    provisional = calendar.is_provisional(escalated_on, due)
    text = (
        f"协调期限：{escalated_on.isoformat()} 报区分管领导牵头办会，原则上当月协调解决，"
        f"期限为当月最后一个工作日 {due.isoformat()}{rolled}"
        f"{_provisional_text(calendar, escalated_on, due)}"
    )
    return Deadline(
        due=due, rule="escalation", start=escalated_on, explanation=text, provisional=provisional
    )


def co_report_deadline(
    calendar: Workdays, policy: Policy, *, start: date, lead: Deadline, what: str
) -> Deadline:
    """A co-handler's report deadline: ``policy.co_report_workdays`` working days before the
    lead's ``lead`` deadline, but not before the first working day after ``start`` (nor after
    the lead's own deadline)."""
    n = policy.co_report_workdays
    floor = calendar.add_workdays(start, 1)
    due = calendar.add_workdays(lead.due, -n) if n else lead.due
    note = ""
    if due < floor:
        due, note = min(floor, lead.due), "（不早于交办后第 1 个工作日）"
    explanation = (
        f"协办报送期限：主办部门{what}期限 {lead.due.isoformat()} 前 {n} 个工作日，为 "
        f"{due.isoformat()}{note}；协办部门须在此前向主办部门报送协办情况"
    )
    provisional = lead.provisional or calendar.is_provisional(min(start, due), lead.due)
    return Deadline(
        due=due, rule="co_report", start=start, explanation=explanation, provisional=provisional
    )
