"""Duplicate flagging: same enterprise, open, recent, similar text."""

from __future__ import annotations

import random
from datetime import date, datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore
from appeal_core.duplicates import (
    SKETCH_FROM,
    Candidate,
    Signature,
    enterprise_key,
    flag,
    link,
    names_related,
    phone_key,
    possible_duplicates,
    same_enterprise,
    signature,
)
from appeal_core.similarity import dice, grams, similarity

DESK = Actor.desk()
WIDE = "".join(chr(0x4E00 + k) for k in range(300))  # 299 distinct bigrams


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


def test_phone_keys_ignore_area_codes_separators_and_extensions() -> None:
    assert phone_key("0513-82111701") == phone_key("82111701") == "82111701"
    assert phone_key("0513-82111701转123") == phone_key("(0513) 8211 1701") == "82111701"
    assert phone_key("+86 138 1234 5678") == phone_key("13812345678") == "13812345678"
    assert phone_key("010-12345678") == "12345678" and phone_key("4008001234") == "4008001234"
    assert phone_key("") == phone_key("12345") == ""


def test_grams_are_the_distinct_bigrams_of_the_folded_text() -> None:
    assert len(grams("厂区门口道路破损。")) // 4 == 7
    assert grams("ＡＢ，ａｂ") == grams("abab") and len(grams("abab")) // 4 == 2
    assert grams("") == b"" and len(grams("路")) == 4
    assert similarity("路", "路") == 1.0 and similarity("路", "路面") == 0.0


@pytest.mark.parametrize(
    ("a", "b", "related"),
    [
        ("南通恒丰机械有限公司", "恒丰机械厂", True),
        ("南通恒丰机械有限公司", "恒丰公司", True),
        ("南通恒丰机械有限公司", "海门恒丰机械科技有限公司", True),
        ("南通恒丰机械有限公司", "华盛机械有限公司", False),
        ("南通恒丰机械有限公司", "江海纺织有限公司", False),
    ],
)
def test_names_are_related_when_one_holds_the_other_or_they_share_the_brand(
    a: str, b: str, related: bool
) -> None:
    key = enterprise_key
    assert names_related(key(Enterprise(name=a)), key(Enterprise(name=b))) is related


def test_links_by_code_then_name_then_phone_with_related_names() -> None:
    def sig(name: str, code: str = "", phone: str = "") -> Signature:
        return signature(Enterprise(name=name, credit_code=code, phone=phone), "")

    app = sig("南通恒丰机械有限公司", "91320684MA1MFW2X1Y", "13812345678")
    assert link(app, sig("恒丰公司", "91320684MA1MFW2X1Y")) == "code"
    assert link(app, sig("南通恒丰机械有限公司", "91110000802100433B")) is None
    assert link(app, sig("南通恒丰机械（有限公司）")) == "name"
    assert link(app, sig("恒丰机械厂", phone="138-1234-5678")) == "phone"
    assert link(app, sig("华盛纺织有限公司", phone="13812345678")) is None  # an agent's phone
    assert link(app, sig("恒丰机械厂", phone="13812345678"), ignore_phones={"13812345678"}) is None


def test_the_check_compares_only_candidates_that_can_reach_the_threshold() -> None:
    mine = signature(Enterprise(name="甲公司"), "厂区门口道路破损，货车进出困难")
    near = Candidate(number="HM-2026-0002", year=2026, seq=2, registered_on=date(2026, 11, 2),
                     signature=signature(Enterprise(name="甲公司"), "厂区门前道路破损严重"))  # fmt: skip
    long = Candidate(number="HM-2026-0001", year=2026, seq=1, registered_on=date(2026, 11, 2),
                     signature=signature(Enterprise(name="甲公司"), "厂区门口道路破损" + WIDE))  # fmt: skip
    found = flag(mine, [long, near], on=date(2026, 11, 3), threshold=0.3)
    assert [c.number for c in found] == ["HM-2026-0002"]
    assert found[0].score == round(dice(mine.grams, near.signature.grams), 4)


@given(st.lists(st.text(alphabet=[chr(0x4E00 + k) for k in range(40)], min_size=80,
                        max_size=400), min_size=1, max_size=20))  # fmt: skip
def test_the_sketch_never_rules_out_a_pair_that_reaches_the_threshold(texts: list[str]) -> None:
    """Against many candidates (the sketch on) the flags are those of counting every pair."""
    firm = Enterprise(name="甲公司")
    pool = [Candidate(number=f"HM-2026-{k:04d}", year=2026, seq=k, registered_on=date(2026, 11, 2),
                      signature=signature(firm, text)) for k, text in enumerate(texts, 1)]  # fmt: skip
    padded = pool + [pool[0]] * SKETCH_FROM  # as many as switch the sketch on
    for text in texts[:3]:  # the same candidate objects meet several rows (their views kept)
        mine = signature(firm, text)
        for threshold in (0.1, 0.2, 0.3, 0.5):
            exact = {c.number for c in pool if dice(mine.grams, c.signature.grams) >= threshold}
            found = flag(mine, padded, on=date(2026, 11, 3), threshold=threshold)
            assert {c.number for c in found} == exact
            few = flag(mine, pool[: SKETCH_FROM - 1], on=date(2026, 11, 3), threshold=threshold)
            assert {c.number for c in few} == exact & {c.number for c in pool[: SKETCH_FROM - 1]}


def test_a_candidate_compared_keeps_its_value() -> None:
    """What ``flag`` keeps on a candidate is no part of its value: equal, same hash and repr."""
    firm = Enterprise(name="甲公司")

    def made() -> Candidate:
        return Candidate(number="HM-2026-0001", year=2026, seq=1, registered_on=date(2026, 11, 2),
                         signature=signature(firm, "厂区门前道路破损严重"))  # fmt: skip

    used, fresh = made(), made()
    flag(signature(firm, "厂区门口道路破损"), [used] * SKETCH_FROM, on=date(2026, 11, 3))
    assert used == fresh and hash(used) == hash(fresh) and repr(used) == repr(fresh)
    moved = attrs.evolve(used, registered_on=date(2026, 9, 1))  # out of the window now
    assert flag(signature(firm, "厂区门口道路破损"), [moved], on=date(2026, 11, 3)) == ()


def test_the_sketch_bound_counts_codes_that_share_a_bit() -> None:
    """400 characters of a 40-character alphabet: 358 distinct pairs on 63 sketch bits. The
    text must still find itself among many candidates (a bound of shared bits alone fails)."""
    rng = random.Random(1)
    text = "".join(chr(0x4E00 + rng.randrange(40)) for _ in range(400))
    firm = Enterprise(name="甲公司")
    same = Candidate(number="HM-2026-0001", year=2026, seq=1, registered_on=date(2026, 11, 2),
                     signature=signature(firm, text))  # fmt: skip
    found = flag(signature(firm, text), [same] * SKETCH_FROM, on=date(2026, 11, 3), threshold=0.3)
    assert len(found) == SKETCH_FROM and {c.score for c in found} == {1.0}
