"""Personal data: what is personal, whose it is, who may read it, and how it reads once erased.

An enterprise's contact person is a natural person; their name, phone number and extension,
and the channel notes the policy lists (填报人, 来电人, 联系电话 ...), are personal information
(个人信息保护法).  Each item names its contact by a pseudonymous ``contact_id``; stores keep
the personal values encrypted with that contact's own key (the adapters do the cryptography)
and erase them by destroying the key, so the hash-chained log never changes and every personal
value then reads ``ERASED``.  Nothing here does I/O or cryptography: these are the rules.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any, cast

import attrs

from appeal_core import events as e
from appeal_core.actor import Actor, Role
from appeal_core.appeal import Appeal
from appeal_core.enterprise import Enterprise
from appeal_core.intake import Assumption
from appeal_core.journal import stream_key
from appeal_core.masking import mask_name, mask_phone, mask_phones_in
from appeal_core.policy import Policy

#: How every personal value reads once its contact was erased.
ERASED = "（已删除）"
#: The fields of ``Enterprise`` that hold the contact person's data.
PERSONAL_FIELDS: tuple[str, ...] = tuple(
    f for f in ("contact", "phone", "extension") if f in attrs.fields_dict(Enterprise)
)
#: ``Assumption.field`` / ``AssumptionCorrected.field`` values naming a personal field.
PERSONAL_PATHS = frozenset(f"enterprise.{f}" for f in PERSONAL_FIELDS)
#: Values of a confidentiality note that mean "yes" (是否保密：是).
_YES = frozenset({"是", "保密", "要求保密", "需保密", "y", "yes", "true", "1", "√"})


def privacy_stream(district: str) -> str:
    """The journal stream of a district's erasures and key events (``@HM:privacy``)."""
    return stream_key(district, "privacy")


def new_contact_id(number: str) -> str:
    """The id of a contact first recorded on item ``number``: ``HM-2026-0042-C``."""
    return f"{number}-C"


