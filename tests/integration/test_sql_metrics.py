"""The SQL stores' ``month_counts`` equal ``appeal_core.metrics`` over the same histories.

Random desk histories (registrations spread over a few months, assignments, reassignments,
replies late and on time, extensions before and after the deadline, follow-ups at three
satisfaction levels and ones not reaching the enterprise, reopenings and visits after them,
characterizations, closes, merges) run identically on a ``MemoryStore`` and a SQL store; for
every month and under random definitions (口径: every option of ``MetricsRules``),
``report_from_counts(*store.month_counts(...))`` must equal ``monthly_report``.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeal_adapters import open_store
from appeal_adapters.storage.sqlstore import SqlStore
from appeal_core import commands as c
from appeal_core.actor import Actor
from appeal_core.appeal import Channel, Satisfaction
from appeal_core.enterprise import Enterprise
from appeal_core.errors import AppealError
from appeal_core.history import evolve, fold
from appeal_core.memory import MemoryStore
from appeal_core.metrics import (
    COUNTS,
    MonthlyReport,
    monthly_report,
    report_from_counts,
    stock_at,
)
from appeal_core.policy import Policy
from appeal_core.projection import project
from appeal_core.testing.machine import DESK, _next_steps
from appeal_core.testing.store_contract import make_desk
from appeal_core.testing.strategies import DEPARTMENTS
from appeal_core.timeutil import SHANGHAI
from tests.integration.conftest import fresh_schema
from tests.unit.test_metrics import november

FIRMS = [Enterprise(name=f"海淀第{k}科技有限公司") for k in range(4)]
TEXTS = ["厂区道路破损", "用电增容", "招工难", "厂区道路破损严重"]
DISTRICTS = ("HM", "CY")
WEIGHTS = (1.0, 0.5)


def sql_report(
    store: SqlStore, year: int, month: int, district: str | None, policy: Policy
) -> MonthlyReport:
    """The report assembled from the SQL counts, as ``Desk.report`` does with a SQL store."""
    rules = policy.metrics_rules
    per_dept, channels = store.month_counts(year, month, district, rules=rules)
    return report_from_counts(per_dept, channels, year=year, month=month, policy=policy)


def memory_report(
    memory: MemoryStore, year: int, month: int, district: str | None, policy: Policy
) -> MonthlyReport:
    histories = (memory.events(n) for n in memory.numbers(district))
    return monthly_report(histories, year=year, month=month, policy=policy)


#: Definitions (口径) drawn for the comparison: every option, with weights that are not exact
#: binary fractions (0.9) as well as ones that are.
DEFINITIONS = st.builds(
    lambda weight, valid, revisit, late, keep, start: Policy(
        basically_satisfied_weight=weight, valid_visits_only=valid, revisit_final=revisit,
        split_late=late, extension_keeps_miss=keep, period_start_day=start,
    ),
    st.sampled_from([1.0, 0.9, 0.5]), st.booleans(), st.booleans(), st.booleans(),
    st.booleans(), st.sampled_from([1, 1, 16, 26]),
)  # fmt: skip


def months(first: date, last: date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


class Lockstep:
    """The same commands on desks over the SQL store and over a MemoryStore."""

    def __init__(self, store: SqlStore) -> None:
        self.memory = MemoryStore()
        self.stores: tuple[Any, ...] = (store, self.memory)
        self.desks = {(k, d): make_desk(s, d) for k, s in enumerate(self.stores) for d in DISTRICTS}

    def run(self, district: str, action: Any) -> Any:
        outcomes = []
        for k in range(2):
            try:
                outcomes.append(("ok", action(self.desks[(k, district)])))
            except AppealError as exc:
                outcomes.append((type(exc).__name__, str(exc)))
        assert outcomes[0] == outcomes[1], outcomes
        return outcomes[1][1] if outcomes[1][0] == "ok" else None


def _extra_steps(number: str, today: date, rng: random.Random) -> list[tuple[c.Command, Actor]]:
    """Steps the plausible walk seldom takes: reassignments, extensions, follow-up levels."""
    return [
        (c.Reassign(number=number, lead=rng.choice(DEPARTMENTS), reason="职责调整"), DESK),
        (
            c.Extend(
                number=number, new_due=today + timedelta(rng.randint(-3, 40)), reason="需现场勘查"
            ),
            DESK,
        ),
        (
            c.RecordFollowUp(
                number=number,
                satisfaction=rng.choice(list(Satisfaction)),
                resolved=rng.random() < 0.6,
                visited_on=today,
            ),
            DESK,
        ),
        (  # the enterprise could not be reached (无效回访)
            c.RecordFollowUp(
                number=number,
                satisfaction=Satisfaction.UNSATISFIED,
                resolved=False,
                visited_on=today,
                reached=False,
            ),
            DESK,
        ),
        (c.Reopen(number=number, reason="企业不满意"), DESK),
        (c.Characterize(number=number, reason="政策不允许"), DESK),
    ]


def walk(lock: Lockstep, seed: int, items: int) -> tuple[date, date]:
    """A random history of ``items`` items over about three months; the first and last day."""
    rng = random.Random(seed)
    now = datetime(2026, 9, 25, 9, 0, tzinfo=SHANGHAI) + timedelta(days=rng.randint(0, 20))
    start = now.date()
    numbers: list[str] = []
    for _ in range(items):
        now += timedelta(minutes=rng.randint(0, 5 * 24 * 60))
        district = rng.choice(DISTRICTS)
        firm, text = rng.choice(FIRMS), rng.choice(TEXTS)
        channel = rng.choice(list(Channel))
        state = lock.run(
            district,
            lambda d, f=firm, t=text, ch=channel, at=now: d.register(
                enterprise=f, content=t, channel=ch, at=at, by=DESK
            ),
        )
        numbers.append(state.number)
        for number in rng.sample(numbers, min(len(numbers), 3)):
            for _ in range(rng.randint(0, 6)):
                now += timedelta(minutes=rng.randint(0, 3 * 24 * 60))
                state = lock.memory.state(number)
                options = _next_steps(state, now.date())
                if rng.random() < 0.25 or not options:
                    options = _extra_steps(number, now.date(), rng)
                elif state.status.value in ("replied", "followed_up") and rng.random() < 0.3:
                    options = _extra_steps(number, now.date(), rng)[2:4]  # visits, reached or not
                if rng.random() < 0.03 and len(numbers) > 1:
                    other = rng.choice(numbers)
                    options = [(c.Merge(number=number, into=other), DESK)]
                command, by = rng.choice(options)
                lock.run(
                    number[:2], lambda d, cmd=command, b=by, at=now: d.execute(cmd, at=at, by=b)
                )
    return start, now.date()


def check_months(
    store: SqlStore,
    memory: MemoryStore,
    first: date,
    last: date,
    policies: tuple[Policy, ...] = (),
) -> int:
    """Compare every month from ``first`` to a month after ``last`` under the seed's rules, a
    basically-satisfied weight of 0.5 and ``policies``; the facts counted."""
    seen = 0
    for year, month in months(first, last + timedelta(days=31)):
        for policy in (*(Policy(basically_satisfied_weight=w) for w in WEIGHTS), *policies):
            for district in (None, *DISTRICTS):
                got = sql_report(store, year, month, district, policy)
                want = memory_report(memory, year, month, district, policy)
                assert got == want, (year, month, district, policy.metrics_rules)
                seen += sum(int(d.visited + d.reply_due + d.stock) for d in want.departments)
        for district in (None, *DISTRICTS):  # the briefing's list: the very items of 存量
            on = date(year, month, 1) + timedelta(days=31)
            on -= timedelta(days=on.day)
            held = [n for n in memory.numbers(district) if stock_at(project(memory.events(n)), on)]
            assert store.stock_numbers(on, district) == sorted(held), (year, month, district)
    return seen


SQL_EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SQL_EXAMPLES
@given(
    seed=st.integers(0, 2**32),
    items=st.integers(1, 30),
    policies=st.lists(DEFINITIONS, min_size=1, max_size=2),
)
def test_sqlite_month_counts_equal_the_metrics(
    seed: int, items: int, policies: list[Policy]
) -> None:
    store = open_store("sqlite:///:memory:")
    assert isinstance(store, SqlStore)
    try:
        lock = Lockstep(store)
        first, last = walk(lock, seed, items)
        check_months(store, lock.memory, first, last, tuple(policies))
    finally:
        store.close()


@pytest.mark.postgres
def test_postgres_month_counts_equal_the_metrics(postgres_server: str) -> None:
    @settings(SQL_EXAMPLES, max_examples=15)
    @given(seed=st.integers(0, 2**32), items=st.integers(1, 30), policy=DEFINITIONS)
    def run(seed: int, items: int, policy: Policy) -> None:
        store = open_store(fresh_schema(postgres_server))
        assert isinstance(store, SqlStore)
        try:
            lock = Lockstep(store)
            first, last = walk(lock, seed, items)
            check_months(store, lock.memory, first, last, (policy,))
        finally:
            store.close()

    run()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_longer_history_exercises_every_count(sql_url: str, seed: int) -> None:
    store = open_store(sql_url)
    assert isinstance(store, SqlStore)
    lock = Lockstep(store)
    first, last = walk(lock, seed, 80)
    every = Policy(basically_satisfied_weight=0.9, valid_visits_only=True, revisit_final=True,
                   extension_keeps_miss=True, period_start_day=26)  # fmt: skip
    assert check_months(store, lock.memory, first, last, (every,)) > 0
    totals = [sql_report(store, y, m, None, Policy()).total for y, m in months(first, last)]
    for key in COUNTS:
        assert sum(getattr(t, key) for t in totals) > 0, key
    store.close()


def test_the_walks_exercise_every_definition() -> None:
    """Visits not reaching the enterprise, visits replaced after re-handling and deadlines
    extended after they passed all occur in the random histories (so the options are tested)."""
    rows = []
    for seed in (1, 2, 3):
        store = open_store("sqlite:///:memory:")
        assert isinstance(store, SqlStore)
        lock = Lockstep(store)
        walk(lock, seed, 80)
        rows += [project(lock.memory.events(n)) for n in lock.memory.numbers()]
        store.close()
    assert any(not v.reached for p in rows for v in p.visits)
    assert any(v.superseded for p in rows for v in p.visits)
    assert any(r.kept for p in rows for r in p.completions)


def test_hand_computed_november_in_sql(sql_url: str) -> None:
    reference = november()
    store = open_store(sql_url)
    assert isinstance(store, SqlStore)
    numbers = reference.store.numbers()
    assert store.bulk_register(
        (reference.store.events(n), reference.store.state(n)) for n in numbers
    ) == len(numbers)
    for month in (10, 11, 12):
        expected = reference.report(2024, month)
        assert sql_report(store, 2024, month, None, reference.policy) == expected
        assert sql_report(store, 2024, month, "HM", reference.policy) == expected
    assert store.month_counts(2024, 11, "CY") == ({}, {ch: [0, 0, 0] for ch in Channel})
    # the same, appended event by event through units of work rather than bulk ingest
    replay = open_store("sqlite:///:memory:")
    assert isinstance(replay, SqlStore)
    for number in numbers:
        first, *rest = reference.store.events(number)
        with replay.unit_of_work() as uow:
            uow.next_seq("HM", 2024)
            uow.append(number, 0, (first,), fold((first,)))
        for event in rest:
            with replay.unit_of_work() as uow:
                state = uow.state(number)
                uow.append(number, state.version, (event,), evolve(state, event))
    for month in (10, 11, 12):
        got = sql_report(replay, 2024, month, None, reference.policy)
        assert got == reference.report(2024, month)
    replay.close()
    store.close()


def test_bulk_ingest_and_appends_keep_the_same_rows(sql_url: str) -> None:
    """Items bulk-registered with their histories count as items built command by command."""
    built = open_store("sqlite:///:memory:")
    assert isinstance(built, SqlStore)
    lock = Lockstep(built)
    first, last = walk(lock, 11, 40)
    store = open_store(sql_url)
    assert isinstance(store, SqlStore)
    memory = lock.memory
    store.bulk_register((memory.events(n), memory.state(n)) for n in memory.numbers())
    for year, month in months(first, last):
        for district in (None, "HM"):
            assert store.month_counts(year, month, district) == built.month_counts(
                year, month, district
            )
    with contextlib.suppress(Exception):
        built.close()
    store.close()
