"""The daily sweep: reminders, supervision, escalation hints, re-handling, stock; once only."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore, PermissionDenied, Policy
from appeal_core.sweep import ActionKind

DESK = Actor.desk()
LEAD = Actor.of_department("区市场监督管理局")
OTHER = "区人力资源和社会保障局"
ACME = Enterprise(name="海门某某机械有限公司")


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def new_item(desk: Desk, day: str = "2024-11-04", complexity: str = "routine") -> str:
    n = desk.register(
        enterprise=ACME, content="用电报装慢", channel="app", at=at(day, 8), by=DESK
    ).number
    desk.verify(n, at=at(day, 8), by=DESK)
    desk.classify(n, category="用电", complexity=complexity, at=at(day, 8), by=DESK)
    desk.assign(n, lead=LEAD.department, at=at(day, 9), by=DESK)
    return n


def kinds(desk: Desk, day: str) -> list[str]:
    return [a.kind.value for a in desk.sweep(date.fromisoformat(day), at=at(day, 18), by=DESK)]


def test_remind_then_supervise_then_supervise_again_each_once() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk)  # due Thursday 2024-11-07
    assert kinds(desk, "2024-11-05") == []
    assert kinds(desk, "2024-11-06") == ["remind"]  # due the next working day
    assert kinds(desk, "2024-11-06") == []  # twice the same day: nothing twice
    assert kinds(desk, "2024-11-07") == []  # same deadline, already reminded
    actions = desk.sweep(date(2024, 11, 8), at=at("2024-11-08", 18), by=DESK)
    assert [(a.kind, a.workdays_overdue, a.target) for a in actions] == [
        (ActionKind.SUPERVISE, 1, LEAD.department)
    ]
    assert "逾期 1 个工作日" in actions[0].message
    assert kinds(desk, "2024-11-12") == []  # 2 working days after the first notice
    assert kinds(desk, "2024-11-13") == ["supervise_again"]  # 3 working days after
    assert kinds(desk, "2024-11-14") == []
    noticed = [ev for ev in desk.history(n) if type(ev).__name__ == "Noticed"]
    assert [ev.kind for ev in noticed] == ["remind", "supervise", "supervise_again"]


def test_answered_items_are_not_pressed() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk)
    desk.reply(n, text="已办", at=at("2024-11-05"), by=LEAD)
    assert kinds(desk, "2024-11-06") == []
    assert kinds(desk, "2024-11-20") == []


def test_preliminary_reply_switches_to_the_committed_date_and_extension_moves_it() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk, complexity="complex")
    desk.reply(
        n,
        text="调查中",
        preliminary=True,
        committed_due=date(2024, 11, 20),
        at=at("2024-11-06"),
        by=LEAD,
    )
    assert kinds(desk, "2024-11-19") == ["remind"]
    desk.extend(n, new_due=date(2024, 11, 29), reason="需检测", at=at("2024-11-19", 19), by=DESK)
    assert kinds(desk, "2024-11-21") == []  # the extended deadline is not yet near
    assert kinds(desk, "2024-11-28") == ["remind"]


def test_three_transfers_suggest_escalation_and_overdue_escalation_is_flagged() -> None:
    desk = Desk(MemoryStore(), policy=Policy(stuck_transfers=3))
    n = new_item(desk)
    desk.reassign(n, lead=OTHER, reason="职责调整", at=at("2024-11-04", 10), by=DESK)
    desk.send_back(n, reason="非本部门", at=at("2024-11-04", 11), by=Actor.of_department(OTHER))
    desk.assign(n, lead=LEAD.department, at=at("2024-11-04", 12), by=DESK)
    desk.send_back(n, reason="非本部门", at=at("2024-11-04", 13), by=LEAD)
    assert "stuck" in kinds(desk, "2024-11-05")
    desk.escalate(
        n,
        leader="李区长",
        reason="多次退回",
        proposal="建议由区领导牵头会办",
        at=at("2024-11-05", 19),
        by=DESK,
    )
    assert kinds(desk, "2024-11-29") == []
    assert kinds(desk, "2024-12-02") == ["escalation_overdue"]


def test_unsatisfied_follow_up_asks_for_rehandling() -> None:
    desk = Desk(MemoryStore())
    n = new_item(desk)
    desk.reply(n, text="已办", at=at("2024-11-05"), by=LEAD)
    desk.follow_up(n, satisfaction="satisfied", resolved=False, at=at("2024-11-06"), by=DESK)
    assert kinds(desk, "2024-11-06") == ["rehandle"]
    assert kinds(desk, "2024-11-07") == []


def test_stock_items_are_listed_once_a_month() -> None:
    desk = Desk(MemoryStore(), policy=Policy(stock_age_days=30))
    n = new_item(desk)
    desk.reply(n, text="已办", at=at("2024-11-05"), by=LEAD)
    assert kinds(desk, "2024-12-03") == []
    assert kinds(desk, "2024-12-04") == ["stock"]
    assert kinds(desk, "2024-12-20") == []
    assert kinds(desk, "2025-01-02") == ["stock"]


def test_only_the_desk_runs_the_sweep() -> None:
    with pytest.raises(PermissionDenied):
        Desk(MemoryStore()).sweep(date(2024, 11, 4), at=at("2024-11-04"), by=LEAD)
