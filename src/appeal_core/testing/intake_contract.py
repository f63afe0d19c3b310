"""Contract tests of intake's newer duties: the review queue, the batch port, duplicates linked
by credit code or phone, and re-exported rows.  ``StoreContract`` includes them."""

from __future__ import annotations

import unittest
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta

import attrs

from appeal_core.appeal import Appeal, Assumption, Channel
from appeal_core.desk import Desk
from appeal_core.duplicates import enterprise_key, signature
from appeal_core.enterprise import Enterprise
from appeal_core.errors import AppealNotFound, LifecycleError, PermissionDenied, ValidationError
from appeal_core.events import Registered
from appeal_core.history import start
from appeal_core.intake import IntakeRecord, Reexport, RejectedRow
from appeal_core.ports import BatchUnitOfWork, Store
from appeal_core.testing.machine import DESK, LEADER
from appeal_core.timeutil import SHANGHAI

START = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)
CODE = "91320684MA1MFW2X1Y"  # passes the GB 32100-2015 check
OTHER_CODE = "91110000802100433B"
PHONE_GUESS = Assumption(field="enterprise.phone", original="82118899", assumed="0513-82118899",
                         reason="固定电话未写区号，按本区区号 0513 补全")  # fmt: skip
TIME_GUESS = Assumption(field="reported_at", original="26/11/1", assumed="2026-11-01 00:00",
                        reason="两位年份按 2026 年、无时间按 0 时登记")  # fmt: skip
FIRM = Enterprise(name="通州示例物流有限公司", phone="0513-82118899")
#: One enterprise as the app (full name, code, mobile) and as a hotline caller names it.
APP = Enterprise(name="南通恒丰机械有限公司", credit_code=CODE, phone="13812345678")
CALLER = Enterprise(name="恒丰机械厂", phone="138 1234 5678")
TEXT = "新增生产线需增容500千伏安，供电公司报装接电进度慢，影响投产。"
SPOKEN = "新生产线要增容500千伏安，供电公司报装接电太慢，投产要推迟了，请帮忙协调。"


def _desk(store: Store, district: str = "HM") -> Desk:
    from appeal_core.calendar import china_calendar

    return Desk(store, district=district, calendar=china_calendar(outside="weekdays"))


def _guessed(desk: Desk, at: datetime, *guesses: Assumption) -> str:
    return desk.register(enterprise=FIRM, content="厂区积水", channel=Channel.HOTLINE, at=at,
                         by=DESK, reported_at=START - 8 * HOUR,
                         assumptions=guesses).number  # fmt: skip


def _firm(desk: Desk, firm: Enterprise, text: str, at: datetime, channel: str) -> Appeal:
    return desk.register(enterprise=firm, content=text, channel=channel, at=at, by=DESK)


