"""The storage contract every store adapter runs: plain tests plus a comparison state machine.

Subclass ``StoreContract`` (collected by pytest as a ``Test...`` class) and
``StoreComparisonMachine`` and provide ``make_store()``; the reference is ``MemoryStore``::

    class TestMyStore(StoreContract):
        def make_store(self) -> Store: return MyStore(...)

    class MyStoreMachine(StoreComparisonMachine):
        def make_store(self) -> Store: return MyStore(...)
    TestMyStoreMachine = MyStoreMachine.TestCase
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule

from appeal_core import commands as c
from appeal_core import events as e
from appeal_core import journal as j
from appeal_core.actor import Actor
from appeal_core.appeal import Appeal, Assumption, Channel, Complexity
from appeal_core.calendar import HolidayPeriod, YearNotice
from appeal_core.desk import Desk
from appeal_core.duplicates import enterprise_key
from appeal_core.enterprise import Enterprise
from appeal_core.errors import (
    AppealError,
    AppealNotFound,
    ConcurrencyConflict,
    QuarantineNotFound,
)
from appeal_core.history import evolve, fold
from appeal_core.intake import IntakeRecord, QuarantineEntry, RejectedRow
from appeal_core.journal import stream_key
from appeal_core.memory import MemoryStore
from appeal_core.ports import Store
from appeal_core.testing.intake_contract import IntakeContract
from appeal_core.testing.machine import DESK, LEADER, _any_command, _next_steps
from appeal_core.testing.strategies import (
    DEPARTMENTS,
    actors,
    assumptions,
    channels,
    contents,
    enterprises,
    example_notice,
)
from appeal_core.timeutil import SHANGHAI

START = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
SETTLED = START + timedelta(days=1, hours=6, minutes=30)  # when a quarantined row is settled
ACME = Enterprise(name="海淀测试科技有限公司", contact="张三", phone="13800000000")
OTHER = Enterprise(name="朝阳示例制造有限公司", contact="王五", phone="13900000000")
#: A hotline record read under two assumptions (a landline's area code, a date's time).
GUESSED = Enterprise(name="通州示例物流有限公司", phone="0513-82118899")
GUESSES = (
    Assumption(field="enterprise.phone", original="82118899", assumed="0513-82118899",
               reason="固定电话未写区号，按本区区号 0513 补全"),
    Assumption(field="reported_at", original="2026-11-01", assumed="2026-11-01 00:00",
               reason="来电时间只有日期，按当日 0 时登记"),
)  # fmt: skip


class _Boom(Exception):
    """Raised inside a unit of work to make it roll back."""


@contextmanager
def raises(kind: type[BaseException]) -> Iterator[None]:
    """Assert that the block raises ``kind`` (pytest-free, so the contract needs no pytest)."""
    try:
        yield
    except kind:
        return
    raise AssertionError(f"expected {kind.__name__}")


def make_desk(store: Store, district: str = "HM") -> Desk:
    """A desk on ``store`` with the Chinese calendar (weekdays outside its known years)."""
    from appeal_core.calendar import china_calendar

    return Desk(store, district=district, calendar=china_calendar(outside="weekdays"))


def register(desk: Desk, at: datetime, content: str = "厂区道路破损，影响物流") -> Appeal:
    """Register one appeal of the test enterprise at ``at``."""
    return desk.register(enterprise=ACME, content=content, channel=Channel.APP, at=at, by=DESK)


def walk_every_event(desk: Desk, at: datetime = START) -> tuple[str, ...]:
    """Drive items through every event type; returns the numbers registered."""
    clock = iter(at + timedelta(hours=k) for k in range(1000))
    lead, co = Actor.of_department(DEPARTMENTS[0]), Actor.of_department(DEPARTMENTS[1])
    a = register(desk, next(clock)).number
    desk.verify(a, at=next(clock), by=DESK, note="已电话核实")
    desk.classify(a, category="用地", complexity=Complexity.COMPLEX, at=next(clock), by=DESK)
    state = desk.assign(a, lead=DEPARTMENTS[0], co=DEPARTMENTS[1:2], at=next(clock), by=DESK)
    desk.report_to_lead(a, text="协办意见：同意", at=next(clock), by=co)
    assert state.reply_due is not None
    committed = state.reply_due.due + timedelta(days=10)
    desk.reply(
        a, text="正在调查", preliminary=True, committed_due=committed, at=next(clock), by=lead
    )
    desk.extend(
        a, new_due=committed + timedelta(days=7), reason="需现场勘查", at=next(clock), by=DESK
    )
    desk.escalate(a, leader="分管区长", reason="部门层面难以协调", at=next(clock), by=DESK,
                  proposal="由主办部门牵头，协办部门配合")  # fmt: skip
    desk.resolve(a, resolution="区领导牵头会办", at=next(clock), by=LEADER)
    desk.reply(a, text="已办结", at=next(clock), by=lead, contact="李四", phone="010-12345678")
    desk.follow_up(a, satisfaction="unsatisfied", resolved=False, at=next(clock), by=DESK)
    desk.reopen(a, reason="企业不满意，重新办理", at=next(clock), by=DESK)
    desk.reply(a, text="再次办结", at=next(clock), by=lead)
    desk.follow_up(a, satisfaction="satisfied", resolved=True, at=next(clock), by=DESK, notes="好")
    desk.close(a, at=next(clock), by=DESK)
    b = register(desk, next(clock), "用电增容").number
    desk.verify(b, at=next(clock), by=DESK)
    desk.classify(b, category="用电", complexity=Complexity.ROUTINE, at=next(clock), by=DESK)
    desk.assign(b, lead=DEPARTMENTS[2], at=next(clock), by=DESK)
    desk.send_back(
        b, reason="不属于本部门职责", at=next(clock), by=Actor.of_department(DEPARTMENTS[2])
    )
    desk.assign(b, lead=DEPARTMENTS[3], at=next(clock), by=DESK)
    desk.reassign(b, lead=DEPARTMENTS[4], reason="职责调整", at=next(clock), by=DESK)
    desk.characterize(b, reason="涉及生态红线", red_line="environment", at=next(clock), by=DESK)
    desk.close(b, at=next(clock), by=DESK)
    town = (("填表单位", "某镇"), ("填报人", "王五"), ("联系电话", "0513-82111701"))
    listed = c.Register(enterprise=ACME, content="招工难", channel=Channel.GRASSROOTS, notes=town)
    d = desk.execute(listed, at=next(clock), by=DESK).number
    desk.set_confidential(d, at=next(clock), by=DESK, reason="来电人要求保密")
    dup = register(desk, next(clock), "招工难（重复反映）").number
    desk.merge(dup, into=d, at=next(clock), by=DESK)
    with desk.store.unit_of_work() as uow:  # the sweep's notice, appended as the sweep does
        state = uow.state(d)
        notice = e.Noticed(number=d, at=next(clock), by=DESK, kind="remind", key=f"remind:{d}",
                           target="区服务企业办", message="请尽快核实")  # fmt: skip
        uow.append(d, state.version, (notice,), evolve(state, notice))
    first = register(desk, next(clock), "园区停车位不足，员工停车难").number
    second = register(desk, next(clock), "园区停车位不足，员工停车困难")
    assert first in second.possible_duplicates, second.possible_duplicates
    desk.dismiss_duplicate(second.number, of=first, at=next(clock), by=DESK)
    guessed = desk.register(enterprise=GUESSED, content="厂区积水", channel=Channel.HOTLINE,
                            at=next(clock), by=DESK, reported_at=START - timedelta(days=1),
                            assumptions=GUESSES).number  # fmt: skip
    desk.confirm(guessed, field="enterprise.phone", note="已电话核实", at=next(clock), by=DESK)
    desk.correct(guessed, field="reported_at", value="2026-11-01 15:30", at=next(clock), by=DESK)
    return (a, b, d, dup, first, second.number, guessed, _redated(desk), _handled(desk, clock))


def _handled(desk: Desk, clock: Iterator[datetime]) -> str:
    """An item through the month's handling events: a pause asked for, declined, asked again,
    approved and resumed; a visit on site; an escalation settled by a deputy after a meeting."""
    lead, co = Actor.of_department(DEPARTMENTS[0]), Actor.of_department(DEPARTMENTS[1])
    n = register(desk, next(clock), "扩建项目规划许可").number
    desk.verify(n, at=next(clock), by=DESK)
    desk.classify(n, category="规划", complexity=Complexity.COMPLEX, at=next(clock), by=DESK)
    state = desk.assign(n, lead=DEPARTMENTS[0], co=DEPARTMENTS[1:2], at=next(clock), by=DESK)
    assert state.reply_due is not None
    until = state.reply_due.due + timedelta(days=7)
    ask = {"reason": "publicity", "until": until, "document": "规划公示公告"}
    desk.request_pause(n, **ask, at=next(clock), by=lead)  # type: ignore[arg-type]
    desk.decline_pause(n, reason="公示尚未开始", at=next(clock), by=DESK)
    desk.request_pause(n, **ask, at=next(clock), by=lead)  # type: ignore[arg-type]
    desk.approve_pause(n, at=next(clock), by=DESK)
    desk.resume(n, at=next(clock), by=DESK, note="公示期满")
    visit = next(clock)
    desk.record_site_visit(n, visited_on=visit.date(), participants=("张科长", "企业王经理"),
                           findings="现场查看扩建地块", at=visit, by=co)  # fmt: skip
    desk.escalate(n, leader="分管区长", reason="涉及规划调整", proposal="建议调整控规后办理",
                  at=next(clock), by=DESK)  # fmt: skip
    desk.designate_deputy(
        n, deputy="常务副区长", reason="分管区长外出学习", at=next(clock), by=DESK
    )
    held = next(clock)
    desk.record_leader_meeting(n, held_on=held.date(), chair="常务副区长",
                               attendees=DEPARTMENTS[:2], outcome="同意按控规调整程序办理",
                               at=held, by=DESK)  # fmt: skip
    desk.resolve(n, resolution="按会议意见办理", at=next(clock), by=Actor.leader("常务副区长"))
    return n


def walk_every_journal_event(desk: Desk, at: datetime = START) -> tuple[str, ...]:
    """Drive the district's journal through every journal event type; returns the streams."""
    from appeal_core.journal import Decision

    clock = iter(at + timedelta(hours=k) for k in range(1000))
    late = register(desk, next(clock), "厂区道路破损").number
    desk.verify(late, at=next(clock), by=DESK)
    desk.classify(late, category="交通", complexity=Complexity.ROUTINE, at=next(clock), by=DESK)
    desk.assign(late, lead=DEPARTMENTS[2], at=next(clock), by=DESK)
    held = next(clock)
    decisions = (Decision(text="牵头制定园区道路修缮方案", owner=DEPARTMENTS[2],
                          due=held.date() + timedelta(days=3), items=(late,)),
                 Decision(text="测算修缮资金", owner=DEPARTMENTS[0],
                          due=held.date() + timedelta(days=14)))  # fmt: skip
    meeting = desk.record_meeting(held_on=held.date(), attendees=DEPARTMENTS[:3],
                                  decisions=decisions, at=held, by=DESK, chair="服务企业办主任",
                                  items=(late,), summary="研究园区道路问题")  # fmt: skip
    owner = Actor.of_department(DEPARTMENTS[2])
    first = meeting.tasks[0]
    desk.report_task(first, text="已制定方案", at=next(clock), by=owner)
    desk.return_task(first, reason="方案未明确完成时间", at=next(clock), by=DESK)
    desk.report_task(first, text="已补充完成时间", at=next(clock), by=owner)
    desk.confirm_task(first, at=next(clock), by=DESK, note="核实无误")
    day = held.date() + timedelta(days=14)  # the item overdue: a supervision notice; a task due
    noon = datetime.combine(day, time(23), SHANGHAI)
    desk.sweep(day, at=noon, by=DESK)
    desk.load_notice(_notice_loaded("", 2027).notice, at=noon, by=DESK, source="2027.toml",
                     force=True, reason="测试")  # fmt: skip
    _months(desk, noon)
    _privacy(desk, late, noon)
    _service(desk, noon)
    kinds = ("calendar", "notices", "meetings", "tasks", "months", "policy", "departments",
             "privacy", "tokens", "idempotency")  # fmt: skip
    return tuple(stream_key(desk.district, k) for k in kinds)


