"""The SQL stores' overdue query agrees with a plain-Python reading of the stored states."""

from __future__ import annotations

import contextlib
import random
from datetime import date, datetime, timedelta

import pytest

from appeal_adapters import open_store
from appeal_adapters.storage.sqlstore import SqlStore
from appeal_core.appeal import Appeal, Channel
from appeal_core.errors import AppealError
from appeal_core.testing.machine import DESK, _next_steps
from appeal_core.testing.store_contract import ACME, make_desk
from appeal_core.timeutil import SHANGHAI, local_date


def _fill(store: SqlStore, items: int = 80, seed: int = 7) -> date:
    rng = random.Random(seed)
    desks = {d: make_desk(store, d) for d in ("HM", "CY")}
    now = datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI)
    numbers: list[str] = []
    for _ in range(items):
        now += timedelta(minutes=rng.randint(0, 12 * 60))
        district = rng.choice(sorted(desks))
        state = desks[district].register(
            enterprise=ACME, content="用工问题", channel=Channel.APP, at=now, by=DESK
        )
        numbers.append(state.number)
        for number in rng.sample(numbers, min(len(numbers), 4)):
            for _ in range(rng.randint(0, 5)):
                now += timedelta(minutes=rng.randint(0, 4 * 60))
                options = _next_steps(store.state(number), now.date())
                if not options:
                    break
                command, by = rng.choice(options)
                with contextlib.suppress(AppealError):  # a few plausible steps are refused
                    desks[number[:2]].execute(command, at=now, by=by)
    return now.date()


def _first_reply(state: Appeal) -> date | None:
    replies = [r.at for r in (state.preliminary_reply, state.final_reply) if r is not None]
    return local_date(min(replies)) if replies else None


def expected_overdue(store: SqlStore, on: date, district: str | None) -> list[str]:
    """Open items past the reply deadline with no reply, or past completion with no final one."""
    return [
        s.number
        for s in store.states(district)
        if s.status.is_open
        and (
            (s.reply_due is not None and s.reply_due.due < on and _first_reply(s) is None)
            or (s.completion_due is not None and s.completion_due.due < on and not s.final_reply)
        )
    ]


@pytest.fixture
def filled(sql_url: str) -> tuple[SqlStore, date]:
    store = open_store(sql_url)
    assert isinstance(store, SqlStore)
    return store, _fill(store)


def test_overdue_numbers_match_the_definition(filled: tuple[SqlStore, date]) -> None:
    store, last = filled
    day, hits = date(2026, 9, 1), 0
    while day < last + timedelta(days=30):
        for district in (None, "HM", "CY"):
            got = store.overdue_numbers(day, district)
            assert got == expected_overdue(store, day, district), (day, district)
            hits += len(got)
        day += timedelta(days=2)
    assert hits > 0  # the scenario does leave items overdue
    store.close()


def test_the_old_department_query_is_gone(filled: tuple[SqlStore, date]) -> None:
    store, _ = filled  # replaced by month_counts (tests/integration/test_sql_metrics.py)
    assert not hasattr(store, "department_month_counts")
    store.close()
