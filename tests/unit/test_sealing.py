"""Sealed months: final figures, refused back-dated commands, corrections and their effect."""

from __future__ import annotations

from datetime import date

import pytest

from appeal_core import Actor, Channel, Desk, MemoryStore, PermissionDenied, ValidationError
from appeal_core.definitions import MetricsRules
from appeal_core.errors import SealedMonthError
from appeal_core.intake import IntakeRecord
from appeal_core.journal import Corrected, MonthSealed
from appeal_core.sealing import months_stream
from tests.unit.test_metrics import ACME, DESK, A, at, item

BUREAU = Actor.of_department(A)


def october() -> tuple[Desk, str]:
    """One item due 2026-10-28, unanswered when October is sealed on 11-03."""
    desk = Desk(MemoryStore())
    n = item(desk, "2026-10-23", A)  # reply due 10-28
    desk.close_month(2026, 10, at=at("2026-11-03"), by=DESK)
    return desk, n


def test_a_reply_dated_in_a_sealed_month_is_refused_naming_the_month() -> None:
    desk, n = october()
    with pytest.raises(SealedMonthError) as refused:
        desk.reply(n, text="已办", at=at("2026-10-28"), by=BUREAU)  # entered 11-05, dated 10-28
    err = refused.value
    assert isinstance(err, ValidationError) and (err.year, err.month) == (2026, 10)
    assert "2026年10月的数据已封存" in str(err) and "--correction" in str(err)
    assert desk.report(2026, 10).department(A).response_rate == 0.0
    assert desk.get(n).final_reply is None  # nothing written
    desk.reply(n, text="已办", at=at("2026-11-05"), by=BUREAU)  # dated after the cut-off: fine


def test_a_correction_is_recorded_and_never_changes_the_sealed_figures() -> None:
    desk, n = october()
    sealed = desk.report(2026, 10)
    assert sealed.seal is not None and sealed.department(A).replied_on_time == 0
    with pytest.raises(PermissionDenied):
        desk.correction("漏录", at=at("2026-11-05"), by=BUREAU).__enter__()
    with pytest.raises(ValidationError, match="理由"):
        desk.correction(" ", at=at("2026-11-05"), by=DESK).__enter__()
    with desk.correction("答复已于10月28日电话作出，系统漏录", at=at("2026-11-05"), by=DESK):
        desk.reply(n, text="已办", at=at("2026-10-28"), by=BUREAU)
    assert desk.report(2026, 10) == sealed  # the seal stands
    (corrected,) = [e for e in desk.store.journal(months_stream("HM")) if isinstance(e, Corrected)]
    assert corrected.effective == date(2026, 10, 28) and corrected.months == ((2026, 10),)
    assert corrected.by == DESK and corrected.actor == BUREAU and corrected.at == at("2026-11-05")
    assert [(i.number, i.first, i.last, i.action) for i in corrected.items] == [(n, 5, 5, "答复")]
    check = desk.verify_month(2026, 10)
    assert check.ok and check.recomputed == sealed.seal.digest
    (effect,) = desk.corrections(2026, 11)  # recorded in November: the November briefing's 更正
    (change,) = effect.changes
    assert (effect.year, effect.month) == (2026, 10)
    assert change.before.response_rate == 0.0 and change.after.response_rate == 1.0
    assert change.after.replied_on_time == 1 and change.after.overdue_open == 0
    assert desk.corrections(2026, 10) == () and desk.corrections(2026, 12) == ()
    # outside the block the refusal is back
    with pytest.raises(SealedMonthError):
        desk.follow_up(n, satisfaction="satisfied", resolved=True, at=at("2026-10-30"), by=DESK)


def test_the_seal_catches_what_bypassed_the_check() -> None:
    desk, n = october()
    store = desk.store
    assert isinstance(store, MemoryStore)
    with desk.correction("测试", at=at("2026-11-05"), by=DESK):
        desk.reply(n, text="已办", at=at("2026-10-28"), by=BUREAU)
    # remove the correction record, as a tampered log would: the recomputation differs
    stream = months_stream("HM")
    store._journal[stream] = tuple(e for e in store._journal[stream] if isinstance(e, MonthSealed))
    check = desk.verify_month(2026, 10)
    assert not check.ok and any("replied_on_time" in d for d in check.differences)


