"""The desk's core machinery: a store, the rules, the listeners, and one generic ``execute``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import cast

from appeal_core import commands as c
from appeal_core.actor import Actor, Role
from appeal_core.appeal import Appeal
from appeal_core.calendar import OutsideCoverage, WorkCalendar, YearNotice
from appeal_core.deadlines import Workdays
from appeal_core.decisions import Context, decide, decide_merge
from appeal_core.errors import PermissionDenied, ValidationError
from appeal_core.events import Event
from appeal_core.history import evolve
from appeal_core.holidays import calendar_stream, district_calendar
from appeal_core.journal import JournalEvent, NoticeLoaded
from appeal_core.policy import Policy
from appeal_core.ports import Store, UnitOfWork
from appeal_core.registration import register_in

#: Called with the committed events of each command: item events and journal events.
Listener = Callable[[Sequence[Event | JournalEvent]], None]


class DeskBase:
    """Store, district, calendar, policy and listeners, and the generic command entry.

    Without ``calendar`` the desk uses the district's calendar in force: chinese-calendar's
    data, then ``notices`` (e.g. from a plugin), then the notices loaded into the store (read
    again whenever another process loads one).  Beyond its years, deadlines are counted from
    Monday to Friday and marked provisional (``outside="weekdays"``, the default), or refused
    (``outside="raise"``).  A ``calendar`` given is used as it is.
    """

    def __init__(
        self,
        store: Store,
        *,
        district: str = "HM",
        calendar: Workdays | None = None,
        policy: Policy | None = None,
        listeners: Iterable[Listener] = (),
        notices: Iterable[YearNotice] = (),
        outside: OutsideCoverage | str = OutsideCoverage.WEEKDAYS,
    ) -> None:
        if not district.strip():
            raise ValidationError("district", district, "区县代码不能为空")
        self.store = store
        self.district = district.strip()
        self.policy = policy or Policy()
        self.listeners = list(listeners)
        self._given = calendar
        self._notices = tuple(notices)
        try:
            self._outside = OutsideCoverage(outside)
        except ValueError:
            raise ValidationError("outside", outside, "应为 'raise' 或 'weekdays'") from None
        self._built: tuple[tuple[NoticeLoaded, ...], WorkCalendar] | None = None

    @property
    def calendar(self) -> Workdays:
        """The work calendar commands count with (the one given, or the district's in force)."""
        if self._given is not None:
            return self._given
        loaded = cast(tuple[NoticeLoaded, ...], self.store.journal(calendar_stream(self.district)))
        if self._built is None or self._built[0] != loaded:
            built = district_calendar(loaded, base=self._notices, outside=self._outside)
            self._built = (loaded, built)
        return self._built[1]

    @calendar.setter
    def calendar(self, calendar: Workdays) -> None:
        self._given = calendar

    # -- reading ---------------------------------------------------------------------------

    def get(self, number: str) -> Appeal:
        """The item's current state; ``AppealNotFound`` when no such number is registered."""
        return self.store.state(number)

    def history(self, number: str) -> tuple[Event, ...]:
        """The item's events, oldest first (the audit trail)."""
        return self.store.events(number)

    # -- the generic entry -----------------------------------------------------------------

    def _context(self, at: datetime, by: Actor) -> Context:
        return Context(at=at, by=by, calendar=self.calendar, policy=self.policy)

    def _notify(self, events: Sequence[Event | JournalEvent]) -> None:
        for listener in self.listeners:
            listener(events)

    def _register(self, command: c.Register, ctx: Context) -> Appeal:
        with self.store.unit_of_work() as uow:
            state, event = register_in(
                uow, command, ctx, district=self.district, policy=self.policy
            )
        if event is not None:
            self._notify((event,))
        return state

    def execute(self, command: c.Command | c.Register, *, at: datetime, by: Actor) -> Appeal:
        """Carry out any command and return the state of the item it concerns."""
        ctx = self._context(at, by)
        if isinstance(command, c.Register):
            return self._register(command, ctx)
        with self.store.unit_of_work() as uow:
            state = uow.state(command.number)
            if isinstance(command, c.Merge):
                events = self._merge(uow, state, command, ctx)
            else:
                events = decide(state, command, ctx)
                new = apply_events(state, events)
                uow.append(state.number, state.version, events, new)
        self._notify(events)
        return self.store.state(command.number)

    @staticmethod
    def _merge(uow: UnitOfWork, state: Appeal, command: c.Merge, ctx: Context) -> tuple[Event, ...]:
        primary = uow.state(command.into)
        events = decide_merge(state, primary, command, ctx)
        for item in (state, primary):
            own = tuple(ev for ev in events if ev.number == item.number)
            uow.append(item.number, item.version, own, apply_events(item, own))
        return events

    # -- one method per use case -----------------------------------------------------------


def require_desk(by: Actor, action: str, desk: str = "区服务企业办") -> None:
    """Refuse, naming the action, what only the desk may do (``desk``: the district's name)."""
    if by.role is not Role.DESK:
        raise PermissionDenied(str(by), action, None, f"只有{desk}可以办理")


def apply_events(state: Appeal, events: Sequence[Event]) -> Appeal:
    """The state after ``events``."""
    for event in events:
        state = evolve(state, event)
    return state
