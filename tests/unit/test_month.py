"""The desk's month: the digest, supervision notices within office hours, the consultation
meeting's agenda and minutes, and its tasks followed like items until confirmed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from appeal_core import (
    SHANGHAI,
    Actor,
    Channel,
    Desk,
    Enterprise,
    LifecycleError,
    MemoryStore,
    PermissionDenied,
    Policy,
    ValidationError,
    china_calendar,
)
from appeal_core.errors import AppealNotFound, TaskNotFound
from appeal_core.journal import Decision, TaskCreated
from appeal_core.office_hours import next_office_time
from appeal_core.recurring import recurring_problems
from appeal_core.sweep import ActionKind

DESK = Actor.desk()
LEAD = Actor.of_department("区市场监督管理局")
ROADS = Actor.of_department("区交通运输局")


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=SHANGHAI)


def d(day: str) -> date:
    return date.fromisoformat(day)


def item(desk: Desk, day: str, *, lead: str = LEAD.department, content: str = "用电报装慢",
         firm: str = "海门某某机械有限公司", channel: str = "app", category: str = "用电",
         hour: int = 8) -> str:  # fmt: skip
    n = desk.register(enterprise=Enterprise(name=firm), content=content, channel=channel,
                      at=at(day, hour), by=DESK).number  # fmt: skip
    desk.verify(n, at=at(day, hour), by=DESK)
    desk.classify(n, category=category, complexity="routine", at=at(day, hour), by=DESK)
    desk.assign(n, lead=lead, at=at(day, hour, 30), by=DESK)
    return n


# -- office hours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("made", "sent"),
    [
        (at("2024-11-06", 23), at("2024-11-07", 8, 30)),  # late evening: next morning
        (at("2024-11-06", 7), at("2024-11-06", 8, 30)),  # early: the opening
        (at("2024-11-06", 10), at("2024-11-06", 10)),  # within hours: at once
        (at("2024-11-06", 17, 30), at("2024-11-07", 8, 30)),  # the closing itself: next day
        (at("2024-11-08", 18), at("2024-11-11", 8, 30)),  # Friday evening: Monday
        (at("2024-09-30", 20), at("2024-10-08", 8, 30)),  # before National Day: after it
        (at("2024-10-12", 9), at("2024-10-12", 9)),  # a make-up Saturday is a working day
    ],
)
def test_notices_wait_for_office_hours(made: datetime, sent: datetime) -> None:
    assert next_office_time(made, china_calendar(), Policy()) == sent


def test_office_hours_are_the_policys() -> None:
    policy = Policy(office_hours=("09:00", "12:00"))
    assert next_office_time(at("2024-11-06", 13), china_calendar(), policy) == at("2024-11-07", 9)
    with pytest.raises(ValidationError, match="office_hours"):
        Policy(office_hours=("17:30", "08:30"))


# -- supervision notices ------------------------------------------------------------------


def test_one_numbered_notice_per_department_per_day_sent_in_office_hours() -> None:
    desk = Desk(MemoryStore(), policy=Policy(department_leaders={LEAD.department: "李副区长"}))
    a = item(desk, "2024-11-04")  # due 11-07
    b = item(desk, "2024-11-04", content="道路破损", lead=ROADS.department)
    c = item(desk, "2024-11-05")  # due 11-08
    actions = desk.sweep(d("2024-11-11"), at=at("2024-11-10", 23), by=DESK)  # Sunday night
    assert {a_.kind for a_ in actions} == {ActionKind.SUPERVISE}
    first, second = desk.supervision_notices(d("2024-11-11"))
    assert (first.seq, first.target, [ln.number for ln in first.lines]) == (1, LEAD.department,
                                                                            [a, c])  # fmt: skip
    assert (second.seq, second.target, [ln.number for ln in second.lines]) == (
        2, ROADS.department, [b])  # fmt: skip
    assert first.code == "督办〔2024〕1号" and not first.second_level and first.cc == ()
    assert first.send_at == at("2024-11-11", 8, 30) and first.required_by == d("2024-11-12")
    assert first.lines[0].what == "答复期限" and first.lines[0].workdays_overdue == 2
    assert desk.sweep(d("2024-11-11"), at=at("2024-11-11", 9), by=DESK) == ()
    assert len(desk.supervision_notices()) == 2  # run again: nothing new
    desk.sweep(d("2024-11-14"), at=at("2024-11-14", 9), by=DESK)  # second supervision
    third = desk.supervision_notices(d("2024-11-14"))[0]
    assert third.seq == 3 and third.second_level and third.cc == ("李副区长",)
    assert {ln.kind for ln in third.lines} == {"supervise_again"}
    roads = desk.supervision_notices(d("2024-11-14"))[1]
    assert roads.cc == ("区分管领导",)  # no leader named for the department in the policy


def test_an_escalation_past_its_month_end_goes_to_the_lead_copied_to_the_leader() -> None:
    desk = Desk(MemoryStore())
    n = item(desk, "2024-11-04")
    desk.escalate(n, leader="李区长", reason="涉及多部门", proposal="建议由区领导牵头会办",
                  at=at("2024-11-06"), by=DESK)  # fmt: skip
    desk.sweep(d("2024-12-02"), at=at("2024-12-02", 8), by=DESK)
    (notice,) = desk.supervision_notices(d("2024-12-02"))
    assert notice.target == LEAD.department and notice.cc[0] == "李区长"
    assert [ln.what for ln in notice.lines] == ["答复期限", "领导协调期限"]
    assert notice.second_level


# -- the meeting and its tasks ------------------------------------------------------------


def test_minutes_make_tasks_that_the_sweep_follows_until_the_desk_confirms() -> None:
    desk = Desk(MemoryStore())
    n = item(desk, "2024-11-04", content="园区道路破损", lead=ROADS.department)
    decisions = [Decision(text="牵头制定园区道路修缮方案", owner=ROADS.department,
                          due=d("2024-12-06"), items=(n,)),
                 Decision(text="测算修缮资金", owner="区财政局", due=d("2024-12-20"))]  # fmt: skip
    meeting = desk.record_meeting(held_on=d("2024-11-28"), attendees=[ROADS.department, "区财政局"],
                                  decisions=decisions, chair="顾主任", items=[n],
                                  at=at("2024-11-28", 16), by=DESK)  # fmt: skip
    assert meeting.id == "HM-2024-H01" and meeting.tasks == ("HM-2024-H01-1", "HM-2024-H01-2")
    assert [t.owner for t in desk.tasks()] == [ROADS.department, "区财政局"]

    def task_kinds(day: str, hour: int = 18) -> list[tuple[str, str]]:
        found = desk.sweep(d(day), at=at(day, hour), by=DESK)
        return [(a.kind.value, a.task) for a in found if a.task]

    assert task_kinds("2024-12-05") == [("task_remind", "HM-2024-H01-1")]
    assert task_kinds("2024-12-09") == [("task_supervise", "HM-2024-H01-1")]
    assert desk.supervision_notices(d("2024-12-09"))[-1].lines[0].number == "HM-2024-H01-1"
    assert task_kinds("2024-12-12") == [("task_supervise_again", "HM-2024-H01-1")]
    with pytest.raises(PermissionDenied, match="该任务由区交通运输局办理"):
        desk.report_task("HM-2024-H01-1", text="已完成", at=at("2024-12-13"), by=LEAD)
    with pytest.raises(LifecycleError, match="须由责任部门先报告完成"):
        desk.confirm_task("HM-2024-H01-1", at=at("2024-12-13"), by=DESK)
    desk.report_task("HM-2024-H01-1", text="方案已印发", at=at("2024-12-13"), by=ROADS)
    assert task_kinds("2024-12-13") == [("task_confirm", "HM-2024-H01-1")]
    task = desk.return_task(
        "HM-2024-H01-1", reason="方案未列资金来源", at=at("2024-12-16"), by=DESK
    )
    assert task.status.value == "open" and task.returns == 1
    desk.report_task("HM-2024-H01-1", text="已补充资金来源", at=at("2024-12-17"), by=ROADS)
    done = desk.confirm_task("HM-2024-H01-1", at=at("2024-12-18"), by=DESK, note="核实无误")
    assert done.status.value == "done" and not done.is_open
    assert task_kinds("2024-12-19") == [("task_remind", "HM-2024-H01-2")]
    with pytest.raises(TaskNotFound):
        desk.task("HM-2024-H09-1")


def test_minutes_are_checked_before_anything_is_written() -> None:
    desk = Desk(MemoryStore())
    n = item(desk, "2024-11-04")
    good = Decision(text="办理", owner=LEAD.department, due=d("2024-11-30"), items=(n,))
    with pytest.raises(ValidationError, match="attendees"):
        desk.record_meeting(held_on=d("2024-11-28"), attendees=[], decisions=[good],
                            at=at("2024-11-28"), by=DESK)  # fmt: skip
    with pytest.raises(ValidationError, match=r"decisions\[1\].due"):
        desk.record_meeting(held_on=d("2024-11-28"), attendees=["甲"],
                            decisions=[Decision(text="x", owner="甲", due=d("2024-11-01"))],
                            at=at("2024-11-28"), by=DESK)  # fmt: skip
    with pytest.raises(AppealNotFound):
        desk.record_meeting(held_on=d("2024-11-28"), attendees=["甲"],
                            decisions=[Decision(text="x", owner="甲", due=d("2024-12-01"),
                                                items=("HM-2024-9999",))],
                            at=at("2024-11-28"), by=DESK)  # fmt: skip
    with pytest.raises(ValidationError, match="会议日期不能晚于今天"):
        desk.record_meeting(held_on=d("2024-11-29"), attendees=["甲"], decisions=[good],
                            at=at("2024-11-28"), by=DESK)  # fmt: skip
    with pytest.raises(PermissionDenied):
        desk.record_meeting(held_on=d("2024-11-28"), attendees=["甲"], decisions=[good],
                            at=at("2024-11-28"), by=LEAD)  # fmt: skip
    assert desk.meetings() == () and desk.tasks() == ()
    second = desk.record_meeting(held_on=d("2024-11-28"), attendees=["甲"], decisions=[good],
                                 at=at("2024-11-28"), by=DESK)  # fmt: skip
    third = desk.record_meeting(held_on=d("2024-12-20"), attendees=["甲"], decisions=[],
                                at=at("2024-12-20"), by=DESK)  # fmt: skip
    assert (second.id, third.id) == ("HM-2024-H01", "HM-2024-H02")
    created = [e for e in desk.store.journal("@HM:tasks") if isinstance(e, TaskCreated)]
    assert [e.task for e in created] == ["HM-2024-H01-1"]


def test_the_agenda_lists_what_the_mechanism_could_not_solve() -> None:
    desk = Desk(MemoryStore())
    escalated = item(desk, "2024-11-04")
    desk.escalate(escalated, leader="李区长", reason="涉及多部门", proposal="建议会办",
                  at=at("2024-11-05"), by=DESK)  # fmt: skip
    bounced = item(desk, "2024-11-04", content="招工难")
    for k, lead in enumerate(("区人社局", "区教育体育局", "区工业和信息化局")):
        desk.reassign(bounced, lead=lead, reason="职责调整", at=at("2024-11-05", 10 + k), by=DESK)
    late = item(desk, "2024-11-04", content="厂区积水")  # due 11-07, never answered
    for day in ("2024-11-08", "2024-11-13"):
        desk.sweep(d(day), at=at(day, 8), by=DESK)
    unsolvable = item(desk, "2024-11-04", content="用地红线内扩建")
    desk.characterize(unsolvable, reason="涉及生态红线", at=at("2024-11-20"), by=DESK)
    parks = [item(desk, "2024-11-18", content=text, firm=firm, category="交通", lead=ROADS.department)
             for text, firm in (("园区停车位不足，员工停车难", "甲公司"),
                                ("厂区周边停车位紧张", "乙公司"),
                                ("停车位少，员工上下班停车难", "丙公司"))]  # fmt: skip
    agenda = desk.meeting_agenda(2024, 11)
    assert [a.number for a in agenda.escalations] == [escalated]
    assert "报李区长协调，期限 2024-11-29" in agenda.escalations[0].why
    assert [a.number for a in agenda.transfers] == [bounced]
    assert [a.number for a in agenda.supervised] == [escalated, late]  # both still unanswered
    assert "二次督办后仍未办理" in agenda.supervised[1].why
    assert [a.number for a in agenda.characterized] == [unsolvable]
    (problem,) = agenda.recurring
    assert problem.name.startswith("停车位") and problem.numbers == tuple(parks)
    assert problem.enterprises == ("丙公司", "乙公司", "甲公司")
    assert desk.meeting_agenda(2024, 10).escalations == ()  # due in November, not October


def test_one_enterprise_repeating_itself_is_not_a_recurring_problem() -> None:
    desk = Desk(MemoryStore())
    for text in ("园区停车位不足", "园区停车位仍然不足"):
        item(desk, "2024-11-04", content=text, firm="甲公司")
    states = list(desk.store.states())
    assert recurring_problems(states, threshold=0.3, min_enterprises=2) == ()
    assert len(recurring_problems(states, threshold=0.3, min_enterprises=1)) == 1


# -- the daily digest ---------------------------------------------------------------------


def test_mondays_digest_covers_friday_to_sunday() -> None:
    desk = Desk(MemoryStore())
    friday = item(desk, "2024-11-08", channel="hotline")  # due Wednesday 11-13
    saturday = item(desk, "2024-11-09", channel="app")  # also due 11-13
    sunday = item(desk, "2024-11-10", channel="app")
    item(desk, "2024-11-11", channel="app")  # Monday itself: tomorrow's digest
    old = item(desk, "2024-11-04")  # due 11-07, overdue
    replied = item(desk, "2024-11-05")
    desk.reply(replied, text="已办", at=at("2024-11-06"), by=LEAD)
    digest = desk.digest(d("2024-11-11"))
    assert (digest.since, digest.until, digest.next_day) == (d("2024-11-08"), d("2024-11-10"),
                                                             d("2024-11-12"))  # fmt: skip
    assert digest.count(Channel.APP) == 2 and digest.count(Channel.HOTLINE) == 1
    assert digest.received_total == 3
    assert [x.number for x in digest.awaiting_visit] == [replied]
    assert digest.overdue == 1 and digest.went_overdue == ()  # Friday's digest had it
    assert [x.number for x in desk.digest(d("2024-11-08")).went_overdue] == [old]
    assert [x.number for x in desk.digest(d("2024-11-12")).due_next] == [friday, saturday, sunday]
    assert desk.digest(d("2024-11-12")).received_total == 1
