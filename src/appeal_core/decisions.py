"""``decide(state, command, context) -> events``: the checks and the events of each command."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

import attrs

from appeal_core import commands as c
from appeal_core import deadlines as dl
from appeal_core import events as e
from appeal_core.actor import Actor
from appeal_core.appeal import Appeal, Complexity, FollowUp, Satisfaction, Status
from appeal_core.deadlines import Deadline, Workdays
from appeal_core.errors import LifecycleError, PermissionDenied, ValidationError
from appeal_core.handling import co_dues, decide_handling, resume_first
from appeal_core.lifecycle import REGISTER_ROLE, check_allowed
from appeal_core.policy import Policy
from appeal_core.privacy import (
    asks_confidentiality,
    holds_personal,
    new_contact_id,
    personal_note_labels,
)
from appeal_core.redating import CO, moves
from appeal_core.review import decide_review
from appeal_core.text import checked_text, clean
from appeal_core.timeutil import local_date, require_aware

#: Longest channel's own id accepted with a registration.
SOURCE_ID_LIMIT = 200


class _Base(TypedDict):
    number: str
    at: datetime
    by: Actor


@attrs.frozen(kw_only=True)
class Context:
    """Everything a decision needs besides the state: when, who, and the rules."""

    at: datetime = attrs.field(validator=lambda _, __, v: require_aware(v, "at"))
    by: Actor
    calendar: Workdays
    policy: Policy

    @property
    def today(self) -> date:
        """The acting day in Asia/Shanghai."""
        return local_date(self.at)


def _text(field: str, value: str, *, limit: int = 20000) -> str:
    """Required text: control characters dropped (``appeal_core.text``), trimmed, bounded.

    A short field (``limit`` of 100 or less: a department, a category, a leader) is one line.
    """
    return checked_text(field, value, limit=limit, line=limit <= 100)


def _note(field: str, value: str, *, limit: int = 20000) -> str:
    """Optional text (a note, a contact): cleaned like ``_text``, may be empty."""
    return checked_text(field, value, limit=limit, required=False, line=limit <= 100)


def check_register(command: c.Register, ctx: Context) -> str:
    """Refuse a malformed registration before any number is reserved; the cleaned content."""
    if ctx.by.role is not REGISTER_ROLE:
        desk = ctx.policy.identity.desk
        raise PermissionDenied(str(ctx.by), "登记事项", None, f"只有{desk}可以登记")
    ctx.policy.channels.check(command.channel)
    if command.reported_at is not None:
        require_aware(command.reported_at, "reported_at")
    return _text("content", command.content)


def clean_source_id(value: str) -> str:
    """A channel's own id as a registration stores it: cleaned and trimmed (``ValidationError``
    beyond ``SOURCE_ID_LIMIT`` characters); the key of idempotent intake."""
    return _note("source_id", value, limit=SOURCE_ID_LIMIT)


def decide_register(
    command: c.Register,
    ctx: Context,
    *,
    number: str,
    district: str,
    seq: int,
    possible_duplicates: tuple[str, ...] = (),
    contact_id: str = "",
) -> e.Registered:
    """The event for a new item; only the desk registers, and it never refuses a problem.

    The contact person gets ``contact_id`` (the store's contact with the same phone and name)
    or a new id named after the item, when the record holds personal data (``privacy``); a
    channel note asking for confidentiality (是否保密：是) marks the contact confidential.
    """
    content = check_register(command, ctx)
    notes = tuple((clean(k, 200).strip(), clean(v, 20000).strip()) for k, v in command.notes)
    personal = personal_note_labels(notes, ctx.policy, command.personal_notes)
    firm = command.enterprise
    if asks_confidentiality(notes, ctx.policy) and not firm.confidential:
        firm = attrs.evolve(firm, confidential=True)
    event = e.Registered(
        number=number,
        at=ctx.at,
        by=ctx.by,
        district=district,
        year=ctx.today.year,
        seq=seq,
        enterprise=firm,
        content=content,
        channel=command.channel,
        source_id=clean_source_id(command.source_id),
        reported_at=command.reported_at,
        possible_duplicates=possible_duplicates,
        notes=notes,
        personal_notes=personal,
        assumptions=command.assumptions,
    )
    contact = ""
    if holds_personal(event):
        contact = contact_id or firm.contact_id or new_contact_id(number)
    if contact != firm.contact_id:
        event = attrs.evolve(event, enterprise=attrs.evolve(firm, contact_id=contact))
    return event


def _deadlines(state: Appeal, ctx: Context) -> tuple[Deadline, Deadline | None]:
    complexity = state.complexity or Complexity.ROUTINE
    first = dl.reply_deadline(ctx.calendar, ctx.policy, ctx.today, complexity.needs_preliminary)
    return first, (None if complexity.needs_preliminary else first)


def _co_dues(co: tuple[str, ...], completion: Deadline | None, ctx: Context) -> e.CoDues:
    """Co-handlers report before the lead's completion deadline (routine items: the reply
    deadline; the others get theirs with the committed date)."""
    return co_dues(ctx.calendar, ctx.policy, co, start=ctx.today, lead=completion, what="答复")


def _departments(lead: str, co: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    lead = _text("lead", lead, limit=100)
    cleaned = tuple(_text("co", d, limit=100) for d in co)
    if lead in cleaned:
        raise ValidationError("co", lead, "主办部门不能同时作为协办部门")
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError("co", "、".join(cleaned), "协办部门有重复")
    return lead, cleaned


def decide(state: Appeal, command: c.Command, ctx: Context) -> tuple[e.Event, ...]:
    """The events ``command`` produces on ``state``, or a typed error and no events."""
    rule = check_allowed(state, command, ctx.by, ctx.policy.identity.desk)
    if ctx.at < state.updated_at:
        raise ValidationError(
            "at", ctx.at.isoformat(), f"早于该事项上一次办理时间 {state.updated_at.isoformat()}"
        )
    base = _Base(number=state.number, at=ctx.at, by=ctx.by)
    dept = ctx.by.department
    match command:
        case c.ConfirmAssumption() | c.CorrectAssumption():
            return decide_review(state, command, at=ctx.at, by=ctx.by)
        case c.DismissDuplicate(of=of):
            if of not in state.possible_duplicates:
                flagged = "、".join(state.possible_duplicates) or "无"
                raise ValidationError("of", of, f"不在该事项的疑似重复列表中（{flagged}）")
            return (e.DuplicateDismissed(**base, of=of),)
        case c.Verify(note=note):
            return (e.Verified(**base, note=_note("note", note)),)
        case c.Classify(category=category, complexity=complexity):
            return (
                e.Classified(
                    **base, category=_text("category", category, limit=100), complexity=complexity
                ),
            )
        case c.Assign(lead=lead, co=co):
            lead, co = _departments(lead, co)
            first, completion = _deadlines(state, ctx)
            return (
                e.Assigned(**base, lead=lead, co=co, reply_due=first, completion_due=completion,
                           co_dues=_co_dues(co, completion, ctx)),
            )  # fmt: skip
        case c.SendBack(reason=reason):
            back = e.Returned(**base, department=dept, reason=_text("reason", reason))
            return (*resume_first(state, ctx, base, "主办部门退回，恢复计时"), back)
        case c.Reassign(lead=lead, co=co, reason=reason):
            lead, co = _departments(lead, co)
            if lead == state.lead:
                raise ValidationError("lead", lead, "改派的主办部门与当前主办部门相同")
            first, completion = _deadlines(state, ctx)
            handed = e.Reassigned(
                **base,
                lead=lead,
                co=co,
                reason=_text("reason", reason),
                reply_due=first,
                completion_due=completion,
                co_dues=_co_dues(co, completion, ctx),
            )
            return (*resume_first(state, ctx, base, "改派，恢复计时"), handed)
        case c.ReportToLead(text=text):
            return (e.CoHandlerReported(**base, department=dept, text=_text("text", text)),)
        case c.ReplyPreliminary(text=text, committed_due=committed, contact=contact, phone=phone):
            if state.complexity is None or not state.complexity.needs_preliminary:
                raise LifecycleError(
                    state.number,
                    rule.action,
                    state.status.label,
                    f"常规事项应在{ctx.policy.reply_workdays}个工作日内直接答复，无需初步答复；"
                    f"如确属复杂，请{ctx.policy.identity.desk}先重新分类",
                )
            assert state.reply_due is not None and state.assignment is not None
            resumed = resume_first(state, ctx, base, "主办部门已初步答复，恢复计时")
            reply_due = next((r.reply_due for r in resumed if isinstance(r, e.Resumed)), None)
            reply_due = reply_due or state.reply_due
            due = dl.committed_deadline(
                ctx.calendar,
                ctx.policy,
                assigned_on=reply_due.start,
                committed=committed,
                preliminary_due=reply_due.due,
                category=state.category,
                paused=reply_due.paused,
            )
            co = tuple(d.department for d in state.co_dues) or state.assignment.co
            return (
                *resumed,
                e.PreliminaryReplied(
                    **base,
                    text=_text("text", text),
                    department=dept,
                    committed_due=due,
                    contact=_note("contact", contact, limit=100),
                    phone=_note("phone", phone, limit=50),
                    co_dues=co_dues(ctx.calendar, ctx.policy, co, start=ctx.today, lead=due,
                                    what="办结"),
                ),
            )  # fmt: skip
        case c.ReplyFinal(text=text, contact=contact, phone=phone):
            return (
                *resume_first(state, ctx, base, "主办部门已答复，恢复计时"),
                e.Replied(
                    **base,
                    text=_text("text", text),
                    department=dept,
                    contact=_note("contact", contact, limit=100),
                    phone=_note("phone", phone, limit=50),
                ),
            )
        case c.Extend(new_due=new_due, reason=reason):
            if state.pause is not None:
                raise LifecycleError(
                    state.number, rule.action, state.status.label, "计时暂停中，请先恢复计时再延期"
                )
            if state.completion_due is None:
                raise LifecycleError(
                    state.number,
                    rule.action,
                    state.status.label,
                    "该事项尚无办结期限（复杂事项须先作出初步答复并承诺办结时间）",
                )
            due = dl.extended_deadline(state.completion_due, new_due, reason)
            return (e.DeadlineExtended(**base, completion_due=due, reason=_note("reason", reason)),)
        case c.Redate(reason=reason):
            planned = moves(state, ctx.calendar, ctx.policy)
            moved = {m.field: m.new for m in planned if m.field != CO}
            if not planned:
                raise ValidationError("number", state.number, "该事项的期限不受日历变化影响")
            return (
                e.Redated(
                    **base,
                    reason=_text("reason", reason),
                    reply_due=moved.get("reply_due"),
                    completion_due=moved.get("completion_due"),
                    escalation_due=moved.get("escalation_due"),
                    co_dues=tuple((m.department, m.new) for m in planned if m.field == CO),
                ),
            )
        case c.Escalate(leader=leader, reason=reason, proposal=proposal):
            if state.escalation is not None and state.escalation.is_open:
                raise LifecycleError(
                    state.number,
                    rule.action,
                    state.status.label,
                    "该事项已报区分管领导，尚未协调解决",
                )
            due = dl.escalation_deadline(ctx.calendar, ctx.today)
            return (
                e.Escalated(
                    **base,
                    leader=_text("leader", leader, limit=100),
                    reason=_text("reason", reason),
                    due=due,
                    proposal=_text("proposal", proposal),
                ),
            )
        case c.Resolve(resolution=resolution):
            escalation = state.escalation
            if escalation is None or not escalation.is_open:
                raise LifecycleError(
                    state.number, rule.action, state.status.label, "该事项没有待协调的报送"
                )
            if not escalation.may_resolve(ctx.by.name):
                desk = ctx.policy.identity.desk
                who = escalation.leader + (
                    f"或{desk}指定的代理领导（{'、'.join(escalation.deputies)}）"
                    if escalation.deputies
                    else ""
                )
                reason = f"该事项报{escalation.leader}协调，只有{who}可以协调解决"
                raise PermissionDenied(str(ctx.by), rule.action, state.number, reason)
            return (e.EscalationResolved(**base, resolution=_text("resolution", resolution)),)
        case c.RecordFollowUp(
            satisfaction=sat, resolved=resolved, visited_on=visited, notes=notes, reached=reached
        ):
            replied = local_date(state.final_reply.at) if state.final_reply else None
            if visited > ctx.today or (replied is not None and visited < replied):
                raise ValidationError(
                    "visited_on",
                    visited.isoformat(),
                    f"回访日期应在答复日 {replied} 与今天 {ctx.today} 之间",
                )
            if not reached and (resolved or sat is not Satisfaction.UNSATISFIED):
                raise ValidationError(
                    "reached", reached, "未联系上企业的回访不能记录满意或已解决，请另行再次回访"
                )
            follow = FollowUp(
                satisfaction=sat,
                resolved=resolved,
                visited_on=visited,
                notes=_note("notes", notes),
                reached=reached,
            )
            return (e.FollowedUp(**base, follow_up=follow),)
        case c.Reopen(reason=reason):
            first, completion = _deadlines(state, ctx)
            co = state.assignment.co if state.assignment else ()
            return (
                e.Reopened(
                    **base,
                    reason=_text("reason", reason),
                    reply_due=first,
                    completion_due=completion,
                    co_dues=_co_dues(co, completion, ctx),
                ),
            )
        case c.Characterize(reason=reason, red_line=red_line):
            done = e.Characterized(**base, reason=_text("reason", reason), red_line=red_line)
            return (*resume_first(state, ctx, base, "定性，恢复计时"), done)
        case c.Close(note=note):
            _check_closable(state, rule.action)
            return (e.Closed(**base, note=_note("note", note)),)
        case c.SetConfidential(confidential=confidential, reason=reason):
            if confidential == state.enterprise.confidential:
                now = "已设为保密" if confidential else "未设保密"
                raise ValidationError("confidential", confidential, f"该事项的联系人{now}")
            reason = _note("reason", reason) if confidential else _text("reason", reason)
            return (e.ConfidentialitySet(**base, confidential=confidential, reason=reason),)
        case c.Merge():
            raise TypeError("merge involves two items: use decide_merge")
    return decide_handling(state, command, ctx, base, rule.action)


def _check_closable(state: Appeal, action: str) -> None:
    if state.escalation is not None and state.escalation.is_open:
        raise LifecycleError(
            state.number, action, state.status.label, "该事项报区分管领导后尚未协调解决"
        )
    last = state.last_follow_up
    if state.status is Status.FOLLOWED_UP and last is not None and not last.resolved:
        raise LifecycleError(
            state.number,
            action,
            state.status.label,
            "回访显示问题未解决：请重新交办，或定性并说明原因后再销号",
        )


def decide_merge(
    duplicate: Appeal, primary: Appeal, command: c.Merge, ctx: Context
) -> tuple[e.Event, ...]:
    """Merge ``duplicate`` into ``primary``: one event on each; the primary keeps its clock."""
    check_allowed(duplicate, command, ctx.by, ctx.policy.identity.desk)
    if duplicate.number == primary.number:
        raise ValidationError("into", primary.number, "不能把事项合并到它自己")
    if not primary.status.is_open:
        raise LifecycleError(
            primary.number, "接收合并", primary.status.label, "请合并到仍在办理中的事项"
        )
    return (
        e.Merged(number=duplicate.number, at=ctx.at, by=ctx.by, into=primary.number),
        e.DuplicateAttached(number=primary.number, at=ctx.at, by=ctx.by, source=duplicate.number),
    )
