"""A hypothesis state machine that drives a desk with random commands and checks the rules.

Subclass ``DeskMachine`` and override ``make_store`` to run it against your own store::

    class TestMyStore(DeskMachine):
        def make_store(self): return MyStore(...)
    TestMyStore.TestCase.settings = settings(max_examples=200)
    test_my_store = TestMyStore.TestCase
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from appeal_core import commands as c
from appeal_core import events as e
from appeal_core.actor import Actor
from appeal_core.appeal import Appeal, Complexity, Satisfaction, Status
from appeal_core.desk import Desk
from appeal_core.errors import AppealError, ValidationError
from appeal_core.history import evolve, fold, start
from appeal_core.journal import Decision
from appeal_core.memory import MemoryStore
from appeal_core.pause import PauseReason
from appeal_core.ports import Store
from appeal_core.sweep import ActionKind, sweep
from appeal_core.testing.strategies import (
    DEPARTMENTS,
    actors,
    assumptions,
    channels,
    contents,
    enterprises,
    year_notices,
)
from appeal_core.timeutil import SHANGHAI

DESK = Actor.desk("窗口")
LEADER = Actor.leader("分管区长")
DEPUTY = Actor.leader("常务副区长")
#: The sweep's actions that chase a department for a deadline (never on a paused item).
CHASING = frozenset({
    ActionKind.REMIND, ActionKind.SUPERVISE, ActionKind.SUPERVISE_AGAIN, ActionKind.CO_REMIND,
    ActionKind.CO_SUPERVISE, ActionKind.CO_SUPERVISE_AGAIN, ActionKind.STOCK,
})  # fmt: skip


def check_history(events: tuple[e.Event, ...]) -> None:
    """Assert who-may-answer over an item's history: only its lead replies or returns it, only
    its co-handlers report; and a closed item was followed up or characterized."""
    first, *rest = events
    assert isinstance(first, e.Registered), first
    state = start(first)
    for ev in rest:
        if state.assignment is not None:
            dept = ev.by.department
            if isinstance(ev, e.Replied | e.PreliminaryReplied | e.Returned):
                assert dept == state.assignment.lead == ev.department, ev
            if isinstance(ev, e.CoHandlerReported):
                assert dept in state.assignment.co and dept == ev.department, ev
        state = evolve(state, ev)
    if state.status is Status.CLOSED:
        assert state.follow_ups or state.characterization, state.number


def _any_command(number: str, today: date) -> st.SearchStrategy[c.Command]:
    depts = st.sampled_from(DEPARTMENTS)
    text = st.sampled_from(["已办理", "", "  ", "政策不允许"])
    field = st.sampled_from(["", "enterprise.phone", "reported_at", "联系电话", "notes", "content"])
    value = st.sampled_from(["0513-82118898", "12", "2026-11-01 15:30", "2099-1-1", "", "某公司"])
    day = st.integers(-5, 40).map(lambda k: today + timedelta(days=k))
    return st.one_of(
        st.builds(c.Verify, number=st.just(number)),
        st.builds(
            c.Classify,
            number=st.just(number),
            category=st.just("用地"),
            complexity=st.sampled_from(Complexity),
        ),
        st.builds(
            c.Assign, number=st.just(number), lead=depts, co=st.lists(depts, max_size=2).map(tuple)
        ),
        st.builds(c.SendBack, number=st.just(number), reason=text),
        st.builds(c.Reassign, number=st.just(number), lead=depts, reason=text),
        st.builds(c.ReportToLead, number=st.just(number), text=text),
        st.builds(c.ReplyPreliminary, number=st.just(number), text=text, committed_due=day),
        st.builds(c.ReplyFinal, number=st.just(number), text=text),
        st.builds(c.Extend, number=st.just(number), new_due=day, reason=text),
        st.builds(
            c.Escalate,
            number=st.just(number),
            leader=st.just("分管区长"),
            reason=text,
            proposal=text,
        ),
        st.builds(
            c.DesignateDeputy,
            number=st.just(number),
            deputy=st.sampled_from(["常务副区长", "分管区长", ""]),
            reason=text,
        ),
        st.builds(
            c.RecordLeaderMeeting,
            number=st.just(number),
            held_on=day,
            chair=st.just("分管区长"),
            attendees=st.lists(depts, max_size=3).map(tuple),
            outcome=text,
        ),
        st.builds(
            c.RecordSiteVisit,
            number=st.just(number),
            visited_on=day,
            participants=st.lists(st.sampled_from(["张科长", "李干事"]), max_size=2).map(tuple),
            findings=text,
        ),
        st.builds(
            c.PauseClock,
            number=st.just(number),
            reason=st.sampled_from(PauseReason),
            until=day,
            document=text,
            since=st.one_of(st.none(), day),
        ),
        st.builds(
            c.RequestPause,
            number=st.just(number),
            reason=st.sampled_from(PauseReason),
            until=day,
            document=text,
            since=st.one_of(st.none(), day),
        ),
        st.builds(c.ApprovePause, number=st.just(number)),
        st.builds(c.DeclinePause, number=st.just(number), reason=text),
        st.builds(c.ResumeClock, number=st.just(number), on=st.one_of(st.none(), day)),
        st.builds(c.Resolve, number=st.just(number), resolution=text),
        st.builds(
            c.RecordFollowUp,
            number=st.just(number),
            satisfaction=st.sampled_from(Satisfaction),
            resolved=st.booleans(),
            visited_on=day,
        ),
        st.builds(c.Reopen, number=st.just(number), reason=text),
        st.builds(c.Redate, number=st.just(number), reason=text),
        st.builds(c.Characterize, number=st.just(number), reason=text),
        st.builds(c.Close, number=st.just(number)),
        st.builds(c.ConfirmAssumption, number=st.just(number), field=field, note=text),
        st.builds(c.CorrectAssumption, number=st.just(number), field=field, value=value),
    )


class DeskMachine(RuleBasedStateMachine):
    """Random valid walks and random (often invalid) commands, with the rules as invariants."""

    numbers = Bundle("numbers")

    def make_store(self) -> Store:
        """The store under test; override in a subclass for your adapter."""
        return MemoryStore()

    def __init__(self) -> None:
        super().__init__()
        self.store = self.make_store()
        # The district's calendar in force (store notices, Mon-Fri beyond them), from December:
        # walks cross the year end, where the built-in data stops.
        self.desk = Desk(self.store, district="HM")
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
        self.registered: list[str] = []

    def teardown(self) -> None:
        self.store.close()

    def _tick(self, data: st.DataObject) -> datetime:
        self.now += timedelta(minutes=data.draw(st.integers(0, 3 * 24 * 60), label="minutes"))
        return self.now

    def _snapshot(self) -> tuple[tuple[e.Event, ...], ...]:
        return tuple(self.store.events(n) for n in self.registered)

    def _try(self, number: str, command: c.Command, by: Actor) -> None:
        before = self._snapshot()
        try:
            after = self.desk.execute(command, at=self.now, by=by)
        except AppealError:
            assert self._snapshot() == before, "a refused command changed the store"
            event(f"{type(command).__name__}: refused")
            return
        event(f"{type(command).__name__}: done")
        assert after == self.store.state(number) or isinstance(command, c.Merge)

    @rule(
        target=numbers,
        enterprise=enterprises(),
        content=contents(),
        channel=channels(),
        guesses=assumptions(),
        data=st.data(),
    )
    def register(
        self, enterprise: Any, content: str, channel: Any, guesses: Any, data: st.DataObject
    ) -> str:
        at = self._tick(data)
        state = self.desk.register(
            enterprise=enterprise,
            content=content,
            channel=channel,
            at=at,
            by=DESK,
            assumptions=guesses,
        )
        self.registered.append(state.number)
        return state.number

    @rule(number=numbers, data=st.data())
    def anything(self, number: str, data: st.DataObject) -> None:
        """A random command by a random actor: allowed or refused, never half-done."""
        at = self._tick(data)
        command = data.draw(_any_command(number, at.date()), label="command")
        self._try(number, command, data.draw(actors(), label="actor"))

    @rule(number=numbers, other=numbers, data=st.data())
    def merge(self, number: str, other: str, data: st.DataObject) -> None:
        self._tick(data)
        self._try(number, c.Merge(number=number, into=other), DESK)

    @rule(number=numbers, data=st.data())
    def advance(self, number: str, data: st.DataObject) -> None:
        """A few plausible next steps of the item's lifecycle, each by the right person."""
        for _ in range(data.draw(st.integers(1, 6), label="steps")):
            self._tick(data)
            options = _next_steps(self.store.state(number), self.now.date())
            if not options:
                return
            command, by = data.draw(st.sampled_from(options), label="step")
            self._try(number, command, by)

    @rule(data=st.data())
    def sweep(self, data: st.DataObject) -> None:
        """The daily sweep records its notices once: a second run the same day sends nothing."""
        at = self._tick(data)
        self.desk.sweep(at.date(), at=at, by=DESK)
        assert self.desk.sweep(at.date(), at=at, by=DESK) == ()

    @rule(data=st.data())
    def load_next_year(self, data: st.DataObject) -> None:
        """The next year's notice arrives (a correction when loaded again); then the desk
        re-dates what it moves, after which nothing is left to move."""
        at = self._tick(data)
        year = data.draw(st.sampled_from([at.year, at.year + 1, at.year + 2]), label="year")
        notice = data.draw(year_notices(year), label="notice")
        known = self.desk.notices()
        try:
            moved = self.desk.load_notice(notice, at=at, by=DESK, source="test")
        except ValidationError:  # a year after a missing one is refused, storing nothing
            assert self.desk.notices() == known
            event("notice refused: a year is missing before it")
            return
        event(f"notice loaded: {'moves deadlines' if moved else 'moves nothing'}")
        if data.draw(st.booleans(), label="apply"):
            # what this load moved, and what an earlier load moved but was not applied
            pending = {m.number for m in self.desk.calendar_impact()}
            assert {m.number for m in moved} <= pending
            assert {m.number for m in self.desk.redate(at=at, by=DESK)} == pending
            assert self.desk.calendar_impact() == ()

    @invariant()
    def dates_people_gave_are_never_provisional(self) -> None:
        for state in self.store.states():
            for deadline in (state.reply_due, state.completion_due):
                given = deadline is not None and deadline.rule in ("committed", "extended")
                if given and deadline is not None and not deadline.paused:
                    assert not deadline.provisional, (state.number, deadline)

    @rule(number=numbers, data=st.data())
    def meeting(self, number: str, data: st.DataObject) -> None:
        """A consultation meeting decides a task on an item; the task is then followed."""
        at = self._tick(data)
        due = at.date() + timedelta(days=data.draw(st.integers(0, 20), label="due"))
        decision = Decision(text="牵头研究解决", owner=DEPARTMENTS[0], due=due, items=(number,))
        try:
            held = self.desk.record_meeting(held_on=at.date(), attendees=DEPARTMENTS[:2],
                                            decisions=(decision,), at=at, by=DESK)  # fmt: skip
        except AppealError:
            return
        assert {t.id for t in self.desk.tasks()} >= set(held.tasks)

    @rule(data=st.data())
    def task_step(self, data: st.DataObject) -> None:
        """The owner reports a task done, or the desk confirms or returns a reported one."""
        found = self.desk.tasks()
        if not found:
            return
        task = data.draw(st.sampled_from(found), label="task")
        at = self._tick(data)
        step = data.draw(st.sampled_from(["report", "confirm", "return"]), label="task step")
        try:
            if step == "report":
                by = data.draw(st.sampled_from(DEPARTMENTS[:2]).map(Actor.of_department))
                self.desk.report_task(task.id, text="已办结", at=at, by=by)
            elif step == "confirm":
                self.desk.confirm_task(task.id, at=at, by=DESK)
            else:
                self.desk.return_task(task.id, reason="尚未落实", at=at, by=DESK)
        except AppealError:
            assert self.desk.task(task.id) == task, "a refused task step changed the task"

    @invariant()
    def paused_items_are_not_chased(self) -> None:
        paused = [s for s in self.store.states() if s.pause is not None]
        found = sweep(paused, on=self.now.date(), calendar=self.desk.calendar,
                      policy=self.desk.policy)  # fmt: skip
        assert not [a for a in found if a.kind in CHASING], found

    @invariant()
    def every_item_loads_and_equals_its_fold(self) -> None:
        for number in self.registered:
            events = self.store.events(number)
            assert self.store.state(number) == fold(events)
            check_history(events)

    @invariant()
    def the_review_queue_is_every_pending_assumption(self) -> None:
        """Registration order, one entry per pending assumption; reviewed ones are gone."""
        pending = [(s.number, a) for s in self.store.states("HM") for a in s.assumptions]
        queue = self.desk.review_queue()
        assert [(q.number, q.assumption) for q in queue] == pending

    @invariant()
    def numbers_are_unique_and_gap_free(self) -> None:
        stored = self.store.numbers()
        assert sorted(stored) == sorted(self.registered)
        assert len(set(stored)) == len(stored)
        per_year = Counter((s.district, s.year) for s in self.store.states())
        for (district, year), count in per_year.items():
            seqs = sorted(s.seq for s in self.store.states(district) if s.year == year)
            assert seqs == list(range(1, count + 1)), (district, year, seqs)