def _label(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().rstrip(":：").strip().lower()


def personal_note_labels(
    notes: Iterable[tuple[str, str]], policy: Policy, extra: Iterable[str] = ()
) -> tuple[str, ...]:
    """The labels of ``notes`` that hold personal data: the policy's list and ``extra`` (the
    desk's own marks), compared without case, width or a trailing colon; each once."""
    wanted = {_label(x) for x in (*policy.personal_notes, *extra)}
    return tuple(dict.fromkeys(k for k, v in notes if v and _label(k) in wanted))


def asks_confidentiality(notes: Iterable[tuple[str, str]], policy: Policy) -> bool:
    """True when a channel note says the caller asked for confidentiality (是否保密：是)."""
    wanted = {_label(x) for x in policy.confidential_notes}
    return any(_label(k) in wanted and _label(v) in _YES for k, v in notes)


def holds_personal(state: Appeal | e.Registered) -> bool:
    """True when the item (or its registration) holds any personal value (erased ones too)."""
    firm = state.enterprise
    if any(getattr(firm, f) for f in PERSONAL_FIELDS):
        return True
    if state.personal_notes and any(v for k, v in state.notes if k in state.personal_notes):
        return True
    return any(a.field in PERSONAL_PATHS for a in _assumptions(state))


def contact_of(state: Appeal) -> str:
    """The contact whose key seals the item's personal data: the id registration gave it, else
    one named after the item (events built by hand); ``""`` when it holds no personal data."""
    if state.enterprise.contact_id:
        return state.enterprise.contact_id
    return new_contact_id(state.number) if holds_personal(state) else ""


def phone_digits(phone: str) -> str:
    """The digits of a phone number as a person is recognised by: full-width folded, country
    code and separators dropped, an extension cut off (``0513-82111701`` -> ``051382111701``)."""
    if phone.isascii() and phone.isdigit():  # nearly every stored phone: no work
        digits = phone
    else:
        text = unicodedata.normalize("NFKC", phone)
        for mark in ("转", "分机", "ext", "EXT", "#"):
            text = text.split(mark, 1)[0]
        digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 7 else ""


def person_parts(enterprise: Enterprise) -> tuple[str, str]:
    """The phone's digits and the folded name (no spaces, NFKC, lower case) of a contact;
    ``("", "")`` without a phone."""
    digits = phone_digits(enterprise.phone) if enterprise.phone != ERASED else ""
    if not digits:
        return "", ""
    name = enterprise.contact
    if not unicodedata.is_normalized("NFKC", name):
        name = unicodedata.normalize("NFKC", name)
    return digits, "".join(name.split()).lower()


def person_key(enterprise: Enterprise) -> str:
    """What tells one contact person from another: the phone's digits and the folded name
    (``13812345678|张三``); ``""`` without a phone (a name alone names nobody for sure).

    Stores keep only a keyed hash of it (a blind index), never the text.
    """
    digits, name = person_parts(enterprise)
    return f"{digits}|{name}" if digits else ""


def sees_personal(state: Appeal, actor: Actor) -> bool:
    """Who reads the clear personal values of an item: the desk; the lead department while the
    item is open, unless the contact asked for confidentiality (保密); nobody else."""
    if actor.role is Role.DESK:
        return True
    return (
        actor.role is Role.DEPARTMENT
        and state.status.is_open
        and state.lead == actor.department
        and not state.enterprise.confidential
    )


def _name(value: str) -> str:
    return value if value in ("", ERASED) else mask_name(value)


def _phone(value: str) -> str:
    return value if value in ("", ERASED) else mask_phone(value)


def _note(label: str, value: str) -> str:
    if value in ("", ERASED):
        return value
    masked = mask_phones_in(value)
    return masked if masked != value else mask_name(value)


def masked_enterprise(firm: Enterprise) -> Enterprise:
    """The enterprise with its contact's name and phone masked (``张*``, ``138****5678``); the
    extension stays (a switchboard line says nothing without the number)."""
    if not (firm.contact or firm.phone):
        return firm
    return attrs.evolve(firm, contact=_name(firm.contact), phone=_phone(firm.phone))


def _masked_value(field: str, value: str) -> str:
    if field == "enterprise.contact":
        return _name(value)
    return _phone(value) if field == "enterprise.phone" else value


def _masked_assumption(a: Assumption) -> Assumption:
    if a.field not in PERSONAL_PATHS:
        return a
    return attrs.evolve(
        a, original=_masked_value(a.field, a.original), assumed=_masked_value(a.field, a.assumed)
    )


def _assumptions(item: object) -> tuple[Assumption, ...]:
    return tuple(getattr(item, "assumptions", ()))


def masked(state: Appeal) -> Appeal:
    """The item as people who may not read personal values see it: the contact's name and
    phone masked, personal notes masked, phone numbers in the texts masked."""
    notes = tuple((k, _note(k, v) if k in state.personal_notes else v) for k, v in state.notes)
    changes: dict[str, Any] = {
        "enterprise": masked_enterprise(state.enterprise),
        "content": mask_phones_in(state.content),
        "notes": notes,
    }
    if _assumptions(state):
        changes["assumptions"] = tuple(_masked_assumption(a) for a in _assumptions(state))
    return attrs.evolve(state, **changes)


def visible(state: Appeal, actor: Actor) -> Appeal:
    """The item as ``actor`` may read it (``sees_personal``): as stored, or ``masked``.

    Every reader of personal data (the command line's ``show`` and ``--json``, a web service,
    the assignment sheet) goes through this one rule.
    """
    return state if sees_personal(state, actor) else masked(state)


def for_lead(state: Appeal) -> Appeal:
    """The item as its lead department reads it (what an assignment sheet prints): clear while
    the item is open and its contact did not ask for confidentiality, masked otherwise."""
    if state.lead is None:
        return masked(state)
    return visible(state, Actor.of_department(state.lead))


def masked_event(event: e.Event) -> e.Event:
    """An event with the personal values it carries masked, as ``masked`` masks a state."""
    match event:
        case e.Registered():
            notes = tuple(
                (k, _note(k, v) if k in event.personal_notes else v) for k, v in event.notes
            )
            changes: dict[str, Any] = {
                "enterprise": masked_enterprise(event.enterprise),
                "content": mask_phones_in(event.content),
                "notes": notes,
            }
            if _assumptions(event):
                changes["assumptions"] = tuple(_masked_assumption(a) for a in _assumptions(event))
            return attrs.evolve(event, **changes)
    field = getattr(event, "field", None)
    if field in PERSONAL_PATHS:  # an assumption corrected on a personal field
        assumed, value = getattr(event, "assumed", ""), getattr(event, "value", "")
        changed: e.Event = attrs.evolve(
            cast(Any, event),
            assumed=_masked_value(str(field), assumed),
            value=_masked_value(str(field), value),
        )
        return changed
    return event


def visible_events(events: Iterable[e.Event], state: Appeal, actor: Actor) -> tuple[e.Event, ...]:
    """An item's history as ``actor`` may read it (the item's current state decides)."""
    if sees_personal(state, actor):
        return tuple(events)
    return tuple(masked_event(x) for x in events)


def _erased_enterprise(firm: Enterprise) -> Enterprise:
    changes = {f: ERASED for f in PERSONAL_FIELDS if getattr(firm, f)}
    return attrs.evolve(firm, **changes) if changes else firm


def _erased_assumption(a: Assumption) -> Assumption:
    if a.field not in PERSONAL_PATHS:
        return a
    return attrs.evolve(a, original=ERASED if a.original else "", assumed=ERASED)


def erased(state: Appeal) -> Appeal:
    """The item as it reads once its contact was erased: every personal value ``ERASED``
    (empty ones stay empty), everything else as it was."""
    labels = state.personal_notes
    changes: dict[str, Any] = {
        "enterprise": _erased_enterprise(state.enterprise),
        "notes": tuple((k, ERASED if k in labels and v else v) for k, v in state.notes),
    }
    if _assumptions(state):
        changes["assumptions"] = tuple(_erased_assumption(a) for a in _assumptions(state))
    return attrs.evolve(state, **changes)


def erased_event(event: e.Event) -> e.Event:
    """An event as it reads once its item's contact was erased (see ``erased``)."""
    match event:
        case e.Registered():
            labels = event.personal_notes
            changes: dict[str, Any] = {
                "enterprise": _erased_enterprise(event.enterprise),
                "notes": tuple((k, ERASED if k in labels and v else v) for k, v in event.notes),
            }
            if _assumptions(event):
                changes["assumptions"] = tuple(_erased_assumption(a) for a in _assumptions(event))
            return attrs.evolve(event, **changes)
    if getattr(event, "field", None) in PERSONAL_PATHS:
        assumed, value = getattr(event, "assumed", ""), getattr(event, "value", "")
        changed: e.Event = attrs.evolve(
            cast(Any, event), assumed=ERASED if assumed else "", value=ERASED if value else ""
        )
        return changed
    return event