def _privacy(desk: Desk, number: str, now: datetime) -> None:
    """An erasure on request, a quarantined row forgotten, a master key rotation's record."""
    stream = stream_key(desk.district, "privacy")
    bad = RejectedRow(channel=Channel.HOTLINE, row=1, field="phone", value="12", reason="电话无效",
                      raw=(("电话", "12"),), source_id="Q-1")  # fmt: skip
    (entry,) = desk.intake([bad], source="12345.csv", at=now, by=DESK).quarantined
    desk.dismiss_quarantined(entry, note="测试行", at=now, by=DESK)
    contact = desk.get(number).enterprise.contact_id
    desk.erase_contact(contact, reason="本人要求删除", at=now, by=DESK, force=True)
    later = now.date() + timedelta(days=4000)
    desk.retention_sweep(later, at=datetime.combine(later, time(9), SHANGHAI), by=DESK)
    rotated = j.MasterKeyRotated(stream=stream, at=now, by=DESK, old_check="a" * 16,
                                 new_check="b" * 16, keys=2)  # fmt: skip
    with desk.store.unit_of_work() as uow:
        uow.append_journal(stream, len(uow.journal(stream)), (rotated,))


def _service(desk: Desk, now: datetime) -> None:
    """The HTTP service's records: a token issued and revoked, a request claimed and answered."""
    tokens, requests = (stream_key(desk.district, k) for k in ("tokens", "idempotency"))
    owner = Actor.of_department(DEPARTMENTS[0], name="小李")
    made = (
        j.TokenIssued(
            stream=tokens,
            at=now,
            by=DESK,
            token_id="t1",
            digest="d" * 64,
            actor=owner,
            note="部门系统",
        ),
        j.TokenRevoked(stream=tokens, at=now, by=DESK, token_id="t1", reason="离职"),
    )
    asked = (j.RequestClaimed(stream=requests, at=now, by=owner, key="k1", fingerprint="f" * 64),
             j.RequestAnswered(stream=requests, at=now, by=owner, key="k1", status=201,
                               body='{"number":"HM-2026-0001"}'))  # fmt: skip
    with desk.store.unit_of_work() as uow:
        uow.append_journal(tokens, len(uow.journal(tokens)), made)
        uow.append_journal(requests, len(uow.journal(requests)), asked)


