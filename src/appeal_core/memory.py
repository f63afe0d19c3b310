"""The in-memory store: the reference implementation of the store port (and the test oracle).

Pure Python data structures, no I/O; SQL stores must behave exactly like it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from appeal_core.appeal import Appeal
from appeal_core.errors import AppealNotFound, ConcurrencyConflict
from appeal_core.events import Event


class MemoryStore:
    """Items, event logs and number counters in dictionaries, with transactional commits."""

    def __init__(self) -> None:
        self._events: dict[str, tuple[Event, ...]] = {}
        self._states: dict[str, Appeal] = {}
        self._order: list[str] = []
        self._seqs: dict[tuple[str, int], int] = {}
        self._lock = threading.RLock()

    @contextmanager
    def unit_of_work(self) -> Iterator[MemoryUnitOfWork]:
        """A transaction that applies its changes on success and drops them on error."""
        with self._lock:
            uow = MemoryUnitOfWork(self)
            yield uow
            uow.commit()

    def events(self, number: str) -> tuple[Event, ...]:
        """The item's full history."""
        try:
            return self._events[number]
        except KeyError:
            raise AppealNotFound(number) from None

    def state(self, number: str) -> Appeal:
        """The item's current state."""
        try:
            return self._states[number]
        except KeyError:
            raise AppealNotFound(number) from None

    def numbers(self, district: str | None = None) -> tuple[str, ...]:
        """Item numbers in registration order."""
        return tuple(
            n for n in self._order if district is None or self._states[n].district == district
        )

    def states(self, district: str | None = None) -> Iterator[Appeal]:
        """Current states in registration order."""
        return (self._states[n] for n in self.numbers(district))

    def close(self) -> None:
        """Nothing to release."""


class MemoryUnitOfWork:
    """Staged changes over a ``MemoryStore``; reads see the staged changes first."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._events: dict[str, tuple[Event, ...]] = {}
        self._states: dict[str, Appeal] = {}
        self._new: list[str] = []
        self._seqs: dict[tuple[str, int], int] = {}

    def next_seq(self, district: str, year: int) -> int:
        """The next sequence, counting reservations staged in this transaction."""
        key = (district, year)
        seq = self._seqs.get(key, self._store._seqs.get(key, 0)) + 1
        self._seqs[key] = seq
        return seq

    def events(self, number: str) -> tuple[Event, ...]:
        """Staged or stored history."""
        return self._events.get(number) or self._store.events(number)

    def state(self, number: str) -> Appeal:
        """Staged or stored state."""
        return self._states.get(number) or self._store.state(number)

    def append(
        self, number: str, expected_version: int, events: Sequence[Event], state: Appeal
    ) -> None:
        """Stage events after ``expected_version``; a stale version is a conflict."""
        current = self._events.get(number, self._store._events.get(number, ()))
        if len(current) != expected_version:
            raise ConcurrencyConflict(number, expected_version, len(current))
        if not current:
            self._new.append(number)
        self._events[number] = (*current, *events)
        self._states[number] = state

    def commit(self) -> None:
        """Apply staged changes to the store."""
        store = self._store
        store._events.update(self._events)
        store._states.update(self._states)
        store._order.extend(self._new)
        store._seqs.update(self._seqs)
