"""The review queue in the core: assumptions carried, confirmed, corrected; every step an event."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from appeal_core import (
    SHANGHAI,
    TRANSITIONS,
    Actor,
    Assumption,
    Desk,
    Enterprise,
    LifecycleError,
    MemoryStore,
    PermissionDenied,
    Status,
    ValidationError,
    fold,
)
from appeal_core import commands as c
from appeal_core import events as e
from appeal_core.intake import IntakeRecord
from appeal_core.review import FIELDS, field_named

DESK = Actor.desk("小王")
AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
PHONE = Assumption(field="enterprise.phone", original="51382118899", assumed="0513-82118899",
                   reason="表格数值丢失了开头的 0")  # fmt: skip
CODE = Assumption(field="enterprise.credit_code", original="91320684MA1MFW2X10",
                  assumed="91320684MA1MFW2X1Y", reason="末位 0 按校验位更正为 Y")  # fmt: skip
KIND = Assumption(field="channel", original="", assumed="face_to_face", reason="走访类型空白")
FIRM = Enterprise(name="南通恒丰机械有限公司", phone="0513-82118899",
                  credit_code="91320684MA1MFW2X1Y")  # fmt: skip


def _item(desk: Desk, *guesses: Assumption) -> str:
    record = IntakeRecord(channel="hotline", enterprise=FIRM, content="用电增容慢",
                          source_id=f"NT-{len(desk.store.numbers())}", assumptions=guesses)  # fmt: skip
    report = desk.intake([record], source="12345.xlsx", at=AT, by=DESK)
    assert report.assumed == report.registered
    return report.registered[0]


def test_intake_carries_assumptions_into_the_event_and_the_state() -> None:
    desk = Desk(MemoryStore())
    number = _item(desk, PHONE, CODE)
    (registered,) = desk.history(number)
    assert isinstance(registered, e.Registered) and registered.assumptions == (PHONE, CODE)
    assert desk.get(number).assumptions == (PHONE, CODE)
    assert [q.label for q in desk.review_queue()] == ["联系电话", "统一社会信用代码"]


def test_each_confirmation_is_an_event_by_the_desk_and_any_status_allows_it() -> None:
    desk = Desk(MemoryStore())
    number = _item(desk, PHONE, CODE, KIND)
    item = desk.confirm(number, at=AT + timedelta(hours=1), by=DESK, note="已电话核实")
    assert item.assumptions == () and item.status is Status.REGISTERED
    confirmed = [ev for ev in desk.history(number) if isinstance(ev, e.AssumptionConfirmed)]
    assert [(ev.field, ev.note, ev.by) for ev in confirmed] == [
        ("enterprise.phone", "已电话核实", DESK), ("enterprise.credit_code", "已电话核实", DESK),
        ("channel", "已电话核实", DESK)]  # fmt: skip
    rule = TRANSITIONS[c.ConfirmAssumption]
    assert rule.allowed_from == frozenset(Status) and rule.to is None  # closed items too
    assert TRANSITIONS[c.CorrectAssumption].allowed_from == frozenset(Status)


def test_a_correction_changes_the_value_and_the_fold_agrees() -> None:
    desk = Desk(MemoryStore())
    number = _item(desk, PHONE, CODE)
    later = AT + timedelta(hours=2)
    item = desk.correct(number, field="统一社会信用代码", value=" 91110000802100433b ",
                        note="以营业执照为准", at=later, by=DESK)  # fmt: skip
    assert item.enterprise.credit_code == "91110000802100433B"
    assert item.assumptions == (PHONE,)
    last = desk.history(number)[-1]
    assert isinstance(last, e.AssumptionCorrected)
    assert (last.field, last.assumed, last.value) == (
        "enterprise.credit_code", CODE.assumed, "91110000802100433B")  # fmt: skip
    assert fold(desk.history(number)) == desk.get(number)
    cleared = desk.correct(number, field="enterprise.phone", value="", at=later, by=DESK)
    assert cleared.enterprise.phone == "" and cleared.assumptions == ()


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("enterprise.phone", "0513-821", "固定电话应为区号"),
        ("enterprise.credit_code", "91320684MA1MFW2X10", "校验位"),
        ("enterprise.name", " ", "enterprise.name"),  # not pending, and never empty
        ("channel", "app", "只能确认"),
        ("content", "别的问题", "没有待复核"),
        ("enterprise.phone", "0513 8211 8899", "相同"),
    ],
)
def test_a_correction_is_refused_clearly_and_writes_nothing(
    field: str, value: str, match: str
) -> None:
    desk = Desk(MemoryStore())
    number = _item(desk, PHONE, CODE, KIND)
    before = desk.history(number)
    with pytest.raises(ValidationError, match=match):
        desk.correct(number, field=field, value=value, at=AT, by=DESK)
    assert desk.history(number) == before


def test_only_the_desk_reviews_and_an_item_without_guesses_has_nothing_to_confirm() -> None:
    desk = Desk(MemoryStore())
    number = _item(desk, PHONE)
    with pytest.raises(PermissionDenied):
        desk.confirm(number, at=AT, by=Actor.of_department("区发改委"))
    desk.confirm(number, at=AT, by=DESK)
    with pytest.raises(LifecycleError, match="没有待复核的推定"):
        desk.confirm(number, at=AT, by=DESK)
    with pytest.raises(ValidationError, match="待复核：无"):
        desk.confirm(number, field="enterprise.phone", at=AT, by=DESK)


def test_a_closed_item_still_leaves_the_queue_only_when_reviewed() -> None:
    desk = Desk(MemoryStore())
    number = _item(desk, PHONE)
    clock = iter(AT + timedelta(hours=k) for k in range(1, 20))
    desk.verify(number, at=next(clock), by=DESK)
    desk.characterize(number, reason="涉及生态红线", at=next(clock), by=DESK)
    desk.close(number, at=next(clock), by=DESK)
    assert [q.status for q in desk.review_queue()] == [Status.CLOSED]
    assert desk.confirm(number, at=next(clock), by=DESK).status is Status.CLOSED
    assert desk.review_queue() == ()


def test_fields_are_named_by_identifier_or_chinese_name() -> None:
    assert field_named("联系电话") == "enterprise.phone" == field_named(" enterprise.phone ")
    assert field_named("渠道") == "渠道"
    assert set(FIELDS) == {"enterprise.name", "enterprise.credit_code", "enterprise.address",
                           "enterprise.contact", "enterprise.phone", "enterprise.extension",
                           "reported_at"}  # fmt: skip


def test_a_phone_corrected_with_its_extension_sets_both() -> None:
    desk = Desk(MemoryStore())
    number = _item(desk, PHONE)
    item = desk.correct(number, field="联系电话", value="0513-8211 8898 转 12", at=AT, by=DESK)
    assert (item.enterprise.phone, item.enterprise.extension) == ("0513-82118898", "12")
    assert fold(desk.history(number)) == item


def test_the_queue_pages_and_refuses_a_bad_limit() -> None:
    desk = Desk(MemoryStore())
    numbers = [_item(desk, PHONE) for _ in range(5)]
    assert [q.number for q in desk.review_queue(limit=2)] == numbers[:2]
    assert [q.number for q in desk.review_queue(after=numbers[1], limit=2)] == numbers[2:4]
    with pytest.raises(ValidationError, match="limit"):
        desk.review_queue(limit=0)
