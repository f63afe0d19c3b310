"""The monthly consultation meeting (会商会议): its minutes, and the tasks its decisions make.

The seed (四（一）): the desk convenes it, in principle once a month, to settle what the
direct line's working meets and cannot solve itself.  The agenda is a query
(``appeal_core.agenda``); the minutes are a ``MeetingRecorded`` event in ``@D:meetings``,
numbered per year (``HM-2026-H03``), and each decision becomes a task in ``@D:tasks``
(``HM-2026-H03-1``), written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import attrs

from appeal_core.actor import Actor
from appeal_core.desk_base import DeskBase, require_desk
from appeal_core.errors import MeetingNotFound, ValidationError
from appeal_core.handling import names, optional_text, text
from appeal_core.journal import Decision, JournalEvent, MeetingRecorded, TaskCreated, stream_key
from appeal_core.tasks import tasks_stream

KIND = "meetings"


def meetings_stream(district: str) -> str:
    """The stream of a district's consultation meetings: ``@HM:meetings``."""
    return stream_key(district, KIND)


@attrs.frozen(kw_only=True)
class Meeting:
    """A consultation meeting as its minutes record it, with the ids of the tasks it made."""

    id: str
    held_on: date
    chair: str
    attendees: tuple[str, ...]
    decisions: tuple[Decision, ...]
    items: tuple[str, ...] = ()
    summary: str = ""
    recorded_at: datetime
    recorded_by: str = ""

    @property
    def tasks(self) -> tuple[str, ...]:
        """The ids of the tasks its decisions became, in order."""
        return tuple(f"{self.id}-{k}" for k in range(1, len(self.decisions) + 1))


def _meeting(event: MeetingRecorded) -> Meeting:
    return Meeting(
        id=event.meeting, held_on=event.held_on, chair=event.chair, attendees=event.attendees,
        decisions=event.decisions, items=event.items, summary=event.summary,
        recorded_at=event.at, recorded_by=str(event.by),
    )  # fmt: skip


def fold_meetings(events: Iterable[JournalEvent]) -> tuple[Meeting, ...]:
    """Every meeting of a stream, oldest first."""
    return tuple(_meeting(e) for e in events if isinstance(e, MeetingRecorded))


def meetings(desk: DeskBase) -> tuple[Meeting, ...]:
    """The district's consultation meetings, oldest first."""
    return fold_meetings(desk.store.journal(meetings_stream(desk.district)))


def meeting(desk: DeskBase, meeting_id: str) -> Meeting:
    """One meeting by id; ``MeetingNotFound`` when there is none."""
    found = next((m for m in meetings(desk) if m.id == meeting_id), None)
    if found is None:
        raise MeetingNotFound(meeting_id)
    return found


def _decision(desk: DeskBase, k: int, d: Decision, held_on: date) -> Decision:
    field = f"decisions[{k}]"
    owner = text(f"{field}.owner", d.owner, limit=100)
    if desk.registry:  # the district's registry: official names, typos refused
        owner = desk.registry.resolve(owner, f"{field}.owner")
    if d.due < held_on:
        raise ValidationError(f"{field}.due", d.due.isoformat(), f"不能早于会议日期 {held_on}")
    items = tuple(dict.fromkeys(n.strip() for n in d.items if n.strip()))
    for number in items:
        if desk.get(number).district != desk.district:  # AppealNotFound when unknown
            raise ValidationError(f"{field}.items", number, f"不是{desk.district}的事项")
    return Decision(text=text(f"{field}.text", d.text), owner=owner, due=d.due, items=items)


def record_meeting(
    desk: DeskBase,
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
    """Record the minutes; every decision becomes a task followed by the sweep."""
    ctx = desk._context(at, by)
    require_desk(by, "记录会商会议纪要", desk.policy.identity.desk)
    if held_on > ctx.today:
        raise ValidationError("held_on", held_on.isoformat(), f"会议日期不能晚于今天 {ctx.today}")
    who = names("attendees", tuple(attendees))
    made = tuple(_decision(desk, k, d, held_on) for k, d in enumerate(decisions, start=1))
    discussed = tuple(dict.fromkeys(n.strip() for n in items if n.strip()))
    for number in discussed:
        desk.get(number)
    stream, task_stream = meetings_stream(desk.district), tasks_stream(desk.district)
    with desk.store.unit_of_work() as uow:
        known = uow.journal(stream)
        seq = 1 + sum(isinstance(e, MeetingRecorded) and e.held_on.year == held_on.year
                      for e in known)  # fmt: skip
        meeting_id = f"{desk.district}-{held_on.year}-H{seq:02d}"
        minutes = MeetingRecorded(
            stream=stream, at=at, by=by, meeting=meeting_id, held_on=held_on,
            chair=optional_text(chair, field="chair", limit=100), attendees=who, decisions=made,
            items=discussed, summary=optional_text(summary, field="summary"),
        )  # fmt: skip
        created = tuple(
            TaskCreated(stream=task_stream, at=at, by=by, task=f"{meeting_id}-{k}",
                        meeting=meeting_id, text=d.text, owner=d.owner, due=d.due, items=d.items)
            for k, d in enumerate(made, start=1)
        )  # fmt: skip
        uow.append_journal(stream, len(known), (minutes,))
        if created:
            uow.append_journal(task_stream, len(uow.journal(task_stream)), created)
    desk._notify((minutes, *created))
    return _meeting(minutes)
