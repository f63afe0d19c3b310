"""Counting deadlines again when the calendar changes: the impact report and the re-dating.

A deadline counted in working days across days without a notice is provisional; once the
notice is loaded (or corrected) it may move.  Nothing is rewritten silently: ``moves`` lists
what would change, the desk applies it per item (a ``Redated`` event with the notice as its
reason).  A date a person gave (a committed date, an extension) is never counted again.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from appeal_core import deadlines as dl
from appeal_core.appeal import Appeal
from appeal_core.deadlines import Deadline, Workdays, co_report_deadline
from appeal_core.policy import Policy

#: What each counted rule is called in the impact report.
WHAT = {"reply": "答复", "preliminary": "初步答复", "escalation": "协调", "co_report": "协办报送"}
#: The field name of a co-handler's report deadline in ``Moved`` (one per department).
CO = "co_due"


@attrs.frozen(kw_only=True)
class Moved:
    """One counted deadline of an open item, before and after counting it again."""

    number: str
    department: str
    field: str  # reply_due, completion_due, escalation_due or co_due (``department``'s)
    old: Deadline
    new: Deadline

    @property
    def what(self) -> str:
        """The deadline's name: 答复, 初步答复, 办结 or 协调."""
        return "办结" if self.field == "completion_due" else WHAT.get(self.new.rule, self.new.rule)

    @property
    def changes_date(self) -> bool:
        """True when the due date itself moves (not only its provisional mark)."""
        return self.old.due != self.new.due

    def __str__(self) -> str:
        mark = "（仍为暂定）" if self.new.provisional else ""
        return (
            f"{self.number} {self.department} {self.what}期限 {self.old} → "
            f"{self.new.due.isoformat()}{mark}"
        )


def recount(deadline: Deadline, calendar: Workdays, policy: Policy) -> Deadline | None:
    """``deadline`` counted again with ``calendar``; None for a date a person gave (unless a
    pause moved it: then the paused working days are counted again)."""
    paused = deadline.paused
    match deadline.rule:
        case "reply" | "preliminary":
            default = policy.reply_workdays if deadline.rule == "reply" else None
            n = deadline.workdays or default or policy.preliminary_workdays
            what = "答复期限" if deadline.rule == "reply" else "初步答复期限"
            fresh = dl.workday_deadline(calendar, deadline.start, n + paused, deadline.rule, what)
            if not paused:
                return fresh
            note = f"（其中 {paused} 个工作日为暂停计时顺延）"
            return attrs.evolve(
                fresh, workdays=n, paused=paused, explanation=fresh.explanation + note
            )
        case "escalation":
            return dl.escalation_deadline(calendar, deadline.start)
    if not paused:
        return None
    due = calendar.add_workdays(deadline.start, paused)
    first = deadline.explanation.split("；", 1)[0]
    text = f"{first}；经暂停计时顺延 {paused} 个工作日，为 {due.isoformat()}"
    provisional = calendar.is_provisional(deadline.start, due)
    return attrs.evolve(deadline, due=due, explanation=text, provisional=provisional)


def moves(state: Appeal, calendar: Workdays, policy: Policy) -> tuple[Moved, ...]:
    """The counted deadlines of an open item that change (date or provisional mark)."""
    if not state.status.is_open:
        return ()
    found: list[Moved] = []
    escalation = state.escalation
    open_escalation = escalation.due if escalation is not None and escalation.is_open else None
    department = state.lead or ""
    for field, deadline in (
        ("reply_due", state.reply_due),
        ("completion_due", state.completion_due),
        ("escalation_due", open_escalation),
    ):
        if deadline is None:
            continue
        new = recount(deadline, calendar, policy)
        if new is None or (new.due, new.provisional) == (deadline.due, deadline.provisional):
            continue
        who = escalation.leader if field == "escalation_due" and escalation else department
        found.append(Moved(number=state.number, department=who, field=field, old=deadline, new=new))
    lead = next((m.new for m in found if m.field == "completion_due"), state.completion_due)
    return (*found, *_co_moves(state, calendar, policy, lead))


def _co_moves(
    state: Appeal, calendar: Workdays, policy: Policy, lead: Deadline | None
) -> list[Moved]:
    """Unreported co-handlers' deadlines that change when counted again before ``lead`` (the
    lead's completion deadline, itself counted again)."""
    if lead is None:
        return []
    what = "办结" if state.preliminary_reply is not None else "答复"
    found: list[Moved] = []
    for co in state.co_dues:
        old = co.due
        if old is None or co.reported_at is not None:
            continue
        new = co_report_deadline(calendar, policy, start=old.start, lead=lead, what=what)
        if (new.due, new.provisional) != (old.due, old.provisional):
            found.append(Moved(number=state.number, department=co.department, field=CO,
                               old=old, new=new))  # fmt: skip
    return found


def impact(states: Iterable[Appeal], calendar: Workdays, policy: Policy) -> tuple[Moved, ...]:
    """Every open item's deadlines that ``calendar`` moves or makes final, in item order."""
    return tuple(m for state in states for m in moves(state, calendar, policy))


def provisional_deadlines(state: Appeal) -> tuple[tuple[str, Deadline], ...]:
    """The item's current deadlines that are provisional, with their field names."""
    escalation = state.escalation
    pairs = (
        ("reply_due", state.reply_due),
        ("completion_due", state.completion_due),
        ("escalation_due", escalation.due if escalation is not None else None),
        *((CO, co.due) for co in state.co_dues if co.reported_at is None),
    )
    return tuple((f, d) for f, d in pairs if d is not None and d.provisional)
