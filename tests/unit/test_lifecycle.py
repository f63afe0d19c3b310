"""The lifecycle through the desk: allowed paths, refusals a clerk understands, roles."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from appeal_core import (
    SHANGHAI,
    Actor,
    AppealNotFound,
    Desk,
    Enterprise,
    LifecycleError,
    MemoryStore,
    PermissionDenied,
    Policy,
    Status,
    ValidationError,
    fold,
)
from appeal_core import events as e
from appeal_core.lifecycle import TRANSITIONS

DESK = Actor.desk("小王")
LEAD = Actor.of_department("区市场监督管理局", "张科长")
CO = Actor.of_department("区生态环境局")
OTHER = Actor.of_department("区人力资源和社会保障局")
LEADER = Actor.leader("李区长")
ACME = Enterprise(
    name="海门某某机械有限公司", credit_code="91350100M000100Y43", phone="13812345678"
)


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def desk() -> Desk:
    return Desk(MemoryStore(), district="HM")


def assigned(desk: Desk, complexity: str = "routine", day: str = "2024-09-30") -> str:
    item = desk.register(
        enterprise=ACME, content="厂房消防验收迟迟未办", channel="app", at=at(day, 9), by=DESK
    )
    n = item.number
    desk.verify(n, at=at(day, 9), by=DESK, note="已电话核实")
    desk.classify(n, category="消防", complexity=complexity, at=at(day, 9), by=DESK)
    desk.assign(n, lead=LEAD.department, co=[CO.department], at=at(day), by=DESK)
    return n


def test_numbers_are_gap_free_per_year_in_the_configured_format(desk: Desk) -> None:
    numbers = [
        desk.register(
            enterprise=ACME, content=f"问题{i}", channel="hotline", at=at(day), by=DESK
        ).number
        for i, day in enumerate(["2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"])
    ]
    assert numbers == ["HM-2025-0001", "HM-2025-0002", "HM-2026-0001", "HM-2026-0002"]
    other = Desk(
        MemoryStore(), district="QD", policy=Policy(number_format="{district}{year}-{seq:05d}")
    )
    assert (
        other.register(
            enterprise=ACME, content="x", channel="app", at=at("2026-03-02"), by=DESK
        ).number
        == "QD2026-00001"
    )


def test_routine_item_full_path_and_state_is_the_fold(desk: Desk) -> None:
    n = assigned(desk)
    item = desk.get(n)
    assert item.status is Status.ASSIGNED
    assert item.reply_due is not None and item.reply_due.due == date(2024, 10, 10)
    assert "国庆节" in item.reply_due.explanation
    desk.report_to_lead(n, text="环保手续齐全", at=at("2024-10-08"), by=CO)
    desk.reply(
        n,
        text="已安排验收",
        at=at("2024-10-08", 15),
        by=LEAD,
        contact="张科长",
        phone="0513-82111701",
    )
    desk.follow_up(n, satisfaction="satisfied", resolved=True, at=at("2024-10-10"), by=DESK)
    closed = desk.close(n, at=at("2024-10-10", 16), by=DESK)
    assert closed.status is Status.CLOSED
    assert closed == fold(desk.history(n))
    assert [type(ev).__name__ for ev in desk.history(n)] == [
        "Registered",
        "Verified",
        "Classified",
        "Assigned",
        "CoHandlerReported",
        "Replied",
        "FollowedUp",
        "Closed",
    ]


def test_closed_item_cannot_be_answered_and_nothing_changes(desk: Desk) -> None:
    n = assigned(desk)
    desk.reply(n, text="已办", at=at("2024-10-08"), by=LEAD)
    desk.follow_up(n, satisfaction="satisfied", resolved=True, at=at("2024-10-09"), by=DESK)
    desk.close(n, at=at("2024-10-09"), by=DESK)
    before = desk.history(n)
    with pytest.raises(LifecycleError) as info:
        desk.reply(n, text="再答复", at=at("2024-10-10"), by=LEAD)
    message = str(info.value)
    assert n in message and "已销号" in message and "不能答复" in message and "新事项" in message
    assert desk.history(n) == before


def test_only_the_lead_department_replies(desk: Desk) -> None:
    n = assigned(desk)
    with pytest.raises(PermissionDenied, match="主办部门是区市场监督管理局"):
        desk.reply(n, text="我来答复", at=at("2024-10-08"), by=OTHER)
    with pytest.raises(PermissionDenied, match="只有部门可以办理"):
        desk.reply(n, text="窗口代答", at=at("2024-10-08"), by=DESK)
    with pytest.raises(PermissionDenied, match="协办部门"):
        desk.report_to_lead(n, text="报告", at=at("2024-10-08"), by=LEAD)
    with pytest.raises(PermissionDenied, match="区服务企业办"):
        desk.assign(n, lead="x", at=at("2024-10-08"), by=LEAD)


def test_complex_item_preliminary_reply_commits_a_date(desk: Desk) -> None:
    n = assigned(desk, "complex")
    item = desk.get(n)
    assert item.reply_due is not None and item.reply_due.rule == "preliminary"
    assert item.completion_due is None
    with pytest.raises(ValidationError, match="不得早于初步答复期限 2024-10-10"):
        desk.reply(
            n,
            text="调查中",
            preliminary=True,
            committed_due=date(2024, 10, 8),
            at=at("2024-10-08"),
            by=LEAD,
        )
    item = desk.reply(
        n,
        text="调查中",
        preliminary=True,
        committed_due=date(2024, 11, 15),
        at=at("2024-10-08"),
        by=LEAD,
    )
    assert item.status is Status.PRELIMINARY_REPLIED
    assert item.completion_due is not None and item.completion_due.due == date(2024, 11, 15)
    item = desk.extend(
        n, new_due=date(2024, 11, 29), reason="需第三方检测", at=at("2024-11-10"), by=DESK
    )
    assert item.completion_due is not None and item.completion_due.rule == "extended"
    assert "需第三方检测" in item.completion_due.explanation and item.extensions == 1


def test_routine_items_get_no_preliminary_reply(desk: Desk) -> None:
    n = assigned(desk)
    with pytest.raises(LifecycleError, match="常规事项应在3个工作日内直接答复"):
        desk.reply(
            n,
            text="x",
            preliminary=True,
            committed_due=date(2024, 12, 1),
            at=at("2024-10-08"),
            by=LEAD,
        )


def test_statutory_limit_caps_the_committed_date() -> None:
    desk = Desk(MemoryStore(), policy=Policy(statutory_limits={"消防": 20}))
    n = assigned(desk, "statutory")
    with pytest.raises(ValidationError, match="法定时限为 20 个工作日"):
        desk.reply(
            n,
            text="x",
            preliminary=True,
            committed_due=date(2024, 12, 31),
            at=at("2024-10-08"),
            by=LEAD,
        )


def test_escalation_is_due_on_the_months_last_working_day_and_blocks_closing(desk: Desk) -> None:
    n = assigned(desk, day="2024-11-04")
    item = desk.escalate(
        n,
        leader="李区长",
        reason="涉及多部门",
        proposal="建议由区领导牵头会办",
        at=at("2024-11-05"),
        by=DESK,
    )
    assert item.escalation is not None and item.escalation.due.due == date(2024, 11, 29)
    with pytest.raises(LifecycleError, match="尚未协调解决"):
        desk.escalate(
            n, leader="李区长", reason="再报", proposal="同上", at=at("2024-11-06"), by=DESK
        )
    with pytest.raises(PermissionDenied):
        desk.resolve(n, resolution="x", at=at("2024-11-06"), by=DESK)
    desk.reply(n, text="已办", at=at("2024-11-07"), by=LEAD)
    desk.follow_up(n, satisfaction="satisfied", resolved=True, at=at("2024-11-08"), by=DESK)
    with pytest.raises(LifecycleError, match="尚未协调解决"):
        desk.close(n, at=at("2024-11-08"), by=DESK)
    desk.resolve(n, resolution="会办明确", at=at("2024-11-08"), by=LEADER)
    assert desk.close(n, at=at("2024-11-08", 17), by=DESK).status is Status.CLOSED


def test_unresolved_follow_up_cannot_be_closed_but_can_be_reopened_or_characterized(
    desk: Desk,
) -> None:
    n = assigned(desk)
    desk.reply(n, text="已办", at=at("2024-10-08"), by=LEAD)
    desk.follow_up(
        n, satisfaction="unsatisfied", resolved=False, notes="未解决", at=at("2024-10-10"), by=DESK
    )
    with pytest.raises(LifecycleError, match="请重新交办，或定性"):
        desk.close(n, at=at("2024-10-10"), by=DESK)
    item = desk.reopen(n, reason="企业不满意", at=at("2024-10-11"), by=DESK)
    assert item.status is Status.ASSIGNED and item.reopenings == 1
    assert item.reply_due is not None and item.reply_due.start == date(2024, 10, 11)
    desk.reply(n, text="再次办理", at=at("2024-10-14"), by=LEAD)
    desk.follow_up(n, satisfaction="unsatisfied", resolved=False, at=at("2024-10-15"), by=DESK)
    item = desk.characterize(
        n,
        reason="选址位于生态红线内，无法办理",
        red_line="environment",
        at=at("2024-10-16"),
        by=DESK,
    )
    assert item.status is Status.CHARACTERIZED
    assert desk.close(n, at=at("2024-10-16"), by=DESK).status is Status.CLOSED


def test_return_and_reassign_count_as_transfers(desk: Desk) -> None:
    n = assigned(desk)
    desk.send_back(n, reason="不属于本部门职责", at=at("2024-10-08"), by=LEAD)
    with pytest.raises(LifecycleError, match="已退回"):
        desk.reply(n, text="x", at=at("2024-10-08"), by=LEAD)
    desk.assign(n, lead=OTHER.department, at=at("2024-10-09"), by=DESK)
    item = desk.reassign(n, lead=LEAD.department, reason="职责调整", at=at("2024-10-10"), by=DESK)
    assert item.transfers == 2 and item.lead == LEAD.department


def test_merge_keeps_the_primary_clock(desk: Desk) -> None:
    primary = assigned(desk)
    dup = desk.register(
        enterprise=ACME,
        content="消防验收问题（热线）",
        channel="hotline",
        at=at("2024-10-08"),
        by=DESK,
    )
    before = desk.get(primary).reply_due
    merged = desk.merge(dup.number, into=primary, at=at("2024-10-08"), by=DESK)
    assert merged.merged_from == (dup.number,) and merged.reply_due == before
    assert desk.get(dup.number).status is Status.MERGED
    with pytest.raises(LifecycleError, match="已合并"):
        desk.verify(dup.number, at=at("2024-10-09"), by=DESK)
    with pytest.raises(ValidationError, match="合并到它自己"):
        other = desk.register(
            enterprise=ACME, content="y", channel="app", at=at("2024-10-09"), by=DESK
        )
        desk.merge(other.number, into=other.number, at=at("2024-10-09"), by=DESK)


def test_bad_inputs_are_typed_errors_naming_the_field(desk: Desk) -> None:
    with pytest.raises(ValidationError, match="content"):
        desk.register(enterprise=ACME, content="   ", channel="app", at=at("2024-10-08"), by=DESK)
    with pytest.raises(ValidationError, match="缺少时区"):
        desk.register(
            enterprise=ACME, content="x", channel="app", at=datetime(2024, 10, 8), by=DESK
        )
    with pytest.raises(ValueError):
        desk.register(enterprise=ACME, content="x", channel="fax", at=at("2024-10-08"), by=DESK)
    with pytest.raises(AppealNotFound, match="HM-2024-9999"):
        desk.verify("HM-2024-9999", at=at("2024-10-08"), by=DESK)
    n = assigned(desk)
    with pytest.raises(ValidationError, match="早于该事项上一次办理时间"):
        desk.reply(n, text="x", at=at("2024-09-01"), by=LEAD)
    assert desk.store.numbers() == (n,)


def test_every_command_has_one_table_row() -> None:
    from appeal_core import commands

    assert set(TRANSITIONS) == set(commands.Command.__args__)  # type: ignore[attr-defined]


def test_listeners_hear_committed_events_only(desk: Desk) -> None:
    heard: list[e.Event] = []
    desk.listeners.append(heard.extend)
    n = assigned(desk)
    with pytest.raises(LifecycleError):
        desk.close(n, at=at("2024-10-08"), by=DESK)
    assert [type(ev) for ev in heard] == [e.Registered, e.Verified, e.Classified, e.Assigned]