def _months(desk: Desk, now: datetime) -> None:
    """A sealed month, a correction into it, an amendment of the definitions, a registry."""
    from appeal_core.departments import DepartmentEntry

    desk.close_month(2026, 10, at=now, by=DESK)
    with desk.correction("10月30日来电当时漏录", at=now, by=DESK):
        register(desk, datetime(2026, 10, 30, 9, tzinfo=SHANGHAI), "漏录的来电")
    desk.amend_rules(desk.policy.metrics_rules, effective="2026-12", at=now, by=DESK,
                     reason="测试：口径不变，仅记录一次变更")  # fmt: skip
    entries = [DepartmentEntry(name=name, order=k) for k, name in enumerate(DEPARTMENTS, 1)]
    desk.load_departments(entries, at=now, by=DESK, source="departments.toml")


def _redated(desk: Desk) -> str:
    """An item assigned on 2026-12-30 (provisional deadline), re-dated once 2027 is known."""
    from appeal_core.calendar import china_calendar

    eve = datetime(2026, 12, 30, 9, 0, tzinfo=SHANGHAI)
    number = register(desk, eve, "年底用电增容").number
    desk.verify(number, at=eve, by=DESK)
    desk.classify(number, category="用电", complexity=Complexity.ROUTINE, at=eve, by=DESK)
    desk.assign(number, lead=DEPARTMENTS[0], at=eve, by=DESK)
    calendar = desk.calendar
    desk.calendar = china_calendar(notices=[example_notice(2027)])
    desk.redate([number], at=eve + timedelta(hours=1), by=DESK, reason="2027 年安排已载入")
    desk.calendar = calendar
    return number


