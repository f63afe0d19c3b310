"""Tasks decided by the consultation meeting, followed like items until done (``@D:tasks``).

A task is created by the meeting's minutes (``meetings.record_meeting``); the daily sweep
reminds its owner before the due date and supervises it after (twice, like an item) until the
owner reports it done; the desk then confirms it, or returns it with a reason and the chase
goes on.  The tasks' state is the fold of the stream; their notices are ``Announced`` events in
``@D:notices`` (delivered like any notice).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

import attrs

from appeal_core.actor import Actor, Role
from appeal_core.desk_base import DeskBase, require_desk
from appeal_core.errors import LifecycleError, PermissionDenied, TaskNotFound
from appeal_core.handling import optional_text, text
from appeal_core.journal import (
    JournalEvent,
    TaskConfirmed,
    TaskCreated,
    TaskReported,
    TaskReturned,
    stream_key,
)
from appeal_core.policy import Policy
from appeal_core.registry import actor_in
from appeal_core.sweep import Action, ActionKind, Chased, Known, chase
from appeal_core.timeutil import local_date

KIND = "tasks"
WHAT = "会商会议任务"


def tasks_stream(district: str) -> str:
    """The stream of a district's meeting tasks: ``@HM:tasks``."""
    return stream_key(district, KIND)


class TaskStatus(enum.StrEnum):
    """Open (to do), reported (done, awaiting the desk), done (confirmed)."""

    OPEN = "open"
    REPORTED = "reported"
    DONE = "done"

    @property
    def label(self) -> str:
        """The status in Chinese."""
        return {"open": "办理中", "reported": "已报完成待确认", "done": "已完成"}[self.value]


@attrs.frozen(kw_only=True)
class Task:
    """One task as it stands after its events."""

    id: str
    meeting: str
    text: str
    owner: str
    due: date
    items: tuple[str, ...] = ()
    created_at: datetime
    status: TaskStatus = TaskStatus.OPEN
    report: str = ""
    reported_at: datetime | None = None
    confirmed_at: datetime | None = None
    note: str = ""
    returns: int = 0

    @property
    def is_open(self) -> bool:
        """True until the desk confirms it done."""
        return self.status is not TaskStatus.DONE


def fold_tasks(events: Iterable[JournalEvent]) -> dict[str, Task]:
    """Every task of a stream by id, in creation order."""
    tasks: dict[str, Task] = {}
    for ev in events:
        match ev:
            case TaskCreated():
                tasks[ev.task] = Task(
                    id=ev.task, meeting=ev.meeting, text=ev.text, owner=ev.owner, due=ev.due,
                    items=ev.items, created_at=ev.at,
                )  # fmt: skip
            case TaskReported() if ev.task in tasks:
                tasks[ev.task] = attrs.evolve(
                    tasks[ev.task], status=TaskStatus.REPORTED, report=ev.text, reported_at=ev.at
                )
            case TaskConfirmed() if ev.task in tasks:
                tasks[ev.task] = attrs.evolve(
                    tasks[ev.task], status=TaskStatus.DONE, confirmed_at=ev.at, note=ev.note
                )
            case TaskReturned() if ev.task in tasks:
                old = tasks[ev.task]
                tasks[ev.task] = attrs.evolve(
                    old, status=TaskStatus.OPEN, note=ev.reason, returns=old.returns + 1
                )
    return tasks


