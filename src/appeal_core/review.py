"""The review queue: values intake accepted under an assumption wait here for the desk.

A row may be right with high probability but not certainly: a landline without its area code,
a phone number that lost its leading zero in a spreadsheet, a two-digit year, a date without a
time.  Intake registers it and the item carries the ``Assumption`` (``Appeal.assumptions``)
until the desk confirms it (``AssumptionConfirmed``) or corrects it (``AssumptionCorrected``,
which changes the item's value).  Both are events, so nothing assumed is silent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from appeal_core import commands as c
from appeal_core import events as e
from appeal_core.actor import Actor
from appeal_core.appeal import Appeal, Assumption, Channel, Status
from appeal_core.enterprise import credit_code_problem, normalize_credit_code
from appeal_core.errors import LifecycleError, ValidationError
from appeal_core.fields import check_text, parse_datetime
from appeal_core.phones import read_phone
from appeal_core.ports import Store
from appeal_core.timeutil import SHANGHAI

#: The fields a correction may change, with their names as a clerk says them.
FIELDS: Mapping[str, str] = {
    "enterprise.name": "企业名称",
    "enterprise.credit_code": "统一社会信用代码",
    "enterprise.address": "企业地址",
    "enterprise.contact": "企业联系人",
    "enterprise.phone": "联系电话",
    "enterprise.extension": "分机号",
    "reported_at": "反映时间",
}


def label(field: str) -> str:
    """The field's Chinese name (the field itself when it is not one of ``FIELDS``)."""
    return FIELDS.get(field, field)


def field_named(name: str) -> str:
    """The field a clerk names: its identifier (``enterprise.phone``) or its Chinese name."""
    name = name.strip()
    return next((f for f, text in FIELDS.items() if text == name), name)


def _text(field: str, limit: int, *, required: bool = False) -> Callable[[str], str]:
    return lambda value: check_text(value, field, limit=limit, required=required)


def _phone(value: str) -> str:
    """The number (``转`` and the extension when one is given), as the clerk writes it: no
    area code or lost zero is assumed this time."""
    return read_phone(value, "enterprise.phone").text if value.strip() else ""


def _extension(value: str) -> str:
    digits = value.strip()
    if digits and not (digits.isdigit() and len(digits) <= 6):
        raise ValidationError("enterprise.extension", value, "分机号应为1至6位数字")
    return digits


def _code(value: str) -> str:
    code = normalize_credit_code(value)
    problem = credit_code_problem(code) if code else None
    if problem:
        raise ValidationError("enterprise.credit_code", value, problem)
    return code


def _instant(value: str) -> str:
    if not value.strip():
        return ""
    return parse_datetime(value, "reported_at").astimezone(SHANGHAI).isoformat()


#: How each correctable field's new value is checked and written (canonical text; '' clears).
_CANONICAL: Mapping[str, Callable[[str], str]] = {
    "enterprise.name": _text("enterprise.name", 200, required=True),
    "enterprise.credit_code": _code,
    "enterprise.address": _text("enterprise.address", 500),
    "enterprise.contact": _text("enterprise.contact", 50),
    "enterprise.phone": _phone,
    "enterprise.extension": _extension,
    "reported_at": _instant,
}


def current(state: Appeal, field: str) -> str:
    """The item's value of ``field`` as text (ISO 8601 for ``reported_at``; '' when empty)."""
    if field == "reported_at":
        return state.reported_at.astimezone(SHANGHAI).isoformat() if state.reported_at else ""
    return str(getattr(state.enterprise, field.removeprefix("enterprise."), ""))


def corrected(state: Appeal, field: str, value: str) -> dict[str, Any]:
    """The state's changes when ``field`` takes ``value`` (canonical text of a correction)."""
    if field == "reported_at":
        return {
            "reported_at": datetime.fromisoformat(value).astimezone(SHANGHAI) if value else None
        }
    if field not in _CANONICAL:
        raise ValueError(f"字段「{field}」不能更正")
    changes = {field.removeprefix("enterprise."): value}
    if field == "enterprise.phone" and "转" in value:  # a number given with its extension
        changes["phone"], _, changes["extension"] = value.partition("转")
    return {"enterprise": attrs.evolve(state.enterprise, **changes)}


