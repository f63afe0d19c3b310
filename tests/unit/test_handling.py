"""Co-handlers' own deadlines, the co-handling section of the figures, the escalation as the
notice describes it (proposal, leader's meeting, deputy) and visits on site (登门)."""

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
from appeal_core.cohandling import CoHandlingFigures, co_handling_report
from appeal_core.sweep import ActionKind

DESK = Actor.desk()
LEAD = Actor.of_department("区住房和城乡建设局")
FIRE = Actor.of_department("区消防救援大队")
PLAN = Actor.of_department("区自然资源和规划局")
ACME = Enterprise(name="海门某某机械有限公司")


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def d(day: str) -> date:
    return date.fromisoformat(day)


def item(desk: Desk, day: str, complexity: str = "routine", co: tuple[str, ...] = ()) -> str:
    n = desk.register(enterprise=ACME, content="厂房消防验收", channel="app", at=at(day, 8),
                      by=DESK).number  # fmt: skip
    desk.verify(n, at=at(day, 8), by=DESK)
    desk.classify(n, category="审批", complexity=complexity, at=at(day, 8), by=DESK)
    desk.assign(n, lead=LEAD.department, co=co, at=at(day, 9), by=DESK)
    return n


def sweep(desk: Desk, day: str) -> list[tuple[str, str]]:
    return [(a.kind.value, a.target) for a in desk.sweep(d(day), at=at(day, 18), by=DESK)]


def test_co_handlers_report_before_the_leads_deadline() -> None:
    desk = Desk(MemoryStore(), policy=Policy(reply_workdays=5, co_report_workdays=2))
    n = item(desk, "2024-11-04", co=(FIRE.department, PLAN.department))  # lead due 11-11 (Mon)
    state = desk.get(n)
    assert [(c.department, c.due.due if c.due else None) for c in state.co_dues] == [
        (FIRE.department, d("2024-11-07")), (PLAN.department, d("2024-11-07"))]  # fmt: skip
    due = state.co_dues[0].due
    assert due is not None and "主办部门答复期限 2024-11-11 前 2 个工作日" in due.explanation
    assert sweep(desk, "2024-11-06") == [("co_remind", FIRE.department),
                                         ("co_remind", PLAN.department)]  # fmt: skip
    desk.report_to_lead(n, text="消防意见：同意", at=at("2024-11-07"), by=FIRE)
    assert [c.reported_at is not None for c in desk.get(n).co_dues] == [True, False]
    assert sweep(desk, "2024-11-08") == [("remind", LEAD.department),
                                         ("co_supervise", PLAN.department)]  # fmt: skip
    assert sweep(desk, "2024-11-13") == [("supervise", LEAD.department),
                                         ("co_supervise_again", PLAN.department)]  # fmt: skip


def test_a_short_deadline_leaves_at_least_one_working_day() -> None:
    desk = Desk(MemoryStore(), policy=Policy(co_report_workdays=5))
    n = item(desk, "2024-11-04", co=(FIRE.department,))  # lead due 11-07
    (co,) = desk.get(n).co_dues
    assert co.due is not None and co.due.due == d("2024-11-05")
    assert "不早于交办后第 1 个工作日" in co.due.explanation


def test_complex_items_give_co_handlers_a_date_with_the_commitment() -> None:
    desk = Desk(MemoryStore())
    n = item(desk, "2024-11-04", "complex", co=(FIRE.department,))
    assert [(c.department, c.due) for c in desk.get(n).co_dues] == [(FIRE.department, None)]
    assert sweep(desk, "2024-11-06") == [("remind", LEAD.department)]  # nothing for the co yet
    desk.reply(n, text="初步答复", preliminary=True, committed_due=d("2024-11-29"),
               at=at("2024-11-07"), by=LEAD)  # fmt: skip
    (co,) = desk.get(n).co_dues
    assert co.due is not None and co.due.due == d("2024-11-27")
    assert "主办部门办结期限 2024-11-29 前 2 个工作日" in co.due.explanation


def test_the_co_handling_section_counts_reports_due_and_on_time() -> None:
    desk = Desk(MemoryStore(), policy=Policy(reply_workdays=5))
    one = item(desk, "2024-11-04", co=(FIRE.department, PLAN.department))  # co due 11-07
    desk.report_to_lead(one, text="同意", at=at("2024-11-07"), by=FIRE)  # on time
    desk.report_to_lead(one, text="同意", at=at("2024-11-08"), by=PLAN)  # late
    two = item(desk, "2024-11-25", co=(FIRE.department,))  # co due 11-28, never reported
    three = item(desk, "2024-11-26", co=(PLAN.department,))  # co due 11-29
    desk.reassign(three, lead="区行政审批局", reason="职责调整", at=at("2024-11-27"), by=DESK)
    report = desk.co_handling(2024, 11)
    assert report.departments == (
        CoHandlingFigures(department=FIRE.department, reports_due=2, on_time=1, overdue_open=1),
        CoHandlingFigures(department=PLAN.department, reports_due=1, on_time=0, overdue_open=0),
    )
    assert report.total.reports_due == 3 and report.total.on_time_rate == pytest.approx(1 / 3)
    histories = [desk.history(n) for n in (one, two, three)]
    assert co_handling_report(histories, year=2024, month=11) == report
    # the lead departments' figures are what they were: the co-handlers are not in them
    assert {f.department for f in desk.report(2024, 11).departments} == {
        LEAD.department, "区行政审批局"}  # fmt: skip
    assert desk.co_handling(2024, 10).departments == ()


