"""The daily sweep: from the items' states and a date, the notices due that day, as values.

Pure: ``sweep(states, on=..., calendar=..., policy=...)``; ``Desk.sweep`` records them.
Each action has a ``key``; the desk records a notice as an event with that key, and the sweep
never proposes a recorded key again, so running it twice on one day sends nothing twice.

The sweep never stops for the whole district because the calendar lacks a year: an item whose
counting needs a missing year gets its actions counted from Monday to Friday (marked
provisional; an overdue item is overdue whatever next year's holidays are), and one action for
the desk names the missing years and the items they affect.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date

import attrs

from appeal_core.appeal import Appeal, Complexity, Status
from appeal_core.calendar import WorkCalendar
from appeal_core.deadlines import Deadline, Workdays
from appeal_core.errors import CalendarDataMissing
from appeal_core.lifecycle import ESCALABLE, HANDLING
from appeal_core.policy import Policy
from appeal_core.redating import provisional_deadlines
from appeal_core.timeutil import local_date


class ActionKind(enum.StrEnum):
    """What the desk does about an item today."""

    REMIND = "remind"  # 提醒：期限将至
    SUPERVISE = "supervise"  # 督办：逾期未答复
    SUPERVISE_AGAIN = "supervise_again"  # 二次督办
    STUCK = "stuck"  # 多次退回或重办：报区分管领导
    ESCALATION_OVERDUE = "escalation_overdue"  # 报区领导事项逾期未协调
    REHANDLE = "rehandle"  # 回访不满意或未解决：待重新办理
    STOCK = "stock"  # 存量事项：跟踪督办
    CALENDAR = "calendar"  # 工作日历缺少年度安排或期限待重新计算（给区服务企业办）
    CO_REMIND = "co_remind"  # 协办部门报送期限将至
    CO_SUPERVISE = "co_supervise"  # 协办部门逾期未报送
    CO_SUPERVISE_AGAIN = "co_supervise_again"  # 协办部门二次督办
    PAUSE_REQUEST = "pause_request"  # 主办部门申请暂停计时，待审批（给区服务企业办）
    PAUSE_DUE = "pause_due"  # 暂停计时已过预计恢复日（给区服务企业办）
    TASK_REMIND = "task_remind"  # 会商会议交办任务期限将至
    TASK_SUPERVISE = "task_supervise"  # 会商会议交办任务逾期
    TASK_SUPERVISE_AGAIN = "task_supervise_again"  # 会商会议交办任务二次督办
    TASK_CONFIRM = "task_confirm"  # 任务已报完成，待确认（给区服务企业办）
    UNRECORDED = "unrecorded"  # 存储拒绝记录某些事项的通知（给区服务企业办）
    ERASED = "erased"  # 联系人个人信息按保存期限删除（已记录，无需通知）

    @property
    def label(self) -> str:
        """The action in Chinese."""
        return _LABELS[self]


_LABELS = {
    ActionKind.REMIND: "到期提醒",
    ActionKind.SUPERVISE: "逾期督办",
    ActionKind.SUPERVISE_AGAIN: "二次督办",
    ActionKind.STUCK: "建议报区分管领导",
    ActionKind.ESCALATION_OVERDUE: "领导协调逾期",
    ActionKind.REHANDLE: "回访未解决待重办",
    ActionKind.STOCK: "存量事项催办",
    ActionKind.CALENDAR: "日历待补",
    ActionKind.CO_REMIND: "协办报送提醒",
    ActionKind.CO_SUPERVISE: "协办逾期督办",
    ActionKind.CO_SUPERVISE_AGAIN: "协办二次督办",
    ActionKind.PAUSE_REQUEST: "暂停计时待批",
    ActionKind.PAUSE_DUE: "暂停计时到期",
    ActionKind.TASK_REMIND: "任务到期提醒",
    ActionKind.TASK_SUPERVISE: "任务逾期督办",
    ActionKind.TASK_SUPERVISE_AGAIN: "任务二次督办",
    ActionKind.TASK_CONFIRM: "任务待确认",
    ActionKind.UNRECORDED: "通知未能记录",
    ActionKind.ERASED: "个人信息到期删除",
}

#: The actions that press a department (督办): each day's go on its 督办通知单.
SUPERVISING = frozenset({
    ActionKind.SUPERVISE, ActionKind.SUPERVISE_AGAIN, ActionKind.ESCALATION_OVERDUE,
    ActionKind.CO_SUPERVISE, ActionKind.CO_SUPERVISE_AGAIN, ActionKind.TASK_SUPERVISE,
    ActionKind.TASK_SUPERVISE_AGAIN,
})  # fmt: skip
#: The second level of supervision (二次督办): its notice is copied to the district leader.
SECOND_LEVEL = frozenset({
    ActionKind.SUPERVISE_AGAIN, ActionKind.CO_SUPERVISE_AGAIN, ActionKind.TASK_SUPERVISE_AGAIN,
    ActionKind.ESCALATION_OVERDUE,
})  # fmt: skip


@attrs.frozen(kw_only=True)
class Action:
    """One notice the sweep proposes: to whom, about what, once (``key``).

    ``number`` is the item's, or ``""`` for a notice about the district (``numbers`` then names
    the items it concerns; ``task`` the meeting's task, for a task's notice); ``provisional``
    marks counts made without next year's holidays.
    """

    kind: ActionKind
    number: str
    target: str
    key: str
    message: str
    due: date | None = None
    workdays_overdue: int = 0
    provisional: bool = False
    numbers: tuple[str, ...] = ()
    task: str = ""


@attrs.frozen(kw_only=True)
class Chased:
    """Something with a deadline the sweep chases: an item's lead, a co-handler, a task.

    ``name`` is how a second notice names it, ``subject`` how the others name its deadline
    (e.g. ``事项 HM-2026-0001 的答复期限``), ``ask`` what a reminder asks for; ``prefix``
    starts the notices' keys and ``kinds`` are its remind, supervise and supervise-again kinds.
    """

    number: str
    target: str
    name: str
    subject: str
    ask: str
    due: date
    tag: str
    kinds: tuple[ActionKind, ActionKind, ActionKind]
    prefix: str = ""
    task: str = ""
    numbers: tuple[str, ...] = ()


def chase(
    c: Chased, on: date, calendar: Known, policy: Policy, noticed_on: Callable[[str], date | None]
) -> list[Action]:
    """Remind before the deadline, supervise after it, supervise again when the first notice
    went unanswered for ``policy.second_supervision_workdays`` working days."""
    out: list[Action] = []
    remind, supervise, again = c.kinds
    due, p = c.due, c.prefix

    def action(kind: ActionKind, key: str, message: str, late: int = 0) -> Action:
        return Action(kind=kind, number=c.number, target=c.target, key=key, message=message,
                      due=due, workdays_overdue=late, task=c.task, numbers=c.numbers)  # fmt: skip

    if on <= due <= calendar.add_workdays(on, policy.remind_workdays):
        when = "今天" if due == on else due.isoformat()
        out.append(action(remind, f"{p}remind:{c.tag}", f"{c.subject}为{when}，{c.ask}"))
    elif due < on:
        late = calendar.workdays_between(due, on)
        message = f"{c.subject} {due.isoformat()} 已过，逾期 {late} 个工作日，请立即办理并反馈"
        out.append(action(supervise, f"{p}supervise:{c.tag}", message, late))
        first = noticed_on(f"{p}supervise:{c.tag}")
        if first is not None and (
            calendar.workdays_between(first, on) >= policy.second_supervision_workdays
        ):
            message = f"{c.name} 督办后仍未办理（逾期 {late} 个工作日），二次督办"
            out.append(action(again, f"{p}supervise2:{c.tag}", message, late))
    return out


def pending_deadline(state: Appeal) -> tuple[str, Deadline] | None:
    """The deadline the lead department is working to now, with its name, if any."""
    if state.status is Status.ASSIGNED:
        routine = state.complexity is Complexity.ROUTINE
        if routine and state.completion_due is not None:
            return "答复", state.completion_due  # may have been extended
        if state.reply_due is not None:
            return ("答复" if routine else "初步答复"), state.reply_due
    if state.status is Status.PRELIMINARY_REPLIED and state.completion_due is not None:
        return "办结", state.completion_due
    return None


def sweep(
    states: Iterable[Appeal], *, on: date, calendar: Workdays, policy: Policy
) -> tuple[Action, ...]:
    """Every action due on ``on`` for the open items among ``states``, in item order; then, if
    some counting lacked a year's holidays or some deadlines are provisional, one for the desk."""
    actions: list[Action] = []
    known = Known(calendar)
    missing: dict[int, list[str]] = {}
    provisional: list[str] = []
    for state in states:
        if not state.status.is_open:
            continue
        known.missing.clear()
        actions.extend(
            a for a in item_actions(state, on, known, policy) if not state.noticed_on(a.key)
        )
        for year in sorted(known.missing):
            missing.setdefault(year, []).append(state.number)
        if provisional_deadlines(state) and not known.missing:
            provisional.append(state.number)
    notice = calendar_action(on, missing, provisional, policy)
    return (*actions, notice) if notice else tuple(actions)


