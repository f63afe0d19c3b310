"""The annual assessment: the year from the months' counts, its score by rule, rank and lists."""

from __future__ import annotations

import pytest

from appeal_core import Actor, Desk, MemoryStore, Policy
from tests.unit.test_metrics import DESK, A, B, at, item


def year(policy: Policy) -> Desk:
    """A: January 1 of 1 answered on time, February 0 of 3; B: 2 of 3 in each month."""
    desk = Desk(MemoryStore(), policy=policy)
    plan = {A: {"2024-01": [True], "2024-02": [False, False, False]},
            B: {"2024-01": [True, True, False], "2024-02": [True, True, False]}}  # fmt: skip
    for lead, months in plan.items():
        for month, answers in months.items():
            for k, answered in enumerate(answers):
                n = item(desk, f"{month}-{8 + k:02d}", lead)
                if answered:
                    desk.reply(n, text="已办", at=at(f"{month}-{8 + k:02d}", 15),
                               by=Actor.of_department(lead))  # fmt: skip
    return desk


def test_the_year_sums_the_months_counts_not_their_rates() -> None:
    a = year(Policy(min_ranked_items=1, red_black_size=1)).annual(2024)
    lines = {line.department: line for line in a.lines}
    assert (lines[A].figures.reply_due, lines[A].figures.replied_on_time) == (4, 1)
    assert lines[A].figures.response_rate == 0.25  # not (100% + 0%) / 2
    assert lines[A].score == pytest.approx(0.25) and lines[B].score == pytest.approx(4 / 6)
    assert [(line.department, line.rank) for line in a.lines] == [(B, 1), (A, 2)]
    assert lines[A].red == (1,) and lines[A].black == (2,)  # January top, February bottom
    assert lines[B].red == (2,) and lines[B].black == (1,)
    assert str(lines[A].monthly[0]) == "100.0" and lines[A].monthly[2] is None
    assert a.total.reply_due == 10 and a.provisional == tuple(range(1, 13))


def test_the_mean_rule_averages_the_months_scores() -> None:
    a = year(Policy(min_ranked_items=1, annual_score="mean")).annual(2024)
    lines = {line.department: line for line in a.lines}
    assert lines[A].score == pytest.approx(0.5)  # (100% + 0%) / 2: months with a score only
    assert a.rule == "mean"


def test_sealed_months_count_as_sealed() -> None:
    desk = year(Policy(min_ranked_items=1))
    desk.close_month(2024, 1, at=at("2024-02-02"), by=DESK)
    assert desk.annual(2024).sealed == (1,)