def test_an_escalation_carries_the_proposal_and_only_its_leader_or_deputy_resolves() -> None:
    desk = Desk(MemoryStore())
    n = item(desk, "2024-11-04")
    with pytest.raises(ValidationError, match="proposal"):
        desk.escalate(n, leader="李区长", reason="涉及规划", proposal=" ", at=at("2024-11-05"),
                      by=DESK)  # fmt: skip
    state = desk.escalate(n, leader="李区长", reason="涉及规划调整", at=at("2024-11-05"), by=DESK,
                          proposal="建议按控规调整程序办理")  # fmt: skip
    assert state.escalation is not None and state.escalation.proposal == "建议按控规调整程序办理"
    with pytest.raises(PermissionDenied, match="只有李区长可以协调解决"):
        desk.resolve(n, resolution="同意", at=at("2024-11-06"), by=Actor.leader("王区长"))
    with pytest.raises(PermissionDenied):
        desk.resolve(n, resolution="同意", at=at("2024-11-06"), by=Actor.leader())
    desk.designate_deputy(n, deputy="王区长", reason="李区长外出学习", at=at("2024-11-06"), by=DESK)
    with pytest.raises(ValidationError, match="无需再指定"):
        desk.designate_deputy(n, deputy="王区长", reason="再次", at=at("2024-11-06"), by=DESK)
    desk.record_leader_meeting(n, held_on=d("2024-11-07"), chair="王区长",
                               attendees=[LEAD.department, PLAN.department],
                               outcome="同意按控规调整程序办理，规划局牵头", at=at("2024-11-07"),
                               by=DESK)  # fmt: skip
    state = desk.resolve(n, resolution="按会议意见办理", at=at("2024-11-08"),
                         by=Actor.leader("王区长"))  # fmt: skip
    escalation = state.escalation
    assert escalation is not None and not escalation.is_open
    assert escalation.resolved_by == "王区长" and escalation.deputies == ("王区长",)
    assert [m.outcome for m in escalation.meetings] == ["同意按控规调整程序办理，规划局牵头"]
    with pytest.raises(LifecycleError, match="没有待协调的报送"):
        desk.designate_deputy(n, deputy="赵区长", reason="x", at=at("2024-11-08"), by=DESK)


def test_a_leaders_meeting_needs_an_escalation_and_a_date_after_it() -> None:
    desk = Desk(MemoryStore())
    n = item(desk, "2024-11-04")
    with pytest.raises(LifecycleError, match="未报区分管领导"):
        desk.record_leader_meeting(n, held_on=d("2024-11-05"), chair="李区长", attendees=["甲"],
                                   outcome="x", at=at("2024-11-05"), by=DESK)  # fmt: skip
    desk.escalate(n, leader="李区长", reason="难", proposal="建议", at=at("2024-11-05"), by=DESK)
    with pytest.raises(ValidationError, match="办会日期"):
        desk.record_leader_meeting(n, held_on=d("2024-11-04"), chair="李区长", attendees=["甲"],
                                   outcome="x", at=at("2024-11-05", 11), by=DESK)  # fmt: skip


def test_site_visits_by_the_handling_departments() -> None:
    desk = Desk(MemoryStore())
    n = item(desk, "2024-11-04", co=(FIRE.department,))
    desk.record_site_visit(n, visited_on=d("2024-11-05"), participants=["张科长", "企业陈经理"],
                           findings="现场查看消防通道", at=at("2024-11-05"), by=FIRE)  # fmt: skip
    with pytest.raises(PermissionDenied, match="主办或协办部门"):
        desk.record_site_visit(n, visited_on=d("2024-11-05"), participants=["x"], findings="x",
                               at=at("2024-11-05"), by=PLAN)  # fmt: skip
    with pytest.raises(ValidationError, match="participants"):
        desk.record_site_visit(n, visited_on=d("2024-11-05"), participants=[], findings="x",
                               at=at("2024-11-05"), by=LEAD)  # fmt: skip
    (visit,) = desk.get(n).site_visits
    assert (visit.department, visit.participants) == (FIRE.department, ("张科长", "企业陈经理"))


def test_the_co_actions_are_chasing_kinds() -> None:
    assert ActionKind.CO_SUPERVISE.label == "协办逾期督办"
