"""The daily digest (每天汇总): what the desk looks at each morning.  A query, never stored.

It shows the district as it stood at the start of ``on`` (every event dated before that day,
nothing later), so a digest reprinted days afterwards is the one the desk read that morning.
For the day ``on``: what came in since the previous working day (that day included, ``on``
excluded: Monday's digest covers Friday to Sunday) by channel, the app's and the 12345
hotline's counts first as the seed names them; what is due today and on the next working day
(the lead's deadlines, the co-handlers' reports, the meeting's tasks); what went overdue in
that period and how many are overdue in all; what awaits a follow-up visit; which
escalations, pauses and tasks are open.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

import attrs

from appeal_core.appeal import Appeal, Channel, Status
from appeal_core.deadlines import Workdays
from appeal_core.history import fold
from appeal_core.lifecycle import HANDLING
from appeal_core.ports import Store
from appeal_core.sweep import Known, pending_deadline
from appeal_core.tasks import Task, TaskStatus, fold_tasks, tasks_stream
from appeal_core.timeutil import SHANGHAI, local_date


@attrs.frozen(kw_only=True)
class DigestLine:
    """One matter in the digest: the item (or task), who owes what, by when."""

    number: str
    subject: str
    who: str
    what: str
    due: date | None = None
    note: str = ""


@attrs.frozen(kw_only=True)
class Digest:
    """The digest of day ``on``; ``since``..``until`` is the intake period it covers."""

    on: date
    since: date
    until: date
    next_day: date
    received: tuple[tuple[Channel, int], ...]
    received_items: tuple[DigestLine, ...] = ()
    due_today: tuple[DigestLine, ...] = ()
    due_next: tuple[DigestLine, ...] = ()
    went_overdue: tuple[DigestLine, ...] = ()
    overdue: int = 0
    awaiting_visit: tuple[DigestLine, ...] = ()
    escalations: tuple[DigestLine, ...] = ()
    paused: tuple[DigestLine, ...] = ()
    tasks: tuple[DigestLine, ...] = ()

    @property
    def received_total(self) -> int:
        """Items registered in the period, all channels."""
        return sum(n for _, n in self.received)

    def count(self, channel: Channel) -> int:
        """Items registered in the period from ``channel``."""
        return dict(self.received).get(channel, 0)


def start_of(on: date) -> datetime:
    """The first instant of ``on`` in Asia/Shanghai: the digest's cut-off."""
    return datetime.combine(on, time(0), SHANGHAI)


def states_before(store: Store, district: str, cutoff: datetime) -> Iterator[Appeal]:
    """Every item registered before ``cutoff``, as it stood then.  An item unchanged since is
    its current state; only those changed since are folded again from their events."""
    for state in store.states(district):
        if state.updated_at < cutoff:
            yield state
        elif state.registered_at < cutoff:
            yield fold(e for e in store.events(state.number) if e.at < cutoff)


def tasks_before(store: Store, district: str, cutoff: datetime) -> tuple[Task, ...]:
    """The meeting's tasks as they stood at ``cutoff``."""
    events = (e for e in store.journal(tasks_stream(district)) if e.at < cutoff)
    return tuple(fold_tasks(events).values())


def _subject(item: Appeal) -> str:
    text = item.content if len(item.content) <= 40 else item.content[:39] + "…"
    return f"{item.enterprise.name}：{text}"


def _dues(item: Appeal) -> list[tuple[str, str, date]]:
    """(who, what, due) of every deadline the item is chased on now (none while paused)."""
    if item.pause is not None or item.status not in HANDLING:
        return []
    found = []
    pending = pending_deadline(item)
    if pending is not None:
        found.append((item.lead or "", f"{pending[0]}期限", pending[1].due))
    for co in item.co_dues:
        if co.due is not None and co.reported_at is None:
            found.append((co.department, "协办报送期限", co.due.due))
    return found


def _order(received: dict[Channel, int]) -> tuple[Channel, ...]:
    """The seed's five, then the other channels that received items, by name."""
    return (*Channel, *sorted(ch for ch in received if not ch.built_in))


def daily_digest(
    states: Iterable[Appeal], tasks: Iterable[Task], *, on: date, calendar: Workdays, desk: str
) -> Digest:
    """The digest of ``on`` over the district's items and the meeting's tasks."""
    known = Known(calendar)
    since, next_day = known.add_workdays(on, -1), known.add_workdays(on, 1)
    until = on - timedelta(days=1)
    received: dict[Channel, int] = dict.fromkeys(Channel, 0)
    parts: dict[str, list[DigestLine]] = {k: [] for k in (
        "received_items", "due_today", "due_next", "went_overdue", "awaiting_visit",
        "escalations", "paused", "tasks")}  # fmt: skip
    overdue = 0
    for item in states:
        registered = local_date(item.registered_at)
        subject = _subject(item)
        if since <= registered <= until:
            received[item.channel] = received.get(item.channel, 0) + 1
            parts["received_items"].append(
                DigestLine(number=item.number, subject=subject, who=item.lead or desk,
                           what=item.status.label))  # fmt: skip
        if not item.status.is_open:
            continue
        for who, what, due in _dues(item):
            line = DigestLine(number=item.number, subject=subject, who=who, what=what, due=due)
            if due == on:
                parts["due_today"].append(line)
            elif on < due <= next_day:
                parts["due_next"].append(line)
            elif due < on:
                overdue += 1
                if since <= due:
                    parts["went_overdue"].append(line)
        if item.status is Status.REPLIED:
            replied = local_date(item.final_reply.at) if item.final_reply else None
            parts["awaiting_visit"].append(
                DigestLine(number=item.number, subject=subject, who=desk, what="待回访",
                           due=replied, note=f"{item.lead or ''}已于 {replied} 答复"))  # fmt: skip
        escalation = item.escalation
        if escalation is not None and escalation.is_open:
            parts["escalations"].append(
                DigestLine(number=item.number, subject=subject, who=escalation.leader,
                           what="领导协调期限", due=escalation.due.due,
                           note=f"已办会 {len(escalation.meetings)} 次"))  # fmt: skip
        if item.pause is not None:
            parts["paused"].append(
                DigestLine(number=item.number, subject=subject, who=item.lead or desk,
                           what="预计恢复计时", due=item.pause.until,
                           note=item.pause.reason.label))  # fmt: skip
    for task in tasks:
        if not task.is_open:
            continue
        line = DigestLine(number=task.id, subject=task.text, who=task.owner,
                          what=f"会商任务（{task.status.label}）", due=task.due)  # fmt: skip
        parts["tasks"].append(line)
        if task.status is TaskStatus.OPEN:
            if task.due == on:
                parts["due_today"].append(line)
            elif on < task.due <= next_day:
                parts["due_next"].append(line)
            elif task.due < on:
                overdue += 1
                if since <= task.due:
                    parts["went_overdue"].append(line)
    return Digest(
        on=on, since=since, until=until, next_day=next_day,
        received=tuple((ch, received[ch]) for ch in _order(received)), overdue=overdue,
        received_items=tuple(parts["received_items"]), due_today=tuple(parts["due_today"]),
        due_next=tuple(parts["due_next"]), went_overdue=tuple(parts["went_overdue"]),
        awaiting_visit=tuple(parts["awaiting_visit"]), escalations=tuple(parts["escalations"]),
        paused=tuple(parts["paused"]), tasks=tuple(parts["tasks"]),
    )  # fmt: skip
