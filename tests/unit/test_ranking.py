"""The ranking rules: who is ranked, ties on the published score, the red and black lists."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appeal_core import Policy, ValidationError
from appeal_core.metrics import DepartmentFigures, report_from_counts
from appeal_core.ranking import RankingRules, points, standings

W = (0.1, 0.5, 0.4)


def dept(name: str, replied: int, due: int, resolved: int, visited: int) -> DepartmentFigures:
    return DepartmentFigures(
        department=name, reply_due=due, replied_on_time=replied, visited=visited,
        resolved=resolved, satisfied=resolved,
    )  # fmt: skip


def test_published_score_rounds_half_up_and_ignores_binary_noise() -> None:
    assert points(0.8125) == Decimal("81.3")  # half up, not half even (81.2)
    assert points(0.8124999) == Decimal("81.2")
    assert points(1.0) == Decimal("100.0") and points(None) is None
    assert points(0.1 + 0.2 - 0.3) == Decimal("0.0")


def test_ties_on_the_printed_score_follow_the_configured_order_then_the_name() -> None:
    # 0.86667 and 0.86671 both print 86.7: the configured order decides, not the hidden digits.
    a = dept("乙局", 13, 15, 13, 15)  # 0.1*13/15 + 0.9*13/15 = 0.86667
    b = DepartmentFigures(department="甲局", reply_due=15, replied_on_time=13, visited=15,
                          resolved=13, satisfied=13.001)  # fmt: skip
    assert points(a.score(W)) == points(b.score(W)) == Decimal("86.7")
    assert b.score(W) > a.score(W)  # type: ignore[operator]
    by_name = standings([b, a], W, RankingRules())
    assert [p.figures.department for p in by_name.ranked] == ["乙局", "甲局"]  # name order
    ordered = standings([a, b], W, RankingRules(order=("甲局", "乙局")))
    assert [(p.rank, p.figures.department) for p in ordered.ranked] == [(1, "甲局"), (2, "乙局")]


def test_who_is_ranked_and_the_lists() -> None:
    ds = [
        dept("满分小局", 1, 1, 1, 1),  # 100 but one item: too few
        dept("无分局", 0, 0, 0, 0),  # nothing due, nobody visited: no score
        dept("零分局", 0, 5, 0, 5),  # ranked, score 0
        dept("甲局", 5, 5, 5, 5),
        dept("乙局", 4, 5, 4, 5),
        dept("丙局", 3, 5, 3, 5),
        dept("丁局", 2, 5, 2, 5),
    ]
    s = standings(ds, W, RankingRules(min_items=3, list_size=3))
    assert [p.figures.department for p in s.ranked] == ["甲局", "乙局", "丙局", "丁局", "零分局"]
    assert [d.department for d in s.too_few] == ["满分小局"]
    assert [d.department for d in s.unscored] == ["无分局"]
    assert [p.figures.department for p in s.black] == ["零分局", "丁局"]  # at most half
    assert [p.figures.department for p in s.red] == ["甲局", "乙局", "丙局"]
    assert not {p.figures.department for p in s.red} & {p.figures.department for p in s.black}
    assert [d.department for d in s.order()][-2:] == ["满分小局", "无分局"]


def test_a_zero_is_never_red_and_a_tie_with_red_is_never_black() -> None:
    zeros = standings([dept("甲局", 0, 5, 0, 5), dept("乙局", 0, 5, 0, 5)], W, RankingRules())
    assert zeros.red == () and [p.figures.department for p in zeros.black] == ["甲局"]
    same = standings([dept("甲局", 5, 5, 5, 5), dept("乙局", 5, 5, 5, 5)], W, RankingRules())
    assert [p.figures.department for p in same.red] == ["乙局"] and same.black == ()


def test_the_policy_sets_the_rules_of_the_report() -> None:
    policy = Policy(min_ranked_items=1, department_order=("乙局", "甲局"), red_black_size=1)
    counts = {"甲局": {"reply_due": 1, "replied_on_time": 1}, "乙局": {"reply_due": 1,
              "replied_on_time": 1}}  # fmt: skip
    report = report_from_counts(counts, {}, year=2024, month=11, policy=policy)
    assert [d.department for d in report.ranking()] == ["乙局", "甲局"]
    assert [p.figures.department for p in report.standings().red] == ["乙局"]
    with pytest.raises(ValidationError, match="department_order"):
        Policy(department_order="甲局")  # type: ignore[arg-type]


def test_one_perfect_item_does_not_top_forty_good_ones() -> None:
    one = dept("甲局", 1, 1, 1, 1)  # 100% on one item
    forty = dept("乙局", 36, 40, 36, 40)  # 90% on forty
    s = standings([one, forty], W, RankingRules(min_items=3))
    assert [p.figures.department for p in s.ranked] == ["乙局"]
    assert [d.department for d in s.too_few] == ["甲局"]
    assert [p.figures.department for p in s.red] == [] or s.red[0].figures.department == "乙局"


def test_the_on_time_completion_rate_can_take_a_weight() -> None:
    d = DepartmentFigures(department="甲局", reply_due=4, replied_on_time=4, visited=4,
                          resolved=4, satisfied=4, completion_due=4, completed_on_time=2)  # fmt: skip
    assert d.score(W) == 1.0  # the default weights leave it out
    assert d.score((0.1, 0.5, 0.4, 0.5)) == pytest.approx((1.0 + 0.5 * 0.5) / 1.5)
    assert Policy(score_weights=(0.1, 0.4, 0.3, 0.2)).score_weights[3] == 0.2
    with pytest.raises(ValidationError, match="按时办结率"):
        Policy(score_weights=(0.1, 0.4))


def test_no_score_or_zero_is_never_on_the_red_list() -> None:
    zero = dept("甲局", 0, 5, 0, 5)
    s = standings([zero, DepartmentFigures(department="乙局")], W, RankingRules(list_size=3))
    assert s.red == () and [d.department for d in s.unscored] == ["乙局"]
