"""One import of a channel's rows: its batches, what each row became, and the report.

Each batch is one unit of work: its records are registered together (``register_batch``), its
rejected rows and refused records quarantined in row order.  A row repeating an earlier row of
the same import (the same source id) is named in the report with the row it repeats; to know
that row for an item registered by an earlier batch, the run keeps each registered item's row
in a compact array and its numbers as blocks of reserved sequences (a few bytes a row).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Sequence

from appeal_core import commands as c
from appeal_core.appeal import Appeal
from appeal_core.decisions import Context, clean_source_id
from appeal_core.errors import ValidationError
from appeal_core.events import Event
from appeal_core.intake import IntakeRecord, IntakeReport, Reexport, RejectedRow
from appeal_core.journal import CorrectedItem, JournalEvent
from appeal_core.policy import Policy
from appeal_core.ports import Store, UnitOfWork
from appeal_core.registration import Outcome, batch_port, quarantine_in, register_batch
from appeal_core.sealing import Pending

Row = IntakeRecord | RejectedRow


def _source_id(value: str) -> str:
    """A row's source id as registrations store it ('' when it is unusable: too long)."""
    try:
        return clean_source_id(value)
    except ValidationError:
        return ""


def command(record: IntakeRecord) -> c.Register:
    """The registration a channel's record asks for."""
    return c.Register(
        enterprise=record.enterprise,
        content=record.content,
        channel=record.channel,
        source_id=record.source_id,
        reported_at=record.reported_at,
        notes=record.notes,
        assumptions=record.assumptions,
    )


