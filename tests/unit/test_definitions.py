"""The definitions (口径), hand-computed: one scenario per option, under the default and the option.

Each scenario builds a desk over a given store (a ``MemoryStore`` here; the SQL stores run the
same scenarios in tests/integration/test_figures_sql.py) and states what each month counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from appeal_core import Actor, Desk, MemoryStore, Policy, ValidationError
from appeal_core.definitions import MetricsRules, first_of, in_force, period
from appeal_core.ports import Store
from tests.unit.test_metrics import DESK, A, at, item

BUREAU = Actor.of_department(A)


def figures(desk: Desk, year: int, month: int) -> tuple[float, ...]:
    d = desk.report(year, month).department(A)
    return (d.visited, d.resolved, d.satisfied, d.completion_due, d.completed_on_time,
            d.completed_late, d.reply_due)  # fmt: skip


def unreached(store: Store, policy: Policy) -> Desk:
    """A visit that did not reach the enterprise, then one that did (satisfied, resolved)."""
    desk = Desk(store, policy=policy)
    n = item(desk, "2024-11-04", A)
    desk.reply(n, text="已办", at=at("2024-11-06"), by=BUREAU)
    desk.follow_up(n, reached=False, at=at("2024-11-08"), by=DESK)
    desk.follow_up(n, satisfaction="satisfied", resolved=True, at=at("2024-11-12"), by=DESK)
    return desk


def revisited(store: Store, policy: Policy) -> Desk:
    """Unsatisfied in October; re-handled; visited again in November (satisfied); and a second
    item with both visits in November."""
    desk = Desk(store, policy=policy)
    one = item(desk, "2024-10-21", A)
    desk.reply(one, text="已办", at=at("2024-10-23"), by=BUREAU)
    desk.follow_up(one, satisfaction="unsatisfied", resolved=False, at=at("2024-10-25"), by=DESK)
    desk.reopen(one, reason="企业不满意", at=at("2024-10-25", 11), by=DESK)
    desk.reply(one, text="再次办理", at=at("2024-11-01"), by=BUREAU)
    desk.follow_up(one, satisfaction="satisfied", resolved=True, at=at("2024-11-04"), by=DESK)
    two = item(desk, "2024-11-04", A)
    desk.reply(two, text="已办", at=at("2024-11-05"), by=BUREAU)
    desk.follow_up(two, satisfaction="unsatisfied", resolved=False, at=at("2024-11-06"), by=DESK)
    desk.reopen(two, reason="企业不满意", at=at("2024-11-06", 11), by=DESK)
    desk.reply(two, text="再次办理", at=at("2024-11-08"), by=BUREAU)
    desk.follow_up(two, satisfaction="satisfied", resolved=True, at=at("2024-11-11"), by=DESK)
    return desk


def three_levels(store: Store, policy: Policy) -> Desk:
    """满意, 基本满意, 基本满意."""
    desk = Desk(store, policy=policy)
    for level, day in (("satisfied", 11), ("basically_satisfied", 12), ("basically_satisfied", 13)):
        n = item(desk, "2024-11-04", A)
        desk.reply(n, text="已办", at=at("2024-11-05"), by=BUREAU)
        desk.follow_up(n, satisfaction=level, resolved=True, at=at(f"2024-11-{day}"), by=DESK)
    return desk


def late_finishes(store: Store, policy: Policy) -> Desk:
    """Due 10-28, finished 11-04; due 11-07, finished 11-11; due 11-07, finished on time."""
    desk = Desk(store, policy=policy)
    october = item(desk, "2024-10-23", A)  # due 10-28
    desk.reply(october, text="已办", at=at("2024-11-04"), by=BUREAU)
    late = item(desk, "2024-11-04", A)  # due 11-07
    desk.reply(late, text="已办", at=at("2024-11-11"), by=BUREAU)
    on_time = item(desk, "2024-11-04", A)
    desk.reply(on_time, text="已办", at=at("2024-11-06"), by=BUREAU)
    return desk


def extended(store: Store, policy: Policy) -> Desk:
    """Committed 11-20, extended on 11-25 (after it passed) to 12-10, finished 12-05; and one
    committed 11-20 extended on 11-15 (before it passed) to 12-10, finished 12-05."""
    desk = Desk(store, policy=policy)
    for extended_on in ("2024-11-25", "2024-11-15"):
        n = item(desk, "2024-11-04", A, complexity="complex")
        desk.reply(n, text="调查中", preliminary=True, committed_due=date(2024, 11, 20),
                   at=at("2024-11-06"), by=BUREAU)  # fmt: skip
        desk.extend(n, new_due=date(2024, 12, 10), reason="需检测", at=at(extended_on), by=DESK)
        desk.reply(n, text="已办", at=at("2024-12-05"), by=BUREAU)
    return desk


def shifted(store: Store, policy: Policy) -> Desk:
    """Items assigned on 10-28, 11-26 and 12-27 (counted by the period they fall in)."""
    desk = Desk(store, policy=policy)
    for day in ("2024-10-28", "2024-11-26", "2024-12-27"):
        item(desk, day, A)
    return desk


Scenario = Callable[[Store, Policy], Desk]
#: (scenario, option, [(year, month, counts by default, counts under the option)]), counts as
#: (visited, resolved, satisfied, completion_due, completed_on_time, completed_late, reply_due).
CASES: list[tuple[Scenario, dict[str, object], list[tuple[int, int, tuple, tuple]]]] = [
    (unreached, {"valid_visits_only": True},
     [(2024, 11, (2, 1, 1, 1, 1, 0, 1), (1, 1, 1, 1, 1, 0, 1))]),
    (revisited, {"revisit_final": True},
     # October: the first visit counts (the re-visit came later); one's re-handling was due
     # 10-30 and answered 11-01 (逾期办理 in November)
     [(2024, 10, (1, 0, 0, 2, 1, 0, 2), (1, 0, 0, 2, 1, 0, 2)),
      (2024, 11, (3, 2, 2, 2, 2, 1, 2), (2, 2, 2, 2, 2, 1, 2))]),
    (three_levels, {"basically_satisfied_weight": 0.9},
     [(2024, 11, (3, 3, 3, 3, 3, 0, 3), (3, 3, 1 + 0.9 * 2, 3, 3, 0, 3))]),
    (late_finishes, {"split_late": True},  # counted alike; the tables print 逾期办理
     [(2024, 10, (0, 0, 0, 1, 0, 0, 1), (0, 0, 0, 1, 0, 0, 1)),
      (2024, 11, (0, 0, 0, 2, 1, 2, 2), (0, 0, 0, 2, 1, 2, 2))]),
    (extended, {"extension_keeps_miss": True},
     [(2024, 11, (0, 0, 0, 0, 0, 0, 2), (0, 0, 0, 1, 0, 0, 2)),
      (2024, 12, (0, 0, 0, 2, 2, 0, 0), (0, 0, 0, 2, 2, 0, 0))]),
    # 2024-11 is 10-26..11-25 under the option: the 10-28 item (due 10-31) moves into it, the
    # 11-26 one (due 11-29) into 2024-12; the 12-27 one is due 2025-01-02 under either
    (shifted, {"period_start_day": 26},
     [(2024, 10, (0, 0, 0, 1, 0, 0, 1), (0, 0, 0, 0, 0, 0, 0)),
      (2024, 11, (0, 0, 0, 1, 0, 0, 1), (0, 0, 0, 1, 0, 0, 1)),
      (2024, 12, (0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 1, 0, 0, 1))]),
]  # fmt: skip


@pytest.mark.parametrize(("scenario", "option", "months"), CASES,
                         ids=[next(iter(o)) for _, o, _ in CASES])  # fmt: skip
def test_each_definition_by_hand(
    scenario: Scenario, option: dict[str, object], months: list[tuple[int, int, tuple, tuple]]
) -> None:
    plain = scenario(MemoryStore(), Policy())
    varied = scenario(MemoryStore(), Policy(**option))  # type: ignore[arg-type]
    for year, month, default, under in months:
        assert figures(plain, year, month) == pytest.approx(default), (year, month)
        assert figures(varied, year, month) == pytest.approx(under), (year, month, option)
        assert varied.report(year, month).metrics_rules == Policy(**option).metrics_rules  # type: ignore[arg-type]


def test_the_options_are_printed_with_every_report() -> None:
    rules = MetricsRules(basically_satisfied_weight=0.9, valid_visits_only=True,
                         revisit_final=True, split_late=True, extension_keeps_miss=True,
                         period_start_day=26)  # fmt: skip
    text = rules.describe()
    for phrase in ("上月26日至本月25日", "基本满意计0.9", "无效回访（未联系上企业）不计入",
                   "以再次回访为准", "逾期办理与逾期未办分列", "不消除原期限的逾期"):  # fmt: skip
        assert phrase in text
    assert "自然月" in MetricsRules().describe()


def test_a_period_change_neither_counts_a_day_twice_nor_skips_one() -> None:
    old, new = MetricsRules(), MetricsRules(period_start_day=26)
    assert period(old, old, 2024, 11) == (date(2024, 11, 1), date(2024, 11, 30))
    assert period(old, new, 2024, 12) == (date(2024, 12, 1), date(2024, 12, 25))  # shorter
    assert period(new, new, 2025, 1) == (date(2024, 12, 26), date(2025, 1, 25))
    assert period(new, old, 2025, 2) == (date(2025, 1, 26), date(2025, 2, 28))  # longer


def test_amendments_are_dated_and_months_before_keep_their_rules() -> None:
    desk = shifted(MemoryStore(), Policy())
    desk.amend_rules(MetricsRules(period_start_day=26), effective="2024-12", at=at("2024-11-20"),
                     by=DESK, reason="市考核办通知：考核期改为上月26日至本月25日")  # fmt: skip
    assert desk.rules_for(2024, 11) == MetricsRules()
    assert desk.rules_for(2024, 12).period_start_day == 26
    november, december = desk.report(2024, 11), desk.report(2024, 12)
    assert (november.first, november.last) == (date(2024, 11, 1), date(2024, 11, 30))
    assert (december.first, december.last) == (date(2024, 12, 1), date(2024, 12, 25))
    assert november.department(A).assigned == 1 and december.department(A).assigned == 0
    assert desk.report(2025, 1).department(A).assigned == 1  # 12-27 falls in 2025-01
    assert [a.reason[:6] for a in desk.rule_amendments()] == ["市考核办通知"]
    with pytest.raises(ValidationError, match="理由"):
        desk.amend_rules(MetricsRules(), effective="2025-01", at=at("2024-11-20"), by=DESK,
                         reason=" ")  # fmt: skip
    with pytest.raises(ValidationError, match="1日"):
        first_of(date(2025, 1, 15))


def test_the_latest_amendment_effective_by_a_month_wins() -> None:
    a, b = MetricsRules(split_late=True), MetricsRules(valid_visits_only=True)
    dated = [(date(2025, 1, 1), a), (date(2024, 7, 1), b)]
    assert in_force(dated, MetricsRules(), 2024, 6) == MetricsRules()
    assert in_force(dated, MetricsRules(), 2024, 12) == b
    assert in_force(dated, MetricsRules(), 2025, 3) == a


def test_bad_definition_values_name_the_field() -> None:
    with pytest.raises(ValidationError, match="period_start_day"):
        Policy(period_start_day=30)
    with pytest.raises(ValidationError, match="valid_visits_only"):
        Policy(valid_visits_only="yes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="annual_score"):
        Policy(annual_score="median")


def test_an_unreached_visit_records_no_verdict_and_asks_for_another() -> None:
    desk = Desk(MemoryStore())
    n = item(desk, "2024-11-04", A)
    desk.reply(n, text="已办", at=at("2024-11-06"), by=BUREAU)
    with pytest.raises(ValidationError, match="未联系上企业"):
        desk.follow_up(n, reached=False, satisfaction="satisfied", at=at("2024-11-08"), by=DESK)
    with pytest.raises(ValidationError, match="满意"):
        desk.follow_up(n, at=at("2024-11-08"), by=DESK)  # a reached visit needs its verdict
    state = desk.follow_up(n, reached=False, at=at("2024-11-08"), by=DESK)
    assert state.last_follow_up is not None and not state.last_follow_up.reached
    from appeal_core.sweep import sweep

    (action,) = [a for a in sweep([state], on=date(2024, 11, 8), calendar=desk.calendar,
                                  policy=desk.policy) if a.kind.value == "rehandle"]  # fmt: skip
    assert "未联系上企业" in action.message and "再次回访" in action.message
