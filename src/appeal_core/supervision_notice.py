"""Supervision notices (督办通知单): the day's supervision of each department as one printable
notice with a sequence number of the year, sent within office hours.

The daily sweep's supervising actions (``sweep.SUPERVISING``: overdue items, co-handlers and
tasks, second supervision, escalations past their month-end) are grouped per department; each
group becomes one ``SupervisionNoticeIssued`` event in ``@D:notices`` with the next number of
the year (``督办〔2026〕12号``), what is required by when (``Policy.supervision_reply_workdays``)
and, at the second level, a copy to the district leader.  It is sent at the next office hour
(``office_hours.next_office_time``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from appeal_core.actor import Actor
from appeal_core.appeal import Appeal
from appeal_core.deadlines import Workdays
from appeal_core.errors import CalendarDataMissing
from appeal_core.journal import NoticeLine, SupervisionNoticeIssued
from appeal_core.office_hours import next_office_time
from appeal_core.policy import Policy
from appeal_core.sweep import SECOND_LEVEL, SUPERVISING, Action, ActionKind, pending_deadline
from appeal_core.tasks import Task


def leader_title(policy: Policy) -> str:
    """The district leader in charge as this district says it: 区分管领导, 县分管领导 ..."""
    level = policy.identity.district[-1:]
    return f"{level if level in ('区', '县', '市', '旗') else ''}分管领导"


def _clip(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _line(action: Action, item: Appeal | None, task: Task | None) -> NoticeLine:
    kind = action.kind
    if task is not None:
        what, subject = "任务完成期限", f"会商会议任务：{_clip(task.text)}"
    else:
        assert item is not None
        subject = f"{item.enterprise.name}：{_clip(item.content, 40)}"
        if kind is ActionKind.ESCALATION_OVERDUE:
            what = "领导协调期限"
        elif kind in (ActionKind.CO_SUPERVISE, ActionKind.CO_SUPERVISE_AGAIN):
            what = "协办报送期限"
        else:
            pending = pending_deadline(item)
            what = f"{pending[0]}期限" if pending else "办理期限"
    return NoticeLine(
        kind=kind.value, key=action.key, number=action.task or action.number, what=what,
        subject=subject, due=action.due, workdays_overdue=action.workdays_overdue,
        message=action.message,
    )  # fmt: skip


def _required_by(calendar: Workdays, day: date, policy: Policy) -> date:
    try:
        return calendar.add_workdays(day, policy.supervision_reply_workdays)
    except CalendarDataMissing:
        return day.fromordinal(day.toordinal() + policy.supervision_reply_workdays)


def notices_for(
    actions: Iterable[Action],
    *,
    items: Mapping[str, Appeal],
    tasks: Mapping[str, Task],
    known: Iterable[SupervisionNoticeIssued],
    stream: str,
    day: date,
    at: datetime,
    by: Actor,
    calendar: Workdays,
    policy: Policy,
) -> tuple[SupervisionNoticeIssued, ...]:
    """The notices of ``day`` for the supervising ``actions``: one per department, numbered
    after the year's ``known`` ones; lines already on a notice of that day are left out (a
    second run the same day adds a supplementary notice only for new lines).  ``items`` are
    the states of the items the actions concern (one whose notice was not recorded is absent,
    and so are its lines), ``tasks`` the meeting's tasks."""
    done = {line.key for n in known if n.day == day for line in n.lines}
    groups: dict[str, list[NoticeLine]] = {}
    copies: dict[str, list[str]] = {}
    second: set[str] = set()
    for action in actions:
        if action.kind not in SUPERVISING or action.key in done:
            continue
        item = None
        if not action.task:
            item = items.get(action.number)
            if item is None:  # its notice was not recorded (the store refused the item)
                continue
        target = action.target
        cc = copies.setdefault(target, [])
        if action.kind is ActionKind.ESCALATION_OVERDUE and item is not None:
            target = item.lead or policy.identity.desk
            cc = copies.setdefault(target, [])
            cc.append(action.target)  # the leader the item went up to
        if action.kind in SECOND_LEVEL:
            second.add(target)
            cc.append(policy.leader_of(target) or leader_title(policy))
        groups.setdefault(target, []).append(_line(action, item, tasks.get(action.task)))
    seq = sum(1 for n in known if n.year == day.year)
    send_at = next_office_time(at, calendar, policy)
    required = _required_by(calendar, day, policy)
    out = []
    for target, lines in groups.items():
        seq += 1
        out.append(
            SupervisionNoticeIssued(
                stream=stream, at=at, by=by, year=day.year, seq=seq, day=day, target=target,
                lines=tuple(lines), required_by=required, send_at=send_at,
                second_level=target in second, cc=tuple(dict.fromkeys(copies.get(target, ()))),
            )
        )  # fmt: skip
    return tuple(out)


def issued(events: Iterable[object]) -> tuple[SupervisionNoticeIssued, ...]:
    """The supervision notices among a notices stream's events, oldest first."""
    return tuple(e for e in events if isinstance(e, SupervisionNoticeIssued))


def notice_text(notice: SupervisionNoticeIssued) -> str:
    """The notice as plain text (the message a sender delivers; the .docx prints the same)."""
    level = "二次督办" if notice.second_level else "督办"
    lines = [
        f"督办通知单 {notice.code}（{level}）",
        f"{notice.target}：",
        f"下列 {len(notice.lines)} 项已逾期，请于 {notice.required_by.isoformat()} 前办理完毕"
        "并反馈办理情况。",
    ]
    for k, line in enumerate(notice.lines, start=1):
        due = f"{line.what} {line.due.isoformat()}" if line.due else line.what
        late = f"，逾期 {line.workdays_overdue} 个工作日" if line.workdays_overdue else ""
        lines.append(f"{k}. {line.number} {line.subject}（{due}{late}）")
    if notice.cc:
        lines.append(f"抄送：{'、'.join(notice.cc)}")
    return "\n".join(lines)