def test_registration_and_intake_dated_in_a_sealed_month_are_refused() -> None:
    desk, _ = october()
    with pytest.raises(SealedMonthError):
        desk.register(enterprise=ACME, content="漏登", channel="app", at=at("2026-10-30"),
                      by=DESK)  # fmt: skip
    record = IntakeRecord(channel=Channel.APP, enterprise=ACME, content="漏登", row=2)
    with pytest.raises(SealedMonthError):
        desk.intake([record], source="app.json", at=at("2026-10-30"), by=DESK)
    with desk.correction("10月30日来电，当时漏登", at=at("2026-11-06"), by=DESK):
        report = desk.intake([record], source="app.json", at=at("2026-10-30"), by=DESK)
    (number,) = report.registered
    corrections = [e for e in desk.store.journal(months_stream("HM")) if isinstance(e, Corrected)]
    assert [(i.number, i.action) for c in corrections for i in c.items] == [(number, "登记")]
    assert desk.verify_month(2026, 10).ok
    (effect,) = desk.corrections(2026, 11)
    assert effect.changes == ()  # registered only: no department figure changes


def test_months_are_sealed_once_in_order_after_their_cut_off() -> None:
    desk = Desk(MemoryStore())
    item(desk, "2026-09-21", A)
    with pytest.raises(ValidationError, match="尚未过去"):
        desk.close_month(2026, 9, at=at("2026-09-30"), by=DESK)
    with pytest.raises(PermissionDenied):
        desk.close_month(2026, 9, at=at("2026-10-02"), by=BUREAU)
    desk.close_month(2026, 9, at=at("2026-10-02"), by=DESK)
    with pytest.raises(ValidationError, match="已于"):
        desk.close_month(2026, 9, at=at("2026-10-03"), by=DESK)
    with pytest.raises(ValidationError, match="请先封存 2026年10月"):
        desk.close_month(2026, 11, at=at("2026-12-03"), by=DESK)
    desk.close_month(2026, 10, at=at("2026-11-03"), by=DESK)
    with pytest.raises(ValidationError, match="封存"):  # a sealed month keeps its definitions
        desk.amend_rules(MetricsRules(valid_visits_only=True), effective="2026-10",
                         at=at("2026-11-04"), by=DESK, reason="新办法")  # fmt: skip
    desk.amend_rules(MetricsRules(valid_visits_only=True), effective="2026-11",
                     at=at("2026-11-04"), by=DESK, reason="新办法")  # fmt: skip
    assert [(s.year, s.month) for s in desk.sealed_months()] == [(2026, 9), (2026, 10)]
    assert desk.report(2026, 10).metrics_rules == MetricsRules()


def test_a_correction_of_an_earlier_month_shows_in_the_later_sealed_stock_too() -> None:
    desk = Desk(MemoryStore())
    n = item(desk, "2026-09-24", A)  # due 09-29; still open at the end of October
    desk.close_month(2026, 9, at=at("2026-10-02"), by=DESK)
    desk.close_month(2026, 10, at=at("2026-11-02"), by=DESK)
    assert desk.report(2026, 10).department(A).overdue_open == 1
    with desk.correction("9月29日已答复", at=at("2026-11-04"), by=DESK):
        desk.reply(n, text="已办", at=at("2026-09-29"), by=BUREAU)
    effects = {(e.year, e.month): e for e in desk.corrections(2026, 11)}
    assert set(effects) == {(2026, 9), (2026, 10)}
    (october_change,) = effects[(2026, 10)].changes
    assert (october_change.before.overdue_open, october_change.after.overdue_open) == (1, 0)
    assert desk.verify_month(2026, 9).ok and desk.verify_month(2026, 10).ok
