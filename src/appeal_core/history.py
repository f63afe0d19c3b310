"""An item's state is the fold of its events: ``evolve(state, event) -> state``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from appeal_core import events as e
from appeal_core.appeal import (
    Appeal,
    Assignment,
    Characterization,
    CoDue,
    CoReport,
    Escalation,
    LeaderMeeting,
    Reply,
    SiteVisit,
    Status,
)
from appeal_core.errors import AppealError
from appeal_core.pause import Pause, PauseRequest
from appeal_core.review import corrected, without
from appeal_core.timeutil import local_date


class CorruptHistory(AppealError, ValueError):
    """The stored events of an item do not form a valid history."""


def start(event: e.Registered) -> Appeal:
    """The state right after registration."""
    return Appeal(
        number=event.number,
        district=event.district,
        year=event.year,
        seq=event.seq,
        enterprise=event.enterprise,
        content=event.content,
        channel=event.channel,
        source_id=event.source_id,
        reported_at=event.reported_at,
        registered_at=event.at,
        updated_at=event.at,
        possible_duplicates=event.possible_duplicates,
        notes=event.notes,
        personal_notes=event.personal_notes,
        assumptions=event.assumptions,
    )


def _reply(event: e.PreliminaryReplied | e.Replied) -> Reply:
    return Reply(
        text=event.text,
        at=event.at,
        department=event.department,
        contact=event.contact,
        phone=event.phone,
    )


def _co_dues(co: tuple[str, ...], dues: e.CoDues) -> tuple[CoDue, ...]:
    """A new cycle's co-handlers, each with its report deadline if one is set yet."""
    given = dict(dues)
    return tuple(CoDue(department=d, due=given.get(d)) for d in co)


def _co_moved(state: Appeal, dues: e.CoDues) -> tuple[CoDue, ...]:
    """The cycle's co-handlers with the report deadlines given moved (or set)."""
    given = dict(dues)
    return tuple(
        attrs.evolve(d, due=given[d.department]) if d.department in given else d
        for d in state.co_dues
    )


def _escalation(state: Appeal) -> Escalation:
    if state.escalation is None:
        raise CorruptHistory(f"事项 {state.number} 的历史中，此前没有报区分管领导")
    return state.escalation