class StoreContract(IntakeContract):
    """Plain tests every store must pass; subclass with a ``Test`` name and give ``make_store``."""

    def make_store(self) -> Store:
        """A new, empty store under test."""
        raise NotImplementedError

    @contextmanager
    def opened(self) -> Iterator[Store]:
        """A new store, closed afterwards."""
        store = self.make_store()
        try:
            yield store
        finally:
            store.close()

    def test_register_and_load(self) -> None:
        with self.opened() as store:
            state = register(make_desk(store), START)
            assert store.state(state.number) == state
            assert store.events(state.number) == (_registered(store, state.number),)
            assert fold(store.events(state.number)) == state
            assert store.numbers() == (state.number,) == store.numbers("HM")
            assert store.numbers("CY") == ()

    def test_stale_version_raises_and_writes_nothing(self) -> None:
        with self.opened() as store:
            desk = make_desk(store)
            state = register(desk, START)
            event = e.Verified(number=state.number, at=START, by=DESK)
            for wrong in (0, state.version + 1):
                with raises(ConcurrencyConflict), store.unit_of_work() as uow:
                    uow.append(state.number, wrong, (event,), evolve(state, event))
            assert store.state(state.number) == state
            assert len(store.events(state.number)) == 1

    def test_second_writer_conflicts_then_retries(self) -> None:
        with self.opened() as store:
            desk = make_desk(store)
            seen = register(desk, START)  # both writers read version 1
            desk.verify(seen.number, at=START, by=DESK)  # the first writer wins
            late = e.Verified(number=seen.number, at=START, by=DESK, note="迟到的写入")
            with raises(ConcurrencyConflict), store.unit_of_work() as uow:
                uow.append(seen.number, seen.version, (late,), evolve(seen, late))
            assert [type(x) for x in store.events(seen.number)] == [e.Registered, e.Verified]
            fresh = store.state(seen.number)  # the retry reloads and goes on
            note = e.Classified(number=seen.number, at=START, by=DESK, category="用地",
                                complexity=Complexity.ROUTINE)  # fmt: skip
            with store.unit_of_work() as uow:
                uow.append(seen.number, fresh.version, (note,), evolve(fresh, note))
            assert store.state(seen.number).version == 3

    def test_rollback_writes_nothing_and_releases_the_number(self) -> None:
        with self.opened() as store:
            desk = make_desk(store)
            with raises(_Boom), store.unit_of_work() as uow:
                seq = uow.next_seq("HM", 2026)
                number = desk.policy.format_number("HM", 2026, seq)
                first = _registered_event(number, seq)
                uow.append(number, 0, (first,), fold((first,)))
                assert uow.state(number) == fold((first,))
                assert uow.events(number) == (first,)
                raise _Boom
            assert store.numbers() == ()
            with raises(AppealNotFound):
                store.state(number)
            assert register(desk, START).seq == seq == 1

    def test_numbers_gap_free_per_district_and_year(self) -> None:
        with self.opened() as store:
            desk = make_desk(store)
            eve = datetime(2026, 12, 31, 22, 0, tzinfo=SHANGHAI)
            states = [register(desk, eve + timedelta(minutes=20 * k)) for k in range(12)]
            by_year: dict[int, list[int]] = {}
            for s in states:
                by_year.setdefault(s.year, []).append(s.seq)
            assert by_year == {2026: [1, 2, 3, 4, 5, 6], 2027: [1, 2, 3, 4, 5, 6]}
            assert len(set(store.numbers())) == 12

    def test_several_districts_share_one_store(self) -> None:
        with self.opened() as store:
            desks = {d: make_desk(store, d) for d in ("HM", "CY", "XC")}
            order = [register(desks[d], START).number for d in ("HM", "CY", "HM", "XC", "CY")]
            assert store.numbers() == tuple(order)
            assert store.numbers("HM") == (order[0], order[2])
            assert [s.seq for s in store.states("CY")] == [1, 2]
            assert [s.number for s in store.states("XC")] == [order[3]]

    def test_states_in_registration_order(self) -> None:
        with self.opened() as store:
            hm, cy = make_desk(store, "HM"), make_desk(store, "CY")
            made = [register(hm if k % 3 else cy, START + timedelta(hours=k)) for k in range(9)]
            desk_of = {s.number: hm if s.district == "HM" else cy for s in made}
            for s in reversed(made):  # later changes must not move an item
                desk_of[s.number].verify(s.number, at=START + timedelta(days=1), by=DESK)
            assert [s.number for s in store.states()] == [s.number for s in made]
            assert list(store.states()) == [store.state(s.number) for s in made]

    def test_every_event_round_trips_equal(self) -> None:
        with self.opened() as store:
            reference = MemoryStore()
            numbers = walk_every_event(make_desk(store))
            assert walk_every_event(make_desk(reference)) == numbers
            kinds = {type(x) for n in numbers for x in store.events(n)}
            assert kinds == set(e.EVENT_TYPES), set(e.EVENT_TYPES) - kinds
            for number in numbers:
                assert store.events(number) == reference.events(number)
                assert store.state(number) == reference.state(number) == fold(store.events(number))
            assert store.numbers() == reference.numbers()

    def test_every_journal_event_round_trips(self) -> None:
        with self.opened() as store:
            reference = MemoryStore()
            streams = walk_every_journal_event(make_desk(store))
            assert walk_every_journal_event(make_desk(reference)) == streams
            kinds = {type(x) for s in streams for x in store.journal(s)}
            assert kinds == set(j.JOURNAL_TYPES), set(j.JOURNAL_TYPES) - kinds
            for stream in streams:
                assert store.journal(stream) == reference.journal(stream), stream

    def test_not_found(self) -> None:
        with self.opened() as store:
            register(make_desk(store), START)
            for read in (store.state, store.events):
                with raises(AppealNotFound):
                    read("HM-2026-9999")
            with store.unit_of_work() as uow:
                for uow_read in (uow.state, uow.events):
                    with raises(AppealNotFound):
                        uow_read("HM-2026-9999")

    def test_source_lookup_is_idempotent_and_sees_staged_items(self) -> None:
        with self.opened() as store:
            desk, cy = make_desk(store), make_desk(store, "CY")

            def hotline(d: Desk, source_id: str, content: str = "供水管网漏水") -> Appeal:
                return d.register(enterprise=ACME, content=content, channel=Channel.HOTLINE,
                                  at=START, by=DESK, source_id=source_id)  # fmt: skip

            first = hotline(desk, "H-001")
            assert hotline(desk, " H-001 ", "另一段文字") == first  # the same source: no new item
            app = desk.register(enterprise=ACME, content="供水", channel=Channel.APP, at=START,
                                by=DESK, source_id="H-001")  # fmt: skip
            other_district = hotline(cy, "H-001")
            assert len({first.number, app.number, other_district.number}) == 3
            assert store.numbers() == (first.number, app.number, other_district.number)
            with store.unit_of_work() as uow:
                assert uow.find_source("HM", "hotline", "H-001") == first.number
                assert uow.find_source("HM", "app", "H-001") == app.number
                assert uow.find_source("CY", "hotline", "H-001") == other_district.number
                assert uow.find_source("HM", "hotline", "H-404") is None
                assert uow.find_source("HM", "app", "") is None  # no source id: never a match
                staged = _stage_registration(uow, source_id="H-002")
                assert uow.find_source("HM", "hotline", "H-002") == staged
            with raises(_Boom), store.unit_of_work() as uow:
                _stage_registration(uow, source_id="H-003")
                raise _Boom
            with store.unit_of_work() as uow:
                assert uow.find_source("HM", "hotline", "H-002") == staged
                assert uow.find_source("HM", "hotline", "H-003") is None

    def test_open_items_of_one_enterprise(self) -> None:
        with self.opened() as store:
            desk, cy = make_desk(store), make_desk(store, "CY")
            day = timedelta(days=1)
            early = register(desk, START, "甲事项")
            later = register(desk, START + day, "乙事项")
            merged = register(desk, START + 2 * day, "丙事项")
            desk.merge(merged.number, into=later.number, at=START + 2 * day, by=DESK)
            other = desk.register(enterprise=OTHER, content="丁事项", channel=Channel.APP,
                                  at=START, by=DESK)  # fmt: skip
            elsewhere = register(cy, START, "戊事项")
            acme, today = enterprise_key(ACME), START.date()
            with store.unit_of_work() as uow:
                found = uow.open_items_of("HM", acme, today)
                assert found == [early, store.state(later.number)]
                assert uow.open_items_of("HM", acme, today + day) == [store.state(later.number)]
                assert uow.open_items_of("HM", acme, today + 3 * day) == []
                assert uow.open_items_of("HM", enterprise_key(OTHER), today) == [other]
                assert uow.open_items_of("CY", acme, today) == [elsewhere]
                # staged: a new item joins at the end, a staged change is seen, a staged end hides
                number = _stage_registration(uow, enterprise=ACME, channel=Channel.APP)
                note = e.Verified(number=early.number, at=START + day, by=DESK, note="核实")
                uow.append(early.number, early.version, (note,), evolve(early, note))
                state = uow.state(later.number)
                gone = e.Merged(number=later.number, at=START + 3 * day, by=DESK, into=early.number)
                uow.append(later.number, state.version, (gone,), evolve(state, gone))
                assert [s.number for s in uow.open_items_of("HM", acme, today)] == [
                    early.number,
                    number,
                ]
                assert uow.open_items_of("HM", acme, today)[0] == evolve(early, note)

    def test_quarantine_keeps_lists_and_settles_rows(self) -> None:
        with self.opened() as store:
            entry = QuarantineEntry(district="HM", channel=Channel.HOTLINE, source="12345.xlsx",
                                    row=3, field="phone", value="12", reason="电话号码无效",
                                    raw=(("企业名称", "某公司"), ("电话", "12")),
                                    source_id="H-9", at=START)  # fmt: skip
            elsewhere = attrs.evolve(entry, district="CY", row=None, raw=(), source_id="")
            with store.unit_of_work() as uow:
                one = uow.quarantine(entry)
                two = uow.quarantine(elsewhere)
            assert one != two
            first, second = attrs.evolve(entry, id=one), attrs.evolve(elsewhere, id=two)
            assert store.quarantine_entry(one) == first
            assert store.quarantined() == (first, second)
            assert store.quarantined("CY") == (second,) and store.quarantined("XC") == ()
            with store.unit_of_work() as uow:
                uow.settle_quarantine(one, status="dismissed", number="", note="测试数据",
                                      at=SETTLED, by=str(DESK))  # fmt: skip
            settled = attrs.evolve(first, status="dismissed", note="测试数据", settled_at=SETTLED,
                                    settled_by="区服务企业办（窗口）")  # fmt: skip
            assert store.quarantined() == (second,)
            assert store.quarantined(include_settled=True) == (settled, second)
            assert store.quarantined("HM", include_settled=True) == (settled,)
            with raises(QuarantineNotFound):
                store.quarantine_entry(9999)
            with raises(QuarantineNotFound), store.unit_of_work() as uow:
                uow.settle_quarantine(9999, status="dismissed", number="", note="无", at=SETTLED,
                                      by="")  # fmt: skip
            with raises(_Boom), store.unit_of_work() as uow:  # rollback drops staged rows
                dropped = uow.quarantine(entry)
                uow.settle_quarantine(two, status="admitted", number="CY-2026-0001", note="x",
                                      at=SETTLED, by="")  # fmt: skip
                assert dropped not in (one, two)
                raise _Boom
            assert store.quarantined(include_settled=True) == (settled, second)
            with raises(QuarantineNotFound):
                store.quarantine_entry(dropped)
            with store.unit_of_work() as uow:  # settle a row staged in the same transaction
                three = uow.quarantine(entry)
                uow.settle_quarantine(three, status="admitted", number="HM-2026-0001", note="改",
                                      at=SETTLED, by="")  # fmt: skip
            assert store.quarantine_entry(three).status == "admitted"

    def test_intake_registers_repeats_and_quarantines(self) -> None:
        with self.opened() as store:
            reference = MemoryStore()
            reports = [_intake(make_desk(s)) for s in (store, reference)]
            assert reports[0] == reports[1]
            report = reports[0]
            assert len(report.registered) == 3 and len(report.repeated) == 2
            assert len(report.quarantined) == 2 and report.flagged
            assert store.numbers() == reference.numbers()
            assert list(store.states()) == list(reference.states())
            assert store.quarantined() == reference.quarantined()
            for s in (store, reference):
                desk = make_desk(s)
                first, second = report.quarantined
                fixed = IntakeRecord(channel=Channel.HOTLINE, enterprise=ACME, content="已更正",
                                     source_id="H-7")  # fmt: skip
                desk.admit(first, fixed, at=START + timedelta(hours=2), by=DESK)
                desk.dismiss_quarantined(second, note="测试行", at=START, by=DESK)
            assert store.quarantined() == () == reference.quarantined()
            assert store.quarantined(include_settled=True) == reference.quarantined(
                include_settled=True
            )
            admitted, dismissed = (store.quarantine_entry(k) for k in report.quarantined)
            assert (admitted.status, admitted.settled_at, admitted.settled_by) == (
                "admitted", START + timedelta(hours=2), str(DESK))  # fmt: skip
            assert (dismissed.status, dismissed.settled_at, dismissed.note) == (
                "dismissed", START, "测试行")  # fmt: skip
            assert list(store.states()) == list(reference.states())

    def test_journal_streams_append_read_conflict_and_roll_back(self) -> None:
        with self.opened() as store:
            calendar, other = stream_key("HM", "calendar"), stream_key("CY", "calendar")
            assert store.journal(calendar) == ()
            first, second = (_notice_loaded(calendar, year) for year in (2027, 2028))
            with store.unit_of_work() as uow:
                assert uow.journal(calendar) == ()
                uow.append_journal(calendar, 0, (first,))
                assert uow.journal(calendar) == (first,)  # staged events are read back
                uow.append_journal(calendar, 1, (second,))
            assert store.journal(calendar) == (first, second)
            assert store.journal(other) == ()
            for wrong in (0, 1, 3):
                with raises(ConcurrencyConflict), store.unit_of_work() as uow:
                    uow.append_journal(calendar, wrong, (first,))
            with raises(_Boom), store.unit_of_work() as uow:
                uow.append_journal(other, 0, (first,))
                raise _Boom
            assert store.journal(calendar) == (first, second) and store.journal(other) == ()
            state = register(make_desk(store), START)  # items and streams share the log
            assert store.numbers() == (state.number,)
            assert list(store.states()) == [state]