def _next_steps(state: Appeal, today: date) -> list[tuple[c.Command, Actor]]:
    n = state.number
    steps: list[tuple[c.Command, Actor]] = []
    a = state.assignment
    lead = Actor.of_department(a.lead) if a else DESK
    escalation = state.escalation
    if escalation is not None and escalation.is_open:
        steps.append((c.Resolve(number=n, resolution="区领导牵头会办，明确由主办部门落实"), LEADER))
        if DEPUTY.name in escalation.deputies:
            steps.append((c.Resolve(number=n, resolution="代理领导牵头会办"), DEPUTY))
        else:
            steps.append(
                (c.DesignateDeputy(number=n, deputy=DEPUTY.name, reason="分管区长出差"), DESK)
            )
        steps.append(
            (c.RecordLeaderMeeting(number=n, held_on=today, chair=LEADER.name,
                                   attendees=DEPARTMENTS[:2], outcome="明确牵头部门"), DESK)
        )  # fmt: skip
    match state.status:
        case Status.REGISTERED:
            steps.append((c.Verify(number=n, note="已电话核实"), DESK))
        case Status.VERIFIED | Status.CLASSIFIED:
            for complexity in Complexity:
                steps.append((c.Classify(number=n, category="用地", complexity=complexity), DESK))
            if state.status is Status.CLASSIFIED:
                steps.append((c.Assign(number=n, lead=DEPARTMENTS[0], co=DEPARTMENTS[1:3]), DESK))
        case Status.ASSIGNED | Status.PRELIMINARY_REPLIED:
            assert a is not None and state.reply_due is not None
            steps.append((c.ReplyFinal(number=n, text="已办结"), lead))
            if a.co:
                steps.append(
                    (c.ReportToLead(number=n, text="协办意见"), Actor.of_department(a.co[-1]))
                )
            steps.append(
                (c.RecordSiteVisit(number=n, visited_on=today, participants=("张科长",),
                                   findings="现场查看，情况属实"), lead)
            )  # fmt: skip
            steps.extend(_pause_steps(state, today, lead))
            if state.status is Status.ASSIGNED:
                steps.append((c.SendBack(number=n, reason="不属于本部门职责"), lead))
                committed = max(state.reply_due.due, today) + timedelta(days=10)
                steps.append(
                    (c.ReplyPreliminary(number=n, text="正在调查", committed_due=committed), lead)
                )
            if state.completion_due is not None and state.pause is None:
                steps.append(
                    (
                        c.Extend(
                            number=n,
                            new_due=state.completion_due.due + timedelta(days=7),
                            reason="需现场勘查",
                        ),
                        DESK,
                    )
                )
            steps.append((c.Reassign(number=n, lead=DEPARTMENTS[3], reason="职责调整"), DESK))
            steps.append((_escalate(n, "部门层面难以协调"), DESK))
        case Status.RETURNED:
            steps.append((c.Assign(number=n, lead=DEPARTMENTS[4]), DESK))
            steps.append((_escalate(n, "多次退回"), DESK))
        case Status.REPLIED:
            for resolved in (True, False):
                steps.append(
                    (
                        c.RecordFollowUp(
                            number=n,
                            satisfaction=Satisfaction.SATISFIED
                            if resolved
                            else Satisfaction.UNSATISFIED,
                            resolved=resolved,
                            visited_on=today,
                        ),
                        DESK,
                    )
                )
        case Status.FOLLOWED_UP:
            steps.append((c.Close(number=n), DESK))
            steps.append((c.Reopen(number=n, reason="企业不满意，重新办理"), DESK))
            steps.append(
                (
                    c.Characterize(
                        number=n, reason="涉及生态红线，无法解决", red_line="environment"
                    ),
                    DESK,
                )
            )
        case Status.CHARACTERIZED:
            steps.append((c.Close(number=n), DESK))
    return steps


def _escalate(number: str, reason: str) -> c.Escalate:
    return c.Escalate(number=number, leader=LEADER.name, reason=reason,
                      proposal="由主办部门牵头，相关部门配合，限期办结")  # fmt: skip


def _pause_steps(state: Appeal, today: date, lead: Actor) -> list[tuple[c.Command, Actor]]:
    """Stop the clock (the desk, or the lead with the desk's approval), and let it run again."""
    n = state.number
    if state.pause is not None:
        return [(c.ResumeClock(number=n, note="材料已补齐"), DESK)]
    if state.pause_request is not None:
        return [
            (c.ApprovePause(number=n), DESK),
            (c.DeclinePause(number=n, reason="理由不足"), DESK),
        ]
    until = today + timedelta(days=7)
    reason = PauseReason.MATERIALS
    return [
        (c.PauseClock(number=n, reason=reason, until=until, document="补正通知书第1号"), DESK),
        (c.RequestPause(number=n, reason=PauseReason.PUBLICITY, until=until,
                        document="公示公告"), lead),
    ]  # fmt: skip
