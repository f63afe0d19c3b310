"""Holiday notices kept in the store: loaded once, seen by every process that opens it.

A year's notice is a ``NoticeLoaded`` event in the district's ``@D:calendar`` stream (who loaded
it, when, from which document).  For each year the latest load is in force from its own time, so
a correction (the 2020 Spring Festival extension came after the notice) is a second load.
``district_calendar`` builds the work calendar from chinese-calendar's data, the notices a plugin
supplies and the stored ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from appeal_core.actor import Actor
from appeal_core.appeal import Appeal
from appeal_core.calendar import OutsideCoverage, WorkCalendar, YearNotice, china_calendar
from appeal_core.errors import ValidationError
from appeal_core.journal import NoticeLoaded, stream_key
from appeal_core.notice import official_problem
from appeal_core.ports import Store, UnitOfWork

KIND = "calendar"


def calendar_stream(district: str) -> str:
    """The stream of a district's loaded notices: ``@HM:calendar``."""
    return stream_key(district, KIND)


def in_force(loaded: Iterable[NoticeLoaded]) -> dict[int, NoticeLoaded]:
    """For each year, the load in force now: the latest one (events are in load order)."""
    latest: dict[int, NoticeLoaded] = {}
    for event in loaded:
        latest[event.notice.year] = event
    return dict(sorted(latest.items()))


def district_calendar(
    loaded: Iterable[NoticeLoaded],
    *,
    base: Sequence[YearNotice] = (),
    outside: OutsideCoverage | str = OutsideCoverage.WEEKDAYS,
) -> WorkCalendar:
    """The calendar in force: chinese-calendar's data, then ``base`` (e.g. a plugin's notices),
    then the stored loads (the latest per year); years loaded with ``force`` stay provisional."""
    current = in_force(loaded)
    notices = [*base, *(event.notice for event in current.values())]
    unsure = [year for year, event in current.items() if event.provisional]
    return china_calendar(notices=notices, outside=outside, provisional_years=unsure)


def check_loadable(notice: YearNotice, *, force: bool, reason: str) -> None:
    """Refuse what is plainly not a State Council notice, unless forced with a reason."""
    if force:
        if not reason.strip():
            raise ValidationError("reason", reason, "强制载入本地临时安排时必须说明原因")
        return
    problem = official_problem(notice)
    if problem is not None:
        hint = (
            "；如确需载入本地临时安排，请使用 --force 并以 --reason 说明原因"
            "（载入后将标为临时安排，期限均为暂定）"
        )
        raise ValidationError(problem.field, problem.value, problem.reason + hint)


def record_notice(
    uow: UnitOfWork,
    district: str,
    notice: YearNotice,
    *,
    at: datetime,
    by: Actor,
    source: str = "",
    force: bool = False,
    reason: str = "",
) -> NoticeLoaded:
    """Append the load of ``notice`` to the district's calendar stream; the event."""
    check_loadable(notice, force=force, reason=reason)
    stream = calendar_stream(district)
    loaded = uow.journal(stream)
    event = NoticeLoaded(
        stream=stream,
        at=at,
        by=by,
        notice=notice,
        source=source.strip(),
        provisional=force,
        reason=reason.strip(),
    )
    uow.append_journal(stream, len(loaded), (event,))
    return event


def uncertain_from(calendar: WorkCalendar, loaded: Iterable[NoticeLoaded]) -> date:
    """The first day a deadline may have been counted without a State Council notice: the
    first year after the built-in data, or an earlier year loaded into the store."""
    years = {calendar.coverage[1].year + 1, *calendar.provisional_years}
    years.update(event.notice.year for event in loaded)
    return date(min(years) - 1, 12, 1)  # a 元旦 period may start in the December before


def candidates(store: Store, district: str, since: date) -> Iterator[Appeal]:
    """Open items of ``district`` with a current deadline on or after ``since``.

    SQL stores answer from their deadline columns (``numbers_due_from``); others are scanned.
    """
    find = getattr(store, "numbers_due_from", None)
    if find is not None:
        return (store.state(number) for number in find(since, district))
    return (s for s in store.states(district) if s.status.is_open and _latest(s) >= since)


def _latest(state: Appeal) -> date:
    escalation = state.escalation
    dues = [d.due for d in (state.reply_due, state.completion_due) if d is not None]
    if escalation is not None and escalation.is_open:
        dues.append(escalation.due.due)
    return max(dues, default=date.min)
