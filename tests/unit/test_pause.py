"""The stopped clock (挂起): deadlines move by the paused working days, the sweep leaves a paused
item alone, the figures follow the deadline in force, requests need the desk's approval."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from appeal_core import (
    SHANGHAI,
    Actor,
    Desk,
    Enterprise,
    LifecycleError,
    MemoryStore,
    PermissionDenied,
    Policy,
    ValidationError,
)
from appeal_core import events as e
from appeal_core.sweep import ActionKind

DESK = Actor.desk()
LEAD = Actor.of_department("区自然资源和规划局")
CO = Actor.of_department("区住房和城乡建设局")
ACME = Enterprise(name="海门某某机械有限公司")


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def d(day: str) -> date:
    return date.fromisoformat(day)


def new_item(desk: Desk, day: str = "2024-11-04", complexity: str = "routine", **kw: object) -> str:
    n = desk.register(enterprise=ACME, content="厂房扩建用地", channel="app", at=at(day, 8),
                      by=DESK).number  # fmt: skip
    desk.verify(n, at=at(day, 8), by=DESK)
    desk.classify(n, category="用地", complexity=complexity, at=at(day, 8), by=DESK)
    desk.assign(n, lead=LEAD.department, at=at(day, 9), by=DESK, **kw)  # type: ignore[arg-type]
    return n


def kinds(desk: Desk, day: str) -> list[str]:
    return [a.kind.value for a in desk.sweep(d(day), at=at(day, 18), by=DESK)]


def test_a_pause_moves_the_deadline_by_the_paused_working_days() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk)  # assigned Monday 2024-11-04: due Thursday 11-07
    # stopped on Tuesday, expected to run again the next Tuesday: 5 working days (11-06..11-12)
    item = desk.pause(n, reason="materials", until=d("2024-11-12"), document="补正材料通知书第3号",
                      since=d("2024-11-05"), at=at("2024-11-05"), by=DESK)  # fmt: skip
    assert item.paused and item.reply_due is not None
    assert item.reply_due.due == d("2024-11-14") and item.reply_due.paused == 5
    assert item.completion_due == item.reply_due  # routine: one deadline, moved once
    assert "以实际恢复日为准" in item.reply_due.explanation
    # the materials come on Friday: 3 working days paused (Wed, Thu, Fri), due 11-07 + 3
    item = desk.resume(n, on=d("2024-11-08"), at=at("2024-11-08"), by=DESK)
    assert not item.paused and item.pauses == 1
    assert item.reply_due is not None and item.reply_due.due == d("2024-11-12")
    assert item.reply_due.paused == 3 and item.reply_due.workdays == 3
    text = item.reply_due.explanation
    assert "因等待企业补充材料（补正材料通知书第3号），自 2024-11-05 暂停计时" in text
    assert "暂停 3 个工作日，期限由 2024-11-07 顺延至 2024-11-12" in text
    resumed = desk.history(n)[-1]
    assert isinstance(resumed, e.Resumed) and resumed.workdays == 3


def test_a_same_day_resumption_moves_nothing() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk)
    before = desk.get(n).reply_due
    desk.pause(n, reason="joint_meeting", until=d("2024-11-06"), document="会商通知",
               at=at("2024-11-05"), by=DESK)  # fmt: skip
    assert desk.resume(n, at=at("2024-11-05", 16), by=DESK).reply_due == before


def test_the_sweep_leaves_a_paused_item_alone_and_chases_the_new_deadline() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk)  # due 11-07
    desk.pause(n, reason="appraisal", until=d("2024-11-15"), document="检测委托书",
               at=at("2024-11-06"), by=DESK)  # fmt: skip
    for day in ("2024-11-07", "2024-11-08", "2024-11-11", "2024-11-15"):
        assert kinds(desk, day) == [], day
    assert kinds(desk, "2024-11-18") == ["pause_due"]  # past the expected day: the desk acts
    # stopped on Wednesday with one working day left: 9 working days (11-07 .. 11-19) later
    resumed = desk.resume(n, at=at("2024-11-19", 9), by=DESK).reply_due
    assert resumed is not None and resumed.due == d("2024-11-20")
    assert kinds(desk, "2024-11-19") == ["remind"]
    assert kinds(desk, "2024-11-21") == ["supervise"]


def test_refusals_say_what_to_do() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk)  # due 11-07
    ask = {"reason": "materials", "document": "补正通知", "by": DESK}
    with pytest.raises(LifecycleError, match="期限 2024-11-07 已过，不能再暂停计时"):
        desk.pause(n, until=d("2024-11-20"), since=d("2024-11-08"), at=at("2024-11-11"), **ask)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="暂停计时的起始日"):
        desk.pause(n, until=d("2024-11-20"), since=d("2024-11-06"), at=at("2024-11-05"), **ask)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="预计恢复日不能早于暂停日"):
        desk.pause(n, until=d("2024-11-04"), at=at("2024-11-05"), **ask)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="document"):
        desk.pause(n, reason="materials", until=d("2024-11-20"), document=" ", at=at("2024-11-05"),
                   by=DESK)  # fmt: skip
    with pytest.raises(LifecycleError, match="计时没有暂停"):
        desk.resume(n, at=at("2024-11-05"), by=DESK)
    desk.pause(n, until=d("2024-11-20"), at=at("2024-11-05"), **ask)  # type: ignore[arg-type]
    with pytest.raises(LifecycleError, match="请先恢复计时"):
        desk.pause(n, until=d("2024-11-20"), at=at("2024-11-05", 11), **ask)  # type: ignore[arg-type]
    with pytest.raises(LifecycleError, match="请先恢复计时再延期"):
        desk.extend(n, new_due=d("2024-11-30"), reason="x", at=at("2024-11-05", 11), by=DESK)
    with pytest.raises(ValidationError, match="恢复计时日应在暂停日"):
        desk.resume(n, on=d("2024-11-04"), at=at("2024-11-06"), by=DESK)
    with pytest.raises(PermissionDenied):
        desk.pause(n, until=d("2024-11-20"), at=at("2024-11-06"), reason="materials",
                   document="x", by=LEAD)  # fmt: skip


def test_the_lead_asks_and_the_desk_approves_or_declines() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk, co=[CO.department])
    with pytest.raises(PermissionDenied, match="主办部门是"):
        desk.request_pause(n, reason="publicity", until=d("2024-11-15"), document="公示",
                           at=at("2024-11-05"), by=CO)  # fmt: skip
    desk.request_pause(n, reason="publicity", until=d("2024-11-15"), document="规划公示公告",
                       at=at("2024-11-05"), by=LEAD)  # fmt: skip
    swept = desk.sweep(d("2024-11-05"), at=at("2024-11-05", 18), by=DESK)
    assert ActionKind.PAUSE_REQUEST in [a.kind for a in swept]  # the desk is asked to decide
    item = desk.decline_pause(n, reason="公示不影响答复", at=at("2024-11-06"), by=DESK)
    assert item.pause_request is None and not item.paused
    with pytest.raises(LifecycleError, match="没有待批准的申请"):
        desk.approve_pause(n, at=at("2024-11-06"), by=DESK)
    desk.request_pause(n, reason="publicity", until=d("2024-11-15"), document="规划公示公告",
                       since=d("2024-11-05"), at=at("2024-11-06"), by=LEAD)  # fmt: skip
    item = desk.approve_pause(n, at=at("2024-11-06", 11), by=DESK, note="同意")
    assert item.pause is not None and item.pause.requested_by == LEAD.department
    assert item.pause.since == d("2024-11-05") and item.pause_request is None


def test_a_reply_while_paused_resumes_the_clock_first() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk)  # due 11-07
    desk.pause(n, reason="materials", until=d("2024-11-30"), document="补正通知",
               at=at("2024-11-05"), by=DESK)  # fmt: skip
    item = desk.reply(n, text="已办结", at=at("2024-11-12"), by=LEAD)  # after the 11-07 due
    last_two = [type(ev) for ev in desk.history(n)[-2:]]
    assert last_two == [e.Resumed, e.Replied]
    # 5 working days stood still (11-06 .. 11-12): due 11-14, the reply is on time
    assert item.reply_due is not None and item.reply_due.due == d("2024-11-14")
    (row,) = desk.report(2024, 11).departments
    assert (row.reply_due, row.replied_on_time) == (1, 1)  # on time: the clock stood still


def test_the_figures_use_the_deadline_in_force_at_each_cut_off() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk, "2024-11-26")  # due Friday 11-29
    desk.pause(n, reason="hearing", until=d("2024-12-10"), document="听证通知书",
               at=at("2024-11-27"), by=DESK)  # fmt: skip
    assert desk.report(2024, 11).departments[0].reply_due == 0  # moved out of November
    desk.resume(n, on=d("2024-12-04"), at=at("2024-12-04"), by=DESK)  # 5 days: due 12-06
    desk.reply(n, text="已办", at=at("2024-12-06"), by=LEAD)
    (row,) = desk.report(2024, 12).departments
    assert (row.reply_due, row.replied_on_time) == (1, 1)
    assert desk.report(2024, 11).departments[0].reply_due == 0


def test_a_statutory_limit_leaves_out_the_paused_days() -> None:
    policy = Policy(statutory_limits={"用地": 10})
    desk = Desk(MemoryStore(), policy=policy)
    n = new_item(desk, complexity="statutory")  # preliminary due 11-07, cap 11-18
    desk.pause(n, reason="publicity", until=d("2024-11-08"), document="公示", since=d("2024-11-05"),
               at=at("2024-11-05"), by=DESK)  # fmt: skip
    desk.resume(n, on=d("2024-11-08"), at=at("2024-11-08"), by=DESK)  # 3 days: cap 11-21
    item = desk.reply(n, text="初步答复", preliminary=True, committed_due=d("2024-11-21"),
                      at=at("2024-11-11"), by=LEAD)  # fmt: skip
    assert item.completion_due is not None
    assert "另加暂停计时 3 个工作日" in item.completion_due.explanation


def test_a_pause_of_a_committed_date_and_of_the_co_handlers_deadlines() -> None:
    desk = Desk(MemoryStore(), policy=Policy(co_report_workdays=2))
    n = new_item(desk, complexity="complex", co=[CO.department])
    desk.reply(n, text="初步答复", preliminary=True, committed_due=d("2024-11-29"),
               at=at("2024-11-06"), by=LEAD)  # fmt: skip
    (co,) = desk.get(n).co_dues
    assert co.due is not None and co.due.due == d("2024-11-27")  # 2 working days before 11-29
    desk.pause(n, reason="appraisal", until=d("2024-11-15"), document="鉴定委托",
               at=at("2024-11-11"), by=DESK)  # fmt: skip
    item = desk.resume(n, on=d("2024-11-13"), at=at("2024-11-13"), by=DESK)  # 2 days
    assert item.completion_due is not None and item.completion_due.due == d("2024-12-03")
    assert item.completion_due.rule == "committed" and item.completion_due.paused == 2
    assert item.co_dues[0].due is not None and item.co_dues[0].due.due == d("2024-11-29")


def test_a_re_dated_calendar_keeps_the_paused_days() -> None:
    from appeal_core.redating import recount

    desk = Desk(MemoryStore())
    n = new_item(desk)
    desk.pause(n, reason="materials", until=d("2024-11-12"), document="补正通知",
               since=d("2024-11-05"), at=at("2024-11-05"), by=DESK)  # fmt: skip
    item = desk.resume(n, on=d("2024-11-08"), at=at("2024-11-08"), by=DESK)
    assert item.reply_due is not None
    again = recount(item.reply_due, desk.calendar, desk.policy)
    assert again is not None and (again.due, again.paused) == (item.reply_due.due, 3)


def test_a_pause_cannot_reach_back_into_a_sealed_month() -> None:
    from appeal_core.errors import SealedMonthError
    from appeal_core.journal import Corrected

    desk = Desk(MemoryStore())
    n = new_item(desk, "2024-11-28")  # due 12-03
    desk.close_month(2024, 11, at=at("2024-12-02", 8), by=DESK)
    stop = {"reason": "materials", "until": d("2024-12-10"), "document": "补正通知"}
    with pytest.raises(SealedMonthError, match="2024年11月的数据已封存"):
        desk.pause(n, since=d("2024-11-29"), at=at("2024-12-02"), by=DESK, **stop)  # type: ignore[arg-type]
    assert desk.history(n)[-1].__class__ is e.Assigned  # nothing written
    # as a correction, with its reason, the back-dated day is recorded and listed
    with desk.correction("企业11月29日已被要求补正材料，当时漏录", at=at("2024-12-02"), by=DESK):
        desk.pause(n, since=d("2024-11-29"), at=at("2024-12-02"), by=DESK, **stop)  # type: ignore[arg-type]
    assert desk.get(n).paused
    (corrected,) = [ev for ev in desk.store.journal("@HM:months") if isinstance(ev, Corrected)]
    assert corrected.effective == d("2024-11-29") and corrected.items[0].number == n
    with pytest.raises(SealedMonthError):
        desk.resume(n, on=d("2024-11-30"), at=at("2024-12-03"), by=DESK)
    assert not desk.resume(n, on=d("2024-12-02"), at=at("2024-12-03"), by=DESK).paused
    assert desk.verify_month(2024, 11).ok  # the sealed month is as it was