def calendar_action(
    on: date, missing: dict[int, list[str]], provisional: list[str], policy: Policy
) -> Action | None:
    """The desk's notice that the calendar lacks years, or that provisional deadlines await
    counting again; None when neither."""
    if not missing and not provisional:
        return None
    parts, numbers = [], dict.fromkeys(n for found in missing.values() for n in found)
    for year, found in sorted(missing.items()):
        parts.append(
            f"工作日历缺少 {year} 年的节假日安排，{len(found)} 件事项的期限或督办按周一至周五暂算"
            f"（{_some(found)}）；请载入国务院办公厅关于 {year} 年部分节假日安排的通知"
            f"（appeal calendar load），再重新计算期限（appeal calendar apply）"
        )
    if provisional:
        numbers.update(dict.fromkeys(provisional))
        parts.append(
            f"{len(provisional)} 件事项的期限为暂定（{_some(provisional)}），"
            "请核对日历后重新计算期限（appeal calendar impact / apply）"
        )
    return Action(
        kind=ActionKind.CALENDAR,
        number="",
        target=policy.identity.desk,
        key=f"calendar:{on.isoformat()}",
        message="；".join(parts) + "。",
        provisional=True,
        numbers=tuple(numbers),
    )


def unrecorded_action(on: date, failed: list[tuple[str, str]], policy: Policy) -> Action:
    """The desk's notice that the store refused to record some items' notices (the others
    were recorded): which items, and why the first one was refused."""
    numbers = [number for number, _ in failed]
    return Action(
        kind=ActionKind.UNRECORDED,
        number="",
        target=policy.identity.desk,
        key=f"unrecorded:{on.isoformat()}",
        message=f"{len(numbers)} 件事项的督办通知未能记录（{_some(numbers)}），"
        f"其余事项照常处理；原因：{failed[0][1]}。请运行 appeal audit verify 检查",
        numbers=tuple(numbers),
    )


