"""The desk: one method per use case, each a unit of work over the store port.

A method loads the item, lets the lifecycle decide, appends the events with the new state
in one transaction, tells the listeners, and returns the new state.  A refused command
raises a typed error and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime

from appeal_core import calendar_desk, month_desk, review
from appeal_core import commands as c
from appeal_core import explain as explaining
from appeal_core import meetings as meeting_desk
from appeal_core import tasks as task_desk
from appeal_core.actor import Actor
from appeal_core.agenda import Agenda, meeting_agenda
from appeal_core.announcements import notices_stream
from appeal_core.annual import AnnualReport, annual
from appeal_core.appeal import Appeal, Assumption, Channel, Complexity, RedLine, Satisfaction
from appeal_core.calendar import YearNotice
from appeal_core.cohandling import CoHandlingReport, co_handling_report, co_report_from_counts
from appeal_core.corrections import CorrectionEffect, effects
from appeal_core.definitions import MetricsRules
from appeal_core.departments import DepartmentEntry, Registry
from appeal_core.desk_base import Listener
from appeal_core.desk_intake import IntakeDesk
from appeal_core.digest import Digest, daily_digest, start_of, states_before, tasks_before
from appeal_core.enterprise import Enterprise
from appeal_core.errors import TaskNotFound, ValidationError
from appeal_core.journal import (
    Decision,
    MonthSealed,
    NoticeLoaded,
    RulesAmended,
    SupervisionNoticeIssued,
)
from appeal_core.meetings import Meeting
from appeal_core.metrics import MonthlyReport
from appeal_core.pause import PauseReason
from appeal_core.redating import Moved
from appeal_core.registry import record_load
from appeal_core.sealing import Correction, correcting
from appeal_core.supervision import Supervised, supervision_list
from appeal_core.supervision_notice import issued
from appeal_core.sweep import Action
from appeal_core.sweeping import run_sweep
from appeal_core.tasks import Task
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

    def escalate(
        self, number: str, *, leader: str, reason: str, proposal: str, at: datetime, by: Actor
    ) -> Appeal:
        """Take the item to the district leader in charge with the lead department's proposal
        (初步建议方案); due by the month's last working day."""
        command = c.Escalate(number=number, leader=leader, reason=reason, proposal=proposal)
        return self.execute(command, at=at, by=by)

    def resolve(self, number: str, *, resolution: str, at: datetime, by: Actor) -> Appeal:
        """The district leader named (or a deputy the desk designated) settles the item."""
        return self.execute(c.Resolve(number=number, resolution=resolution), at=at, by=by)

    def designate_deputy(
        self, number: str, *, deputy: str, reason: str, at: datetime, by: Actor
    ) -> Appeal:
        """Let ``deputy`` settle the escalated item in the named leader's stead."""
        command = c.DesignateDeputy(number=number, deputy=deputy, reason=reason)
        return self.execute(command, at=at, by=by)

    def record_leader_meeting(
        self,
        number: str,
        *,
        held_on: date,
        chair: str,
        attendees: Sequence[str],
        outcome: str,
        at: datetime,
        by: Actor,
    ) -> Appeal:
        """Record the leader's meeting on the escalated item (牵头办会) and its outcome."""
        command = c.RecordLeaderMeeting(
            number=number, held_on=held_on, chair=chair, attendees=attendees, outcome=outcome
        )
        return self.execute(command, at=at, by=by)

    def record_site_visit(
        self,
        number: str,
        *,
        visited_on: date,
        participants: Sequence[str],
        findings: str,
        at: datetime,
        by: Actor,
    ) -> Appeal:
        """A handling department records its visit to the enterprise (登门研究解决)."""
        command = c.RecordSiteVisit(
            number=number, visited_on=visited_on, participants=participants, findings=findings
        )
        return self.execute(command, at=at, by=by)

    # -- the stopped clock (docs/deadlines.md) ---------------------------------------------

    def pause(
        self,
        number: str,
        *,
        reason: PauseReason | str,
        until: date,
        document: str,
        at: datetime,
        by: Actor,
        since: date | None = None,
        note: str = "",
    ) -> Appeal:
        """Stop the item's clock from ``since`` (default today), expected to run again on
        ``until``, for a typed reason and its document; the deadlines move (appeal_core.pause)."""
        command = c.PauseClock(number=number, reason=PauseReason(reason), until=until,
                               document=document, since=since, note=note)  # fmt: skip
        return self.execute(command, at=at, by=by)

    def request_pause(
        self,
        number: str,
        *,
        reason: PauseReason | str,
        until: date,
        document: str,
        at: datetime,
        by: Actor,
        since: date | None = None,
        note: str = "",
    ) -> Appeal:
        """The lead department asks the desk to stop the clock (``approve_pause`` does it)."""
        command = c.RequestPause(number=number, reason=PauseReason(reason), until=until,
                                 document=document, since=since, note=note)  # fmt: skip
        return self.execute(command, at=at, by=by)

    def approve_pause(self, number: str, *, at: datetime, by: Actor, note: str = "") -> Appeal:
        """Approve the lead department's pending request: the clock stops as it asked."""
        return self.execute(c.ApprovePause(number=number, note=note), at=at, by=by)

    def decline_pause(self, number: str, *, reason: str, at: datetime, by: Actor) -> Appeal:
        """Decline the lead department's pending request, saying why."""
        return self.execute(c.DeclinePause(number=number, reason=reason), at=at, by=by)

    def resume(
        self, number: str, *, at: datetime, by: Actor, on: date | None = None, note: str = ""
    ) -> Appeal:
        """Let the clock run again from ``on`` (default today): the deadlines move by the
        paused working days."""
        return self.execute(c.ResumeClock(number=number, on=on, note=note), at=at, by=by)

    def follow_up(
        self,
        number: str,
        *,
        satisfaction: Satisfaction | str | None = None,
        resolved: bool | None = None,
        at: datetime,
        by: Actor,
        visited_on: date | None = None,
        notes: str = "",
        reached: bool = True,
    ) -> Appeal:
        """Record the visit afterwards: satisfied or not, resolved or not (visit date: today).

        ``reached=False`` records a visit where the enterprise could not be reached (无效回访):
        it has no verdict (leave ``satisfaction`` and ``resolved`` out), and the desk visits
        again; whether it counts in the rates is a definition (``valid_visits_only``).
        """
        if reached and (satisfaction is None or resolved is None):
            missing = "satisfaction" if satisfaction is None else "resolved"
            raise ValidationError(missing, None, "请填写企业是否满意、问题是否解决")
        command = c.RecordFollowUp(
            number=number,
            satisfaction=Satisfaction(satisfaction or Satisfaction.UNSATISFIED),
            resolved=bool(resolved),
            visited_on=visited_on or local_date(at),
            notes=notes,
            reached=reached,
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
        nothing; the recorded notices reach people through the listeners.  The day's
        supervision of each department is also issued as a numbered supervision notice
        (``supervision_notices``), and the meeting's tasks are followed like items.
        """
        return run_sweep(self, on, at=at, by=by)

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

    # -- the month's figures (docs/metrics.md) ---------------------------------------------

    def report(self, year: int, month: int) -> MonthlyReport:
        """The month's figures per lead department: as sealed, or computed from the event log
        under the definitions (口径) in force for the month."""
        return month_desk.report(self, year, month)

    def explain(
        self, year: int, month: int, department: str, figure: str
    ) -> explaining.Explanation:
        """The items behind one figure of a department (or ``全区合计``), line by line."""
        return explaining.explain(self, year, month, department, figure)

    def supervision_list(self, year: int, month: int) -> tuple[Supervised, ...]:
        """The month's stock items at its cut-off, overdue first (``appeal_core.supervision``)."""
        on = month_desk.bounds_for(self, year, month)[1]
        return supervision_list(self.store, self.district, year, month, self.calendar, on)

    def rules_for(self, year: int, month: int) -> MetricsRules:
        """The definitions (口径) month ``year-month`` is computed (or was sealed) under."""
        return month_desk.rules_for(self, year, month)

    def amend_rules(
        self,
        rules: MetricsRules,
        *,
        effective: date | str,
        at: datetime,
        by: Actor,
        reason: str,
        source: str = "",
    ) -> RulesAmended:
        """Store new definitions in force from the month ``effective`` (``2027-01``) on."""
        return month_desk.amend_rules(
            self, rules, effective=effective, at=at, by=by, reason=reason, source=source
        )

    def rule_amendments(self) -> tuple[RulesAmended, ...]:
        """Every stored amendment of the definitions, in the order recorded."""
        return month_desk.amendments(self)

    def close_month(self, year: int, month: int, *, at: datetime, by: Actor) -> MonthlyReport:
        """Seal a published month: its figures and their digest become final."""
        return month_desk.close_month(self, year, month, at=at, by=by)

    def sealed_months(self) -> tuple[MonthSealed, ...]:
        """The sealed months, oldest first."""
        return tuple(v for _, v in sorted(month_desk.sealed(self).items()))

    def verify_month(self, year: int, month: int) -> month_desk.Verification:
        """Recompute a sealed month from the log (without corrections) against its digest."""
        return month_desk.verify(self, year, month)

    def correction(
        self, reason: str, *, at: datetime, by: Actor
    ) -> AbstractContextManager[Correction]:
        """A block whose commands dated in a sealed month are recorded as corrections::

        with desk.correction("答复已于10月28日作出，当时漏录", at=now, by=clerk):
            desk.reply(number, text="已答复", at=october_28, by=bureau)
        """
        return correcting(reason, at=at, by=by, desk=self.policy.identity.desk)

    def corrections(self, year: int, month: int) -> tuple[CorrectionEffect, ...]:
        """The corrections recorded in month ``year-month``, with their effect on the sealed
        months they touch (the briefing's 更正)."""
        return effects(self, *month_desk.bounds_for(self, year, month))

    def annual(self, year: int) -> AnnualReport:
        """The annual assessment: each department's year from its months (docs/metrics.md)."""
        return annual(self, year)

    # -- the department registry -----------------------------------------------------------

    def departments(self) -> Registry:
        """The department registry in force (empty when none was loaded)."""
        return self.registry

    def load_departments(
        self, entries: Sequence[DepartmentEntry], *, at: datetime, by: Actor, source: str = ""
    ) -> Registry:
        """Store the district's department registry (replacing the previous one)."""
        with self.store.unit_of_work() as uow:
            event = record_load(uow, self.district, entries, at=at, by=by, source=source,
                                desk=self.policy.identity.desk)  # fmt: skip
        self._notify((event,))
        return self.registry

    def co_handling(self, year: int, month: int) -> CoHandlingReport:
        """The month's co-handling section: co-handlers' reports due and on time (beside the
        lead departments' figures, ``appeal_core.cohandling``)."""
        bounds = month_desk.bounds_for(self, year, month)  # the figures' period (口径)
        counts = getattr(self.store, "co_handling_counts", None)  # SQL stores count in SQL
        if counts is not None:
            found = counts(year, month, self.district, bounds=bounds)
            return co_report_from_counts(found, year=year, month=month)
        histories = (self.store.events(n) for n in self.store.numbers(self.district))
        return co_handling_report(histories, year=year, month=month, bounds=bounds)

    # -- the month: digest, meeting, tasks, notices (docs/month.md) ------------------------

    def digest(self, on: date) -> Digest:
        """The daily digest (每天汇总) of ``on``, as things stood at the start of that day: a
        query, nothing is recorded (``appeal_core.digest``)."""
        cutoff = start_of(on)
        return daily_digest(
            states_before(self.store, self.district, cutoff),
            tasks_before(self.store, self.district, cutoff), on=on, calendar=self.calendar,
            desk=self.policy.identity.desk,
        )  # fmt: skip

    def meeting_agenda(self, year: int, month: int) -> Agenda:
        """What the month's consultation meeting (会商会议) should take up."""
        return meeting_agenda(self.store.states(self.district), self.tasks(), year=year,
                              month=month, policy=self.policy)  # fmt: skip

    def record_meeting(
        self,
        *,
        held_on: date,
        attendees: Sequence[str],
        decisions: Sequence[Decision],
        at: datetime,
        by: Actor,
        chair: str = "",
        items: Sequence[str] = (),
        summary: str = "",
    ) -> Meeting:
        """Record a meeting's minutes; each decision becomes a task the sweep follows."""
        return meeting_desk.record_meeting(
            self, held_on=held_on, attendees=attendees, decisions=decisions, at=at, by=by,
            chair=chair, items=items, summary=summary,
        )  # fmt: skip

    def meetings(self) -> tuple[Meeting, ...]:
        """Every consultation meeting of the district, oldest first."""
        return meeting_desk.meetings(self)

    def meeting(self, meeting_id: str) -> Meeting:
        """One meeting by id (``MeetingNotFound`` when there is none)."""
        return meeting_desk.meeting(self, meeting_id)

    def tasks(self) -> tuple[Task, ...]:
        """Every task the meetings decided, in creation order."""
        return tuple(task_desk.tasks(self).values())

    def task(self, task_id: str) -> Task:
        """One task by id (``TaskNotFound`` when there is none)."""
        found = task_desk.tasks(self).get(task_id)
        if found is None:
            raise TaskNotFound(task_id)
        return found

    def report_task(self, task_id: str, *, text: str, at: datetime, by: Actor) -> Task:
        """The owner department reports the task done."""
        return task_desk.report_task(self, task_id, text_=text, at=at, by=by)

    def confirm_task(self, task_id: str, *, at: datetime, by: Actor, note: str = "") -> Task:
        """The desk confirms a reported task done; the sweep stops following it."""
        return task_desk.confirm_task(self, task_id, at=at, by=by, note=note)

    def return_task(self, task_id: str, *, reason: str, at: datetime, by: Actor) -> Task:
        """The desk does not accept a task's report: it is open again, and chased."""
        return task_desk.return_task(self, task_id, reason=reason, at=at, by=by)

    def supervision_notices(self, day: date | None = None) -> tuple[SupervisionNoticeIssued, ...]:
        """The supervision notices issued (督办通知单), of ``day`` or all, oldest first."""
        found = issued(self.store.journal(notices_stream(self.district)))
        return tuple(n for n in found if day is None or n.day == day)

    def merge(self, number: str, *, into: str, at: datetime, by: Actor) -> Appeal:
        """Merge a duplicate into the primary item, which keeps its clock; returns the primary."""
        self.execute(c.Merge(number=number, into=into), at=at, by=by)
        return self.store.state(into)
