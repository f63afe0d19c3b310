"""Duplicate flagging: same enterprise, open, recent, similar text."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore
from appeal_core.duplicates import (
    enterprise_key,
    possible_duplicates,
    same_enterprise,
    similarity,
)

DESK = Actor.desk()


def test_similarity_bounds_and_examples() -> None:
    assert similarity("厂区门口道路破损", "厂区门口道路破损。") == 1.0
    assert similarity("厂区门口道路破损", "急需招聘数控技工") == 0.0
    assert similarity("", "") == 0.0
    near = similarity("厂区门口道路破损，货车进出困难", "厂区门前道路破损严重，货车难以进出")
    assert 0.4 < near < 1


@given(st.text(max_size=40), st.text(max_size=40))
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0


def test_enterprises_match_by_folded_name_unless_their_codes_differ() -> None:
    coded = Enterprise(name="东方机械有限公司", credit_code="91350100M000100Y43")
    plain = Enterprise(name="东方机械（有限公司）")
    other = Enterprise(name="东方机械有限公司", credit_code="91110000802100433B")
    assert same_enterprise(coded, plain) and same_enterprise(plain, other)
    assert not same_enterprise(coded, other)
    a = Enterprise(name="南通海门东方机械有限公司")
    b = Enterprise(name="南通海门东方机械（有限公司）")
    c = Enterprise(name="南通海门东方机械股份有限公司")
    assert enterprise_key(a) == enterprise_key(b) == enterprise_key(c)


def test_flags_open_recent_similar_items_of_the_same_enterprise_only() -> None:
    desk = Desk(MemoryStore())
    firm, other = Enterprise(name="东方机械有限公司"), Enterprise(name="江海纺织有限公司")

    def register(enterprise: Enterprise, text: str, day: str) -> str:
        at = datetime.fromisoformat(day + "T09:00").replace(tzinfo=SHANGHAI)
        return desk.register(
            enterprise=enterprise, content=text, channel="app", at=at, by=DESK
        ).number

    same = register(firm, "厂区门口道路破损，货车进出困难", "2026-11-02")
    register(firm, "急需招聘数控技工30名", "2026-11-02")
    register(other, "厂区门口道路破损，货车进出困难", "2026-11-02")
    register(firm, "厂区门口道路破损，货车进出困难", "2026-09-01")  # outside the window
    found = possible_duplicates(
        firm, "厂区门前道路破损严重，货车难以进出", desk.store.states(), on=date(2026, 11, 5)
    )
    assert [c.number for c in found] == [same]