def _some(numbers: list[str], shown: int = 5) -> str:
    more = f"等 {len(numbers)} 件" if len(numbers) > shown else ""
    return "、".join(numbers[:shown]) + more


class Known:
    """The calendar as far as it is known: where it lacks a year, Monday to Friday (provisional),
    with the missing years noted in ``missing`` for the desk."""

    def __init__(self, calendar: Workdays) -> None:
        self.exact = calendar
        widen = getattr(calendar, "with_outside", None)
        self.guess: Workdays = widen("weekdays") if widen else _WEEKDAYS
        self.missing: set[int] = set()

    def add_workdays(self, d: date, n: int) -> date:
        """The exact answer, else the Monday-to-Friday one (the missing year noted)."""
        try:
            found = self.exact.add_workdays(d, n)
        except CalendarDataMissing as exc:
            self.missing.add(exc.year)
            found = self.guess.add_workdays(d, n)
        self._note(d, found)
        return found

    def workdays_between(self, start: date, end: date) -> int:
        """The exact count, else the Monday-to-Friday one (the missing year noted)."""
        try:
            count = self.exact.workdays_between(start, end)
        except CalendarDataMissing as exc:
            self.missing.add(exc.year)
            count = self.guess.workdays_between(start, end)
        self._note(start, end)
        return count

    def _note(self, start: date, end: date) -> None:
        self.missing.update(self.exact.missing_years(start, end))


#: Monday to Friday everywhere: the guess for a calendar that cannot widen itself.
_WEEKDAYS = WorkCalendar.from_days(date(2000, 1, 1), date(2000, 1, 1), outside="weekdays")


