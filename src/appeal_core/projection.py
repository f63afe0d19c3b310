"""The metrics projection: flat, dated rows derived from one item's history.

Every fact carries the date it became true, so figures for any cut-off are a filter over the
rows.  The in-memory report aggregates these rows in Python; SQL stores keep the same rows in
tables, written in the same transaction as the events, and aggregate them in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from appeal_core import events as e
from appeal_core.appeal import Channel, Satisfaction
from appeal_core.timeutil import local_date


@attrs.frozen(kw_only=True)
class CycleRow:
    """One stretch of a lead department's responsibility (from assignment or reopening)."""

    number: str
    cycle: int  # 1, 2, ... within the item
    lead: str
    assigned: bool  # started by Assigned/Reassigned (counts as an assignment), not Reopened
    started: date
    reply_due: date
    first_reply: date | None = None
    final_reply: date | None = None
    ended: date | None = None  # handed over: returned, reassigned, characterized
    source: int = 0  # the index in the history of the event that started it


@attrs.frozen(kw_only=True)
class ReplyDueRow:
    """A cycle's reply deadline as set on ``changed`` (at its start, or re-dated later)."""

    number: str
    cycle: int
    order: int  # 1, 2, ... within the cycle
    changed: date
    due: date
    source: int = 0  # the index in the history of the event that set it


@attrs.frozen(kw_only=True)
class CompletionRow:
    """A cycle's completion deadline as set on ``changed``; the latest up to a cut-off wins.

    ``replaced`` is the day the cycle's next completion deadline was set; ``kept`` is True when
    that was an extension approved after this deadline had passed unmet (the miss stays where
    the definition ``extension_keeps_miss`` says so).
    """

    number: str
    cycle: int
    order: int  # 1, 2, ... within the cycle
    changed: date
    due: date
    source: int = 0  # the index in the history of the event that set it
    replaced: date | None = None
    kept: bool = False


@attrs.frozen(kw_only=True)
class VisitRow:
    """A follow-up visit recorded on ``visited``, for the lead department of that moment.

    ``reached`` is False when the enterprise could not be reached; ``superseded`` is the day of
    the next reached visit after the item was re-handled (重新交办) following this one.
    """

    number: str
    order: int
    lead: str
    visited: date
    resolved: bool
    satisfaction: Satisfaction
    reached: bool = True
    superseded: date | None = None
    source: int = 0  # the index in the history of its FollowedUp event


@attrs.frozen(kw_only=True)
class ItemRow:
    """When the item was received, first assigned or answered, first answered, and ended."""

    number: str
    district: str
    channel: Channel
    registered: date
    assigned_or_answered: date | None = None
    answered: date | None = None
    ended: date | None = None  # closed off or merged


@attrs.frozen(kw_only=True)
class Projection:
    """All metrics rows of one item."""

    item: ItemRow
    cycles: tuple[CycleRow, ...] = ()
    completions: tuple[CompletionRow, ...] = ()
    visits: tuple[VisitRow, ...] = ()
    reply_dues: tuple[ReplyDueRow, ...] = ()


