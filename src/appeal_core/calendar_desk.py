"""The desk's calendar use cases: load a year's notice, see what it moves, re-date, list guesses.

Functions over a desk's parts, behind thin ``Desk`` methods.  Loading never rewrites a deadline:
it returns the impact report, and the desk applies the re-dating per item (``Redated`` events
with the notice as their reason), so closed months keep the deadlines that were in force then.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime

from appeal_core import commands as c
from appeal_core.actor import Actor
from appeal_core.appeal import Appeal
from appeal_core.calendar import WorkCalendar, YearNotice
from appeal_core.desk_base import DeskBase, require_desk
from appeal_core.errors import ValidationError
from appeal_core.holidays import calendar_stream, candidates, in_force, record_notice
from appeal_core.holidays import uncertain_from as _uncertain_from
from appeal_core.journal import NoticeLoaded
from appeal_core.notice import bundled_notices
from appeal_core.redating import Moved, impact, moves, provisional_deadlines


def loaded(desk: DeskBase) -> tuple[NoticeLoaded, ...]:
    """Every notice load of the desk's district, oldest first (corrections included)."""
    events = desk.store.journal(calendar_stream(desk.district))
    return tuple(e for e in events if isinstance(e, NoticeLoaded))


def load_notice(
    desk: DeskBase,
    notice: YearNotice,
    *,
    at: datetime,
    by: Actor,
    source: str = "",
    force: bool = False,
    reason: str = "",
) -> tuple[Moved, ...]:
    """Store ``notice`` for the district (refusing what is plainly not a State Council notice
    unless forced with a reason); returns what it moves among the open items."""
    require_desk(by, "载入节假日安排", desk.policy.identity.desk)
    _check_contiguous(desk, notice)
    with desk.store.unit_of_work() as uow:
        event = record_notice(
            uow, desk.district, notice, at=at, by=by, source=source, force=force, reason=reason
        )
    desk._notify((event,))
    return calendar_impact(desk, since=date(notice.year - 1, 12, 1))


def _check_contiguous(desk: DeskBase, notice: YearNotice) -> None:
    """Refuse a notice that would leave a year without data between the known ones (a 2028
    notice before 2027's): the calendar's years must follow one another."""
    years = {*bundled_notices(), *(n.year for n in desk._notices)}
    years.update(e.notice.year for e in loaded(desk))
    first, last = min(years), max(years)
    if not first - 1 <= notice.year <= last + 1:
        missing = last + 1 if notice.year > last else first - 1
        raise ValidationError(
            "year",
            notice.year,
            f"工作日历现有 {first} 至 {last} 年的安排，缺少 {missing} 年；"
            f"请先载入 {missing} 年的节假日安排，年份须前后相接",
        )


def _since(desk: DeskBase) -> date:
    calendar = desk.calendar
    if isinstance(calendar, WorkCalendar):
        return _uncertain_from(calendar, loaded(desk))
    return date.min


def calendar_impact(desk: DeskBase, since: date | None = None) -> tuple[Moved, ...]:
    """Every counted deadline of an open item that the calendar in force now moves or makes
    final (the impact report), for deadlines on or after ``since`` (default: all uncertain)."""
    found = candidates(desk.store, desk.district, since or _since(desk))
    return impact(found, desk.calendar, desk.policy)


def provisional_items(desk: DeskBase) -> Iterator[Appeal]:
    """Open items with a provisional deadline (counted without a State Council notice)."""
    for state in candidates(desk.store, desk.district, _since(desk)):
        if provisional_deadlines(state):
            yield state


def default_reason(desk: DeskBase) -> str:
    """The re-dating reason: the notices in force that are not built in."""
    current = in_force(loaded(desk)).values()
    named = [
        f"{e.notice.document_number or e.notice.title or e.notice.year}"
        + ("（本地临时安排）" if e.provisional else "")
        for e in current
    ]
    return "依据载入的节假日安排重新计算期限" + (f"：{'、'.join(named)}" if named else "")


def redate(
    desk: DeskBase,
    numbers: Sequence[str] | None = None,
    *,
    at: datetime,
    by: Actor,
    reason: str = "",
) -> tuple[Moved, ...]:
    """Apply the impact report: count again the deadlines of ``numbers`` (default: every item
    the report lists), one ``Redated`` event per item (each its own transaction: after an
    error, running it again applies the rest); returns what moved."""
    require_desk(by, "重新计算期限", desk.policy.identity.desk)
    reason = reason.strip() or default_reason(desk)
    if numbers is None:
        numbers = list(dict.fromkeys(m.number for m in calendar_impact(desk)))
    done: list[Moved] = []
    for number in numbers:
        planned = moves(desk.get(number), desk.calendar, desk.policy)
        desk.execute(c.Redate(number=number, reason=reason), at=at, by=by)
        done.extend(planned)
    return tuple(done)
