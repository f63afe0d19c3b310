"""Decisions on how an item is handled besides answering it: the stopped clock (挂起), the
co-handlers' own deadlines, the leader's meeting and deputy, and visits on site (登门).

Called by ``decisions.decide`` after the lifecycle table has allowed the command.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from appeal_core import commands as c
from appeal_core import events as e
from appeal_core.appeal import Appeal
from appeal_core.deadlines import Deadline, Workdays, co_report_deadline
from appeal_core.errors import LifecycleError, ValidationError
from appeal_core.pause import PauseReason, stretched
from appeal_core.policy import Policy
from appeal_core.redating import recount
from appeal_core.text import checked_text
from appeal_core.timeutil import local_date

if TYPE_CHECKING:
    from appeal_core.decisions import Context, _Base


def text(field: str, value: str, *, limit: int = 20000) -> str:
    """Required text, cleaned (``appeal_core.text``), trimmed and bounded; a short field
    (``limit`` of 100 or less: a name, a department, a document) is one line."""
    return checked_text(field, value, limit=limit, line=limit <= 200)


def optional_text(value: str, *, field: str = "note", limit: int = 20000) -> str:
    """Optional text (a note), cleaned like ``text``; may be empty."""
    return checked_text(field, value, limit=limit, required=False)


def names(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    """Cleaned names (departments, people), at least one, none repeated."""
    cleaned = tuple(dict.fromkeys(text(field, v, limit=100) for v in values))
    if not cleaned:
        raise ValidationError(field, values, "至少填写一个")
    return cleaned


# -- co-handlers' deadlines ---------------------------------------------------------------


def co_dues(
    calendar: Workdays,
    policy: Policy,
    co: tuple[str, ...],
    *,
    start: date,
    lead: Deadline | None,
    what: str,
) -> e.CoDues:
    """Every co-handler's report deadline before the lead's ``lead`` deadline (none without)."""
    if lead is None or not co:
        return ()
    due = co_report_deadline(calendar, policy, start=start, lead=lead, what=what)
    return tuple((department, due) for department in co)


# -- the stopped clock --------------------------------------------------------------------


def _moving(state: Appeal) -> tuple[Deadline | None, Deadline | None, e.CoDues]:
    """The deadlines a pause moves: those the department has not met yet."""
    unanswered = state.preliminary_reply is None and state.final_reply is None
    reply = state.reply_due if unanswered else None
    completion = state.completion_due if state.final_reply is None else None
    co = tuple((d.department, d.due) for d in state.co_dues if d.due and not d.reported_at)
    return reply, completion, co


def _check_pause(state: Appeal, ctx: Context, since: date, until: date, action: str) -> None:
    if state.pause is not None:
        raise LifecycleError(
            state.number, action, state.status.label,
            f"计时已于 {state.pause.since.isoformat()} 暂停，请先恢复计时",
        )  # fmt: skip
    first = state.reply_due.start if state.reply_due is not None else ctx.today
    if not first <= since <= ctx.today:
        raise ValidationError(
            "since", since.isoformat(), f"暂停计时的起始日应在 {first} 与今天 {ctx.today} 之间"
        )
    if until < since:
        raise ValidationError("until", until.isoformat(), f"预计恢复日不能早于暂停日 {since}")
    reply, completion, _ = _moving(state)
    pending = [d for d in (reply, completion) if d is not None]
    late = [d for d in pending if d.due < since]
    if late:
        raise LifecycleError(
            state.number, action, state.status.label,
            f"期限 {late[0].due.isoformat()} 已过，不能再暂停计时；请督促办理或批准延期",
        )  # fmt: skip


def _moved(
    calendar: Workdays,
    reply: Deadline | None,
    completion: Deadline | None,
    co: e.CoDues,
    *,
    since: date,
    end: date,
    why: str,
    expected: bool,
) -> tuple[Deadline | None, Deadline | None, e.CoDues]:
    def move(d: Deadline) -> Deadline:
        return stretched(calendar, d, since=since, end=end, why=why, expected=expected)

    new_reply = move(reply) if reply is not None else None
    # a routine item's reply deadline is also its completion deadline: one value, moved once
    same = completion is not None and completion == reply
    new_completion = new_reply if same else (move(completion) if completion else None)
    return new_reply, new_completion, tuple((dept, move(d)) for dept, d in co)


def paused(
    state: Appeal,
    ctx: Context,
    base: _Base,
    *,
    reason: PauseReason,
    since: date,
    until: date,
    document: str,
    note: str,
    requested_by: str = "",
) -> e.Paused:
    """The ``Paused`` event, with the deadlines as they stand if the clock runs again on
    ``until``."""
    _check_pause(state, ctx, since, until, "暂停计时")
    reply, completion, co = _moving(state)
    why = f"因{reason.label}（{document}）"
    new = _moved(ctx.calendar, reply, completion, co, since=since, end=until, why=why,
                 expected=True)  # fmt: skip
    return e.Paused(
        **base, reason=reason, since=since, until=until, document=document, note=note,
        requested_by=requested_by, reply_due=_changed(reply, new[0]),
        completion_due=_changed(completion, new[1]), co_dues=_co_changed(co, new[2]),
    )  # fmt: skip


def _changed(before: Deadline | None, after: Deadline | None) -> Deadline | None:
    return after if after is not None and after != before else None


def _co_changed(before: e.CoDues, after: e.CoDues) -> e.CoDues:
    return tuple(pair for pair, old in zip(after, before, strict=True) if pair != old)


def resumed(state: Appeal, ctx: Context, base: _Base, *, on: date, note: str) -> e.Resumed:
    """The ``Resumed`` event: the deadlines before the pause moved by the paused working days
    (each counted again with the calendar in force, should it have changed meanwhile)."""
    pause = state.pause
    assert pause is not None
    if not pause.since <= on <= ctx.today:
        raise ValidationError(
            "on", on.isoformat(), f"恢复计时日应在暂停日 {pause.since} 与今天 {ctx.today} 之间"
        )

    def current(d: Deadline | None) -> Deadline | None:
        return None if d is None else (recount(d, ctx.calendar, ctx.policy) or d)

    why = f"因{pause.reason.label}（{pause.document}）"
    co = tuple((dept, current(d) or d) for dept, d in pause.co_before)
    reply, completion, co_new = _moved(
        ctx.calendar, current(pause.reply_before), current(pause.completion_before), co,
        since=pause.since, end=on, why=why, expected=False,
    )  # fmt: skip
    now = {d.department: d.due for d in state.co_dues}
    return e.Resumed(
        **base, on=on, workdays=ctx.calendar.workdays_between(pause.since, on), note=note,
        reply_due=reply if reply != state.reply_due else None,
        completion_due=completion if completion != state.completion_due else None,
        co_dues=tuple((dept, d) for dept, d in co_new if now.get(dept) != d),
    )  # fmt: skip


def resume_first(state: Appeal, ctx: Context, base: _Base, why: str) -> tuple[e.Event, ...]:
    """A ``Resumed`` event for today when the item's clock stands still, else nothing: an
    answer or a hand-over ends a pause (the deadlines it is judged by move first)."""
    if state.pause is None:
        return ()
    return (resumed(state, ctx, base, on=max(ctx.today, state.pause.since), note=why),)


# -- the other handling commands ----------------------------------------------------------


def decide_handling(
    state: Appeal, command: c.Command, ctx: Context, base: _Base, action: str
) -> tuple[e.Event, ...]:
    """The events of the handling commands (pause, resume, deputy, leader's meeting, visit)."""
    today = ctx.today
    match command:
        case c.PauseClock(reason=reason, since=since, until=until, document=doc, note=remark):
            return (
                paused(state, ctx, base, reason=reason, since=since or today, until=until,
                       document=text("document", doc, limit=200), note=optional_text(remark)),
            )  # fmt: skip
        case c.RequestPause(reason=reason, since=since, until=until, document=doc, note=remark):
            _check_pause(state, ctx, since or today, until, action)
            return (
                e.PauseRequested(
                    **base, reason=reason, since=since or today, until=until,
                    document=text("document", doc, limit=200), note=optional_text(remark),
                    department=ctx.by.department,
                ),
            )  # fmt: skip
        case c.ApprovePause(note=remark):
            request = state.pause_request
            if request is None:
                raise LifecycleError(state.number, action, state.status.label, "没有待批准的申请")
            return (
                paused(state, ctx, base, reason=request.reason, since=request.since,
                       until=request.until, document=request.document,
                       note="；".join(t for t in (request.note, optional_text(remark)) if t),
                       requested_by=request.department),
            )  # fmt: skip
        case c.DeclinePause(reason=reason):
            if state.pause_request is None:
                raise LifecycleError(state.number, action, state.status.label, "没有待批准的申请")
            return (e.PauseDeclined(**base, reason=text("reason", reason)),)
        case c.ResumeClock(on=on, note=remark):
            if state.pause is None:
                raise LifecycleError(state.number, action, state.status.label, "计时没有暂停")
            return (resumed(state, ctx, base, on=on or today, note=optional_text(remark)),)
        case c.DesignateDeputy(deputy=deputy, reason=reason):
            escalation = state.escalation
            if escalation is None or not escalation.is_open:
                raise LifecycleError(state.number, action, state.status.label, "没有待协调的报送")
            deputy = text("deputy", deputy, limit=100)
            if escalation.may_resolve(deputy):
                raise ValidationError("deputy", deputy, "已可协调解决该事项，无需再指定")
            return (e.DeputyDesignated(**base, deputy=deputy, reason=text("reason", reason)),)
        case c.RecordLeaderMeeting(held_on=held, chair=chair, attendees=who, outcome=outcome):
            escalation = state.escalation
            if escalation is None:
                raise LifecycleError(
                    state.number, action, state.status.label, "该事项未报区分管领导"
                )
            first = local_date(escalation.at)
            if not first <= held <= today:
                raise ValidationError(
                    "held_on", held.isoformat(), f"办会日期应在报送日 {first} 与今天 {today} 之间"
                )
            return (
                e.LeaderMeetingHeld(
                    **base, held_on=held, chair=text("chair", chair, limit=100),
                    attendees=names("attendees", who), outcome=text("outcome", outcome),
                ),
            )  # fmt: skip
        case c.RecordSiteVisit(visited_on=day, participants=who, findings=findings):
            assert state.assignment is not None
            first = local_date(state.assignment.assigned_at)
            if not first <= day <= today:
                raise ValidationError(
                    "visited_on", day.isoformat(), f"登门日期应在交办日 {first} 与今天 {today} 之间"
                )
            return (
                e.SiteVisited(
                    **base, visited_on=day, department=ctx.by.department,
                    participants=names("participants", who), findings=text("findings", findings),
                ),
            )  # fmt: skip
    raise TypeError(f"unknown command {command!r}")  # pragma: no cover
