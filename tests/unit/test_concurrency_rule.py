"""The rule for a command timed before the item's last change: a concurrent change makes it a
``ConcurrencyConflict`` (retry); a command genuinely back-dated stays a ``ValidationError``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest

from appeal_core import (
    SHANGHAI,
    Actor,
    ConcurrencyConflict,
    Desk,
    Enterprise,
    MemoryStore,
    ValidationError,
)
from appeal_core import commands as c
from appeal_core.memory import MemoryUnitOfWork

AT = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
DESK = Actor.desk("甲")


class RacingStore(MemoryStore):
    """A store where, once, somebody else commits a change just before our transaction."""

    def __init__(self) -> None:
        super().__init__()
        self.before_next: list[object] = []

    @contextmanager
    def unit_of_work(self) -> Iterator[MemoryUnitOfWork]:
        while self.before_next:
            action = self.before_next.pop()
            assert callable(action)
            action()
        with super().unit_of_work() as uow:
            yield uow


def _registered(store: MemoryStore) -> tuple[Desk, str]:
    desk = Desk(store)
    n = desk.register(enterprise=Enterprise(name="某公司"), content="用电", channel="app", at=AT,
                      by=DESK).number  # fmt: skip
    desk.verify(n, at=AT, by=DESK)
    return desk, n


def test_a_back_dated_command_is_still_a_validation_error() -> None:
    desk, n = _registered(MemoryStore())
    desk.classify(n, category="用电", complexity="routine", at=AT + timedelta(hours=2), by=DESK)
    with pytest.raises(ValidationError, match="早于该事项上一次办理时间"):
        desk.classify(n, category="用地", complexity="routine", at=AT + timedelta(hours=1), by=DESK)


def test_a_change_made_meanwhile_by_someone_else_is_a_conflict() -> None:
    store = RacingStore()
    desk, n = _registered(store)
    other = Desk(store)
    mine = AT + timedelta(hours=1)  # my clock read first; theirs a moment later
    store.before_next.append(
        lambda: other.classify(n, category="用电", complexity="routine",
                               at=mine + timedelta(milliseconds=3), by=Actor.desk("乙"))
    )  # fmt: skip
    with pytest.raises(ConcurrencyConflict) as info:
        desk.classify(n, category="用地", complexity="routine", at=mine, by=DESK)
    assert (info.value.expected, info.value.actual) == (2, 3)
    item = desk.classify(n, category="用地", complexity="routine", at=mine + timedelta(1), by=DESK)
    assert item.category == "用地"  # the retry, with a fresh time, goes through


def test_a_change_meanwhile_with_an_earlier_time_lets_the_command_go_on() -> None:
    store = RacingStore()
    desk, n = _registered(store)
    store.before_next.append(
        lambda: Desk(store).classify(n, category="用电", complexity="routine",
                                     at=AT + timedelta(minutes=1), by=Actor.desk("乙"))
    )  # fmt: skip
    item = desk.classify(n, category="用地", complexity="routine", at=AT + timedelta(hours=1),
                         by=DESK)  # fmt: skip
    assert item.category == "用地" and item.version == 4


def test_expected_version_makes_any_change_a_conflict() -> None:
    desk, n = _registered(MemoryStore())
    command = c.Classify(number=n, category="用电", complexity="routine")
    with pytest.raises(ConcurrencyConflict):
        desk.execute(command, at=AT + timedelta(hours=1), by=DESK, expected_version=1)
    item = desk.execute(command, at=AT + timedelta(hours=1), by=DESK, expected_version=2)
    assert item.version == 3
