"""The core's privacy rules: who reads clear values, masking, erased reading, contact ids,
personal notes, retention and erasure decisions (pure, no store)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from appeal_core import Actor, Desk, Enterprise, MemoryStore, Policy
from appeal_core import commands as c
from appeal_core.appeal import Channel
from appeal_core.errors import LifecycleError, PermissionDenied, ValidationError
from appeal_core.masking import mask_name
from appeal_core.privacy import (
    ERASED,
    asks_confidentiality,
    contact_of,
    erased,
    masked,
    person_key,
    personal_note_labels,
    phone_digits,
    sees_personal,
    visible,
    visible_events,
)
from appeal_core.retention import ErasureRule, decide_erasure, kept_until
from appeal_core.testing.privacy_contract import closed
from appeal_core.testing.store_contract import START, make_desk
from appeal_core.text import clean
from appeal_core.timeutil import SHANGHAI

DESK = Actor.desk("窗口")
LEAD, CO = "区市场监督管理局", "区应急管理局"
FIRM = Enterprise(name="海门示例精工有限公司", contact="欧阳慕青", phone="13912345678",
                  extension="8023")  # fmt: skip


def _registered(
    desk: Desk, firm: Enterprise = FIRM, notes: tuple[tuple[str, str], ...] = ()
) -> str:
    command = c.Register(enterprise=firm, content="请回电 139-1234-5678", channel=Channel.HOTLINE,
                         notes=notes)  # fmt: skip
    return desk.execute(command, at=START, by=DESK).number


def _assigned(desk: Desk, firm: Enterprise = FIRM, notes: tuple[tuple[str, str], ...] = ()) -> str:
    number = _registered(desk, firm, notes)
    desk.verify(number, at=START, by=DESK)
    desk.classify(number, category="道路", complexity="routine", at=START, by=DESK)
    desk.assign(number, lead=LEAD, co=[CO], at=START, by=DESK)
    return number


def test_who_reads_clear_values() -> None:
    desk = make_desk(MemoryStore())
    state = desk.get(_assigned(desk))
    lead, co = Actor.of_department(LEAD), Actor.of_department(CO)
    assert [sees_personal(state, a) for a in (DESK, lead, co, Actor.leader("李区长"))] == [
        True, True, False, False]  # fmt: skip
    assert visible(state, lead) is state
    shown = visible(state, co)
    assert (shown.enterprise.contact, shown.enterprise.phone) == ("欧**", "139****5678")
    assert shown.enterprise.extension == "8023"  # a switchboard line says nothing alone
    assert shown.content == "请回电 139****5678"
    assert shown.status == state.status and shown.number == state.number
    secret = desk.set_confidential(state.number, at=START, by=DESK, reason="来电人要求保密")
    assert not sees_personal(secret, lead) and sees_personal(secret, DESK)
    with pytest.raises(ValidationError, match="已设为保密"):
        desk.set_confidential(state.number, at=START, by=DESK)
    with pytest.raises(ValidationError, match="reason"):
        desk.set_confidential(state.number, confidential=False, at=START, by=DESK)
    with pytest.raises(PermissionDenied):
        desk.set_confidential(state.number, confidential=False, reason="x", at=START, by=lead)
    done = closed(desk, _registered(desk), START + timedelta(hours=1))
    assert not sees_personal(done, lead)  # the lead department, once it is closed


def test_history_is_masked_alike() -> None:
    desk = make_desk(MemoryStore())
    number = _assigned(desk)
    history = visible_events(desk.history(number), desk.get(number), Actor.leader())
    text = repr(history)
    assert "13912345678" not in text and "欧阳慕青" not in text and "139****5678" in text


def test_personal_notes_are_labelled_masked_and_make_a_contact() -> None:
    desk = make_desk(MemoryStore())
    nobody = Enterprise(name="无联系人示例公司")
    notes = (("填表单位", "某镇"), ("填报人：", "诸葛填表"), ("联系电话", "0513-82117788"),
             ("是否保密", "是"))  # fmt: skip
    number = _assigned(desk, nobody, notes)
    state = desk.get(number)
    assert state.personal_notes == ("填报人：", "联系电话")  # a trailing colon is the same label
    assert state.enterprise.contact_id == f"{number}-C" and state.enterprise.confidential
    shown = dict(masked(state).notes)
    assert shown == {"填表单位": "某镇", "填报人：": "诸**", "联系电话": "0513-****7788",
                     "是否保密": "是"}  # fmt: skip
    gone = dict(erased(state).notes)
    assert gone["填报人："] == gone["联系电话"] == ERASED and gone["填表单位"] == "某镇"
    plain = _assigned(desk, nobody)
    assert desk.get(plain).enterprise.contact_id == ""  # nothing personal: no contact


def test_policy_lists_decide_what_is_personal() -> None:
    policy = Policy(personal_notes=("经办人",), confidential_notes=("保密",))
    notes = (("经办人", "王五"), ("填报人", "赵六"), ("保密", "Y"))
    assert personal_note_labels(notes, policy) == ("经办人",)
    assert personal_note_labels(notes, policy, extra=("填报人",)) == ("经办人", "填报人")
    assert asks_confidentiality(notes, policy)
    assert not asks_confidentiality((("保密", "否"),), policy)
    with pytest.raises(ValidationError, match="personal_notes"):
        Policy(personal_notes="经办人")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("phone", "digits"),
    [("13912345678", "13912345678"), ("139 1234 5678", "13912345678"),
     ("+86 139-1234-5678", "13912345678"), ("１３９１２３４５６７８", "13912345678"),
     ("0513-82111701转8023", "051382111701"), ("12", ""), ("", ""), (ERASED, "")],
)  # fmt: skip
def test_phone_digits(phone: str, digits: str) -> None:
    assert phone_digits(phone) == digits


def test_a_person_is_phone_and_folded_name() -> None:
    a = person_key(attrs.evolve(FIRM, contact=" 欧阳 慕青 ", phone="139-1234-5678"))
    assert a == person_key(FIRM) == "13912345678|欧阳慕青"
    assert person_key(attrs.evolve(FIRM, phone="")) == ""
    assert person_key(attrs.evolve(FIRM, contact="")) == "13912345678|"


@given(st.text(max_size=8))
def test_mask_name_keeps_one_character(name: str) -> None:
    text, shown = clean(name).strip(), mask_name(name)
    if not text:
        assert shown == ""
    else:
        assert shown[0] == text[0] and set(shown[1:]) == {"*"} and len(shown) <= 3


def test_retention_counts_from_the_last_item_ended() -> None:
    policy = Policy()
    desk = make_desk(MemoryStore())
    first, second = _registered(desk), _registered(desk)
    a = closed(desk, first, START + timedelta(hours=1))
    assert kept_until([a, desk.get(second)], policy) is None  # one still open
    b = closed(desk, second, START + timedelta(days=40))
    assert kept_until([a, b], policy) == date(2029, 12, 12)  # 2026-12-12 + 36 months
    assert kept_until([a, b], Policy(retention_months=0)) is None
    assert contact_of(a) == contact_of(b) == f"{first}-C"


def test_erasure_decisions() -> None:
    desk = make_desk(MemoryStore())
    number = _assigned(desk)
    items = [desk.get(number)]
    at = datetime(2026, 11, 3, tzinfo=SHANGHAI)
    kwargs = {"district": "HM", "at": at, "by": DESK}
    with pytest.raises(LifecycleError, match="--force"):
        decide_erasure("C", items, rule=ErasureRule.REQUEST, reason="本人", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="reason"):
        decide_erasure("C", items, rule=ErasureRule.REQUEST, reason=" ", force=True, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        decide_erasure("C", items, rule=ErasureRule.REQUEST, reason="x", force=True,
                       district="HM", at=at, by=Actor.of_department(LEAD))  # fmt: skip
    with pytest.raises(ValidationError, match="没有该联系人"):
        decide_erasure("C", [], rule=ErasureRule.REQUEST, reason="x", **kwargs)  # type: ignore[arg-type]
    event = decide_erasure(
        "C", items, rule=ErasureRule.REQUEST, reason="本人", force=True, **kwargs
    )  # type: ignore[arg-type]
    assert event.forced and event.numbers == (number,) and event.stream == "@HM:privacy"
