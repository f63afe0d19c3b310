"""The briefing's supervision list: the month's stock at its cut-off, days late in working days."""

from __future__ import annotations

from datetime import date

from appeal_core import Actor, CalendarDataMissing
from appeal_core.calendar import china_calendar
from appeal_core.supervision import supervised, workdays_late
from tests.unit.test_metrics import A, B, at, november


def test_the_list_is_the_stock_the_table_counts_as_of_the_cut_off() -> None:
    desk = november()
    report = desk.report(2024, 11)
    lines = desk.supervision_list(2024, 11)
    assert len(lines) == report.total.stock == 3
    assert sum(s.overdue for s in lines) == report.total.overdue_open == 1
    first = lines[0]  # overdue first: due Thu 11-28, the cut-off Sat 11-30: one working day late
    assert (first.lead, first.due, first.overdue, first.workdays_late) == (A, date(2024, 11, 28),
                                                                          True, 1)  # fmt: skip
    assert first.enterprise == "海门某某机械有限公司" and not first.at_least
    assert {(s.lead, s.overdue) for s in lines[1:]} == {(A, False), (B, False)}
    # A December reply changes nothing in November's list: later events did not exist yet.
    desk.reply(first.number, text="已办", at=at("2024-12-02"), by=Actor.of_department(A))
    assert desk.supervision_list(2024, 11) == lines
    december = {s.number: s for s in desk.supervision_list(2024, 12)}
    assert not december[first.number].overdue  # answered (late), still open: stock only


def test_a_year_the_calendar_lacks_gives_a_lower_bound_not_a_failure() -> None:
    calendar = china_calendar()
    last = calendar.coverage[1]
    try:
        calendar.workdays_between(last, date(last.year + 1, 1, 20))
    except CalendarDataMissing:
        pass
    else:  # the calendar degrades on its own: then it answers, whatever it answers
        return
    count, at_least = workdays_late(calendar, date(last.year, 12, 24), date(last.year + 1, 1, 20))
    assert at_least and count == calendar.workdays_between(date(last.year, 12, 24), last)
    assert workdays_late(calendar, date(2024, 11, 28), date(2024, 11, 28)) == (0, False)


def test_an_item_registered_after_the_cut_off_is_not_listed() -> None:
    desk = november()
    history = desk.store.events(desk.store.numbers()[0])
    assert supervised(history, date(2024, 10, 31), china_calendar()) is None
