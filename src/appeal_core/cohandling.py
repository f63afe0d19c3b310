"""The co-handling section of the monthly figures: per co-handling department, its reports to
the lead departments that fell due in the month, and how many came on time.

Beside the lead departments' figures (``metrics``), never inside them.  One rule, for memory
and SQL alike: a co-handler's report deadline in force at the cut-off (set by then; moved by a
pause from the day it moved), falling in the month, counts as due unless the co-handler's part
ended first without its report (the item handed over, the lead's final reply, the item closed
or merged) on or before the deadline; it is on time when the first report of that cycle came
on or before the deadline.  ``overdue_open`` counts at the cut-off the reports past their
deadline, not yet sent, in a cycle still running.  Formulas: docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import attrs

from appeal_core import events as e
from appeal_core.metrics import month_bounds, rate
from appeal_core.timeutil import local_date

#: The counts of ``CoHandlingFigures``, in order (SQL stores return them by these names).
CO_COUNTS = ("reports_due", "on_time", "overdue_open")


@attrs.frozen(kw_only=True)
class CoDueRow:
    """One co-handler's report deadline in one responsibility cycle, as set on ``changed``,
    with the cycle's start, the day the co-handler's part ended and its first report."""

    number: str
    district: str
    cycle: int
    department: str
    order: int  # 1, 2, ... within (cycle, department)
    changed: date
    due: date
    started: date
    ended: date | None = None
    reported: date | None = None


def co_rows(history: Sequence[e.Event]) -> tuple[CoDueRow, ...]:
    """The co-handlers' deadline rows of one item, from its full history (oldest first)."""
    first = history[0]
    assert isinstance(first, e.Registered), first
    rows: list[CoDueRow] = []
    cycle, started = 0, date.min
    co: tuple[str, ...] = ()
    ended: date | None = None
    reported: dict[str, date] = {}

    def close() -> None:
        nonlocal rows
        rows = [
            attrs.evolve(r, ended=ended, reported=reported.get(r.department))
            if r.cycle == cycle else r
            for r in rows
        ]  # fmt: skip

    def set_dues(day: date, dues: e.CoDues) -> None:
        for department, deadline in dues:
            if department not in co:
                continue
            order = 1 + sum(1 for r in rows if r.cycle == cycle and r.department == department)
            rows.append(CoDueRow(number=first.number, district=first.district, cycle=cycle,
                                 department=department, order=order, changed=day,
                                 due=deadline.due, started=started))  # fmt: skip

    for ev in history[1:]:
        day = local_date(ev.at)
        match ev:
            case e.Assigned() | e.Reassigned() | e.Reopened():
                if cycle:
                    ended = ended or day
                    close()
                co = co if isinstance(ev, e.Reopened) else ev.co
                cycle, started, ended, reported = cycle + 1, day, None, {}
                set_dues(day, ev.co_dues)
            case e.PreliminaryReplied() | e.Paused() | e.Resumed() | e.Redated() if cycle:
                set_dues(day, ev.co_dues)
            case e.CoHandlerReported(department=department) if cycle:
                reported.setdefault(department, day)
            case e.Replied() | e.Returned() | e.Characterized() | e.Merged() | e.Closed():
                if cycle and ended is None:
                    ended = day
    if cycle:
        close()
    return tuple(rows)


@attrs.frozen(kw_only=True)
class CoHandlingFigures:
    """One co-handling department's (or the district's) reports for a month."""

    department: str
    reports_due: int = 0
    on_time: int = 0
    overdue_open: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Reports on time / reports due (协办按时报送率); None when none fell due."""
        return rate(self.on_time, self.reports_due)

    def __add__(self, other: CoHandlingFigures) -> CoHandlingFigures:
        return CoHandlingFigures(
            department=self.department,
            **{k: getattr(self, k) + getattr(other, k) for k in CO_COUNTS},
        )


@attrs.frozen(kw_only=True)
class CoHandlingReport:
    """The month's co-handling section: departments by name, and the district total."""

    year: int
    month: int
    departments: tuple[CoHandlingFigures, ...]
    total: CoHandlingFigures


def _in_force(rows: Sequence[CoDueRow], cutoff: date) -> list[CoDueRow]:
    """Per (item, cycle, department), the deadline row in force at ``cutoff``."""
    latest: dict[tuple[str, int, str], CoDueRow] = {}
    for r in rows:
        if r.changed <= cutoff:
            key = (r.number, r.cycle, r.department)
            if key not in latest or latest[key].order < r.order:
                latest[key] = r
    return list(latest.values())


def co_counts(rows: Iterable[CoDueRow], first: date, last: date) -> dict[str, dict[str, int]]:
    """Per co-handling department, the ``CO_COUNTS`` of the month from ``first`` to ``last``
    (its period, as the month's figures count it: the rule in the module doc)."""
    out: dict[str, dict[str, int]] = {}
    for r in _in_force(list(rows), last):
        reported = r.reported if r.reported is not None and r.reported <= last else None
        ended = r.ended if r.ended is not None and r.ended <= last else None
        counts = out.setdefault(r.department, dict.fromkeys(CO_COUNTS, 0))
        if first <= r.due <= last and not (ended and not reported and ended <= r.due):
            counts["reports_due"] += 1
            counts["on_time"] += reported is not None and reported <= r.due
        if r.due <= last and reported is None and ended is None:
            counts["overdue_open"] += 1
    return out


def co_report_from_counts(
    counts: Mapping[str, Mapping[str, int]], *, year: int, month: int
) -> CoHandlingReport:
    """The section from per-department counts (from ``co_counts`` or a SQL store)."""
    departments = tuple(
        CoHandlingFigures(department=d, **{k: int(c.get(k, 0)) for k in CO_COUNTS})
        for d, c in sorted(counts.items())
        if any(c.get(k, 0) for k in CO_COUNTS)  # a department with nothing to count is left out
    )
    total = sum(departments, CoHandlingFigures(department="全区合计"))
    return CoHandlingReport(year=year, month=month, departments=departments, total=total)


def co_handling_report(
    histories: Iterable[Sequence[e.Event]],
    *,
    year: int,
    month: int,
    bounds: tuple[date, date] | None = None,
) -> CoHandlingReport:
    """The month's co-handling section from the items' event histories; ``bounds`` is the
    month's period when the figures count another than the calendar month."""
    first, last = bounds or month_bounds(year, month)
    rows = (r for h in histories if h for r in co_rows(h))
    return co_report_from_counts(co_counts(rows, first, last), year=year, month=month)
