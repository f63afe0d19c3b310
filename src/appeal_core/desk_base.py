"""The desk's core machinery: a store, the rules, the listeners, and one generic ``execute``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from appeal_core import commands as c
from appeal_core.actor import Actor, Role
from appeal_core.appeal import Appeal
from appeal_core.deadlines import Workdays
from appeal_core.decisions import Context, decide, decide_merge
from appeal_core.errors import ConcurrencyConflict, PermissionDenied, ValidationError
from appeal_core.events import Event
from appeal_core.history import evolve
from appeal_core.policy import Policy
from appeal_core.ports import Store, UnitOfWork
from appeal_core.registration import register_in

Listener = Callable[[Sequence[Event]], None]


class DeskBase:
    """Store, district, calendar, policy and listeners, and the generic command entry."""

    def __init__(
        self,
        store: Store,
        *,
        district: str = "HM",
        calendar: Workdays | None = None,
        policy: Policy | None = None,
        listeners: Iterable[Listener] = (),
    ) -> None:
        if not district.strip():
            raise ValidationError("district", district, "区县代码不能为空")
        if calendar is None:
            from appeal_core.calendar import china_calendar

            calendar = china_calendar()
        self.store = store
        self.district = district.strip()
        self.calendar = calendar
        self.policy = policy or Policy()
        self.listeners = list(listeners)

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

    def _notify(self, events: Sequence[Event]) -> None:
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

    def execute(
        self,
        command: c.Command | c.Register,
        *,
        at: datetime,
        by: Actor,
        expected_version: int | None = None,
    ) -> Appeal:
        """Carry out any command and return the state of the item it concerns.

        ``expected_version`` is the item's version the caller decided on: another version is a
        ``ConcurrencyConflict``.  Without it the desk reads the version as it starts, and a
        command whose ``at`` is earlier than a change made since is a ``ConcurrencyConflict``
        (someone acted at the same moment: retry), not a back-dated ``ValidationError``.
        """
        ctx = self._context(at, by)
        if isinstance(command, c.Register):
            return self._register(command, ctx)
        strict = expected_version is not None
        seen = (
            self.store.state(command.number).version
            if expected_version is None
            else expected_version
        )
        with self.store.unit_of_work() as uow:
            state = uow.state(command.number)
            if state.version != seen and (strict or ctx.at < state.updated_at):
                raise ConcurrencyConflict(state.number, seen, state.version)
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


def require_desk(by: Actor, action: str) -> None:
    """Refuse, naming the action, what only the desk (区服务企业办) may do."""
    if by.role is not Role.DESK:
        raise PermissionDenied(str(by), action, None, "只有区服务企业办可以办理")


def apply_events(state: Appeal, events: Sequence[Event]) -> Appeal:
    """The state after ``events``."""
    for event in events:
        state = evolve(state, event)
    return state
