"""The year boundary: notices kept in the store, a sweep that never stops, re-dating on load.

Built-in holiday data ends on 2026-12-31 (chinesecalendar 1.11.0); these tests play the last
days of December and the first of January on a store with no 2027 notice, then load one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appeal_core import (
    SHANGHAI,
    ActionKind,
    Actor,
    Desk,
    Enterprise,
    MemoryStore,
    ValidationError,
    china_calendar,
)
from appeal_core.calendar import HolidayPeriod, YearNotice
from appeal_core.deadlines import co_report_deadline, reply_deadline
from appeal_core.events import Redated
from appeal_core.redating import provisional_deadlines
from appeal_core.testing.strategies import example_notice, year_notices

CLERK = Actor.desk("小王")
BUREAU = "区市场监督管理局"
CO_HANDLER = "区发展和改革委员会"
FIRM = Enterprise(name="海门某机械有限公司")


def at(day: str | date, hour: int = 10) -> datetime:
    day = day if isinstance(day, date) else date.fromisoformat(day)
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def assigned(
    desk: Desk, day: str | date, complexity: str = "routine", co: tuple[str, ...] = ()
) -> str:
    item = desk.register(
        enterprise=FIRM, content=f"问题 {day}", channel="app", at=at(day), by=CLERK
    )
    desk.verify(item.number, at=at(day), by=CLERK)
    desk.classify(item.number, category="物流", complexity=complexity, at=at(day), by=CLERK)
    return desk.assign(item.number, lead=BUREAU, co=co, at=at(day, 11), by=CLERK).number


NOTICE_2027 = example_notice(2027)  # made-up test data, not the real 2027 arrangement


def year_end_desk(**options: object) -> tuple[Desk, list[str]]:
    """A desk with items assigned from 22 to 30 December 2026 (deadlines up to 2027-01-04)."""
    desk = Desk(MemoryStore(), **options)  # type: ignore[arg-type]
    days = ("2026-12-22", "2026-12-24", "2026-12-28", "2026-12-29", "2026-12-30")
    return desk, [assigned(desk, d) for d in days]


def test_the_sweep_of_new_years_eve_works_for_every_item_without_a_2027_notice() -> None:
    desk, numbers = year_end_desk()
    actions = desk.sweep(date(2026, 12, 31), at=at("2026-12-31", 8), by=CLERK)
    kinds = {(a.number, a.kind) for a in actions}
    assert (numbers[0], ActionKind.SUPERVISE) in kinds  # due 12-25: overdue whatever 2027 holds
    assert (numbers[1], ActionKind.SUPERVISE) in kinds  # due 12-29
    assert (numbers[2], ActionKind.REMIND) in kinds  # due today
    assert (numbers[3], ActionKind.REMIND) in kinds  # due 2027-01-01 (provisional)
    overdue = next(a for a in actions if a.number == numbers[0])
    assert overdue.workdays_overdue == 4 and not overdue.provisional  # counted in 2026 only
    (notice,) = [a for a in actions if a.kind is ActionKind.CALENDAR]
    assert notice.number == "" and notice.target == "区服务企业办"
    assert "缺少 2027 年的节假日安排" in notice.message and "appeal calendar load" in notice.message
    assert set(notice.numbers) == set(numbers[2:])  # the items whose counting needs 2027
    assert desk.sweep(date(2026, 12, 31), at=at("2026-12-31", 9), by=CLERK) == ()


def test_the_sweep_degrades_per_item_under_a_calendar_that_refuses() -> None:
    desk, numbers = year_end_desk()
    desk.calendar = china_calendar()  # outside="raise": every count into 2027 raises
    for day in ("2026-12-31", "2027-01-04", "2027-01-05"):
        actions = desk.sweep(date.fromisoformat(day), at=at(day, 8), by=CLERK)
        assert any(a.kind is ActionKind.CALENDAR for a in actions), day
    history = desk.history(numbers[0])
    assert [e.key for e in history if hasattr(e, "key")] == [
        "supervise:reply:2026-12-25",
        "supervise2:reply:2026-12-25",
    ]
    late = [a for a in desk.store.events(numbers[0]) if getattr(a, "kind", "") == "supervise"]
    assert "逾期 4 个工作日" in late[0].message  # type: ignore[attr-defined]


def test_january_counts_are_marked_provisional_until_the_notice_is_loaded() -> None:
    desk, numbers = year_end_desk()
    actions = desk.sweep(date(2027, 1, 5), at=at("2027-01-05", 8), by=CLERK)
    supervise = {a.number: a for a in actions if a.kind is ActionKind.SUPERVISE}
    assert supervise[numbers[3]].provisional
    assert "2027 年节假日安排未载入" in supervise[numbers[3]].message
    assert "该期限为暂定" in supervise[numbers[3]].message


def test_a_date_a_person_gives_is_never_provisional() -> None:
    desk = Desk(MemoryStore())
    number = assigned(desk, "2026-12-21", complexity="complex")
    item = desk.reply(
        number,
        text="正在调查",
        preliminary=True,
        committed_due=date(2027, 1, 20),
        at=at("2026-12-22"),
        by=Actor.of_department(BUREAU),
    )
    assert item.completion_due is not None and not item.completion_due.provisional
    assert "暂" not in item.completion_due.explanation and str(item.completion_due) == "2027-01-20"
    item = desk.extend(
        number, new_due=date(2027, 2, 26), reason="需检测", at=at("2026-12-23"), by=CLERK
    )
    assert item.completion_due is not None and not item.completion_due.provisional
    assert item.reply_due is not None and not item.reply_due.provisional  # 12-24, counted in 2026


def test_a_notice_loaded_through_one_desk_is_in_force_for_every_desk_on_the_store() -> None:
    store = MemoryStore()
    one, other = Desk(store), Desk(store)
    assert other.calendar.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 1)  # a guess
    one.load_notice(NOTICE_2027, at=at("2026-12-01"), by=CLERK, source="2027.toml")
    assert other.calendar.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert not other.calendar.is_provisional(date(2026, 12, 31), date(2027, 1, 4))
    (loaded,) = other.notices()
    assert (loaded.by, loaded.source, loaded.notice.document_number) == (
        CLERK,
        "2027.toml",
        "国办发明电〔2026〕9号",
    )
    with pytest.raises(Exception, match="区服务企业办可以办理"):
        one.load_notice(NOTICE_2027, at=at("2026-12-02"), by=Actor.of_department(BUREAU))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "【示例模板，非真实通知】国务院办公厅关于2027年部分节假日安排的通知"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "国务院办公厅关于2028年部分节假日安排的通知"}, "title"),
        ({"document_number": ""}, "document_number"),
        ({"document_number": "国办发明电〔2020〕9号"}, "document_number"),
        (
            {"holidays": (HolidayPeriod("春节", date(2026, 12, 31), date(2027, 1, 2)),)},
            "holidays[0].first",
        ),
        ({"holidays": NOTICE_2027.holidays[:3]}, "holidays"),
    ],
)
def test_what_is_plainly_not_a_notice_is_refused_unless_forced_with_a_reason(
    change: dict[str, object], field: str
) -> None:
    import attrs

    desk = Desk(MemoryStore())
    notice = attrs.evolve(NOTICE_2027, **change)
    with pytest.raises(ValidationError) as refused:
        desk.load_notice(notice, at=at("2026-12-01"), by=CLERK)
    assert refused.value.field == field and "--force" in str(refused.value)
    with pytest.raises(ValidationError, match="必须说明原因"):
        desk.load_notice(notice, at=at("2026-12-01"), by=CLERK, force=True)
    assert desk.notices() == ()
    desk.load_notice(notice, at=at("2026-12-01"), by=CLERK, force=True, reason="县里临时安排")
    (loaded,) = desk.notices()
    assert loaded.provisional and loaded.reason == "县里临时安排"


def test_makeup_days_that_are_not_weekends_are_refused_even_when_forced() -> None:
    with pytest.raises(ValidationError, match="调休上班日应为周六或周日"):
        YearNotice(2027, NOTICE_2027.holidays, (date(2027, 2, 22),))


def test_a_forced_local_arrangement_keeps_deadlines_provisional() -> None:
    desk, numbers = year_end_desk()
    import attrs

    local = attrs.evolve(NOTICE_2027, document_number="")
    desk.load_notice(local, at=at("2026-12-30", 18), by=CLERK, force=True, reason="县里临时安排")
    moved = {m.number: m for m in desk.calendar_impact()}
    assert moved[numbers[3]].new.due == date(2027, 1, 4) and moved[numbers[3]].new.provisional
    assert "本地临时" in moved[numbers[3]].new.explanation


def test_loading_reports_the_impact_and_the_desk_re_dates_per_item() -> None:
    desk, numbers = year_end_desk()
    before = {n: desk.get(n).reply_due for n in numbers}
    assert [s.number for s in desk.provisional()] == numbers[3:]
    moved = desk.load_notice(NOTICE_2027, at=at("2026-12-30", 17), by=CLERK)
    # nothing is rewritten by loading: the report lists, the items keep their deadlines
    assert {n: desk.get(n).reply_due for n in numbers} == before
    rows = {(m.number, m.field): m for m in moved}
    assert set(rows) == {(n, f) for n in numbers[3:] for f in ("reply_due", "completion_due")}
    first = rows[(numbers[3], "reply_due")]
    # assigned 12-29: 12-30 and 12-31 count, 1-1 to 1-3 are 元旦, so the 3rd is 1-4 (not 1-1)
    assert (first.old.due, first.new.due, first.department) == (
        date(2027, 1, 1),
        date(2027, 1, 4),
        BUREAU,
    )
    assert not first.new.provisional and "元旦假期" in first.new.explanation
    done = desk.redate(at=at("2026-12-30", 18), by=CLERK)
    assert {m.number for m in done} == set(numbers[3:])
    event = desk.history(numbers[3])[-1]
    assert isinstance(event, Redated) and "国办发明电〔2026〕9号" in event.reason
    assert desk.get(numbers[3]).reply_due == first.new
    assert desk.calendar_impact() == () and desk.provisional() == ()
    assert desk.sweep(date(2026, 12, 31), at=at("2026-12-31", 8), by=CLERK)  # no calendar notice
    assert not any(
        a.kind is ActionKind.CALENDAR
        for a in desk.sweep(date(2027, 1, 4), at=at("2027-01-04", 8), by=CLERK)
    )


def test_a_co_handlers_report_deadline_is_counted_again_with_the_leads() -> None:
    desk = Desk(MemoryStore())
    number = assigned(desk, "2026-12-29", co=(CO_HANDLER,))
    [before] = desk.get(number).co_dues
    assert before.due is not None and before.due.provisional  # it reaches the lead's 2027 date
    assert ("co_due", before.due) in [(f, d) for s in desk.provisional()
                                      for f, d in provisional_deadlines(s)]  # fmt: skip
    moved = desk.load_notice(NOTICE_2027, at=at("2026-12-30", 17), by=CLERK)
    co_rows = [m for m in moved if m.field == "co_due"]
    assert [(m.department, m.what) for m in co_rows] == [(CO_HANDLER, "协办报送")]
    desk.redate(at=at("2026-12-30", 18), by=CLERK)
    event = desk.history(number)[-1]
    assert isinstance(event, Redated) and [d for d, _ in event.co_dues] == [CO_HANDLER]
    [after] = desk.get(number).co_dues
    lead = desk.get(number).completion_due
    assert after.due is not None and lead is not None and not after.due.provisional
    assert after.due.due < lead.due and after.due == co_rows[0].new
    assert desk.calendar_impact() == () and desk.provisional() == ()


def test_a_corrected_notice_is_recorded_beside_the_first_and_in_force_from_its_load() -> None:
    import attrs

    desk, numbers = year_end_desk()
    desk.load_notice(NOTICE_2027, at=at("2026-12-30", 17), by=CLERK)
    desk.redate(at=at("2026-12-30", 18), by=CLERK)
    longer = (HolidayPeriod("元旦", date(2027, 1, 1), date(2027, 1, 5)), *NOTICE_2027.holidays[1:])
    corrected = attrs.evolve(NOTICE_2027, holidays=longer, document_number="国办发明电〔2026〕12号")
    moved = desk.load_notice(corrected, at=at("2026-12-31", 9), by=CLERK)
    assert [e.notice.document_number for e in desk.notices()] == [
        "国办发明电〔2026〕9号",
        "国办发明电〔2026〕12号",
    ]
    assert {m.number for m in moved} == set(numbers[3:])
    assert all(m.new.due > m.old.due for m in moved)
    desk.redate(at=at("2026-12-31", 10), by=CLERK)
    reasons = [e.reason for e in desk.history(numbers[4]) if isinstance(e, Redated)]
    assert len(reasons) == 2 and "12号" in reasons[1]


def test_re_dating_after_the_cut_off_never_changes_a_closed_month() -> None:
    desk, numbers = year_end_desk()
    bureau = Actor.of_department(BUREAU)
    desk.reply(numbers[3], text="已办结", at=at("2027-01-04", 16), by=bureau)  # late vs 01-01
    january_before = desk.report(2027, 1)
    december_before = desk.report(2026, 12)
    desk.load_notice(NOTICE_2027, at=at("2027-02-01"), by=CLERK)
    desk.redate(at=at("2027-02-01", 11), by=CLERK)  # the reply was on time after all
    assert desk.report(2026, 12) == december_before
    assert desk.report(2027, 1) == january_before  # the deadline in force at the cut-off
    assert january_before.total.replied_on_time == 0


def test_re_dating_before_the_cut_off_counts_in_that_month() -> None:
    desk, numbers = year_end_desk()
    bureau = Actor.of_department(BUREAU)
    desk.load_notice(NOTICE_2027, at=at("2026-12-30", 17), by=CLERK)
    desk.redate(at=at("2026-12-30", 18), by=CLERK)
    desk.reply(numbers[3], text="已办结", at=at("2027-01-04", 16), by=bureau)
    assert desk.report(2027, 1).total.replied_on_time >= 1


# -- laws --------------------------------------------------------------------------------------

DECEMBER = st.dates(date(2026, 12, 1), date(2027, 1, 20))


@settings(max_examples=60, deadline=None)
@given(
    assign_days=st.lists(DECEMBER, min_size=1, max_size=6),
    sweep_day=DECEMBER,
    refuse=st.booleans(),
)
def test_the_sweep_never_raises_and_supervises_every_overdue_item(
    assign_days: list[date], sweep_day: date, refuse: bool
) -> None:
    calendar = china_calendar() if refuse else None
    desk = Desk(MemoryStore(), calendar=calendar)
    numbers = []
    for day in sorted(assign_days):
        try:
            numbers.append(assigned(desk, day))
        except Exception:  # under "raise", assigning across 2027 is refused (documented)
            assert refuse
    if sweep_day < max(sorted(assign_days)):
        sweep_day = max(assign_days)
    actions = desk.sweep(sweep_day, at=at(sweep_day, 23), by=CLERK)
    supervised = {a.number for a in actions if a.kind is ActionKind.SUPERVISE}
    for number in numbers:
        due = desk.get(number).reply_due
        assert due is not None
        if due.due < sweep_day:
            assert number in supervised
    guessed = any(a.provisional for a in actions if a.number) or desk.provisional()
    if guessed:  # a count or a deadline without 2027's holidays is never silent
        assert any(a.kind is ActionKind.CALENDAR and a.number == "" for a in actions)


@settings(max_examples=40, deadline=None)
@given(notice=year_notices(2027), assign_days=st.lists(DECEMBER, min_size=1, max_size=6))
def test_after_loading_and_re_dating_every_deadline_is_what_the_full_calendar_gives(
    notice: YearNotice, assign_days: list[date]
) -> None:
    desk = Desk(MemoryStore())
    numbers = [assigned(desk, day, co=(CO_HANDLER,)) for day in sorted(assign_days)]
    last = max(assign_days) + timedelta(days=1)
    desk.load_notice(notice, at=at(last, 8), by=CLERK)
    desk.redate(at=at(last, 9), by=CLERK)
    full = china_calendar(notices=[notice])
    for number in numbers:
        item = desk.get(number)
        assert item.reply_due is not None
        want = reply_deadline(full, desk.policy, item.reply_due.start, complex_=False)
        assert (item.reply_due.due, item.reply_due.provisional) == (want.due, False)
        [co] = item.co_dues  # the co-handler reports before the lead's deadline, counted again
        lead = item.completion_due
        assert co.due is not None and lead is not None
        co_want = co_report_deadline(full, desk.policy, start=co.due.start, lead=lead, what="答复")
        assert (co.due.due, co.due.provisional) == (co_want.due, False)
    assert desk.provisional() == () and desk.calendar_impact() == ()


def test_a_year_after_a_missing_one_is_refused_and_nothing_is_stored() -> None:
    desk = Desk(MemoryStore())
    with pytest.raises(ValidationError, match="缺少 2027 年"):
        desk.load_notice(example_notice(2028), at=at("2026-12-01"), by=CLERK)
    assert desk.notices() == () and desk.calendar.add_workdays(date(2026, 12, 30), 1)
    desk.load_notice(NOTICE_2027, at=at("2026-12-01"), by=CLERK)
    desk.load_notice(example_notice(2028), at=at("2026-12-01"), by=CLERK)
    assert [e.notice.year for e in desk.notices()] == [2027, 2028]
