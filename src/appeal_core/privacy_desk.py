"""The desk's privacy use cases: erasure (on request or by the retention rule), access requests.

Functions over the desk's parts (store, district, policy, listeners); ``Desk`` gives each a thin
method.  An erasure is one transaction: a ``ContactErased`` event in ``@D:privacy`` and the
store's destruction of the contact's key (``ContactBook.erase_contact``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, cast

import attrs
from dateutil.relativedelta import relativedelta

from appeal_core.actor import Actor
from appeal_core.appeal import Appeal
from appeal_core.errors import AppealError, ValidationError
from appeal_core.journal import ContactErased, QuarantineForgotten
from appeal_core.policy import Policy
from appeal_core.ports import ContactBook, ContactIndex
from appeal_core.privacy import contact_of, phone_digits, privacy_stream
from appeal_core.retention import (
    ErasureRule,
    PersonalRecord,
    contacts_of,
    decide_erasure,
    due_for_erasure,
    kept_until,
)
from appeal_core.sweep import Action, ActionKind

if TYPE_CHECKING:
    from appeal_core.desk_base import DeskBase


class ErasureUnsupported(AppealError, NotImplementedError):
    """The store cannot erase a contact (it keeps no contacts: ``ports.ContactBook``)."""

    def __init__(self, store: object) -> None:
        super().__init__(
            f"存储 {type(store).__name__} 不支持删除联系人个人信息（未实现 ContactBook），"
            "请改用内置存储或为其实现 appeal_core.ports.ContactBook"
        )


class ErasureFailed(AppealError, RuntimeError):
    """Some contacts due for erasure could not be erased (the others were)."""

    def __init__(self, failed: list[tuple[str, str]], done: int) -> None:
        self.failed = failed
        first, reason = failed[0]
        super().__init__(
            f"{len(failed)} 位联系人的个人信息未能删除（如 {first}：{reason}）；"
            f"其余 {done} 位已删除。处理后请再次运行 appeal privacy sweep"
        )


def erasures(desk: DeskBase) -> tuple[ContactErased, ...]:
    """Every erasure recorded for the district, oldest first."""
    stream = desk.store.journal(privacy_stream(desk.district))
    return tuple(x for x in stream if isinstance(x, ContactErased))


def _items(desk: DeskBase, contact: str) -> list[Appeal]:
    store = desk.store
    if isinstance(store, ContactIndex):
        states = (store.state(n) for n in store.contact_items(contact))
        return [s for s in states if s.district == desk.district]
    return contacts_of(store.states(desk.district)).get(contact, [])


def erase_contact(
    desk: DeskBase,
    contact: str,
    *,
    reason: str,
    at: datetime,
    by: Actor,
    force: bool = False,
    rule: ErasureRule = ErasureRule.REQUEST,
    items: list[Appeal] | None = None,
) -> ContactErased:
    """Erase one contact's personal data (see ``retention.decide_erasure``); the event."""
    contact = contact.strip()
    if contact in {x.contact for x in erasures(desk)}:
        raise ValidationError("contact", contact, "该联系人的个人信息已删除")
    found = _items(desk, contact) if items is None else items
    event = decide_erasure(
        contact, found, district=desk.district, rule=rule, reason=reason, at=at, by=by,
        force=force, desk=desk.policy.identity.desk,
    )  # fmt: skip
    stream = event.stream
    with desk.store.unit_of_work() as uow:
        if not isinstance(uow, ContactBook):
            raise ErasureUnsupported(desk.store)
        uow.append_journal(stream, len(uow.journal(stream)), (event,))
        uow.erase_contact(contact)
    desk._notify((event,))
    return event


def retention_reason(desk: DeskBase) -> str:
    """The reason an erasure by the retention rule records, with the policy's months."""
    return f"全部事项办结满 {desk.policy.retention_months} 个月（保存期限届满）"