def _notice_loaded(stream: str, year: int) -> j.NoticeLoaded:
    period = HolidayPeriod("元旦", date(year, 1, 1), date(year, 1, 1))
    notice = YearNotice(year, (period,), (), title=f"{year} 测试通知", document_number="测试")
    return j.NoticeLoaded(stream=stream, at=START, by=DESK, notice=notice, source="test.toml")


def _execute(desk: Desk, *, command: c.Command, at: datetime, by: Actor) -> Appeal:
    return desk.execute(command, at=at, by=by)


def _report(desk: Desk, *, task: str, at: datetime, by: Actor) -> Any:
    return desk.report_task(task, text="已办结", at=at, by=by)


def _confirm(desk: Desk, *, task: str, at: datetime) -> Any:
    return desk.confirm_task(task, at=at, by=DESK)


def _registered_event(
    number: str,
    seq: int,
    *,
    source_id: str = "",
    enterprise: Enterprise = ACME,
    channel: Channel = Channel.HOTLINE,
) -> e.Registered:
    return e.Registered(number=number, at=START, by=DESK, district="HM", year=2026, seq=seq,
                        enterprise=enterprise, content="测试", channel=channel,
                        source_id=source_id)  # fmt: skip


def _stage_registration(uow: Any, **fields: Any) -> str:
    """Append a new HM item's registration inside ``uow`` (not committed); its number."""
    seq = uow.next_seq("HM", START.year)
    number = f"HM-{START.year}-{seq:04d}"
    first = _registered_event(number, seq, **fields)
    uow.append(number, 0, (first,), fold((first,)))
    return number