def project(history: Sequence[e.Event]) -> Projection:
    """The rows of one item, from its full history (oldest first, starting with Registered)."""
    first = history[0]
    assert isinstance(first, e.Registered), first
    item = ItemRow(
        number=first.number,
        district=first.district,
        channel=first.channel,
        registered=local_date(first.at),
    )
    cycles: list[CycleRow] = []
    completions: list[CompletionRow] = []
    visits: list[VisitRow] = []
    reply_dues: list[ReplyDueRow] = []
    rehandled: list[int] = []  # visits followed by a re-handling, until the next reached visit

    def complete(day: date, due: date, k: int, extension: bool = False) -> None:
        order, cycle = 1, len(cycles)
        last = completions[-1] if completions else None
        if last is not None and last.cycle == cycle:
            order = last.order + 1
            late = extension and day > last.due
            completions[-1] = attrs.evolve(last, replaced=day, kept=late)
        completions.append(
            CompletionRow(number=item.number, cycle=cycle, order=order, changed=day, due=due,
                          source=k)
        )  # fmt: skip

    def reply_by(day: date, due: date, k: int) -> None:
        order = sum(1 for r in reply_dues if r.cycle == len(cycles)) + 1
        reply_dues.append(
            ReplyDueRow(number=item.number, cycle=len(cycles), order=order, changed=day, due=due,
                        source=k)
        )  # fmt: skip

    def end_current(day: date) -> None:
        if cycles and cycles[-1].ended is None:
            cycles[-1] = attrs.evolve(cycles[-1], ended=day)

    for k, ev in enumerate(history[1:], 1):
        day = local_date(ev.at)
        current = cycles[-1] if cycles else None
        match ev:
            case e.Assigned() | e.Reassigned() | e.Reopened():
                if isinstance(ev, e.Reopened):
                    assert current is not None, ev
                    lead, assigned = current.lead, False
                    rehandled = [v.order for v in visits if v.superseded is None]
                else:
                    end_current(day)
                    lead, assigned = ev.lead, True
                cycles.append(
                    CycleRow(
                        number=item.number,
                        cycle=len(cycles) + 1,
                        lead=lead,
                        assigned=assigned,
                        started=day,
                        reply_due=ev.reply_due.due,
                        source=k,
                    )
                )
                reply_by(day, ev.reply_due.due, k)
                if ev.completion_due is not None:
                    complete(day, ev.completion_due.due, k)
                item = attrs.evolve(item, assigned_or_answered=item.assigned_or_answered or day)
            case e.PreliminaryReplied() | e.Replied():
                assert current is not None, ev
                final = isinstance(ev, e.Replied)
                cycles[-1] = attrs.evolve(
                    current,
                    first_reply=current.first_reply or day,
                    final_reply=(current.final_reply or day) if final else current.final_reply,
                )
                if isinstance(ev, e.PreliminaryReplied):
                    complete(day, ev.committed_due.due, k)
                item = attrs.evolve(
                    item,
                    assigned_or_answered=item.assigned_or_answered or day,
                    answered=item.answered or day,
                )
            case e.DeadlineExtended():
                complete(day, ev.completion_due.due, k, extension=True)
            case e.Redated() | e.Paused() | e.Resumed() if current is not None:
                # re-dated by a loaded notice, or moved by the stopped clock (appeal_core.pause):
                # a new deadline, never an extension that keeps a miss
                if ev.reply_due is not None:
                    reply_by(day, ev.reply_due.due, k)
                if ev.completion_due is not None:
                    complete(day, ev.completion_due.due, k)
            case e.Returned():
                end_current(day)
            case e.Characterized():
                end_current(day)
                item = attrs.evolve(
                    item,
                    assigned_or_answered=item.assigned_or_answered or day,
                    answered=item.answered or day,
                )
            case e.Merged():
                item = attrs.evolve(
                    item,
                    assigned_or_answered=item.assigned_or_answered or day,
                    answered=item.answered or day,
                    ended=day,
                )
            case e.Closed():
                item = attrs.evolve(item, ended=day)
            case e.FollowedUp(follow_up=follow_up) if current is not None:
                if follow_up.reached and rehandled:
                    for order in rehandled:
                        visits[order - 1] = attrs.evolve(visits[order - 1], superseded=day)
                    rehandled = []
                visits.append(
                    VisitRow(
                        number=item.number,
                        order=len(visits) + 1,
                        lead=current.lead,
                        visited=day,
                        resolved=follow_up.resolved,
                        satisfaction=follow_up.satisfaction,
                        reached=follow_up.reached,
                        source=k,
                    )
                )
    return Projection(
        item=item,
        cycles=tuple(cycles),
        completions=tuple(completions),
        visits=tuple(visits),
        reply_dues=tuple(reply_dues),
    )
