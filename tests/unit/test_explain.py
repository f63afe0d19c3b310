"""Explain any number: the lines add up to the figure, and say why each item is there."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appeal_core import Actor, Desk, MemoryStore, Policy, ValidationError
from appeal_core.explain import FIGURES
from appeal_core.metrics import DISTRICT_TOTAL
from tests.unit.test_metrics import DESK, A, B, at, item

BUREAU = Actor.of_department(A)


def test_the_lines_say_why_with_the_dates() -> None:
    desk = Desk(MemoryStore())
    late = item(desk, "2026-11-05", A)  # Thursday: due 11-10, skipping the 11-07/08 weekend
    desk.reply(late, text="已办", at=at("2026-11-11"), by=BUREAU)
    on_time = item(desk, "2026-11-16", A)
    desk.reply(on_time, text="已办", at=at("2026-11-17"), by=BUREAU)
    open_ = item(desk, "2026-11-24", A)  # due 11-27, never answered
    x = desk.explain(2026, 11, A, "response_rate")
    assert (x.numerator, x.denominator, x.value) == (1, 3, 1 / 3)
    lines = {line.number: line for line in x.lines}
    first = lines[late]
    assert (first.numerator, first.denominator, first.counted) == (0, 1, True)
    assert (
        "第 3 个工作日为 2026-11-10" in first.reason
        and "2026-11-07至2026-11-08为周末" in first.reason
    )
    assert "首次答复 2026-11-11 → 逾期（晚1个工作日）" in first.reason
    assert first.events == (
        "2026-11-05 交办（区市场监督管理局）",
        "2026-11-11 答复（区市场监督管理局）",
    )
    assert "→ 按期" in lines[on_time].reason and lines[on_time].numerator == 1
    assert "未答复 → 逾期（截至 2026-11-30 已逾1个工作日）" in lines[open_].reason


def test_left_out_visits_are_listed_with_the_reason_but_not_counted() -> None:
    desk = Desk(MemoryStore(), policy=Policy(valid_visits_only=True))
    n = item(desk, "2026-11-02", A)
    desk.reply(n, text="已办", at=at("2026-11-03"), by=BUREAU)
    desk.follow_up(n, reached=False, at=at("2026-11-04"), by=DESK)
    desk.follow_up(n, satisfaction="basically_satisfied", resolved=True, at=at("2026-11-05"),
                   by=DESK)  # fmt: skip
    x = desk.explain(2026, 11, "区市场监督管理局", "satisfaction_rate")
    assert (x.numerator, x.denominator) == (1, 1)
    counted, left = sorted(x.lines, key=lambda line: not line.counted)
    assert "基本满意（计1）" in counted.reason and counted.events == ("2026-11-05 回访",)
    assert not left.counted and left.denominator == 0 and "无效回访" in left.reason


def test_unknown_figures_and_departments_are_refused() -> None:
    desk = Desk(MemoryStore())
    with pytest.raises(ValidationError, match="response_rate"):
        desk.explain(2026, 11, A, "speed")
    item(desk, "2026-11-02", A)
    with pytest.raises(ValidationError, match="是否是：区市场监督管理局"):
        desk.explain(2026, 11, "市场监督管理局", "stock")  # a typo, no registry: the month's names
    x = desk.explain(2026, 11, A, "completed_late")
    assert x.lines == () and x.numerator == 0 and x.denominator is None


@settings(max_examples=25, deadline=None)
@given(
    plan=st.lists(
        st.tuples(st.integers(1, 27), st.sampled_from([A, B]), st.integers(0, 6),
                  st.sampled_from(["satisfied", "basically_satisfied", "unsatisfied", "none"])),
        max_size=10,
    ),
    policy=st.builds(Policy, basically_satisfied_weight=st.sampled_from([1.0, 0.9]),
                     valid_visits_only=st.booleans(), revisit_final=st.booleans(),
                     extension_keeps_miss=st.booleans()),
)  # fmt: skip
def test_every_figure_equals_the_sum_of_its_lines(
    plan: list[tuple[int, str, int, str]], policy: Policy
) -> None:
    desk = Desk(MemoryStore(), policy=policy)
    for day, lead, delay, verdict in sorted(plan):
        n = item(desk, f"2026-11-{day:02d}", lead)
        replied = date(2026, 11, day).toordinal() + delay
        when = date.fromordinal(replied).isoformat()
        desk.reply(n, text="已办", at=at(when, 15), by=Actor.of_department(lead))
        if verdict != "none":
            desk.follow_up(n, satisfaction=verdict, resolved=verdict == "satisfied",
                           at=at(when, 16), by=DESK)  # fmt: skip
    for month in (11, 12):
        report = desk.report(2026, month)
        for d in (*report.departments, report.total):
            for figure, (_, top, bottom) in FIGURES.items():
                name = DISTRICT_TOTAL if d is report.total else d.department
                x = desk.explain(2026, month, name, figure)
                assert x.numerator == pytest.approx(getattr(d, top)), (name, figure)
                if bottom:
                    assert x.denominator == getattr(d, bottom), (name, figure)
                    assert x.value == pytest.approx(getattr(d, figure)) or x.value is None
