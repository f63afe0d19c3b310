"""``Desk.sweep``: run the daily sweep and record what it finds, once.

Each item's notices become ``Noticed`` events on the item (one transaction per item; an item
the store refuses, e.g. a tampered row, is named to the desk and does not stop the others); the
district's (the calendar, the meeting's tasks) become ``Announced`` events in ``@D:notices``;
the day's supervising notices of each department become a numbered supervision notice
(``SupervisionNoticeIssued``) in the same stream.  The listeners get them all.  Last, the
retention step erases the contacts the policy no longer keeps (``privacy_desk``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from appeal_core import privacy_desk
from appeal_core.actor import Actor
from appeal_core.announcements import announcements, notices_stream
from appeal_core.appeal import Appeal
from appeal_core.desk_base import DeskBase, apply_events, require_desk
from appeal_core.errors import AppealError
from appeal_core.events import Event, Noticed
from appeal_core.journal import JournalEvent
from appeal_core.supervision_notice import issued, notices_for
from appeal_core.sweep import Action, Known, _mark_guesses, unrecorded_action
from appeal_core.sweep import sweep as sweep_actions
from appeal_core.tasks import noticed, task_actions, tasks


def run_sweep(desk: DeskBase, on: date, *, at: datetime, by: Actor) -> tuple[Action, ...]:
    """Record every notice due on ``on`` that was not recorded before; the new ones."""
    require_desk(by, "执行每日督办", desk.policy.identity.desk)
    desk._context(at, by)
    calendar, policy = desk.calendar, desk.policy
    actions = sweep_actions(desk.store.states(desk.district), on=on, calendar=calendar,
                            policy=policy)  # fmt: skip
    by_item: dict[str, list[Action]] = {}
    for action in actions:
        by_item.setdefault(action.number, []).append(action)
    district_wide = by_item.pop("", [])
    recorded: list[Event | JournalEvent] = []
    failed: list[tuple[str, str]] = []
    states: dict[str, Appeal] = {}  # the items whose notices were recorded, as they are now
    for number, item_actions in by_item.items():
        try:  # one item the store refuses (e.g. a tampered row) must not stop the others
            with desk.store.unit_of_work() as uow:
                state = uow.state(number)
                events = _noticed(state, item_actions, at, by)
                states[number] = apply_events(state, events)
                uow.append(number, state.version, events, states[number])
        except AppealError as exc:
            states.pop(number, None)
            failed.append((number, str(exc)))
            continue
        recorded.extend(events)
    if failed:
        district_wide.append(unrecorded_action(on, failed, policy))
    retention = privacy_desk.retention_sweep(desk, on, at=at, by=by)
    if retention.failed:
        district_wide.append(privacy_desk.unerased_action(on, retention.failed, policy))
    refused = {number for number, _ in failed}
    done = [a for a in actions if a.number and a.number not in refused]
    stream = notices_stream(desk.district)
    current = tasks(desk)
    with desk.store.unit_of_work() as uow:
        known = uow.journal(stream)
        sent = noticed(known)
        counting = Known(calendar)
        for_tasks = task_actions(current.values(), on, counting, policy, sent.get)
        _mark_guesses(for_tasks, counting, None)
        fresh = announcements([*district_wide, *for_tasks], known, stream=stream, at=at, by=by)
        fresh_keys = {a.key for a in fresh}
        supervising = [*done, *(a for a in for_tasks if a.key in fresh_keys)]
        notices = notices_for(
            supervising, items=states, tasks=current, known=issued(known), stream=stream,
            day=on, at=at, by=by, calendar=calendar, policy=policy,
        )  # fmt: skip
        if fresh or notices:
            uow.append_journal(stream, len(known), (*fresh, *notices))
    recorded.extend((*fresh, *notices))
    if recorded:
        desk._notify(recorded)
    return (
        *done,
        *(a for a in [*district_wide, *for_tasks] if a.key in fresh_keys),
        *(privacy_desk.erased_action(x) for x in retention.erased),
    )


def _noticed(state: Appeal, actions: Sequence[Action], at: datetime, by: Actor) -> list[Event]:
    when = max(at, state.updated_at)  # a notice is never dated before the item's last change
    return [
        Noticed(
            number=state.number,
            at=when,
            by=by,
            kind=a.kind.value,
            key=a.key,
            target=a.target,
            message=a.message,
        )
        for a in actions
    ]
