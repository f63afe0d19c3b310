"""When a notice may be sent: within the office hours of a working day (Asia/Shanghai).

A notice made at 23:00, or on a Sunday, waits for the opening of the next working day
(08:30 by default, ``Policy.office_hours``).  Pure: the time is passed in.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from appeal_core.deadlines import Workdays
from appeal_core.errors import CalendarDataMissing
from appeal_core.policy import Policy
from appeal_core.timeutil import SHANGHAI


def _clock(text: str) -> time:
    return time(int(text[:2]), int(text[3:]))


def _workday(calendar: Workdays, day: date) -> bool:
    try:
        return calendar.is_workday(day)
    except CalendarDataMissing:  # beyond the calendar's years: Monday to Friday
        return day.weekday() < 5


def next_office_time(at: datetime, calendar: Workdays, policy: Policy) -> datetime:
    """``at`` itself when it falls within office hours on a working day, else the next
    opening of a working day."""
    opening, closing = (_clock(t) for t in policy.office_hours)
    local = at.astimezone(SHANGHAI)
    day = local.date()
    if _workday(calendar, day) and local < datetime.combine(day, closing, SHANGHAI):
        return max(local, datetime.combine(day, opening, SHANGHAI))
    day += timedelta(days=1)
    for _ in range(400):  # a long holiday is at most a few weeks; 400 days is a safe bound
        if _workday(calendar, day):
            break
        day += timedelta(days=1)
    return datetime.combine(day, opening, SHANGHAI)