class IntakeRun:
    """The rows of one import, taken batch by batch, and what became of each."""

    def __init__(
        self, store: Store, ctx: Context, *, district: str, policy: Policy, source: str
    ) -> None:
        self.store, self.ctx, self.district, self.policy = store, ctx, district, policy
        self.source = source
        self.registered: list[str] = []
        self.repeated: list[str] = []
        self.quarantined: list[int] = []
        self.flagged: list[tuple[str, tuple[str, ...]]] = []
        self.known: list[str] = []
        self.reexported: list[Reexport] = []
        self.assumed: list[str] = []
        self._rows = array("q")  # the file row of each registered item (-1: none)
        self._blocks: list[tuple[int, int]] = []  # (first seq, index in registered), ascending
        self._last_seq = 0
        #: Items registered before this import that a row of it repeated: the first such row.
        self._seen: dict[str, int | None] = {}
        #: Quarantined rows by (channel, source id): the entry id, whether a row of this import
        #: was (or repeated) it, and then that row.
        self._kept: dict[tuple[str, str], tuple[int, bool, int | None]] = {
            (q.channel.value, _source_id(q.source_id)): (q.id, False, None)
            for q in store.quarantined(district, include_settled=True)
            if q.source_id
        }

    def report(self) -> IntakeReport:
        """Everything the run did so far."""
        return IntakeReport(
            registered=tuple(self.registered),
            repeated=tuple(self.repeated),
            quarantined=tuple(self.quarantined),
            flagged=tuple(self.flagged),
            known=tuple(self.known),
            reexported=tuple(self.reexported),
            assumed=tuple(self.assumed),
        )

    def batch(
        self, rows: Sequence[Row], guard: Callable[[UnitOfWork], Pending | None] | None = None
    ) -> list[Event | JournalEvent]:
        """Take ``rows`` in one unit of work; the events recorded (for the listeners).

        ``guard(uow)`` is the desk's check of sealed months (``DeskBase.sealed_guard``): when
        it admits the batch as a correction, the correction names the items registered.
        """
        records = [(p, r) for p, r in enumerate(rows) if isinstance(r, IntakeRecord)]
        events: list[Event | JournalEvent] = []
        with self.store.unit_of_work() as uow:
            pending = guard(uow) if guard is not None else None
            outcomes = register_batch(
                uow,
                [command(r) for _, r in records],
                self.ctx,
                district=self.district,
                policy=self.policy,
            )
            fresh = {o.number: p for (p, _), o in zip(records, outcomes, strict=True) if o.event}
            found = self._sources_of_rejected(uow, rows)
            outcome_at = {p: o for (p, _), o in zip(records, outcomes, strict=True)}
            for p, row in enumerate(rows):
                if isinstance(row, IntakeRecord):
                    self._record(uow, rows, records, p, row, outcome_at[p], events)
                else:
                    number = found.get((row.channel.value, _source_id(row.source_id)))
                    before = number is not None and fresh.get(number, -1) < p
                    self._rejected(uow, rows, fresh, row, number if before else None)
            if pending is not None and events:
                items = [CorrectedItem(number=ev.number, first=1, last=1, action="登记")
                         for ev in events if isinstance(ev, Event)]  # fmt: skip
                events.append(pending.record(uow, items))
        return events

    def _record(
        self,
        uow: UnitOfWork,
        rows: Sequence[Row],
        records: list[tuple[int, IntakeRecord]],
        p: int,
        row: IntakeRecord,
        outcome: Outcome,
        events: list[Event | JournalEvent],
    ) -> None:
        if outcome.error is not None:
            exc = outcome.error
            bad = RejectedRow(channel=row.channel, row=row.row, field=exc.field,
                              value=str(exc.value), reason=exc.reason,
                              source_id=row.source_id)  # fmt: skip
            self._quarantine(uow, bad)
        elif outcome.event is not None and outcome.state is not None:
            self._registered(outcome.state, row.row)
            events.append(outcome.event)
        else:
            self.repeated.append(outcome.number)
            if outcome.repeats is not None:
                earlier = records[outcome.repeats][1].row
                self._reexport(row, earlier, number=outcome.number)
            else:
                self._repeat(uow, row, outcome.number)

    def _registered(self, state: Appeal, row: int | None) -> None:
        if not self._blocks or state.seq != self._last_seq + 1:
            self._blocks.append((state.seq, len(self.registered)))
        self._last_seq = state.seq
        self.registered.append(state.number)
        self._rows.append(-1 if row is None else row)
        if state.possible_duplicates:
            self.flagged.append((state.number, state.possible_duplicates))
        if state.assumptions:
            self.assumed.append(state.number)

    def _earlier_row(self, uow: UnitOfWork, number: str) -> tuple[bool, int | None]:
        """Whether this import registered ``number`` (from an earlier batch), and its row."""
        if not self._blocks:
            return False, None
        state = uow.state(number)
        if state.year != self.ctx.today.year or state.district != self.district:
            return False, None
        k = bisect.bisect_right(self._blocks, (state.seq, len(self.registered))) - 1
        if k < 0:
            return False, None
        first, start = self._blocks[k]
        end = self._blocks[k + 1][1] if k + 1 < len(self._blocks) else len(self.registered)
        index = start + state.seq - first
        if index >= end or self.registered[index] != number:
            return False, None
        row = self._rows[index]
        return True, None if row < 0 else row

    def _repeat(self, uow: UnitOfWork, row: Row, number: str) -> None:
        """A row whose item was registered before it: by an earlier row of this import (a
        re-export), or before the import (remembered, so a later row repeating it is one)."""
        if number in self._seen:
            self._reexport(row, self._seen[number], number=number)
            return
        mine, earlier = self._earlier_row(uow, number)
        if mine:
            self._reexport(row, earlier, number=number)
        else:
            self._seen[number] = row.row

    def _reexport(
        self, row: Row, earlier: int | None, *, number: str = "", entry: int | None = None
    ) -> None:
        source_id = _source_id(row.source_id)
        found = Reexport(row=row.row, earlier_row=earlier, source_id=source_id, number=number,
                         entry=entry)  # fmt: skip
        self.reexported.append(found)

    def _sources_of_rejected(
        self, uow: UnitOfWork, rows: Sequence[Row]
    ) -> dict[tuple[str, str], str]:
        """The items registered from the rejected rows' source ids (this batch's included)."""
        wanted: dict[str, set[str]] = {}
        for row in rows:
            if isinstance(row, RejectedRow) and _source_id(row.source_id):
                wanted.setdefault(row.channel.value, set()).add(_source_id(row.source_id))
        port = batch_port(uow)
        return {
            (channel, source_id): number
            for channel, ids in wanted.items()
            for source_id, number in port.find_sources(self.district, channel, ids).items()
        }

    def _rejected(
        self, uow: UnitOfWork, rows: Sequence[Row], fresh: dict[str, int], row: RejectedRow,
        number: str | None,
    ) -> None:  # fmt: skip
        key = (row.channel.value, _source_id(row.source_id))
        if number is not None:  # registered before this row: by an earlier row, or import
            self.known.append(number)
            if number in fresh:
                earlier = rows[fresh[number]].row
                self._reexport(row, earlier, number=number)
            else:
                self._repeat(uow, row, number)
        elif key[1] and key in self._kept:
            entry, here, earlier = self._kept[key]
            self.known.append(str(entry))
            if here:
                self._reexport(row, earlier, entry=entry)
            else:
                self._kept[key] = (entry, True, row.row)
        else:
            self._quarantine(uow, row)

    def _quarantine(self, uow: UnitOfWork, row: RejectedRow) -> None:
        entry = quarantine_in(uow, row, self.ctx, district=self.district, source=self.source)
        self.quarantined.append(entry)
        key = (row.channel.value, _source_id(row.source_id))
        if key[1]:
            self._kept[key] = (entry, True, row.row)