@attrs.frozen
class RetentionRun:
    """What one retention step did: contacts erased, contacts the store refused (with the
    reason; one refusal never stops the others), quarantined rows whose cells were deleted."""

    erased: tuple[ContactErased, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    forgotten: QuarantineForgotten | None = None


def retention_sweep(desk: DeskBase, on: date, *, at: datetime, by: Actor) -> RetentionRun:
    """Erase every contact the policy no longer keeps on ``on``, one event (and transaction)
    each, then delete the cells of quarantined rows settled as long ago (one event); nothing
    when the policy keeps data until erased on request (``retention_months=0``)."""
    policy = desk.policy
    if policy.retention_months == 0:
        return RetentionRun()
    store, district = desk.store, desk.district
    before = on - relativedelta(months=policy.retention_months)
    if isinstance(store, ContactIndex):
        due = store.due_contacts(district, before)
    else:
        done = {x.contact for x in erasures(desk)}
        due = due_for_erasure(store.states(district), on=on, policy=policy, erased=done)
    recorded, failed = [], []
    for contact, numbers in due:
        try:
            items = [store.state(n) for n in numbers]
            until = kept_until(items, policy)
            if until is None or until >= on:  # the index's candidate, checked by the rule
                continue
            recorded.append(
                erase_contact(desk, contact, reason=retention_reason(desk), at=at, by=by,
                              rule=ErasureRule.RETENTION, items=items)
            )  # fmt: skip
        except AppealError as exc:
            failed.append((contact, str(exc)))
    return RetentionRun(tuple(recorded), tuple(failed), _forget(desk, before, at, by))


def _forget(desk: DeskBase, before: date, at: datetime, by: Actor) -> QuarantineForgotten | None:
    """Delete the cells of quarantined rows settled before ``before``; the event, if any."""
    stream = privacy_stream(desk.district)
    with desk.store.unit_of_work() as uow:
        if not isinstance(uow, ContactBook):
            return None
        entries = uow.forget_quarantined(desk.district, before)
        if not entries:
            return None
        event = QuarantineForgotten(stream=stream, at=at, by=by, before=before, entries=entries)
        uow.append_journal(stream, len(uow.journal(stream)), (event,))
    desk._notify((event,))
    return event


def erased_action(event: ContactErased) -> Action:
    """The sweep's report of one erasure by the retention rule (already recorded)."""
    how = "按保存期限" if event.rule == "retention" else "应本人要求"
    return Action(
        kind=ActionKind.ERASED, number="", target="", key=f"erased:{event.contact}",
        message=f"联系人 {event.contact} 的个人信息已{how}删除（事项 {'、'.join(event.numbers)}）",
        numbers=event.numbers,
    )  # fmt: skip


def unerased_action(on: date, failed: Sequence[tuple[str, str]], policy: Policy) -> Action:
    """The desk's notice that some contacts due for erasure could not be erased (the others
    were): which, and why the first one was refused."""
    contacts = [contact for contact, _ in failed]
    shown = "、".join(contacts[:5]) + (f"等 {len(contacts)} 位" if len(contacts) > 5 else "")
    return Action(
        kind=ActionKind.UNRECORDED,
        number="",
        target=policy.identity.desk,
        key=f"unerased:{on.isoformat()}",
        message=f"{len(contacts)} 位联系人的个人信息已到保存期限但未能删除（{shown}）；"
        f"原因：{failed[0][1]}。请处理后运行 appeal privacy sweep",
    )


def personal_data(
    desk: DeskBase, *, contact: str | None = None, phone: str | None = None
) -> tuple[PersonalRecord, ...]:
    """What the store holds about a person, for an access request: by contact id, or every
    live contact with a phone number; each with its items and how long they are kept."""
    if (contact is None) == (phone is None):
        raise ValidationError("contact/phone", (contact, phone), "请给出联系人编号或电话号码之一")
    store = desk.store
    if contact is not None:
        contacts: Iterable[str] = (contact.strip(),)
    else:
        digits = phone_digits(cast(str, phone))
        if not digits:
            raise ValidationError("phone", phone, "不是可以查找的电话号码（至少7位数字）")
        if isinstance(store, ContactIndex):
            contacts = store.contacts_by_phone(desk.district, digits)
        else:
            contacts = tuple(
                dict.fromkeys(
                    contact_of(s)
                    for s in store.states(desk.district)
                    if contact_of(s) and phone_digits(s.enterprise.phone) == digits
                )
            )
    done = {x.contact: x for x in erasures(desk)}
    records = []
    for who in contacts:
        items = _items(desk, who)
        if items:
            until = None if who in done else kept_until(items, desk.policy)
            records.append(PersonalRecord(contact=who, items=tuple(items), kept_until=until,
                                          erased=done.get(who)))  # fmt: skip
    return tuple(records)
