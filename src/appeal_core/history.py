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
    CoReport,
    Escalation,
    Reply,
    Status,
)
from appeal_core.errors import AppealError
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
            )
        case e.Returned():
            return nxt(status=Status.RETURNED, returns=s.returns + 1)
        case e.CoHandlerReported(department=department, text=text):
            report = CoReport(department=department, text=text, at=event.at)
            return nxt(co_reports=(*s.co_reports, report))
        case e.PreliminaryReplied():
            return nxt(
                status=Status.PRELIMINARY_REPLIED,
                preliminary_reply=_reply(event),
                completion_due=event.committed_due,
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
            )
        case e.Escalated(leader=leader, reason=reason, due=due):
            escalation = Escalation(leader=leader, reason=reason, at=event.at, due=due)
            return nxt(escalation=escalation, escalations=s.escalations + 1)
        case e.EscalationResolved(resolution=resolution):
            if s.escalation is None:
                raise CorruptHistory(f"事项 {s.number} 的历史中，协调解决之前没有报区分管领导")
            settled = attrs.evolve(s.escalation, resolution=resolution, resolved_at=event.at)
            return nxt(escalation=settled)
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
            )
        case e.Characterized(reason=reason, red_line=red_line):
            characterization = Characterization(reason=reason, red_line=red_line, at=event.at)
            return nxt(status=Status.CHARACTERIZED, characterization=characterization)
        case e.Closed():
            return nxt(status=Status.CLOSED, closed_at=event.at)
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