class IntakeContract:
    """Plain tests for the review queue, the batch port and duplicates (mixed into
    ``StoreContract``, which provides ``opened()``)."""

    def opened(self) -> AbstractContextManager[Store]:
        """A new store, closed afterwards."""
        raise NotImplementedError

    def test_review_queue_lists_pages_and_empties(self) -> None:
        with self.opened() as store:
            desk, cy = _desk(store), _desk(store, "CY")
            plain = _firm(desk, FIRM, "用电报装慢", START, "app").number
            one = _guessed(desk, START + HOUR, PHONE_GUESS, TIME_GUESS)
            two = _guessed(desk, START + 2 * HOUR, PHONE_GUESS)
            elsewhere = _guessed(cy, START, PHONE_GUESS)
            three = _guessed(desk, START + 3 * HOUR, TIME_GUESS)
            queue = desk.review_queue()
            assert [(q.number, q.assumption) for q in queue] == [
                (one, PHONE_GUESS), (one, TIME_GUESS), (two, PHONE_GUESS), (three, TIME_GUESS)
            ]  # fmt: skip
            assert (queue[0].label, queue[0].enterprise, queue[1].label) == (
                "联系电话", FIRM.name, "反映时间")  # fmt: skip
            assert [q.number for q in desk.review_queue(limit=1)] == [one, one]
            assert [q.number for q in desk.review_queue(after=one, limit=1)] == [two]
            assert desk.review_queue(after=three) == ()
            assert [q.number for q in cy.review_queue()] == [elsewhere]
            with _raises(AppealNotFound):
                desk.review_queue(after="HM-2026-9999")
            later = START + 5 * HOUR
            desk.merge(two, into=plain, at=later, by=DESK)  # an ended item stays until reviewed
            assert [q.number for q in desk.review_queue(after=one)] == [two, three]
            assert desk.confirm(two, note="已核实", at=later, by=DESK).assumptions == ()
            fixed = desk.correct(one, field="enterprise.phone", value="0513 8211 8898",
                                 note="企业更正", at=later, by=DESK)  # fmt: skip
            assert fixed.enterprise.phone == "0513-82118898"
            assert fixed.assumptions == (TIME_GUESS,) and store.state(one) == fixed
            moved = desk.correct(one, field="reported_at", value="2026-11-01 15:30", at=later,
                                 by=DESK)  # fmt: skip
            assert moved.reported_at == datetime(2026, 11, 1, 15, 30, tzinfo=SHANGHAI)
            assert [q.number for q in desk.review_queue()] == [three]
            before = store.events(three)
            refusals: list[tuple[type[Exception], dict[str, str], object]] = [
                (ValidationError, {"field": "enterprise.phone", "value": "0513-1"}, DESK),
                (ValidationError, {"field": "content", "value": "改写"}, DESK),
                (ValidationError, {"field": "reported_at", "value": "2099-01-01"}, DESK),
                (ValidationError, {"field": "reported_at", "value": "2026-11-02 01:00"},
                 DESK),
                (PermissionDenied, {"field": "reported_at", "value": "2026-11-01"}, LEADER),
            ]  # fmt: skip
            for kind, fields, by in refusals:
                with _raises(kind):
                    desk.correct(three, at=later, by=by, **fields)  # type: ignore[arg-type]
            with _raises(LifecycleError):
                desk.confirm(plain, at=later, by=DESK)
            assert store.events(three) == before
            desk.confirm(three, field="reported_at", at=later, by=DESK)
            assert desk.review_queue() == ()

    def test_batch_port_reserves_registers_and_finds(self) -> None:
        with self.opened() as store:
            desk = _desk(store)
            app = _firm(desk, APP, TEXT, START, "app")
            caller = desk.register(enterprise=CALLER, content=SPOKEN, channel="hotline",
                                   at=START + HOUR, by=DESK, source_id="T-1")  # fmt: skip
            early = _firm(desk, APP, "旧事项", START - timedelta(days=3), "app").number
            merged = _firm(desk, APP, "重复的事项", START, "app").number
            desk.merge(merged, into=app.number, at=START + HOUR, by=DESK)
            with store.unit_of_work() as uow:
                if not isinstance(uow, BatchUnitOfWork):
                    raise unittest.SkipTest("the store has no batch methods (optional)")
                first = uow.reserve_seqs("HM", 2026, 2)
                assert first == 5
                items = []
                for seq in (first, first + 1):
                    event = Registered(number=f"HM-2026-{seq:04d}", at=START + 2 * HOUR, by=DESK,
                                       district="HM", year=2026, seq=seq, enterprise=FIRM,
                                       content="用地", channel=Channel.HOTLINE,
                                       source_id=f"T-{seq}")  # fmt: skip
                    items.append((event, start(event), signature(FIRM, "用地")))
                uow.register_many(items)
                assert uow.find_sources("HM", "hotline", {"T-1", "T-5", "T-6", "T-9", ""}) == {
                    "T-1": caller.number, "T-5": "HM-2026-0005", "T-6": "HM-2026-0006"}  # fmt: skip
                assert uow.find_sources("HM", "app", {"T-1"}) == {}
                assert uow.find_sources("CY", "hotline", {"T-1"}) == {}
                by_code = uow.duplicate_candidates("HM", {f"code:{CODE}"}, START.date())
                assert {c.number for c in by_code} == {app.number}
                mine = signature(APP, TEXT)  # a sealed store keeps the phone as a blind index:
                found = by_code[0].signature  # it equals the phone asked for, or reads opaque
                assert attrs.evolve(found, phone="") == attrs.evolve(mine, phone="")
                asked = {f"code:{CODE}", f"phone:{mine.phone}"}
                again = uow.duplicate_candidates("HM", asked, START.date())
                assert {c.signature for c in again if c.number == app.number} == {mine}
                assert (by_code[0].year, by_code[0].seq) == (2026, 1)
                assert by_code[0].registered_on == START.date()
                phone = uow.duplicate_candidates("HM", {"phone:13812345678"}, START.date())
                assert {c.number for c in phone} == {app.number, caller.number}
                mixed = uow.duplicate_candidates(
                    "HM", {enterprise_key(FIRM), enterprise_key(APP)}, START.date()
                )
                assert {c.number for c in mixed} == {app.number, "HM-2026-0005", "HM-2026-0006"}
                since = (START - timedelta(days=5)).date()
                wider = uow.duplicate_candidates("HM", {f"code:{CODE}"}, since)
                assert {c.number for c in wider} == {app.number, early}  # merged: not open
                assert uow.duplicate_candidates("CY", {f"code:{CODE}"}, START.date()) == []
                tomorrow = START.date() + timedelta(days=1)
                assert uow.duplicate_candidates("HM", {"phone:13812345678"}, tomorrow) == []
            assert store.state("HM-2026-0006").source_id == "T-6"
            with _raises(ValueError), store.unit_of_work() as uow:
                assert isinstance(uow, BatchUnitOfWork)
                event = Registered(number="HM-2026-0099", at=START, by=DESK, district="HM",
                                   year=2026, seq=99, enterprise=FIRM, content="用地",
                                   channel=Channel.APP)  # fmt: skip
                uow.register_many([(event, start(event), signature(FIRM, "用地"))])
            assert "HM-2026-0099" not in store.numbers()

    def test_duplicates_link_by_code_or_phone_not_by_chance(self) -> None:
        with self.opened() as store:
            desk = _desk(store)
            with store.unit_of_work() as uow:
                batch = isinstance(uow, BatchUnitOfWork)
            app = _firm(desk, APP, TEXT, START, "app").number
            calls = [
                (CALLER, True),  # the same mobile, a loose name: the same enterprise
                (Enterprise(name="恒丰公司", credit_code=CODE), True),  # the same code
                (Enterprise(name="华盛纺织有限公司", phone="13812345678"), False),  # an agent
                (Enterprise(name="南通恒丰机械有限公司", credit_code=OTHER_CODE), False),
                (Enterprise(name="恒丰机械厂", phone="13912345678"), False),  # nothing shared
            ]
            for k, (firm, flagged) in enumerate(calls):
                item = _firm(desk, firm, SPOKEN, START + (k + 1) * HOUR, "hotline")
                linked = app in item.possible_duplicates
                assert linked == (flagged and (batch or item.enterprise.name == APP.name)), (
                    firm, item.possible_duplicates)  # fmt: skip
            desk_phone = Enterprise(name="某贸易公司", phone=desk.policy.identity.phone)
            twin = Enterprise(name="某贸易商行", phone=desk.policy.identity.phone)
            _firm(desk, desk_phone, TEXT, START + 7 * HOUR, "hotline")
            assert not _firm(desk, twin, TEXT, START + 8 * HOUR, "hotline").possible_duplicates

    def test_intake_names_the_rows_a_file_exports_twice(self) -> None:
        with self.opened() as store:
            desk = _desk(store)

            def record(source_id: str, row: int, text: str = "园区道路积水") -> IntakeRecord:
                return IntakeRecord(channel=Channel.HOTLINE, enterprise=FIRM, content=text,
                                    source_id=source_id, row=row)  # fmt: skip

            def bad(source_id: str, row: int) -> RejectedRow:
                return RejectedRow(channel=Channel.HOTLINE, row=row, field="联系电话", value="1",
                                   reason="电话号码无效", source_id=source_id)  # fmt: skip

            before = desk.intake([record("H-0", 2)], source="old.csv", at=START, by=DESK)
            rows: list[IntakeRecord | RejectedRow] = [
                record("H-1", 2), record("H-2", 3, "招工难"), bad("H-9", 4), record("H-0", 5),
                record("H-1", 6), bad("H-9", 7), bad("H-2", 8), record("H-0", 9),
                record("H-3", 10, "  "), record("H-2", 11),
            ]  # fmt: skip
            report = desk.intake(rows, source="new.csv", at=START + HOUR, by=DESK, batch_size=3)
            old = before.registered[0]
            h1, h2 = report.registered
            (entry,) = report.quarantined[:1]
            assert report.reexported == (
                Reexport(row=6, earlier_row=2, source_id="H-1", number=h1),
                Reexport(row=7, earlier_row=4, source_id="H-9", entry=entry),
                Reexport(row=8, earlier_row=3, source_id="H-2", number=h2),
                Reexport(row=9, earlier_row=5, source_id="H-0", number=old),
                Reexport(row=11, earlier_row=3, source_id="H-2", number=h2),
            )
            assert report.repeated == (old, h1, old, h2)
            assert report.known == (str(entry), h2) and len(report.quarantined) == 2
            assert report.total == len(rows)
            again = desk.intake(rows[:2], source="new.csv", at=START + 2 * HOUR, by=DESK)
            assert again.repeated == (h1, h2) and again.reexported == ()


@contextmanager
def _raises(kind: type[BaseException]) -> Iterator[None]:
    """Assert that the block raises ``kind`` (as ``store_contract.raises``)."""
    try:
        yield
    except kind:
        return
    raise AssertionError(f"expected {kind.__name__}")
