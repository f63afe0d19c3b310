"""The consultation meeting's agenda (会商会议议题) for a month: what the mechanism itself
could not solve.  A query over the items' current states and the tasks, never stored.

Five kinds of matter: escalations not settled by their month-end (due on or before the
month's last day, still open); items returned or reassigned ``Policy.stuck_transfers`` times
or more; items still overdue after the second supervision (the lead's deadline or a
co-handler's report); items characterized as unsolvable in the month (for review); and the
recurring problems (``appeal_core.recurring``).  Besides, the earlier meetings' tasks still
open and due by the month's end.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from appeal_core.appeal import Appeal
from appeal_core.metrics import month_bounds
from appeal_core.policy import Policy
from appeal_core.recurring import Recurring, recurring_problems
from appeal_core.sweep import pending_deadline
from appeal_core.tasks import Task
from appeal_core.timeutil import local_date


@attrs.frozen(kw_only=True)
class AgendaItem:
    """One item on the agenda and why it is there."""

    number: str
    enterprise: str
    content: str
    lead: str
    why: str


@attrs.frozen(kw_only=True)
class Agenda:
    """The month's agenda, section by section (each in item order)."""

    year: int
    month: int
    escalations: tuple[AgendaItem, ...] = ()
    transfers: tuple[AgendaItem, ...] = ()
    supervised: tuple[AgendaItem, ...] = ()
    characterized: tuple[AgendaItem, ...] = ()
    recurring: tuple[Recurring, ...] = ()
    tasks: tuple[Task, ...] = ()

    @property
    def numbers(self) -> tuple[str, ...]:
        """Every item the agenda names, once, in section order."""
        sections = (self.escalations, self.transfers, self.supervised, self.characterized)
        found = [a.number for section in sections for a in section]
        found += [n for r in self.recurring for n in r.numbers]
        return tuple(dict.fromkeys(found))

    @property
    def empty(self) -> bool:
        """True when nothing needs the meeting."""
        return not (self.numbers or self.tasks)


def _entry(item: Appeal, why: str) -> AgendaItem:
    content = item.content if len(item.content) <= 80 else item.content[:79] + "…"
    return AgendaItem(number=item.number, enterprise=item.enterprise.name, content=content,
                      lead=item.lead or "", why=why)  # fmt: skip


def _beyond_second(item: Appeal) -> str:
    """Why the item is still overdue after a second supervision, or ``""``."""
    if item.pause is not None:
        return ""
    pending = pending_deadline(item)
    if pending is not None:
        what, deadline = pending
        key = f"supervise2:{deadline.rule}:{deadline.due.isoformat()}"
        day = item.noticed_on(key)
        if day is not None:
            return f"{what}期限 {deadline.due} 已过，{day} 二次督办后仍未办理"
    for co in item.co_dues:
        if co.due is None or co.reported_at is not None:
            continue
        day = item.noticed_on(f"co_supervise2:{co.department}:{co.due.due.isoformat()}")
        if day is not None:
            return f"协办部门{co.department}报送期限 {co.due.due} 已过，{day} 二次督办后仍未报送"
    return ""


def meeting_agenda(
    states: Iterable[Appeal], tasks: Iterable[Task], *, year: int, month: int, policy: Policy
) -> Agenda:
    """The agenda of ``year``-``month`` from the items' current states and the tasks."""
    first, last = month_bounds(year, month)
    items = list(states)
    escalations, transfers, supervised, characterized = [], [], [], []
    for item in items:
        esc = item.escalation
        if item.status.is_open and esc is not None and esc.is_open and esc.due.due <= last:
            escalations.append(
                _entry(item, f"{local_date(esc.at)} 报{esc.leader}协调，期限 {esc.due.due}，"
                             f"已办会 {len(esc.meetings)} 次，尚未协调解决")
            )  # fmt: skip
        if item.status.is_open and item.transfers >= policy.stuck_transfers:
            transfers.append(
                _entry(item, f"已退回 {item.returns} 次、改派 {item.reassignments} 次")
            )
        why = _beyond_second(item) if item.status.is_open else ""
        if why:
            supervised.append(_entry(item, why))
        done = item.characterization
        if done is not None and first <= local_date(done.at) <= last:
            line = f"{local_date(done.at)} 定性：{done.reason}"
            characterized.append(_entry(item, line))
    recurring = recurring_problems(
        items, threshold=policy.recurring_threshold,
        min_enterprises=policy.recurring_min_enterprises,
    )  # fmt: skip
    open_tasks = tuple(t for t in tasks if t.is_open and t.due <= last)
    return Agenda(
        year=year, month=month, escalations=tuple(escalations), transfers=tuple(transfers),
        supervised=tuple(supervised), characterized=tuple(characterized), recurring=recurring,
        tasks=open_tasks,
    )  # fmt: skip
