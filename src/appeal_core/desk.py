"""The desk: one method per use case, each a unit of work over the store port.

A method loads the item, lets the lifecycle decide, appends the events with the new state
in one transaction, tells the listeners, and returns the new state.  A refused command
raises a typed error and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from appeal_core import calendar_desk, review
from appeal_core import commands as c
from appeal_core.actor import Actor
from appeal_core.announcements import announce
from appeal_core.appeal import Appeal, Assumption, Channel, Complexity, RedLine, Satisfaction
from appeal_core.calendar import YearNotice
from appeal_core.desk_base import Listener, apply_events, require_desk
from appeal_core.desk_intake import IntakeDesk
from appeal_core.enterprise import Enterprise
from appeal_core.errors import ValidationError
from appeal_core.events import Event, Noticed
from appeal_core.journal import JournalEvent, NoticeLoaded
from appeal_core.metrics import MonthlyReport, monthly_report, report_from_counts
from appeal_core.redating import Moved
from appeal_core.supervision import Supervised, supervision_list
from appeal_core.sweep import Action
from appeal_core.sweep import sweep as sweep_actions
from appeal_core.timeutil import local_date

__all__ = ["Desk", "Listener"]


class Desk(IntakeDesk):
    """The district's enterprise-service desk, working through a store.

    ``calendar`` defaults to the Chinese work calendar (``china_calendar()``), ``policy`` to
    the seed's numbers.  ``listeners`` are called with the committed events of each command.
    """

    def register(
        self,
        *,
        enterprise: Enterprise,
        content: str,
        channel: Channel | str,
        at: datetime,
        by: Actor,
        source_id: str = "",
        reported_at: datetime | None = None,
        assumptions: Sequence[Assumption] = (),
    ) -> Appeal:
        """Register a reported problem under the next gap-free number of this district and year.

        Registration never refuses a problem (百分之百受理): only malformed values are refused.
        Values taken under an assumption go with it to the review queue (``review_queue``).
        """
        command = c.Register(
            enterprise=enterprise,
            content=content,
            channel=Channel(channel),
            source_id=source_id,
            reported_at=reported_at,
            assumptions=tuple(assumptions),
        )
        return self.execute(command, at=at, by=by)

    def review_queue(
        self, *, after: str | None = None, limit: int | None = None
    ) -> tuple[review.ReviewEntry, ...]:
        """Values registered under an assumption, awaiting the desk, in registration order.

        One entry per assumed value; ``after`` (an item number) and ``limit`` (items) page it.
        """
        return review.queue(self.store, self.district, after=after, limit=limit)

    def confirm(
        self, number: str, *, at: datetime, by: Actor, field: str = "", note: str = ""
    ) -> Appeal:
        """Confirm an assumed value of the item (``field``; empty: every one still pending)."""
        command = c.ConfirmAssumption(number=number, field=field, note=note)
        return self.execute(command, at=at, by=by)

    def correct(
        self, number: str, *, field: str, value: str, at: datetime, by: Actor, note: str = ""
    ) -> Appeal:
        """Correct an assumed value: the item's ``field`` takes ``value`` (``review.FIELDS``)."""
        command = c.CorrectAssumption(number=number, field=field, value=value, note=note)
        return self.execute(command, at=at, by=by)

    def verify(self, number: str, *, at: datetime, by: Actor, note: str = "") -> Appeal:
        """Record that the desk confirmed the problem with the enterprise."""
        return self.execute(c.Verify(number=number, note=note), at=at, by=by)

    def classify(
        self, number: str, *, category: str, complexity: Complexity | str, at: datetime, by: Actor
    ) -> Appeal:
        """Set category and complexity (routine, complex, statutory)."""
        command = c.Classify(number=number, category=category, complexity=Complexity(complexity))
        return self.execute(command, at=at, by=by)

    def assign(
        self, number: str, *, lead: str, co: Sequence[str] = (), at: datetime, by: Actor
    ) -> Appeal:
        """Hand the item to a lead department; its reply deadline starts the next working day."""
        return self.execute(c.Assign(number=number, lead=lead, co=co), at=at, by=by)

    def send_back(self, number: str, *, reason: str, at: datetime, by: Actor) -> Appeal:
        """The lead department returns the item to the desk, with its reason."""
        return self.execute(c.SendBack(number=number, reason=reason), at=at, by=by)

    def reassign(
        self,
        number: str,
        *,
        lead: str,
        reason: str,
        at: datetime,
        by: Actor,
        co: Sequence[str] = (),
    ) -> Appeal:
        """Move the item to another lead department, with fresh deadlines."""
        command = c.Reassign(number=number, lead=lead, co=co, reason=reason)
        return self.execute(command, at=at, by=by)

    def report_to_lead(self, number: str, *, text: str, at: datetime, by: Actor) -> Appeal:
        """A co-handling department reports its part to the lead department."""
        return self.execute(c.ReportToLead(number=number, text=text), at=at, by=by)

    def reply(
        self,
        number: str,
        *,
        text: str,
        at: datetime,
        by: Actor,
        preliminary: bool = False,
        committed_due: date | None = None,
        contact: str = "",
        phone: str = "",
    ) -> Appeal:
        """The lead department answers: finally, or preliminarily with a committed date."""
        command: c.Command
        if preliminary:
            if committed_due is None:
                raise ValidationError("committed_due", None, "初步答复必须填写承诺办结时间")
            command = c.ReplyPreliminary(
                number=number, text=text, committed_due=committed_due, contact=contact, phone=phone
            )
        else:
            command = c.ReplyFinal(number=number, text=text, contact=contact, phone=phone)
        return self.execute(command, at=at, by=by)

    def extend(self, number: str, *, new_due: date, reason: str, at: datetime, by: Actor) -> Appeal:
        """Approve a later completion deadline, recording why."""
        return self.execute(c.Extend(number=number, new_due=new_due, reason=reason), at=at, by=by)

    def escalate(self, number: str, *, leader: str, reason: str, at: datetime, by: Actor) -> Appeal:
        """Take the item to the district leader in charge; due by the month's last working day."""
        return self.execute(c.Escalate(number=number, leader=leader, reason=reason), at=at, by=by)

    def resolve(self, number: str, *, resolution: str, at: datetime, by: Actor) -> Appeal:
        """The district leader settles an escalated item."""
        return self.execute(c.Resolve(number=number, resolution=resolution), at=at, by=by)

    def follow_up(
        self,
        number: str,
        *,
        satisfaction: Satisfaction | str,
        resolved: bool,
        at: datetime,
        by: Actor,
        visited_on: date | None = None,
        notes: str = "",
    ) -> Appeal:
        """Record the visit afterwards: satisfied or not, resolved or not (visit date: today)."""
        command = c.RecordFollowUp(
            number=number,
            satisfaction=Satisfaction(satisfaction),
            resolved=resolved,
            visited_on=visited_on or local_date(at),
            notes=notes,
        )
        return self.execute(command, at=at, by=by)

    def reopen(self, number: str, *, reason: str, at: datetime, by: Actor) -> Appeal:
        """Send the item back to its lead department for re-handling."""
        return self.execute(c.Reopen(number=number, reason=reason), at=at, by=by)

    def characterize(
        self,
        number: str,
        *,
        reason: str,
        at: datetime,
        by: Actor,
        red_line: RedLine | str | None = None,
    ) -> Appeal:
        """Conclude that the problem cannot be solved, with the reason."""
        line = RedLine(red_line) if red_line is not None else None
        return self.execute(
            c.Characterize(number=number, reason=reason, red_line=line), at=at, by=by
        )

    def close(self, number: str, *, at: datetime, by: Actor, note: str = "") -> Appeal:
        """Close the item off (after a follow-up showing it resolved, or a characterization)."""
        return self.execute(c.Close(number=number, note=note), at=at, by=by)

    def sweep(self, on: date, *, at: datetime, by: Actor) -> tuple[Action, ...]:
        """Run the daily sweep for ``on``: record each due notice as an event, return them.

        A notice already recorded is not proposed again, so a second run the same day returns
        nothing; the recorded notices reach people through the listeners.
        """
        require_desk(by, "执行每日督办", self.policy.identity.desk)
        actions = sweep_actions(
            self.store.states(self.district), on=on, calendar=self.calendar, policy=self.policy
        )
        by_item: dict[str, list[Action]] = {}
        for action in actions:
            by_item.setdefault(action.number, []).append(action)
        district_wide = by_item.pop("", [])
        recorded: list[Event | JournalEvent] = []
        for number, item_actions in by_item.items():
            with self.store.unit_of_work() as uow:
                state = uow.state(number)
                events = _noticed(state, item_actions, at, by)
                uow.append(number, state.version, events, apply_events(state, events))
            recorded.extend(events)
        announced = announce(self.store, self.district, district_wide, at=at, by=by)
        recorded.extend(announced)
        if recorded:
            self._notify(recorded)
        fresh = {a.key for a in announced}
        return tuple(a for a in actions if a.number or a.key in fresh)

    # -- the calendar (docs/calendar.md) ---------------------------------------------------

    def notices(self) -> tuple[NoticeLoaded, ...]:
        """Every holiday notice loaded into the store for this district, oldest first."""
        return calendar_desk.loaded(self)

    def load_notice(
        self,
        notice: YearNotice,
        *,
        at: datetime,
        by: Actor,
        source: str = "",
        force: bool = False,
        reason: str = "",
    ) -> tuple[Moved, ...]:
        """Load a year's holiday notice into the store (every process then uses it); returns
        the impact report.  A notice that is plainly not the State Council's is refused unless
        ``force`` with a ``reason`` (it is then a provisional local arrangement)."""
        return calendar_desk.load_notice(
            self, notice, at=at, by=by, source=source, force=force, reason=reason
        )

    def calendar_impact(self, since: date | None = None) -> tuple[Moved, ...]:
        """What the calendar in force moves: open items' counted deadlines to re-date."""
        return calendar_desk.calendar_impact(self, since)

    def redate(
        self,
        numbers: Sequence[str] | None = None,
        *,
        at: datetime,
        by: Actor,
        reason: str = "",
    ) -> tuple[Moved, ...]:
        """Re-date the listed items (default: every item of the impact report)."""
        return calendar_desk.redate(self, numbers, at=at, by=by, reason=reason)

    def provisional(self) -> tuple[Appeal, ...]:
        """Open items with a provisional deadline (counted without a State Council notice)."""
        return tuple(calendar_desk.provisional_items(self))

    def report(self, year: int, month: int) -> MonthlyReport:
        """The month's figures per lead department, from the event log (docs/metrics.md)."""
        counts = getattr(self.store, "month_counts", None)  # SQL stores aggregate in SQL
        if counts is not None:
            weight = self.policy.basically_satisfied_weight
            per_dept, channels = counts(year, month, self.district, weight=weight)
            return report_from_counts(
                per_dept, channels, year=year, month=month, policy=self.policy
            )
        histories = (self.store.events(n) for n in self.store.numbers(self.district))
        return monthly_report(histories, year=year, month=month, policy=self.policy)

    def supervision_list(self, year: int, month: int) -> tuple[Supervised, ...]:
        """The month's stock items at its cut-off, overdue first (``appeal_core.supervision``)."""
        return supervision_list(self.store, self.district, year, month, self.calendar)

    def merge(self, number: str, *, into: str, at: datetime, by: Actor) -> Appeal:
        """Merge a duplicate into the primary item, which keeps its clock; returns the primary."""
        self.execute(c.Merge(number=number, into=into), at=at, by=by)
        return self.store.state(into)


def _noticed(state: Appeal, actions: Sequence[Action], at: datetime, by: Actor) -> list[Event]:
    when = max(at, state.updated_at)  # a notice is never dated before the item's last change
    return [
        Noticed(
            number=state.number,
            at=when,
            by=by,
            kind=a.kind.value,
            key=a.key,
            target=a.target,
            message=a.message,
        )
        for a in actions
    ]
