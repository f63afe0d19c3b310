"""The SQL stores' report queries agree with a plain-Python reading of states and events."""

from __future__ import annotations

import contextlib
import random
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest

from appeal_adapters import open_store
from appeal_adapters.storage.sqlstore import SqlStore
from appeal_core import events as e
from appeal_core.appeal import Appeal, Channel
from appeal_core.errors import AppealError
from appeal_core.testing.machine import DESK, _next_steps
from appeal_core.testing.store_contract import ACME, make_desk
from appeal_core.timeutil import SHANGHAI, local_date

KEYS = ("assigned", "reply_due", "replied_on_time", "visited", "resolved", "satisfied")


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


def expected_counts(
    store: SqlStore, year: int, month: int, district: str | None
) -> dict[str, dict[str, int]]:
    """The monthly counts per lead department, from events and states in plain Python."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KEYS, 0))

    def in_month(day: date) -> bool:
        return (day.year, day.month) == (year, month)

    for state in store.states(district):
        lead = None
        for event in store.events(state.number):
            if isinstance(event, e.Assigned | e.Reassigned):
                lead = event.lead
                if in_month(local_date(event.at)):
                    counts[lead]["assigned"] += 1
            if isinstance(event, e.FollowedUp) and in_month(local_date(event.at)):
                entry = counts[lead or ""]
                entry["visited"] += 1
                entry["resolved"] += event.follow_up.resolved
                entry["satisfied"] += event.follow_up.satisfied
        if state.reply_due is not None and state.lead and in_month(state.reply_due.due):
            counts[state.lead]["reply_due"] += 1
            first = _first_reply(state)
            counts[state.lead]["replied_on_time"] += bool(first and first <= state.reply_due.due)
    return dict(sorted(counts.items()))


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


def test_department_month_counts_match_the_definition(filled: tuple[SqlStore, date]) -> None:
    store, last = filled
    seen = dict.fromkeys(KEYS, 0)
    months = [(2026, m) for m in range(9, 13)] + [(2027, m) for m in range(1, 4)]
    for year, month in months:
        for district in (None, "HM", "CY"):
            got = store.department_month_counts(year, month, district)
            assert got == expected_counts(store, year, month, district), (year, month, district)
            for entry in got.values():
                for key in KEYS:
                    seen[key] += entry[key]
    assert all(seen.values()), seen  # every figure is exercised by the scenario
    assert last < date(2027, 3, 1)
    store.close()
