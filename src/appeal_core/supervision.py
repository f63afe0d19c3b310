"""The briefing's supervision list (逾期及存量事项督办清单) as of a month's cut-off.

The same items the month's 存量 and 逾期未办 count (``metrics.stock_at``), each as it stood on
the cut-off: events dated later did not exist yet, so a month reprinted after a reply shows
the same list.  Days overdue are working days (the desk's calendar) after the deadline, up to
and including the cut-off; where the calendar lacks a year the count covers the known days
only and is marked as a lower bound.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import attrs

from appeal_core import events as e
from appeal_core.deadlines import Workdays
from appeal_core.errors import CalendarDataMissing
from appeal_core.history import fold
from appeal_core.metrics import month_bounds, stock_at
from appeal_core.ports import Store
from appeal_core.projection import project
from appeal_core.timeutil import local_date


@attrs.frozen(kw_only=True)
class Supervised:
    """One line of the supervision list."""

    number: str
    enterprise: str
    lead: str
    due: date | None  # the deadline chased at the cut-off
    overdue: bool
    workdays_late: int = 0  # working days after ``due`` up to the cut-off
    at_least: bool = False  # True: the calendar lacked data, the real count may be higher


def workdays_late(calendar: Workdays, due: date, on: date) -> tuple[int, bool]:
    """Working days w with due < w <= on, and whether that is only a lower bound."""
    if on <= due:
        return 0, False
    try:
        return calendar.workdays_between(due, on), False
    except CalendarDataMissing as exc:
        known = calendar.workdays_between(due, exc.last) if due < exc.last else 0
        return known, True


def supervised(history: Sequence[e.Event], on: date, calendar: Workdays) -> Supervised | None:
    """The item's line on the list of the cut-off ``on``, or None when it was not in stock."""
    known = [ev for ev in history if local_date(ev.at) <= on]
    if not known:
        return None
    held = stock_at(project(known), on)
    if held is None:
        return None
    late, at_least = workdays_late(calendar, held.due, on) if held.due else (0, False)
    return Supervised(
        number=held.number, enterprise=fold(known).enterprise.name, lead=held.lead,
        due=held.due, overdue=held.overdue, workdays_late=late if held.overdue else 0,
        at_least=at_least and held.overdue,
    )  # fmt: skip


def supervision_list(
    store: Store,
    district: str,
    year: int,
    month: int,
    calendar: Workdays,
    on: date | None = None,
) -> tuple[Supervised, ...]:
    """Every stock item of the month at its cut-off ``on`` (default: the calendar month's last
    day): overdue first (most working days late
    first), then by deadline and number.

    A store with ``stock_numbers(on, district)`` (the SQL stores: an indexed query) names the
    candidates; otherwise every item of the district is read.
    """
    on = on or month_bounds(year, month)[1]
    finder = getattr(store, "stock_numbers", None)
    numbers: Iterable[str] = finder(on, district) if finder else store.numbers(district)
    lines = [s for n in numbers if (s := supervised(store.events(n), on, calendar))]
    return tuple(sorted(lines, key=_order))


def _order(s: Supervised) -> tuple[bool, int, date, str]:
    return (not s.overdue, -s.workdays_late, s.due or date.max, s.number)