def evolve(state: Appeal, event: e.Event) -> Appeal:
    """Apply one event; the status changes follow the lifecycle table."""
    s = state  # every field but version and updated_at, as before the event

    def nxt(**changes: Any) -> Appeal:  # one evolve per event: a fold is mostly these
        return attrs.evolve(state, version=state.version + 1, updated_at=event.at, **changes)

    match event:
        case e.Verified():
            return nxt(status=Status.VERIFIED, verified_at=event.at)
        case e.Merged(into=into):
            return nxt(status=Status.MERGED, merged_into=into)
        case e.DuplicateAttached(source=source):
            return nxt(merged_from=(*s.merged_from, source))
        case e.DuplicateDismissed(of=of):
            left = tuple(n for n in s.possible_duplicates if n != of)
            return nxt(possible_duplicates=left)
        case e.AssumptionConfirmed(field=field):
            return nxt(assumptions=without(s.assumptions, field))
        case e.AssumptionCorrected(field=field, value=value):
            try:
                changes = corrected(s, field, value)
            except ValueError as exc:
                raise CorruptHistory(f"事项 {s.number} 的更正事件无效：{exc}") from exc
            return nxt(**changes, assumptions=without(s.assumptions, field))
        case e.Classified(category=category, complexity=complexity):
            return nxt(status=Status.CLASSIFIED, category=category, complexity=complexity)
        case e.Assigned() | e.Reassigned():
            assignment = Assignment(lead=event.lead, co=event.co, assigned_at=event.at)
            return nxt(
                status=Status.ASSIGNED,
                assignment=assignment,
                reply_due=event.reply_due,
                completion_due=event.completion_due,
                preliminary_reply=None,
                final_reply=None,
                reassignments=s.reassignments + isinstance(event, e.Reassigned),
                co_dues=_co_dues(event.co, event.co_dues),
                pause=None,
                pause_request=None,
            )
        case e.Returned():
            return nxt(
                status=Status.RETURNED, returns=s.returns + 1, co_dues=(), pause=None,
                pause_request=None,
            )  # fmt: skip
        case e.CoHandlerReported(department=department, text=text):
            report = CoReport(department=department, text=text, at=event.at)
            dues = tuple(
                attrs.evolve(d, reported_at=event.at)
                if d.department == department and d.reported_at is None
                else d
                for d in s.co_dues
            )
            return nxt(co_reports=(*s.co_reports, report), co_dues=dues)
        case e.PreliminaryReplied():
            return nxt(
                status=Status.PRELIMINARY_REPLIED,
                preliminary_reply=_reply(event),
                completion_due=event.committed_due,
                co_dues=_co_moved(s, event.co_dues),
            )
        case e.Replied():
            return nxt(status=Status.REPLIED, final_reply=_reply(event))
        case e.DeadlineExtended(completion_due=due):
            return nxt(completion_due=due, extensions=s.extensions + 1)
        case e.Redated():
            escalation = s.escalation
            if event.escalation_due is not None and escalation is not None:
                escalation = attrs.evolve(escalation, due=event.escalation_due)
            return nxt(
                reply_due=event.reply_due or s.reply_due,
                completion_due=event.completion_due or s.completion_due,
                escalation=escalation,
                co_dues=_co_moved(s, event.co_dues),
            )
        case e.Escalated(leader=leader, reason=reason, due=due, proposal=proposal):
            escalation = Escalation(
                leader=leader, reason=reason, at=event.at, due=due, proposal=proposal
            )
            return nxt(escalation=escalation, escalations=s.escalations + 1)
        case e.EscalationResolved(resolution=resolution):
            settled = attrs.evolve(
                _escalation(s), resolution=resolution, resolved_at=event.at,
                resolved_by=event.by.name,
            )  # fmt: skip
            return nxt(escalation=settled)
        case e.DeputyDesignated(deputy=deputy):
            escalation = _escalation(s)
            deputies = (*escalation.deputies, deputy)
            return nxt(escalation=attrs.evolve(escalation, deputies=deputies))
        case e.LeaderMeetingHeld():
            escalation = _escalation(s)
            meeting = LeaderMeeting(
                held_on=event.held_on,
                chair=event.chair,
                attendees=event.attendees,
                outcome=event.outcome,
                at=event.at,
            )
            meetings = (*escalation.meetings, meeting)
            return nxt(escalation=attrs.evolve(escalation, meetings=meetings))
        case e.SiteVisited():
            visit = SiteVisit(
                visited_on=event.visited_on,
                department=event.department,
                participants=event.participants,
                findings=event.findings,
                at=event.at,
            )
            return nxt(site_visits=(*s.site_visits, visit))
        case e.PauseRequested():
            request = PauseRequest(
                reason=event.reason,
                since=event.since,
                until=event.until,
                document=event.document,
                note=event.note,
                department=event.department,
                at=event.at,
            )
            return nxt(pause_request=request)
        case e.PauseDeclined():
            return nxt(pause_request=None)
        case e.Paused():
            pause = Pause(
                reason=event.reason,
                since=event.since,
                until=event.until,
                document=event.document,
                note=event.note,
                at=event.at,
                requested_by=event.requested_by,
                reply_before=s.reply_due,
                completion_before=s.completion_due,
                co_before=tuple(
                    (d.department, d.due)
                    for d in s.co_dues
                    if d.due is not None and d.reported_at is None
                ),
            )
            return nxt(
                pause=pause,
                pause_request=None,
                reply_due=event.reply_due or s.reply_due,
                completion_due=event.completion_due or s.completion_due,
                co_dues=_co_moved(s, event.co_dues),
            )
        case e.Resumed():
            if s.pause is None:
                raise CorruptHistory(f"事项 {s.number} 的历史中，恢复计时之前没有暂停计时")
            return nxt(
                pause=None, pauses=s.pauses + 1,
                reply_due=event.reply_due or s.reply_due,
                completion_due=event.completion_due or s.completion_due,
                co_dues=_co_moved(s, event.co_dues),
            )  # fmt: skip
        case e.FollowedUp(follow_up=follow_up):
            return nxt(status=Status.FOLLOWED_UP, follow_ups=(*s.follow_ups, follow_up))
        case e.Reopened():
            return nxt(
                status=Status.ASSIGNED,
                reply_due=event.reply_due,
                completion_due=event.completion_due,
                preliminary_reply=None,
                final_reply=None,
                reopenings=s.reopenings + 1,
                co_dues=_co_dues(s.assignment.co if s.assignment else (), event.co_dues),
                pause=None,
                pause_request=None,
            )
        case e.Characterized(reason=reason, red_line=red_line):
            characterization = Characterization(reason=reason, red_line=red_line, at=event.at)
            return nxt(status=Status.CHARACTERIZED, characterization=characterization)
        case e.Closed():
            return nxt(status=Status.CLOSED, closed_at=event.at)
        case e.ConfidentialitySet(confidential=confidential):
            enterprise = attrs.evolve(s.enterprise, confidential=confidential)
            return nxt(enterprise=enterprise)
        case e.Noticed(key=key):
            return nxt(notices=(*s.notices, (key, local_date(event.at))))
        case e.Registered():
            raise CorruptHistory(f"事项 {s.number} 被重复登记")
    raise CorruptHistory(f"未知事件 {event!r}")  # pragma: no cover


def fold(events: Iterable[e.Event]) -> Appeal:
    """The state of an item from its full event history (the first event registers it)."""
    iterator = iter(events)
    first = next(iterator, None)
    if not isinstance(first, e.Registered):
        raise CorruptHistory(f"事项历史应以登记事件开始，实为 {first!r}")
    state = start(first)
    for event in iterator:
        if event.number != state.number:
            raise CorruptHistory(f"事项 {state.number} 的历史中混入了 {event.number} 的事件")
        state = evolve(state, event)
    return state