def without(assumptions: tuple[Assumption, ...], field: str) -> tuple[Assumption, ...]:
    """``assumptions`` without those on ``field`` (reviewed)."""
    return tuple(a for a in assumptions if a.field != field)


def _pending(state: Appeal, field: str) -> Assumption:
    for assumption in state.assumptions:
        if assumption.field == field:
            return assumption
    waiting = "、".join(dict.fromkeys(f"{a.field}（{label(a.field)}）" for a in state.assumptions))
    raise ValidationError(
        "field", field, f"事项 {state.number} 没有待复核的该项推定；待复核：{waiting or '无'}"
    )


def decide_review(
    state: Appeal, command: c.ConfirmAssumption | c.CorrectAssumption, *, at: datetime, by: Actor
) -> tuple[e.Event, ...]:
    """The events of a confirmation (one per field) or a correction, or a typed refusal."""
    if isinstance(command, c.ConfirmAssumption):
        field = field_named(command.field)
        if field:
            fields: Iterable[str] = (_pending(state, field).field,)
        else:
            fields = dict.fromkeys(a.field for a in state.assumptions)
        note = command.note.strip()
        events = tuple(
            e.AssumptionConfirmed(number=state.number, at=at, by=by, field=f, note=note)
            for f in fields
        )
        if not events:
            raise LifecycleError(
                state.number, "复核确认", state.status.label, "该事项没有待复核的推定"
            )
        return events
    assumption = _pending(state, field_named(command.field))
    field = assumption.field
    canonical = _CANONICAL.get(field)
    if canonical is None:
        allowed = "、".join(f"{f}（{name}）" for f, name in FIELDS.items())
        raise ValidationError(
            "field", field, f"该项推定不能在复核中更正，只能确认；可更正的字段：{allowed}"
        )
    value = canonical(command.value)
    if field == "reported_at" and value and datetime.fromisoformat(value) > at:
        raise ValidationError("reported_at", command.value, "反映时间不能晚于复核时间")
    if value == current(state, field):
        raise ValidationError(
            "value", command.value, f"与当前登记的{label(field)}相同：推定无误请改用确认"
        )
    fixed = e.AssumptionCorrected(
        number=state.number, at=at, by=by, field=field, assumed=assumption.assumed, value=value,
        note=command.note.strip(),
    )  # fmt: skip
    return (fixed,)


@attrs.frozen(kw_only=True)
class ReviewEntry:
    """One assumed value awaiting the desk: the item, and the assumption it was registered under."""

    number: str
    status: Status
    channel: Channel
    enterprise: str
    registered_at: datetime
    assumption: Assumption

    @property
    def label(self) -> str:
        """The assumed field's Chinese name."""
        return label(self.assumption.field)


def entries(items: Iterable[Appeal]) -> tuple[ReviewEntry, ...]:
    """One entry per pending assumption of ``items``, in their order."""
    return tuple(
        ReviewEntry(
            number=item.number,
            status=item.status,
            channel=item.channel,
            enterprise=item.enterprise.name,
            registered_at=item.registered_at,
            assumption=assumption,
        )
        for item in items
        for assumption in item.assumptions
    )


def queue(
    store: Store, district: str, *, after: str | None = None, limit: int | None = None
) -> tuple[ReviewEntry, ...]:
    """The district's review queue in registration order: items after the item ``after``
    (a cursor for paging), at most ``limit`` items; closed and merged items included.

    Stores with a review index (``ports.ReviewIndex``, the SQL stores) answer from it; the
    others (the ``MemoryStore``) are scanned in registration order.
    """
    if limit is not None and limit < 1:
        raise ValidationError("limit", limit, "应为正整数")
    index = getattr(store, "pending_review", None)
    if index is not None:
        return entries(index(district, after=after, limit=limit))
    if after is not None:
        store.state(after)  # AppealNotFound for an unknown cursor
    picked: list[Appeal] = []
    passed = after is None
    for item in store.states(district):
        if not passed:
            passed = item.number == after
        elif item.assumptions:
            picked.append(item)
            if limit is not None and len(picked) >= limit:
                break
    return entries(picked)
