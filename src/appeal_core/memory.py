"""The in-memory store: the reference implementation of the store port (and the test oracle).

Pure Python data structures, no I/O; SQL stores must behave exactly like it.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime

import attrs

from appeal_core.appeal import Appeal
from appeal_core.duplicates import Candidate, Signature, enterprise_key, phone_key
from appeal_core.errors import AppealNotFound, ConcurrencyConflict, QuarantineNotFound
from appeal_core.events import Event, Registered
from appeal_core.intake import QuarantineEntry
from appeal_core.journal import JournalEvent
from appeal_core.similarity import grams
from appeal_core.timeutil import local_date


class MemoryStore:
    """Items, event logs and number counters in dictionaries, with transactional commits."""

    def __init__(self) -> None:
        self._events: dict[str, tuple[Event, ...]] = {}
        self._states: dict[str, Appeal] = {}
        self._order: list[str] = []
        #: (district, ``Signature.keys`` key) -> numbers; a corrected item keeps its old keys
        #: too, so readers check the item's current signature.
        self._by_key: dict[tuple[str, str], list[str]] = {}
        self._signatures: dict[str, Signature] = {}
        self._seqs: dict[tuple[str, int], int] = {}
        self._sources: dict[tuple[str, str, str], str] = {}
        self._quarantine: dict[int, QuarantineEntry] = {}
        self._journal: dict[str, tuple[JournalEvent, ...]] = {}
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

    def quarantined(
        self, district: str | None = None, *, include_settled: bool = False
    ) -> tuple[QuarantineEntry, ...]:
        """Quarantined rows, oldest first."""
        return tuple(
            q
            for q in self._quarantine.values()
            if (district is None or q.district == district)
            and (include_settled or q.status == "open")
        )

    def quarantine_entry(self, entry_id: int) -> QuarantineEntry:
        """One quarantined row."""
        try:
            return self._quarantine[entry_id]
        except KeyError:
            raise QuarantineNotFound(entry_id) from None

    def journal(self, stream: str) -> tuple[JournalEvent, ...]:
        """A journal stream's events, oldest first."""
        return self._journal.get(stream, ())

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
        self._sources: dict[tuple[str, str, str], str] = {}
        self._quarantine: dict[int, QuarantineEntry] = {}
        self._journal: dict[str, tuple[JournalEvent, ...]] = {}
        self._signatures: dict[str, Signature] = {}
        self._reserved: set[tuple[str, int, int]] = set()

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
        self._stage(number, expected_version, events, state, None)

    def _stage(
        self,
        number: str,
        expected_version: int,
        events: Sequence[Event],
        state: Appeal,
        sig: Signature | None,
    ) -> None:
        current = self._events.get(number, self._store._events.get(number, ()))
        if len(current) != expected_version:
            raise ConcurrencyConflict(number, expected_version, len(current))
        previous = self._states.get(number) or self._store._states.get(number)
        if not current:
            self._new.append(number)
            if state.source_id:
                self._sources[(state.district, state.channel.value, state.source_id)] = number
        if sig is None and (previous is None or previous.enterprise != state.enterprise):
            text = self._signature(number).grams if previous else grams(state.content)
            firm = state.enterprise
            sig = Signature(enterprise_key(firm), firm.credit_code, phone_key(firm.phone), text)
        if sig is not None:
            self._signatures[number] = sig
        self._events[number] = (*current, *events)
        self._states[number] = state

    def _signature(self, number: str) -> Signature:
        return self._signatures.get(number) or self._store._signatures[number]

    def find_source(self, district: str, channel: str, source_id: str) -> str | None:
        """The item registered from this source id, staged or stored."""
        key = (district, channel, source_id)
        return self._sources.get(key) or self._store._sources.get(key)

    def find_sources(
        self, district: str, channel: str, source_ids: Collection[str]
    ) -> dict[str, str]:
        """``find_source`` of each id."""
        found = {s: self.find_source(district, channel, s) for s in source_ids if s}
        return {s: n for s, n in found.items() if n is not None}

    def reserve_seqs(self, district: str, year: int, count: int) -> int:
        """``count`` sequences after those stored and staged; the first."""
        key = (district, year)
        last = self._seqs.get(key, self._store._seqs.get(key, 0))
        self._seqs[key] = last + count
        self._reserved.update((district, year, s) for s in range(last + 1, last + count + 1))
        return last + 1

    def register_many(self, items: Sequence[tuple[Registered, Appeal, Signature]]) -> None:
        """Stage new items whose sequences ``reserve_seqs`` gave."""
        for event, state, sig in items:
            seat = (state.district, state.year, state.seq)
            if seat not in self._reserved:
                raise ValueError(f"事项 {state.number} 的序号 {state.seq} 不是本次预留的序号")
            self._stage(state.number, 0, (event,), state, sig)
            self._reserved.discard(seat)

    def _matching(self, district: str, keys: Collection[str], since: date) -> Iterator[str]:
        """Numbers of open items of ``district`` since ``since`` with one of ``keys``, in
        registration order (stored, then staged)."""
        stored = self._store._by_key
        numbers = dict.fromkeys(n for k in keys for n in stored.get((district, k), ()))
        numbers.update(dict.fromkeys(n for n in self._new if n not in numbers))
        for number in numbers:
            state = self.state(number)
            if (
                state.district == district
                and state.status.is_open
                and local_date(state.registered_at) >= since
                and not set(keys).isdisjoint(self._signature(number).keys)
            ):
                yield number

    def duplicate_candidates(
        self, district: str, keys: Collection[str], since: date
    ) -> list[Candidate]:
        """Open items with one of ``keys``, from the key index (staged changes applied)."""
        out = []
        for number in self._matching(district, keys, since):
            state = self.state(number)
            out.append(
                Candidate(
                    number=number,
                    year=state.year,
                    seq=state.seq,
                    registered_on=local_date(state.registered_at),
                    signature=self._signature(number),
                )
            )
        return out

    def open_items_of(self, district: str, enterprise_key_: str, since: date) -> list[Appeal]:
        """Open items of one enterprise registered since ``since``, from the key index."""
        return [self.state(n) for n in self._matching(district, (enterprise_key_,), since)]

    def quarantine(self, entry: QuarantineEntry) -> int:
        """Stage a quarantined row under the next id."""
        entry_id = len(self._store._quarantine) + len(self._quarantine) + 1
        self._quarantine[entry_id] = attrs.evolve(entry, id=entry_id)
        return entry_id

    def settle_quarantine(
        self, entry_id: int, *, status: str, number: str, note: str, at: datetime, by: str
    ) -> None:
        """Stage the settlement of a quarantined row."""
        entry = self._quarantine.get(entry_id) or self._store.quarantine_entry(entry_id)
        self._quarantine[entry_id] = attrs.evolve(
            entry, status=status, number=number, note=note, settled_at=at, settled_by=by
        )

    def journal(self, stream: str) -> tuple[JournalEvent, ...]:
        """Staged or stored journal events."""
        return self._journal.get(stream, self._store._journal.get(stream, ()))

    def append_journal(
        self, stream: str, expected_version: int, events: Sequence[JournalEvent]
    ) -> None:
        """Stage journal events after ``expected_version``; a stale version is a conflict."""
        current = self.journal(stream)
        if len(current) != expected_version:
            raise ConcurrencyConflict(stream, expected_version, len(current))
        self._journal[stream] = (*current, *events)

    def commit(self) -> None:
        """Apply staged changes to the store."""
        store = self._store
        store._events.update(self._events)
        store._states.update(self._states)
        store._order.extend(self._new)
        for number, sig in self._signatures.items():
            before = store._signatures.get(number)
            district = self._states[number].district
            for key in sig.keys:
                if before is None or key not in before.keys:
                    store._by_key.setdefault((district, key), []).append(number)
            store._signatures[number] = sig
        store._seqs.update(self._seqs)
        store._sources.update(self._sources)
        store._quarantine.update(self._quarantine)
        store._journal.update(self._journal)
