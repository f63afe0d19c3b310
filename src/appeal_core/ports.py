"""The store port: what the desk needs of storage, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from appeal_core.appeal import Appeal
from appeal_core.duplicates import Candidate, Signature
from appeal_core.events import Event, Registered
from appeal_core.intake import QuarantineEntry
from appeal_core.journal import JournalEvent


class UnitOfWork(Protocol):
    """One transaction: all its appends land together on commit, or none do.

    Leaving the ``with`` block commits when no exception escaped, and rolls back otherwise.
    """

    def next_seq(self, district: str, year: int) -> int:
        """Reserve the next item sequence of ``district`` in ``year`` (1, 2, ...; no gaps).

        A rolled-back reservation is released, so committed numbers stay gap-free.
        """
        ...

    def events(self, number: str) -> tuple[Event, ...]:
        """The item's full history; raises ``AppealNotFound`` when it has none."""
        ...

    def state(self, number: str) -> Appeal:
        """The item's current state; raises ``AppealNotFound``."""
        ...

    def append(
        self, number: str, expected_version: int, events: Sequence[Event], state: Appeal
    ) -> None:
        """Add ``events`` after version ``expected_version`` and store ``state`` (their fold).

        Raises ``ConcurrencyConflict`` when the stored version differs (someone else wrote).
        ``expected_version`` is 0 for a new item.
        """
        ...

    def find_source(self, district: str, channel: str, source_id: str) -> str | None:
        """The item registered from this channel's own id (staged ones included), if any."""
        ...

    def open_items_of(self, district: str, enterprise_key: str, since: date) -> list[Appeal]:
        """Open items of one enterprise (``duplicates.enterprise_key``) registered on or after
        ``since`` (Asia/Shanghai), staged ones included, in registration order."""
        ...

    def quarantine(self, entry: QuarantineEntry) -> int:
        """Keep a rejected row; returns its new id (``entry.id`` is ignored)."""
        ...

    def settle_quarantine(
        self, entry_id: int, *, status: str, number: str, note: str, at: datetime, by: str
    ) -> None:
        """Mark a quarantined row admitted (as ``number``) or dismissed, with a note, the time
        and who did it (``str(actor)``)."""
        ...

    def journal(self, stream: str) -> tuple[JournalEvent, ...]:
        """A journal stream's events (``appeal_core.journal``), staged ones included; ``()``
        when the stream has none."""
        ...

    def append_journal(
        self, stream: str, expected_version: int, events: Sequence[JournalEvent]
    ) -> None:
        """Add ``events`` to a journal stream that has ``expected_version`` events so far.

        Raises ``ConcurrencyConflict`` when it has another number (someone else wrote).
        """
        ...


class Store(Protocol):
    """Where items and their event logs live."""

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        """A new transaction."""
        ...

    def events(self, number: str) -> tuple[Event, ...]:
        """The item's full history; raises ``AppealNotFound``."""
        ...

    def state(self, number: str) -> Appeal:
        """The item's current state; raises ``AppealNotFound``."""
        ...

    def numbers(self, district: str | None = None) -> tuple[str, ...]:
        """Every item number, in registration order (optionally of one district)."""
        ...

    def states(self, district: str | None = None) -> Iterator[Appeal]:
        """Every item's current state, in registration order."""
        ...

    def quarantined(
        self, district: str | None = None, *, include_settled: bool = False
    ) -> tuple[QuarantineEntry, ...]:
        """Quarantined rows, oldest first; settled ones only when asked."""
        ...

    def journal(self, stream: str) -> tuple[JournalEvent, ...]:
        """A journal stream's events, oldest first; ``()`` when it has none."""
        ...

    def quarantine_entry(self, entry_id: int) -> QuarantineEntry:
        """One quarantined row; raises ``QuarantineNotFound``."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


@runtime_checkable
class BatchUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also takes a channel's batch in a few calls (optional).

    The built-in stores have these methods; ``Desk.intake`` and registration use them when a
    store's unit of work has all four, and otherwise fall back to ``UnitOfWork``'s one-item
    methods (then possible duplicates are linked by the enterprise's name only).
    """

    def reserve_seqs(self, district: str, year: int, count: int) -> int:
        """Reserve ``count`` consecutive sequences of ``district`` in ``year``; the first.

        Like ``next_seq``: released when the transaction rolls back, so numbers stay gap-free.
        """
        ...

    def find_sources(
        self, district: str, channel: str, source_ids: Collection[str]
    ) -> dict[str, str]:
        """The items registered from these source ids of one channel (staged ones included),
        as ``{source_id: number}``; ids with no item are left out ('' never matches)."""
        ...

    def duplicate_candidates(
        self, district: str, keys: Collection[str], since: date
    ) -> list[Candidate]:
        """Open items of ``district`` registered on or after ``since`` (Asia/Shanghai) whose
        signature has one of ``keys`` (``Signature.keys``: ``name:``, ``code:``, ``phone:``),
        staged changes applied; each once, in any order."""
        ...

    def register_many(self, items: Sequence[tuple[Registered, Appeal, Signature]]) -> None:
        """Add new items: each its registration event, its state (the event's fold) and its
        duplicate signature; their sequences were reserved by ``reserve_seqs`` in this unit.

        Raises ``ConcurrencyConflict`` when a number is taken, ``ValueError`` (a
        ``NumberingError`` in the SQL stores) for a sequence this unit did not reserve.
        """
        ...


@runtime_checkable
class ReviewIndex(Protocol):
    """A store that answers the review queue from an index (optional; others are scanned)."""

    def pending_review(
        self, district: str, *, after: str | None = None, limit: int | None = None
    ) -> tuple[Appeal, ...]:
        """Items of ``district`` with assumptions awaiting review, in registration order, after
        the item numbered ``after`` (``AppealNotFound`` when there is none), at most ``limit``."""
        ...