def _intake(desk: Desk) -> Any:
    """One channel batch: new records, a repeated source id (twice), a bad row, an empty text."""

    def record(source_id: str, content: str, row: int) -> IntakeRecord:
        return IntakeRecord(channel=Channel.HOTLINE, enterprise=ACME, content=content,
                            source_id=source_id, row=row)  # fmt: skip

    rows: list[IntakeRecord | RejectedRow] = [
        record("H-1", "园区道路积水严重", 1),
        record("H-2", "园区道路积水很严重", 2),
        RejectedRow(channel=Channel.HOTLINE, row=3, field="phone", value="12",
                    reason="电话号码无效", raw=(("电话", "12"),), source_id="H-3"),
        record("H-1", "园区道路积水严重（再次导入）", 4),
        record("H-4", "   ", 5),
        record("H-5", "招工难", 6),
        record("H-2", "重复", 7),
    ]  # fmt: skip
    return desk.intake(rows, source="12345.xlsx", at=START, by=DESK, batch_size=3)


def _registered(store: Store, number: str) -> e.Event:
    first = store.events(number)[0]
    assert isinstance(first, e.Registered)
    return first


class StoreComparisonMachine(RuleBasedStateMachine):
    """Drives a desk on the store under test and one on a ``MemoryStore`` with the same
    commands; after every step their numbers, states and events must be equal."""

    numbers = Bundle("numbers")

    def make_store(self) -> Store:
        """The store under test; override in a subclass."""
        return MemoryStore()

    def __init__(self) -> None:
        super().__init__()
        self.store = self.make_store()
        self.oracle = MemoryStore()
        self.desks = {
            (name, d): make_desk(store, d)
            for name, store in (("store", self.store), ("oracle", self.oracle))
            for d in ("HM", "CY")
        }
        self.now = START

    def teardown(self) -> None:
        self.store.close()

    def _both(self, action: Callable[[Desk], Any], district: str = "HM") -> Any:
        """Run ``action`` on both desks; both succeed with equal results or fail alike."""
        outcomes = []
        for name in ("store", "oracle"):
            try:
                outcomes.append(("ok", action(self.desks[(name, district)])))
            except AppealError as exc:
                outcomes.append((type(exc).__name__, str(exc)))
        assert outcomes[0] == outcomes[1], outcomes
        return outcomes[0][1] if outcomes[0][0] == "ok" else None

    def _tick(self, data: st.DataObject) -> datetime:
        self.now += timedelta(minutes=data.draw(st.integers(0, 3 * 24 * 60), label="minutes"))
        return self.now

    @rule(target=numbers, district=st.sampled_from(["HM", "CY"]), enterprise=enterprises(),
          content=contents(), channel=channels(), guesses=assumptions(),
          data=st.data())  # fmt: skip
    def register(
        self, district: str, enterprise: Enterprise, content: str, channel: Channel,
        guesses: tuple[Assumption, ...], data: Any,
    ) -> str:  # fmt: skip
        at = self._tick(data)
        state = self._both(
            lambda d: d.register(
                enterprise=enterprise,
                content=content,
                channel=channel,
                at=at,
                by=DESK,
                assumptions=guesses,
            ),
            district,
        )
        assert isinstance(state, Appeal)
        return state.number

    @rule(target=numbers, district=st.sampled_from(["HM", "CY"]), data=st.data())
    def intake(self, district: str, data: st.DataObject) -> Any:
        """A channel's small batch: source ids from a small pool (so some repeat), a rejected
        row, sometimes an empty text (quarantined by the rules)."""
        at = self._tick(data)
        rows: list[IntakeRecord | RejectedRow] = []
        for k in range(data.draw(st.integers(1, 5), label="rows")):
            source_id = data.draw(st.sampled_from(["", "S-1", "S-2", "S-3"]), label="source")
            if data.draw(st.integers(0, 4), label="kind") == 0:
                rejected = RejectedRow(channel=Channel.HOTLINE, row=k, field="phone", value="x",
                                       reason="电话号码无效", source_id=source_id)  # fmt: skip
                rows.append(rejected)
                continue
            rows.append(
                IntakeRecord(
                    channel=data.draw(channels(), label="channel"),
                    enterprise=data.draw(st.sampled_from([ACME, OTHER]), label="enterprise"),
                    content=data.draw(
                        st.sampled_from(["园区道路积水", "园区道路积水严重", "  ", "用电增容"]),
                        label="content",
                    ),
                    source_id=source_id,
                    row=k,
                    assumptions=data.draw(assumptions(), label="assumptions"),
                )
            )
        batch = data.draw(st.integers(1, 3), label="batch")
        report = self._both(
            lambda d: d.intake(rows, source="feed.csv", at=at, by=DESK, batch_size=batch),
            district,
        )
        return multiple(*(report.registered if report is not None else ()))

    @rule(data=st.data())
    def settle_quarantined(self, data: st.DataObject) -> None:
        """Admit (corrected) or dismiss an open quarantined row."""
        open_ = self.oracle.quarantined()
        if not open_:
            return
        entry = data.draw(st.sampled_from(open_), label="entry")
        at = self._tick(data)
        if data.draw(st.booleans(), label="admit"):
            record = IntakeRecord(channel=entry.channel, enterprise=ACME, content="已更正的内容",
                                  source_id=entry.source_id)  # fmt: skip
            self._both(lambda d: d.admit(entry.id, record, at=at, by=DESK), entry.district)
        else:
            self._both(
                lambda d: d.dismiss_quarantined(entry.id, note="测试行", at=at, by=DESK),
                entry.district,
            )

    @rule(number=numbers, data=st.data())
    def anything(self, number: str, data: st.DataObject) -> None:
        at = self._tick(data)
        command = data.draw(_any_command(number, at.date()), label="command")
        by = data.draw(actors(), label="actor")
        self._both(lambda d: d.execute(command, at=at, by=by))

    @rule(number=numbers, other=numbers, data=st.data())
    def merge(self, number: str, other: str, data: st.DataObject) -> None:
        at = self._tick(data)
        self._both(lambda d: d.merge(number, into=other, at=at, by=DESK))

    @rule(number=numbers, data=st.data())
    def advance(self, number: str, data: st.DataObject) -> None:
        for _ in range(data.draw(st.integers(1, 6), label="steps")):
            at = self._tick(data)
            options = _next_steps(self.oracle.state(number), at.date())
            if not options:
                return
            command, by = data.draw(st.sampled_from(options), label="step")
            self._both(partial(_execute, command=command, at=at, by=by))

    @rule(district=st.sampled_from(["HM", "CY"]), data=st.data())
    def sweep(self, district: str, data: st.DataObject) -> None:
        """The daily sweep: item notices, announcements and supervision notices alike."""
        at = self._tick(data)
        self._both(lambda d: d.sweep(at.date(), at=at, by=DESK), district)

    @rule(number=numbers, data=st.data())
    def meeting(self, number: str, data: st.DataObject) -> None:
        """A meeting decides a task on an item; the task's owner reports, the desk confirms."""
        from appeal_core.journal import Decision

        at = self._tick(data)
        due = at.date() + timedelta(days=data.draw(st.integers(0, 10), label="due"))
        decision = Decision(text="牵头研究", owner=DEPARTMENTS[0], due=due, items=(number,))
        held = self._both(lambda d: d.record_meeting(held_on=at.date(), attendees=DEPARTMENTS[:2],
                                                     decisions=(decision,), at=at, by=DESK),
                          number[:2])  # fmt: skip
        if held is None or not data.draw(st.booleans(), label="report"):
            return
        owner = Actor.of_department(DEPARTMENTS[0])
        for task in held.tasks:
            self._both(partial(_report, task=task, at=at, by=owner), number[:2])
            self._both(partial(_confirm, task=task, at=at), number[:2])

    @rule(district=st.sampled_from(["HM", "CY"]))
    def abandoned_registration(self, district: str) -> None:
        """A unit of work that reserves a number, appends, then fails: nothing stays."""
        for store in (self.store, self.oracle):
            with raises(_Boom), store.unit_of_work() as uow:
                seq = uow.next_seq(district, self.now.year)
                number = f"{district}-{self.now.year}-{seq:04d}"
                first = _registered_event(number, seq)
                uow.append(number, 0, (first,), fold((first,)))
                raise _Boom

    @rule(number=numbers, skew=st.sampled_from([-1, 1]))
    def stale_append(self, number: str, skew: int) -> None:
        """An append with a wrong expected version conflicts on both stores."""
        for store in (self.store, self.oracle):
            state = store.state(number)
            event = e.Verified(number=number, at=self.now, by=DESK)
            with raises(ConcurrencyConflict), store.unit_of_work() as uow:
                uow.append(number, state.version + skew, (event,), evolve(state, event))

    @invariant()
    def same_review_queues(self) -> None:
        for district in ("HM", "CY"):
            queues = [self.desks[(name, district)].review_queue() for name in ("store", "oracle")]
            assert queues[0] == queues[1], district
            if queues[0]:
                after = queues[0][0].number
                assert self.desks[("store", district)].review_queue(
                    after=after, limit=2
                ) == self.desks[("oracle", district)].review_queue(after=after, limit=2)

    @invariant()
    def same_numbers_states_and_events(self) -> None:
        assert self.store.numbers() == self.oracle.numbers()
        for district in ("HM", "CY"):
            assert self.store.numbers(district) == self.oracle.numbers(district)
        assert list(self.store.states()) == list(self.oracle.states())
        for number in self.oracle.numbers():
            assert self.store.events(number) == self.oracle.events(number), number
        for place in (None, "HM", "CY"):
            for settled in (False, True):
                assert self.store.quarantined(
                    place, include_settled=settled
                ) == self.oracle.quarantined(place, include_settled=settled)
        for district in ("HM", "CY"):
            for kind in ("notices", "meetings", "tasks"):
                stream = stream_key(district, kind)
                assert self.store.journal(stream) == self.oracle.journal(stream), stream
