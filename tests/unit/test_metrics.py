"""Monthly figures, hand-computed: every count, empty months, reassignment, extension, cut-off."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from appeal_core import SHANGHAI, Actor, Channel, Desk, Enterprise, MemoryStore, Policy
from appeal_core.metrics import COUNTS, DepartmentFigures, monthly_report

DESK = Actor.desk()
A, B = "区市场监督管理局", "区人力资源和社会保障局"
ACME = Enterprise(name="海门某某机械有限公司")


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def item(desk: Desk, day: str, lead: str, complexity: str = "routine", channel: str = "app") -> str:
    n = desk.register(
        enterprise=ACME, content="问题", channel=channel, at=at(day, 8), by=DESK
    ).number
    desk.verify(n, at=at(day, 8), by=DESK)
    desk.classify(n, category="其他", complexity=complexity, at=at(day, 8), by=DESK)
    desk.assign(n, lead=lead, at=at(day, 9), by=DESK)
    return n


def november() -> Desk:
    desk = Desk(MemoryStore())
    a = Actor.of_department(A)
    one = item(desk, "2024-11-04", A)  # due 11-07
    desk.reply(one, text="已办", at=at("2024-11-06"), by=a)  # on time
    desk.follow_up(one, satisfaction="satisfied", resolved=True, at=at("2024-11-08"), by=DESK)
    desk.close(one, at=at("2024-11-08", 11), by=DESK)
    two = item(desk, "2024-11-25", A, channel="hotline")  # due 11-28, never answered in November
    three = item(desk, "2024-11-04", A)  # reassigned to B before its deadline
    desk.reassign(three, lead=B, reason="职责调整", at=at("2024-11-05"), by=DESK)  # B due 11-08
    desk.reply(three, text="已办", at=at("2024-11-11"), by=Actor.of_department(B))  # late
    desk.follow_up(three, satisfaction="unsatisfied", resolved=False, at=at("2024-11-12"), by=DESK)
    four = item(desk, "2024-11-04", A, complexity="complex")  # preliminary due 11-07
    desk.reply(
        four,
        text="调查中",
        preliminary=True,
        committed_due=date(2024, 11, 20),
        at=at("2024-11-07"),
        by=a,
    )
    desk.extend(four, new_due=date(2024, 12, 10), reason="需检测", at=at("2024-11-15"), by=DESK)
    assert two
    return desk


def test_hand_computed_november() -> None:
    # A: assigned one, two, three, four (three moved to B on 11-05, before its deadline, so its
    # deadlines do not count for A); reply due: one (on time), two (unanswered), four (on time);
    # completion due: one (on time), two (unanswered); four's was extended into December.
    report = november().report(2024, 11)
    figures = {d.department: d for d in report.departments}
    assert figures[A] == DepartmentFigures(
        department=A, assigned=4, reply_due=3, replied_on_time=2, completion_due=2,
        completed_on_time=1, visited=1, resolved=1, satisfied=1, overdue_open=1, stock=2,
    )  # fmt: skip
    assert figures[B] == DepartmentFigures(
        department=B, assigned=1, reply_due=1, replied_on_time=0, completion_due=1,
        completed_on_time=0, visited=1, resolved=0, satisfied=0, overdue_open=0, stock=1,
        completed_late=1,  # three: replied on 11-11, after its 11-08 deadline (逾期办理)
    )  # fmt: skip
    assert figures[A].response_rate == 2 / 3 and figures[B].response_rate == 0
    assert figures[A].completion_rate == 1 and figures[B].satisfaction_rate == 0
    assert report.total.reply_due == 4 and report.total.department == "全区合计"
    assert report.total.response_rate == 2 / 4  # from the counts, not an average of rates
    assert [d.department for d in report.ranking()] == [A, B]
    app = next(c for c in report.channels if c.channel is Channel.APP)
    assert (app.received, app.assigned_or_answered, app.answered) == (3, 3, 3)
    hotline = next(c for c in report.channels if c.channel is Channel.HOTLINE)
    assert (hotline.received, hotline.assigned_or_answered, hotline.answered) == (1, 1, 0)


def test_empty_month_has_no_rates_not_zero() -> None:
    report = november().report(2024, 10)
    assert report.departments == () and report.total.response_rate is None
    assert report.total.score(report.weights) is None


def test_extension_moves_completion_into_the_next_month_and_figures_are_reproducible() -> None:
    desk = november()
    before = desk.report(2024, 11)
    number = desk.store.numbers()[1]
    desk.reply(number, text="补办", at=at("2024-12-02"), by=Actor.of_department(A))
    assert desk.report(2024, 11) == before  # later events never change a closed month
    december = {d.department: d for d in desk.report(2024, 12).departments}
    assert december[A].completion_due == 1  # the extended item, due 2024-12-10
    assert december[A].completed_on_time == 0


def test_three_level_satisfaction_uses_the_policy_weight() -> None:
    desk = Desk(MemoryStore(), policy=Policy(basically_satisfied_weight=0.5))
    n = item(desk, "2024-11-04", A)
    desk.reply(n, text="已办", at=at("2024-11-05"), by=Actor.of_department(A))
    desk.follow_up(
        n, satisfaction="basically_satisfied", resolved=True, at=at("2024-11-06"), by=DESK
    )
    (fig,) = desk.report(2024, 11).departments
    assert fig.satisfied == 0.5 and fig.satisfaction_rate == 0.5


def test_score_uses_the_weights_and_skips_missing_rates() -> None:
    fig = DepartmentFigures(department=A, reply_due=2, replied_on_time=1, visited=0)
    assert fig.score((0.1, 0.5, 0.4)) == 0.5  # only the response rate has a value
    fig = DepartmentFigures(
        department=A, reply_due=2, replied_on_time=2, visited=2, resolved=1, satisfied=2
    )
    assert abs(fig.score((0.1, 0.5, 0.4)) - (0.1 * 1 + 0.5 * 0.5 + 0.4 * 1)) < 1e-12  # type: ignore[operator]


@settings(max_examples=30)
@given(st.lists(st.tuples(st.integers(1, 28), st.sampled_from([A, B]), st.booleans()), max_size=12))
def test_district_total_is_the_sum_of_department_counts(plan: list[tuple[int, str, bool]]) -> None:
    desk = Desk(MemoryStore())
    for day, lead, answer in sorted(plan):
        n = item(desk, f"2024-11-{day:02d}", lead)
        if answer:
            desk.reply(
                n, text="已办", at=at(f"2024-11-{day:02d}", 15), by=Actor.of_department(lead)
            )
    histories = [desk.history(n) for n in desk.store.numbers()]
    report = monthly_report(histories, year=2024, month=11, policy=Policy())
    for key in COUNTS:
        assert getattr(report.total, key) == sum(getattr(d, key) for d in report.departments)
