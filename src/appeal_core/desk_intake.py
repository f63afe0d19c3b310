"""The desk's intake: a channel's batch registered, its bad rows quarantined, nothing lost."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from appeal_core import commands as c
from appeal_core.actor import Actor
from appeal_core.appeal import Appeal
from appeal_core.decisions import Context
from appeal_core.desk_base import DeskBase, require_desk
from appeal_core.errors import ValidationError
from appeal_core.events import Event
from appeal_core.intake import IntakeRecord, IntakeReport, RejectedRow
from appeal_core.intake_run import IntakeRun, command
from appeal_core.journal import CorrectedItem, JournalEvent
from appeal_core.registration import register_in


class IntakeDesk(DeskBase):
    """Intake use cases: batches from channels, the quarantine, duplicate flags."""

    def intake(
        self,
        rows: Iterable[IntakeRecord | RejectedRow],
        *,
        source: str,
        at: datetime,
        by: Actor,
        batch_size: int = 500,
    ) -> IntakeReport:
        """Register a channel's records and quarantine its rejected rows, in batches.

        Each batch is one transaction; a record whose source id is already registered is
        reported as repeated, not registered again (a row repeating an earlier row of the same
        import is named in ``reexported``); a record the rules refuse goes to the quarantine
        with the reason; a record carrying assumptions waits in the review queue.  Nothing a
        channel brings is dropped.
        """
        ctx = self._context(at, by)
        require_desk(by, "登记事项", self.policy.identity.desk)
        self.sealed_guard(ctx)  # a batch dated in a sealed month is refused before it starts
        if batch_size < 1:
            raise ValidationError("batch_size", batch_size, "应为正整数")
        run = IntakeRun(self.store, ctx, district=self.district, policy=self.policy, source=source)
        batch: list[IntakeRecord | RejectedRow] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                self._take(run, batch, ctx)
        if batch:
            self._take(run, batch, ctx)
        return run.report()

    def _take(self, run: IntakeRun, batch: list[IntakeRecord | RejectedRow], ctx: Context) -> None:
        """One batch in one unit of work; a correction of a sealed month records its items."""
        events = run.batch(batch, lambda uow: self.sealed_guard(ctx, uow))
        batch.clear()
        if events:
            self._notify(events)

    def admit(self, entry_id: int, record: IntakeRecord, *, at: datetime, by: Actor) -> Appeal:
        """Register the corrected ``record`` for a quarantined row and settle the row."""
        ctx = self._context(at, by)
        require_desk(by, "从隔离区登记", self.policy.identity.desk)
        self.sealed_guard(ctx)
        entry = self.store.quarantine_entry(entry_id)
        if entry.status != "open":
            raise ValidationError("entry_id", entry_id, f"该记录已处理（{entry.status}）")
        recorded: list[Event | JournalEvent] = []
        with self.store.unit_of_work() as uow:
            pending = self.sealed_guard(ctx, uow)
            state, event = register_in(
                uow, command(record), ctx, district=self.district, policy=self.policy
            )
            uow.settle_quarantine(
                entry_id, status="admitted", number=state.number, note="已更正并登记",
                at=at, by=str(by),
            )  # fmt: skip
            if event is not None:
                recorded.append(event)
                if pending is not None:
                    item = CorrectedItem(number=state.number, first=1, last=1, action="登记")
                    recorded.append(pending.record(uow, (item,)))
        if recorded:
            self._notify(recorded)
        return state

    def dismiss_quarantined(self, entry_id: int, *, note: str, at: datetime, by: Actor) -> None:
        """Settle a quarantined row without registering it (e.g. a test row), saying why."""
        self._context(at, by)  # checks ``at`` carries its time zone
        require_desk(by, "处理隔离区记录", self.policy.identity.desk)
        if not note.strip():
            raise ValidationError("note", note, "请说明不予登记的理由")
        entry = self.store.quarantine_entry(entry_id)
        if entry.status != "open":
            raise ValidationError("entry_id", entry_id, f"该记录已处理（{entry.status}）")
        with self.store.unit_of_work() as uow:
            uow.settle_quarantine(
                entry_id, status="dismissed", number="", note=note.strip(), at=at, by=str(by)
            )

    def dismiss_duplicate(self, number: str, *, of: str, at: datetime, by: Actor) -> Appeal:
        """Record that the item does not repeat ``of`` (rejecting the duplicate flag)."""
        return self.execute(c.DismissDuplicate(number=number, of=of), at=at, by=by)
