"""How long personal data is kept, and when an erasure may happen: pure rules.

个人信息保护法 art. 19 keeps personal information only as long as its purpose needs; art. 47
asks for deletion when the purpose is served, the retention period has passed, or the person
withdraws consent.  Here: a contact's data is kept while any of their items is open and for
``Policy.retention_months`` after the last one ended (closed off or merged); then the sweep
erases it.  A person may ask for erasure at any time: refused while an item of theirs is open
(the desk still needs to reach them) unless the desk forces it with a reason.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import attrs
from dateutil.relativedelta import relativedelta

from appeal_core.actor import Actor, Role
from appeal_core.appeal import Appeal, Status
from appeal_core.errors import LifecycleError, PermissionDenied, ValidationError
from appeal_core.journal import ContactErased
from appeal_core.policy import Policy
from appeal_core.privacy import contact_of, privacy_stream
from appeal_core.text import checked_text
from appeal_core.timeutil import local_date


class ErasureRule(enum.StrEnum):
    """Why a contact was erased."""

    RETENTION = "retention"  # 保存期限届满（个人信息保护法第四十七条第一款第二项）
    REQUEST = "request"  # 本人要求删除（第四十七条第一款第三项、第四项）

    @property
    def label(self) -> str:
        """The rule in Chinese."""
        return "保存期限届满" if self is ErasureRule.RETENTION else "本人要求删除"


def ended_on(state: Appeal) -> date | None:
    """The day an item ended (closed off, or merged into another), or None while it is open."""
    if state.status is Status.CLOSED and state.closed_at is not None:
        return local_date(state.closed_at)
    if state.status is Status.MERGED:
        return local_date(state.updated_at)
    return None


def kept_until(items: Iterable[Appeal], policy: Policy) -> date | None:
    """The last day a contact's data is kept under the policy, or None while an item of theirs
    is open (or when the policy keeps data until erased on request)."""
    ends = [ended_on(s) for s in items]
    if not ends or any(end is None for end in ends) or policy.retention_months == 0:
        return None
    last = max(end for end in ends if end is not None)
    return last + relativedelta(months=policy.retention_months)


def contacts_of(states: Iterable[Appeal]) -> dict[str, list[Appeal]]:
    """The items holding personal data, by contact (``privacy.contact_of``), in item order."""
    found: dict[str, list[Appeal]] = {}
    for state in states:
        contact = contact_of(state)
        if contact:
            found.setdefault(contact, []).append(state)
    return found


def due_for_erasure(
    states: Iterable[Appeal], *, on: date, policy: Policy, erased: Iterable[str] = ()
) -> list[tuple[str, tuple[str, ...]]]:
    """Contacts (with their items' numbers) whose data the policy no longer keeps on ``on``:
    every item ended and the last ended more than ``retention_months`` before; the ``erased``
    ones left out.  In the order their first items were registered."""
    done = set(erased)
    due = []
    for contact, items in contacts_of(states).items():
        until = None if contact in done else kept_until(items, policy)
        if until is not None and until < on:
            due.append((contact, tuple(s.number for s in items)))
    return due


def decide_erasure(
    contact: str,
    items: Sequence[Appeal],
    *,
    district: str,
    rule: ErasureRule,
    reason: str,
    at: datetime,
    by: Actor,
    force: bool = False,
    desk: str = "区服务企业办",
) -> ContactErased:
    """The event erasing ``contact`` (the store destroys their key with it).

    Only the desk erases.  A request needs its reason (e.g. the person's letter); it is
    refused while an item of the contact is open unless ``force`` (the reason then says why the
    desk erases before the item is finished).
    """
    if by.role is not Role.DESK:
        raise PermissionDenied(str(by), "删除联系人个人信息", None, f"只有{desk}可以办理")
    if not items:
        raise ValidationError("contact", contact, "没有该联系人的事项，请核对联系人编号")
    text = checked_text("reason", reason, limit=500, required=rule is ErasureRule.REQUEST)
    open_items = [s.number for s in items if s.status.is_open]
    if open_items and not force:
        raise LifecycleError(
            open_items[0],
            "删除联系人个人信息",
            items[[s.number for s in items].index(open_items[0])].status.label,
            f"联系人 {contact} 仍有在办事项（{'、'.join(open_items)}），办结后再删除；"
            "如确需立即删除，请加 --force 并说明理由",
        )
    if force and open_items and not text:
        raise ValidationError("reason", reason, "提前删除在办事项的联系人信息须说明理由")
    return ContactErased(
        stream=privacy_stream(district),
        at=at,
        by=by,
        contact=contact,
        rule=rule.value,
        reason=text,
        numbers=tuple(s.number for s in items),
        forced=bool(open_items),
    )


@attrs.frozen(kw_only=True)
class PersonalRecord:
    """What the store holds about one contact, for an access request (个人信息保护法 art. 45).

    ``items`` are the item states as the desk reads them; ``kept_until`` the last day the
    policy keeps the data (None while an item is open); ``erased`` the erasure, if any.
    """

    contact: str
    items: tuple[Appeal, ...]
    kept_until: date | None
    erased: ContactErased | None = None
