"""A store with only the base ports (no batch methods, no review index) still takes intake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from appeal_core import SHANGHAI, Actor, Assumption, BatchUnitOfWork, Desk, Enterprise, MemoryStore
from appeal_core.intake import IntakeRecord, Reexport
from appeal_core.memory import MemoryUnitOfWork

DESK = Actor.desk()
AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
BASE = ("next_seq", "events", "state", "append", "find_source", "open_items_of", "quarantine",
        "settle_quarantine", "journal", "append_journal")  # fmt: skip


class PlainUnitOfWork:
    """Only ``UnitOfWork``'s own methods of a memory unit of work."""

    def __init__(self, inner: MemoryUnitOfWork) -> None:
        for name in BASE:
            setattr(self, name, getattr(inner, name))


class PlainStore:
    """A ``MemoryStore`` seen through the base ``Store`` port only."""

    def __init__(self) -> None:
        self.inner = MemoryStore()

    @contextmanager
    def unit_of_work(self) -> Iterator[PlainUnitOfWork]:
        with self.inner.unit_of_work() as uow:
            yield PlainUnitOfWork(uow)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_intake_review_and_duplicates_work_one_by_one() -> None:
    store = PlainStore()
    with store.unit_of_work() as uow:
        assert not isinstance(uow, BatchUnitOfWork)
    desk = Desk(store)  # type: ignore[arg-type]
    firm = Enterprise(name="南通恒丰机械有限公司", phone="13812345678")
    guess = Assumption(field="enterprise.phone", original="13812345678", assumed="13812345678",
                       reason="核对")  # fmt: skip

    def record(source_id: str, row: int, text: str, who: Enterprise = firm) -> IntakeRecord:
        return IntakeRecord(channel="hotline", enterprise=who, content=text, source_id=source_id,
                            row=row, assumptions=(guess,))  # fmt: skip

    rows = [record("A", 2, "厂区门口道路破损，货车进出困难"),
            record("B", 3, "厂区门前道路破损严重，货车难以进出"),
            record("C", 4, "厂区门口道路破损，货车进出困难", Enterprise(name="恒丰机械厂",
                                                                   phone="13812345678")),
            record("A", 5, "厂区门口道路破损，货车进出困难")]  # fmt: skip
    report = desk.intake(rows, source="x.csv", at=AT, by=DESK, batch_size=2)
    assert report.registered == ("HM-2026-0001", "HM-2026-0002", "HM-2026-0003")
    assert report.flagged == (("HM-2026-0002", ("HM-2026-0001",)),)  # by name only: not C
    assert report.reexported == (Reexport(row=5, earlier_row=2, source_id="A",
                                          number="HM-2026-0001"),)  # fmt: skip
    assert [q.number for q in desk.review_queue(after="HM-2026-0001")] == [
        "HM-2026-0002", "HM-2026-0003"]  # fmt: skip
