"""Intake through the desk: batches, idempotent source ids, quarantine, duplicate flags."""

from __future__ import annotations

from datetime import datetime

import pytest

from appeal_core import (
    SHANGHAI,
    Actor,
    Desk,
    Enterprise,
    MemoryStore,
    PermissionDenied,
    ValidationError,
)
from appeal_core.errors import QuarantineNotFound
from appeal_core.intake import IntakeRecord, RejectedRow

DESK = Actor.desk()
AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
FIRM = Enterprise(name="南通海门东方机械有限公司", phone="13812345678")


def record(
    source_id: str, text: str = "厂区门口道路破损，货车进出困难", **kw: object
) -> IntakeRecord:
    return IntakeRecord(channel="hotline", enterprise=FIRM, content=text, source_id=source_id, **kw)  # type: ignore[arg-type]


def bad(row: int) -> RejectedRow:
    return RejectedRow(
        channel="hotline", row=row, field="联系电话", value="12345", reason="不是有效的电话"
    )


def test_a_batch_registers_good_rows_and_quarantines_bad_ones() -> None:
    desk = Desk(MemoryStore())
    rows = [
        record("GD-1", "急需招聘数控技工30名"),
        bad(3),
        record("GD-2", "用电报装慢"),
        record("GD-3", " "),
    ]
    report = desk.intake(rows, source="12345-1116.csv", at=AT, by=DESK, batch_size=2)
    assert report.registered == ("HM-2026-0001", "HM-2026-0002")
    assert len(report.quarantined) == 2 and report.total == 4
    entries = desk.store.quarantined()
    assert [(q.row, q.field, q.source) for q in entries] == [
        (3, "联系电话", "12345-1116.csv"),
        (None, "content", "12345-1116.csv"),
    ]


def test_reimport_registers_nothing_twice() -> None:
    desk = Desk(MemoryStore())
    first = desk.intake(
        [record("GD-1"), record("GD-2", "用电报装慢")], source="a.csv", at=AT, by=DESK
    )
    again = desk.intake(
        [record("GD-2", "用电报装慢"), record("GD-3", "融资难")], source="b.csv", at=AT, by=DESK
    )
    assert first.registered == ("HM-2026-0001", "HM-2026-0002")
    assert again.repeated == ("HM-2026-0002",) and again.registered == ("HM-2026-0003",)
    assert len(desk.store.numbers()) == 3
    same_batch = desk.intake([record("GD-9"), record("GD-9")], source="c.csv", at=AT, by=DESK)
    assert len(same_batch.registered) == 1 and len(same_batch.repeated) == 1


def test_similar_problem_of_the_same_enterprise_is_flagged_and_can_be_dismissed() -> None:
    desk = Desk(MemoryStore())
    report = desk.intake(
        [record("GD-1"), record("APP-7", "厂区门前道路破损严重，货车难以进出")],
        source="x",
        at=AT,
        by=DESK,
    )
    assert report.flagged == (("HM-2026-0002", ("HM-2026-0001",)),)
    item = desk.dismiss_duplicate("HM-2026-0002", of="HM-2026-0001", at=AT, by=DESK)
    assert item.possible_duplicates == ()
    with pytest.raises(ValidationError, match="不在该事项的疑似重复列表中"):
        desk.dismiss_duplicate("HM-2026-0002", of="HM-2026-0001", at=AT, by=DESK)


def test_quarantined_row_is_admitted_once_corrected_or_dismissed_with_a_reason() -> None:
    desk = Desk(MemoryStore())
    report = desk.intake([bad(2), bad(5)], source="x.csv", at=AT, by=DESK)
    first, second = report.quarantined
    item = desk.admit(first, record("GD-5"), at=AT, by=DESK)
    assert desk.store.quarantine_entry(first).status == "admitted"
    assert desk.store.quarantine_entry(first).number == item.number
    with pytest.raises(ValidationError, match="已处理"):
        desk.admit(first, record("GD-6"), at=AT, by=DESK)
    with pytest.raises(ValidationError, match="请说明"):
        desk.dismiss_quarantined(second, note=" ", at=AT, by=DESK)
    with pytest.raises(ValidationError, match="缺少时区"):
        desk.dismiss_quarantined(second, note="测试数据", at=AT.replace(tzinfo=None), by=DESK)
    assert desk.store.quarantine_entry(second).status == "open"
    later = AT.replace(hour=15)
    desk.dismiss_quarantined(second, note="测试数据", at=later, by=Actor.desk("李四"))
    dismissed = desk.store.quarantine_entry(second)
    assert (dismissed.settled_at, dismissed.settled_by) == (later, "区服务企业办（李四）")
    assert desk.store.quarantine_entry(first).settled_at == AT
    assert desk.store.quarantined() == ()
    assert len(desk.store.quarantined(include_settled=True)) == 2
    with pytest.raises(QuarantineNotFound):
        desk.admit(99, record("GD-7"), at=AT, by=DESK)


def test_only_the_desk_takes_in_items() -> None:
    with pytest.raises(PermissionDenied):
        Desk(MemoryStore()).intake([record("GD-1")], source="x", at=AT, by=Actor.leader())


def test_reimport_does_not_quarantine_a_known_bad_row_again() -> None:
    desk = Desk(MemoryStore())
    row = RejectedRow(
        channel="hotline", row=3, field="联系电话", value="1", reason="x", source_id="GD-8"
    )
    first = desk.intake([row], source="a.csv", at=AT, by=DESK)
    again = desk.intake([row, row], source="a.csv", at=AT, by=DESK)
    assert len(first.quarantined) == 1 and again.quarantined == ()
    assert again.known == (str(first.quarantined[0]),) * 2 and again.total == 2
    desk.admit(first.quarantined[0], record("GD-8"), at=AT, by=DESK)
    assert desk.intake([row], source="a.csv", at=AT, by=DESK).known == ("HM-2026-0001",)


def test_a_refused_record_in_a_batch_leaves_no_gap_in_the_numbers() -> None:
    desk = Desk(MemoryStore())
    rows = [record("GD-1", "用电报装慢"), record("GD-2", "  "), record("GD-3", "融资难")]
    report = desk.intake(rows, source="a.csv", at=AT, by=DESK)
    assert report.registered == ("HM-2026-0001", "HM-2026-0002")
    assert len(report.quarantined) == 1


def test_at_most_five_possible_duplicates_are_recorded() -> None:
    desk = Desk(MemoryStore())
    rows = [record(f"GD-{i}") for i in range(8)]
    report = desk.intake(rows, source="a.csv", at=AT, by=DESK)
    assert len(dict(report.flagged)["HM-2026-0008"]) == 5
