"""The SQL stores' co-handling section equals ``appeal_core.cohandling`` over the same items.

Random histories with co-handlers (routine and complex items, reports on time, late or never,
preliminary replies that set the co-handlers' dates, pauses that move them, reassignments,
returns, characterizations, closes) run on a ``MemoryStore`` and a SQL store alike; for every
month, ``store.co_handling_counts`` must give the section ``co_handling_report`` gives.
"""

from __future__ import annotations

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
from appeal_core.appeal import Channel, Status
from appeal_core.cohandling import co_handling_report, co_report_from_counts
from appeal_core.enterprise import Enterprise
from appeal_core.errors import AppealError
from appeal_core.memory import MemoryStore
from appeal_core.pause import PauseReason
from appeal_core.testing.machine import DESK
from appeal_core.testing.store_contract import make_desk
from appeal_core.timeutil import SHANGHAI
from tests.integration.conftest import fresh_schema

DEPTS = ("区住房和城乡建设局", "区消防救援大队", "区自然资源和规划局", "区生态环境局")
FIRM = Enterprise(name="海门某某机械有限公司")


def months(first: date, last: date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _steps(state: Any, today: date, rng: random.Random) -> list[tuple[c.Command, Actor]]:
    n, a = state.number, state.assignment
    if state.status is Status.REGISTERED:
        return [(c.Verify(number=n), DESK)]
    if state.status is Status.VERIFIED:
        kind = rng.choice(["routine", "complex"])
        return [(c.Classify(number=n, category="审批", complexity=kind), DESK)]
    if state.status in (Status.CLASSIFIED, Status.RETURNED):
        lead, *co = rng.sample(DEPTS, 3)
        return [(c.Assign(number=n, lead=lead, co=co[: rng.randint(1, 2)]), DESK)]
    if a is None or state.status not in (Status.ASSIGNED, Status.PRELIMINARY_REPLIED):
        if state.status in (Status.REPLIED, Status.FOLLOWED_UP, Status.CHARACTERIZED):
            return [(c.Close(number=n), DESK)] if state.status is not Status.REPLIED else [
                (c.RecordFollowUp(number=n, satisfaction="satisfied", resolved=True,
                                  visited_on=today), DESK),
                (c.RecordFollowUp(number=n, satisfaction="unsatisfied", resolved=False,
                                  visited_on=today), DESK),
            ]  # fmt: skip
        return []
    lead = Actor.of_department(a.lead)
    steps: list[tuple[c.Command, Actor]] = [
        (c.ReportToLead(number=n, text="协办意见"), Actor.of_department(co)) for co in a.co
    ]
    steps += [(c.ReplyFinal(number=n, text="已办结"), lead)]
    if state.status is Status.ASSIGNED and state.reply_due is not None:
        committed = max(state.reply_due.due, today) + timedelta(days=rng.randint(5, 25))
        steps.append((c.ReplyPreliminary(number=n, text="调查中", committed_due=committed), lead))
        steps.append((c.SendBack(number=n, reason="不属于本部门"), lead))
    if state.pause is None:
        until = today + timedelta(days=rng.randint(0, 12))
        steps.append((c.PauseClock(number=n, reason=rng.choice(list(PauseReason)), until=until,
                                   document="通知书"), DESK))  # fmt: skip
    else:
        steps.append((c.ResumeClock(number=n), DESK))
    other = next(d for d in DEPTS if d != a.lead)
    steps.append((c.Reassign(number=n, lead=other, co=(a.lead,), reason="职责调整"), DESK))
    steps.append((c.Characterize(number=n, reason="政策不允许"), DESK))
    return steps


def walk(stores: tuple[Any, Any], seed: int, items: int) -> tuple[date, date]:
    """The same random history on both stores; the first and last day."""
    rng = random.Random(seed)
    desks = [make_desk(s) for s in stores]
    now = datetime(2026, 9, 20, 9, tzinfo=SHANGHAI) + timedelta(days=rng.randint(0, 20))
    start, numbers = now.date(), []
    for _ in range(items):
        now += timedelta(minutes=rng.randint(0, 4 * 24 * 60))
        made = [d.register(enterprise=FIRM, content="消防验收", channel=Channel.APP, at=now,
                           by=DESK) for d in desks]  # fmt: skip
        numbers.append(made[0].number)
        for number in rng.sample(numbers, min(3, len(numbers))):
            for _ in range(rng.randint(1, 5)):
                now += timedelta(minutes=rng.randint(0, 3 * 24 * 60))
                options = _steps(stores[1].state(number), now.date(), rng)
                if not options:
                    break
                command, by = rng.choice(options)
                outcomes = []
                for desk in desks:
                    try:
                        desk.execute(command, at=now, by=by)
                        outcomes.append("ok")
                    except AppealError as exc:
                        outcomes.append(str(exc))
                assert outcomes[0] == outcomes[1], outcomes
    return start, now.date()


def check(store: SqlStore, memory: MemoryStore, first: date, last: date) -> int:
    counted = 0
    for year, month in months(first, last + timedelta(days=40)):
        for district in (None, "HM"):
            got = co_report_from_counts(store.co_handling_counts(year, month, district),
                                        year=year, month=month)  # fmt: skip
            histories = (memory.events(n) for n in memory.numbers(district))
            want = co_handling_report(histories, year=year, month=month)
            assert got == want, (year, month, district)
            counted += want.total.reports_due + want.total.overdue_open
    return counted


EXAMPLES = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@EXAMPLES
@given(seed=st.integers(0, 2**32), items=st.integers(1, 25))
def test_sqlite_co_handling_equals_the_core(seed: int, items: int) -> None:
    store = open_store("sqlite:///:memory:")
    assert isinstance(store, SqlStore)
    try:
        memory = MemoryStore()
        first, last = walk((store, memory), seed, items)
        check(store, memory, first, last)
    finally:
        store.close()


@pytest.mark.postgres
def test_postgres_co_handling_equals_the_core(postgres_server: str) -> None:
    @settings(EXAMPLES, max_examples=10)
    @given(seed=st.integers(0, 2**32), items=st.integers(1, 25))
    def run(seed: int, items: int) -> None:
        store = open_store(fresh_schema(postgres_server))
        assert isinstance(store, SqlStore)
        try:
            memory = MemoryStore()
            first, last = walk((store, memory), seed, items)
            check(store, memory, first, last)
        finally:
            store.close()

    run()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_longer_history_counts_something(seed: int) -> None:
    store = open_store("sqlite:///:memory:")
    assert isinstance(store, SqlStore)
    memory = MemoryStore()
    first, last = walk((store, memory), seed, 60)
    assert check(store, memory, first, last) > 0
    store.close()