def item_actions(state: Appeal, on: date, calendar: Known, policy: Policy) -> list[Action]:
    """The actions for one item, recorded ones included (``sweep`` filters those)."""
    out: list[Action] = []
    desk = policy.identity.desk
    n, lead = state.number, state.lead or desk
    pending = pending_deadline(state)
    if state.pause is None:
        if pending is not None:
            what, deadline = pending
            tag = f"{deadline.rule}:{deadline.due.isoformat()}"
            lead_chase = Chased(
                number=n, target=lead, name=f"事项 {n}", subject=f"事项 {n} 的{what}期限",
                ask="请按时办理", due=deadline.due, tag=tag,
                kinds=(ActionKind.REMIND, ActionKind.SUPERVISE, ActionKind.SUPERVISE_AGAIN),
            )  # fmt: skip
            out.extend(chase(lead_chase, on, calendar, policy, state.noticed_on))
            _mark_guesses(out, calendar, deadline)
        out.extend(_co_actions(state, on, calendar, policy, lead))
    out.extend(_pause_actions(state, on, desk))
    escalation = state.escalation
    if escalation is not None and escalation.is_open and escalation.due.due < on:
        out.append(
            Action(
                kind=ActionKind.ESCALATION_OVERDUE,
                number=n,
                target=escalation.leader,
                key=f"escalation_overdue:{local_date(escalation.at).isoformat()}",
                due=escalation.due.due,
                message=f"事项 {n} 报{escalation.leader}协调，"
                f"期限 {escalation.due.due.isoformat()} 已过，尚未协调解决",
            )
        )
    stuck = state.transfers >= policy.stuck_transfers or state.reopenings >= policy.stuck_reopenings
    if stuck and state.status in ESCALABLE and (escalation is None or not escalation.is_open):
        out.append(
            Action(
                kind=ActionKind.STUCK,
                number=n,
                target=desk,
                key=f"stuck:{state.escalations}",
                message=f"事项 {n} 已退回或改派 {state.transfers} 次、"
                f"重新办理 {state.reopenings} 次，建议报区分管领导牵头办会",
            )
        )
    last = state.last_follow_up
    if (
        state.status is Status.FOLLOWED_UP
        and last is not None
        and not (last.resolved and last.satisfied)
    ):
        verdict = "未解决" if not last.resolved else "不满意"
        todo = "请重新交办或定性"
        if not last.reached:
            verdict, todo = "未联系上企业", "请再次回访"
        out.append(
            Action(
                kind=ActionKind.REHANDLE,
                number=n,
                target=desk,
                key=f"rehandle:{len(state.follow_ups)}",
                message=f"事项 {n} 回访{verdict}，{todo}",
            )
        )
    age = (on - local_date(state.registered_at)).days
    if age >= policy.stock_age_days and state.pause is None:
        out.append(
            Action(
                kind=ActionKind.STOCK,
                number=n,
                target=lead,
                key=f"stock:{on:%Y-%m}",
                message=f"事项 {n} 已登记 {age} 天仍未销号，列为存量事项跟踪督办",
            )
        )
    return out


def _co_actions(
    state: Appeal, on: date, calendar: Known, policy: Policy, lead: str
) -> list[Action]:
    """Remind and supervise each co-handler that has not reported by its own deadline."""
    if state.status not in HANDLING:
        return []
    out: list[Action] = []
    n = state.number
    for co in state.co_dues:
        if co.due is None or co.reported_at is not None:
            continue
        chased = Chased(
            number=n, target=co.department, name=f"事项 {n} 的协办报送（{co.department}）",
            subject=f"事项 {n} 的协办报送期限", ask=f"请及时向主办部门{lead}报送协办情况",
            due=co.due.due, tag=f"{co.department}:{co.due.due.isoformat()}", prefix="co_",
            kinds=(ActionKind.CO_REMIND, ActionKind.CO_SUPERVISE, ActionKind.CO_SUPERVISE_AGAIN),
        )  # fmt: skip
        found = chase(chased, on, calendar, policy, state.noticed_on)
        _mark_guesses(found, calendar, co.due)
        out.extend(found)
    return out


def _pause_actions(state: Appeal, on: date, desk: str) -> list[Action]:
    """Ask the desk to decide a pending pause request, and to act on an overrunning pause."""
    out: list[Action] = []
    n, request, pause = state.number, state.pause_request, state.pause
    if request is not None:
        out.append(
            Action(
                kind=ActionKind.PAUSE_REQUEST, number=n, target=desk,
                key=f"pause_request:{request.at.isoformat()}",
                message=f"事项 {n} 的主办部门{request.department}申请自 {request.since} 暂停计时"
                f"（{request.reason.label}，{request.document}），请审批",
            )
        )  # fmt: skip
    if pause is not None and pause.until < on:
        out.append(
            Action(
                kind=ActionKind.PAUSE_DUE, number=n, target=desk,
                key=f"pause_due:{pause.since.isoformat()}:{pause.until.isoformat()}",
                due=pause.until,
                message=f"事项 {n} 自 {pause.since} 暂停计时（{pause.reason.label}，"
                f"{pause.document}），预计 {pause.until} 恢复，现已逾期：请恢复计时，"
                "或恢复后重新暂停并说明理由",
            )
        )  # fmt: skip
    return out


def _mark_guesses(actions: list[Action], calendar: Known, deadline: Deadline | None) -> None:
    """Mark (in place) the deadline actions that rest on a provisional count or deadline."""
    notes = []
    if calendar.missing:
        years = "、".join(str(y) for y in sorted(calendar.missing))
        notes.append(f"{years} 年节假日安排未载入，工作日按周一至周五暂算")
    if deadline is not None and deadline.provisional:
        notes.append("该期限为暂定")
    if not notes:
        return
    tail = "（" + "；".join(notes) + "）"
    for k, action in enumerate(actions):
        actions[k] = attrs.evolve(action, provisional=True, message=action.message + tail)
