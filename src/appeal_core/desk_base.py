"""The desk's core machinery: a store, the rules, the listeners, and one generic ``execute``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import cast

from appeal_core import commands as c
from appeal_core.actor import Actor, Role
from appeal_core.appeal import Appeal
from appeal_core.calendar import OutsideCoverage, WorkCalendar, YearNotice
from appeal_core.deadlines import Workdays
from appeal_core.decisions import Context, decide, decide_merge
from appeal_core.departments import Registry
from appeal_core.errors import ConcurrencyConflict, PermissionDenied, ValidationError
from appeal_core.events import Event
from appeal_core.history import evolve
from appeal_core.holidays import calendar_stream, district_calendar
from appeal_core.journal import CorrectedItem, JournalEvent, NoticeLoaded
from appeal_core.lifecycle import rule_for
from appeal_core.policy import Policy
from appeal_core.ports import Store, UnitOfWork
from appeal_core.registration import register_in
from appeal_core.registry import actor_in, current, departments_stream, normalise
from appeal_core.sealing import Pending, admit, months_stream

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
        self._streams: dict[str, tuple[int, tuple[JournalEvent, ...]]] = {}

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

    def stream(self, key: str) -> tuple[JournalEvent, ...]:
        """A journal stream's events; read again only when it grew, on a store that tells a
        stream's length cheaply (``journal_version``: the SQL stores)."""
        length = getattr(self.store, "journal_version", None)
        if length is None:
            return self.store.journal(key)
        known = self._streams.get(key)
        if known is not None and known[0] == length(key):
            return known[1]
        events = self.store.journal(key)
        self._streams[key] = (len(events), events)
        return events

    @property
    def registry(self) -> Registry:
        """The department registry in force (``appeal_core.departments``; empty: none)."""
        return current(self.stream(departments_stream(self.district)))

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

    def sealed_guard(
        self, ctx: Context, uow: UnitOfWork | None = None, *, day: date | None = None
    ) -> Pending | None:
        """Refuse a command dated on or before a sealed month's cut-off, unless it is made as
        a correction (``Desk.correction``): then the correction to record with it.  ``day`` is
        the earliest day the command dates a fact on when earlier than its own (a pause's start,
        a resumption's day: ``commands.reaches_back``).

        Inside a unit of work the sealed months are read again when the stream grew since the
        desk last read it (a seal another process made meanwhile): on SQLite, whose write
        transaction holds the lock from its start, no command can slip past a seal.
        """
        key = months_stream(self.district)
        events = self.stream(key)
        if uow is not None:
            length = getattr(uow, "journal_version", None)
            if length is None or length(key) != len(events):
                events = uow.journal(key)
        return admit(events, self.district, day or ctx.today, ctx.by)

    def _register(self, command: c.Register, ctx: Context) -> Appeal:
        self.sealed_guard(ctx)  # refused before any number is reserved
        recorded: list[Event | JournalEvent] = []
        with self.store.unit_of_work() as uow:
            pending = self.sealed_guard(ctx, uow)
            state, event = register_in(
                uow, command, ctx, district=self.district, policy=self.policy
            )
            if event is not None:
                recorded.append(event)
                if pending is not None:
                    item = CorrectedItem(number=state.number, first=1, last=1, action="登记")
                    recorded.append(pending.record(uow, (item,)))
        if recorded:
            self._notify(recorded)
        return state

    def execute(
        self,
        command: c.Command | c.Register,
        *,
        at: datetime,
        by: Actor,
        expected_version: int | None = None,
    ) -> Appeal:
        """Carry out any command and return the state of the item it concerns.

        Every command passes here: department names are checked against the registry (and
        written as official names), and a command dated in a sealed month is refused unless it
        is made as a correction (recorded with it).

        ``expected_version`` is the item's version the caller decided on: another version is a
        ``ConcurrencyConflict``.  Without it the desk reads the version as it starts, and a
        command whose ``at`` is earlier than a change made since is a ``ConcurrencyConflict``
        (someone acted at the same moment: retry), not a back-dated ``ValidationError``.
        """
        registry = self.registry
        ctx = self._context(at, actor_in(registry, by))
        command = normalise(registry, command)
        if isinstance(command, c.Register):
            return self._register(command, ctx)
        earliest = min((ctx.today, *c.reaches_back(command)))  # a pause's start, a resumption
        self.sealed_guard(ctx, day=earliest)
        strict = expected_version is not None
        seen = (
            self.store.state(command.number).version
            if expected_version is None
            else expected_version
        )
        recorded: list[Event | JournalEvent] = []
        with self.store.unit_of_work() as uow:
            pending = self.sealed_guard(ctx, uow, day=earliest)
            state = uow.state(command.number)
            if state.version != seen and (strict or ctx.at < state.updated_at):
                raise ConcurrencyConflict(state.number, seen, state.version)
            if isinstance(command, c.Merge):
                changed = self._merge(uow, state, command, ctx)
            else:
                events = decide(state, command, ctx)
                uow.append(state.number, state.version, events, apply_events(state, events))
                changed = [(state, events)]
            for _, own in changed:
                recorded.extend(own)
            if pending is not None:
                action = rule_for(command).action
                items = [CorrectedItem(number=item.number, first=item.version + 1,
                                       last=item.version + len(own), action=action)
                         for item, own in changed if own]  # fmt: skip
                recorded.append(pending.record(uow, items))
        self._notify(recorded)
        return self.store.state(command.number)

    @staticmethod
    def _merge(
        uow: UnitOfWork, state: Appeal, command: c.Merge, ctx: Context
    ) -> list[tuple[Appeal, tuple[Event, ...]]]:
        primary = uow.state(command.into)
        events = decide_merge(state, primary, command, ctx)
        changed = []
        for item in (state, primary):
            own = tuple(ev for ev in events if ev.number == item.number)
            uow.append(item.number, item.version, own, apply_events(item, own))
            changed.append((item, own))
        return changed

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