def task_actions(
    tasks: Iterable[Task],
    on: date,
    calendar: Known,
    policy: Policy,
    noticed_on: Callable[[str], date | None],
) -> list[Action]:
    """Every task's notices due on ``on``, recorded ones included: reminders and supervision of
    open tasks to their owners, and a request to the desk to confirm a reported one."""
    out: list[Action] = []
    desk = policy.identity.desk
    for task in tasks:
        short = task.text if len(task.text) <= 30 else task.text[:29] + "…"
        if task.status is TaskStatus.OPEN:
            chased = Chased(
                number="", target=task.owner, name=f"会商会议任务 {task.id}",
                subject=f"会商会议任务 {task.id}（{short}）的完成期限",
                ask=f"请按时办理并向{desk}报告", due=task.due, tag=f"{task.id}:{task.due}",
                prefix="task_", task=task.id, numbers=task.items,
                kinds=(ActionKind.TASK_REMIND, ActionKind.TASK_SUPERVISE,
                       ActionKind.TASK_SUPERVISE_AGAIN),
            )  # fmt: skip
            out.extend(chase(chased, on, calendar, policy, noticed_on))
        elif task.status is TaskStatus.REPORTED and task.reported_at is not None:
            out.append(
                Action(
                    kind=ActionKind.TASK_CONFIRM, number="", target=desk, task=task.id,
                    key=f"task_confirm:{task.id}:{task.reported_at.isoformat()}",
                    numbers=task.items, due=task.due,
                    message=f"会商会议任务 {task.id}（{short}）{task.owner}已报告完成，请核实确认",
                )
            )  # fmt: skip
    return out


# -- use cases (thin ``Desk`` methods call these) ------------------------------------------


def tasks(desk: DeskBase) -> dict[str, Task]:
    """The district's tasks by id."""
    return fold_tasks(desk.store.journal(tasks_stream(desk.district)))


def _change(desk: DeskBase, task_id: str, make: Callable[[Task, str], JournalEvent]) -> Task:
    stream = tasks_stream(desk.district)
    with desk.store.unit_of_work() as uow:
        known = uow.journal(stream)
        current = fold_tasks(known)
        if task_id not in current:
            raise TaskNotFound(task_id)
        event = make(current[task_id], stream)
        uow.append_journal(stream, len(known), (event,))
    desk._notify((event,))
    return fold_tasks((*known, event))[task_id]


def report_task(desk: DeskBase, task_id: str, *, text_: str, at: datetime, by: Actor) -> Task:
    """The owner department reports the task done."""
    desk._context(at, by)
    by = actor_in(desk.registry, by)  # a department under its official name

    def make(task: Task, stream: str) -> JournalEvent:
        if by.role is not Role.DEPARTMENT or by.department != task.owner:
            raise PermissionDenied(str(by), "报告任务完成", task.id, f"该任务由{task.owner}办理")
        if task.status is not TaskStatus.OPEN:
            raise LifecycleError(task.id, "报告任务完成", task.status.label, what=WHAT)
        return TaskReported(stream=stream, at=at, by=by, task=task.id,
                            department=by.department, text=text("text", text_))  # fmt: skip

    return _change(desk, task_id, make)


def confirm_task(desk: DeskBase, task_id: str, *, at: datetime, by: Actor, note: str = "") -> Task:
    """The desk confirms a reported task done."""
    desk._context(at, by)
    require_desk(by, "确认任务完成", desk.policy.identity.desk)

    def make(task: Task, stream: str) -> JournalEvent:
        if task.status is not TaskStatus.REPORTED:
            raise LifecycleError(
                task.id, "确认任务完成", task.status.label, "须由责任部门先报告完成", what=WHAT
            )
        return TaskConfirmed(stream=stream, at=at, by=by, task=task.id, note=optional_text(note))

    return _change(desk, task_id, make)


def return_task(desk: DeskBase, task_id: str, *, reason: str, at: datetime, by: Actor) -> Task:
    """The desk does not accept the report: the task is open again and chased on."""
    desk._context(at, by)
    require_desk(by, "退回任务", desk.policy.identity.desk)

    def make(task: Task, stream: str) -> JournalEvent:
        if task.status is not TaskStatus.REPORTED:
            raise LifecycleError(
                task.id, "退回任务", task.status.label, "只有已报完成的任务可以退回", what=WHAT
            )
        return TaskReturned(stream=stream, at=at, by=by, task=task.id,
                            reason=text("reason", reason))  # fmt: skip

    return _change(desk, task_id, make)


def noticed(events: Iterable[JournalEvent]) -> Mapping[str, date]:
    """The day each announced key was recorded (first time), from a notices stream."""
    found: dict[str, date] = {}
    for ev in events:
        key = getattr(ev, "key", None)
        if isinstance(key, str):
            found.setdefault(key, local_date(ev.at))
    return found
