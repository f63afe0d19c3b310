"""The personal-data contract of a store that keeps contacts (``ports.ContactBook``).

Subclass ``PrivacyContract`` beside ``StoreContract`` (a ``Test...`` class) and give
``make_store()``; the built-in stores run it, memory included.  It checks that a person is
recognised again (same phone and name) and told apart otherwise, that erasure makes every
personal value read ``（已删除）`` and leaves items, histories and figures as they were, and that
the retention step erases exactly the contacts past the policy's period.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import rule

from appeal_core import commands as c
from appeal_core import events as e
from appeal_core.actor import Actor
from appeal_core.appeal import Appeal, Channel, Complexity
from appeal_core.desk import Desk
from appeal_core.enterprise import Enterprise
from appeal_core.errors import LifecycleError, ValidationError
from appeal_core.history import fold
from appeal_core.intake import RejectedRow
from appeal_core.ports import Store
from appeal_core.privacy import ERASED, erased, erased_event
from appeal_core.testing.machine import DESK
from appeal_core.testing.store_contract import (
    ACME,
    OTHER,
    START,
    StoreComparisonMachine,
    make_desk,
    raises,
)
from appeal_core.testing.strategies import DEPARTMENTS

#: ACME's contact, reached on another number; and a firm's switchboard shared by two people.
ACME_MOBILE = attrs.evolve(ACME, phone="13700000000")
COLLEAGUE = attrs.evolve(ACME, contact="李四")
NO_PHONE = Enterprise(name="无电话示例有限公司", contact="赵六")
NOBODY = Enterprise(name="无联系人示例有限公司")
TOWN = (("填表单位", "某镇"), ("填报人", "王五"), ("联系电话", "0513-82111701"))


def closed(desk: Desk, number: str, at: datetime) -> Appeal:
    """Take an item through to 销号 (routine, answered, visited satisfied and resolved)."""
    clock = iter(at + timedelta(hours=k) for k in range(10))
    lead = DEPARTMENTS[0]
    desk.verify(number, at=next(clock), by=DESK)
    desk.classify(number, category="用地", complexity=Complexity.ROUTINE, at=next(clock), by=DESK)
    desk.assign(number, lead=lead, at=next(clock), by=DESK)
    desk.reply(number, text="已办结", at=next(clock), by=Actor.of_department(lead))
    desk.follow_up(number, satisfaction="satisfied", resolved=True, at=next(clock), by=DESK)
    return desk.close(number, at=next(clock), by=DESK)


def registered(desk: Desk, firm: Enterprise, at: datetime, content: str = "厂区道路破损") -> str:
    """Register one item of ``firm``; its number."""
    return desk.register(
        enterprise=firm, content=content, channel=Channel.APP, at=at, by=DESK
    ).number


class PrivacyContract:
    """Plain tests every store keeping contacts must pass (see the module's text)."""

    def make_store(self) -> Store:
        """A new, empty store under test."""
        raise NotImplementedError

    @contextmanager
    def _opened(self) -> Iterator[Store]:
        store = self.make_store()
        try:
            yield store
        finally:
            store.close()

    def test_a_person_is_recognised_by_phone_and_name(self) -> None:
        with self._opened() as store:
            desk = make_desk(store)
            at = iter(START + timedelta(minutes=k) for k in range(20))
            first = registered(desk, ACME, next(at))
            again = registered(desk, ACME, next(at), "用电增容")
            other_number = registered(desk, ACME_MOBILE, next(at))
            colleague = registered(desk, COLLEAGUE, next(at))
            no_phone = [registered(desk, NO_PHONE, next(at)) for _ in range(2)]
            nobody = registered(desk, NOBODY, next(at))
            elsewhere = registered(make_desk(store, "CY"), ACME, next(at))
            listed = desk.execute(
                c.Register(enterprise=NOBODY, content="招工难", channel=Channel.GRASSROOTS,
                           notes=TOWN), at=next(at), by=DESK)  # fmt: skip
            ids = {n: store.state(n).enterprise.contact_id for n in store.numbers()}
            assert ids[first] == ids[again] == f"{first}-C"
            assert len({ids[first], ids[other_number], ids[colleague], ids[elsewhere]}) == 4
            assert ids[no_phone[0]] != ids[no_phone[1]]  # a name alone recognises nobody
            assert ids[nobody] == ""  # nothing personal, no contact
            assert ids[listed.number] == f"{listed.number}-C"  # the filler's notes are personal
            assert listed.personal_notes == ("填报人", "联系电话")
            registration = store.events(first)[0]
            assert isinstance(registration, e.Registered)
            assert registration.enterprise.contact_id == ids[first]
            records = desk.personal_data(phone="138 0000 0000")
            assert [(r.contact, [s.number for s in r.items]) for r in records] == [
                (ids[first], [first, again]),
                (ids[colleague], [colleague]),
            ]
            assert desk.personal_data(contact=ids[first])[0].items == (
                store.state(first),
                store.state(again),
            )

    def test_erasure_leaves_everything_but_the_personal_values(self) -> None:
        with self._opened() as store:
            desk = make_desk(store)
            day = timedelta(days=1)
            a = registered(desk, ACME, START)
            b = desk.execute(
                c.Register(enterprise=ACME, content="用电增容", channel=Channel.GRASSROOTS,
                           notes=TOWN), at=START + day, by=DESK).number  # fmt: skip
            other = registered(desk, OTHER, START + day)
            contact = store.state(a).enterprise.contact_id
            closed(desk, a, START + 2 * day)
            with raises(LifecycleError):  # b is still open
                desk.erase_contact(contact, reason="本人来信要求删除", at=START + 3 * day, by=DESK)
            with raises(ValidationError):  # forcing needs the reason
                desk.erase_contact(contact, reason="", at=START + 3 * day, by=DESK, force=True)
            closed(desk, b, START + 3 * day)
            numbers = store.numbers()
            before = {n: (store.state(n), store.events(n)) for n in numbers}
            figures = desk.report(2026, 11)
            event = desk.erase_contact(contact, reason="本人来信要求删除", at=START + 10 * day,
                                       by=DESK)  # fmt: skip
            assert (event.rule, event.numbers, event.forced) == ("request", (a, b), False)
            for n in (a, b):
                state, events = before[n]
                assert store.state(n) == erased(state) != state
                assert store.events(n) == tuple(erased_event(x) for x in events)
                assert store.state(n) == fold(store.events(n))
            assert store.state(a).enterprise.phone == ERASED
            assert dict(store.state(b).notes) == {"填表单位": "某镇", "填报人": ERASED,
                                                  "联系电话": ERASED}  # fmt: skip
            assert store.state(other) == before[other][0]
            assert store.numbers() == numbers and desk.report(2026, 11) == figures
            assert desk.personal_data(phone=ACME.phone) == ()
            (record,) = desk.personal_data(contact=contact)
            assert record.erased == event and record.kept_until is None
            assert desk.erasures() == (event,)
            with raises(ValidationError):
                desk.erase_contact(contact, reason="再次", at=START + 11 * day, by=DESK)
            verify = getattr(store, "verify", None)
            if verify is not None:
                assert verify().ok, verify()
            again = registered(desk, ACME, START + 12 * day, "再次反映道路破损")
            assert store.state(again).enterprise.contact_id == f"{again}-C" != contact
            assert store.state(again).enterprise.phone == ACME.phone

    def test_forced_erasure_of_an_open_item_which_then_goes_on(self) -> None:
        with self._opened() as store:
            desk = make_desk(store)
            a = registered(desk, ACME, START)
            contact = store.state(a).enterprise.contact_id
            desk.erase_contact(contact, reason="本人要求，不再联系", at=START, by=DESK, force=True)
            state = closed(desk, a, START + timedelta(hours=1))
            assert (state.enterprise.contact, state.enterprise.phone) == (ERASED, ERASED)
            assert store.state(a) == fold(store.events(a)) == state
            verify = getattr(store, "verify", None)
            if verify is not None:
                assert verify().ok, verify()

    def test_retention_erases_contacts_whose_items_all_ended_long_ago(self) -> None:
        with self._opened() as store:
            desk = make_desk(store)
            day = timedelta(days=1)
            done = [registered(desk, ACME, START), registered(desk, ACME, START + day, "用电")]
            pending = [registered(desk, OTHER, START), registered(desk, OTHER, START + day, "用水")]
            for n in (*done, pending[0]):
                closed(desk, n, START + 2 * day)
            months = desk.policy.retention_months
            assert months == 36
            last_kept = date(2029, 11, 4)  # closed on 2026-11-04, kept 36 months
            assert desk.retention_sweep(last_kept, at=_at(last_kept), by=DESK).erased == ()
            later = last_kept + day
            erased_now = desk.retention_sweep(later, at=_at(later), by=DESK).erased
            acme = store.state(done[0]).enterprise.contact_id
            assert [(x.contact, x.rule, x.numbers) for x in erased_now] == [
                (acme, "retention", tuple(done))
            ]
            assert "36" in erased_now[0].reason
            assert store.state(done[1]).enterprise.phone == ERASED
            assert store.state(pending[0]).enterprise.phone == OTHER.phone  # one still open
            assert desk.retention_sweep(later, at=_at(later), by=DESK).erased == ()
            swept = desk.sweep(later + day, at=_at(later + day), by=DESK)
            assert not [a for a in swept if a.kind == "erased"]

    def test_retention_forgets_the_cells_of_settled_quarantined_rows(self) -> None:
        with self._opened() as store:
            desk = make_desk(store)
            cells = (("企业名称", "某公司"), ("联系人", "王五"), ("电话", "1391234567"))
            rows = [
                RejectedRow(channel=Channel.HOTLINE, row=k, field="phone", value="1391234567",
                            reason="手机号码应为11位", raw=cells, source_id=f"H-{k}")
                for k in (1, 2)
            ]  # fmt: skip
            report = desk.intake(rows, source="12345.csv", at=START, by=DESK)
            settled, pending = report.quarantined
            assert store.quarantine_entry(settled).raw == cells  # read back in clear
            desk.dismiss_quarantined(settled, note="重复来电", at=START, by=DESK)
            later = date(2029, 11, 3)
            run = desk.retention_sweep(later, at=_at(later), by=DESK)
            assert run.forgotten is not None and run.forgotten.entries == (settled,)
            forgotten = store.quarantine_entry(settled)
            assert (forgotten.raw, forgotten.value) == ((), "")
            assert (forgotten.status, forgotten.reason, forgotten.note) == (
                "dismissed", "手机号码应为11位", "重复来电")  # fmt: skip
            assert store.quarantine_entry(pending).raw == cells  # still to be handled
            assert desk.retention_sweep(later, at=_at(later), by=DESK).forgotten is None


def _at(day: date) -> datetime:
    return datetime.combine(day, START.timetz())


class PrivacyComparisonMachine(StoreComparisonMachine):
    """``StoreComparisonMachine`` with erasures: a contact erased (forced, with a reason) on
    both stores must read alike afterwards, whatever commands follow."""

    @rule(number=StoreComparisonMachine.numbers, data=st.data())
    def erase(self, number: str, data: st.DataObject) -> None:
        state = self.oracle.state(number)
        contact = state.enterprise.contact_id
        if not contact:
            return
        at = self._tick(data)
        self._both(
            lambda d: d.erase_contact(contact, reason="本人要求删除", at=at, by=DESK, force=True),
            state.district,
        )
