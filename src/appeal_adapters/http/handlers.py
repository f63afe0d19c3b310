"""The one handler behind every ``Desk`` route: scope, arguments, the call, the answer.

A department reaches only the items it leads or co-handles (404 for any other, GET and POST
alike, before anything else is looked at) and the few district queries in
``DEPARTMENT_QUERIES``; every answer passes through the library's privacy rule
(``appeal_core.privacy``), and for readers who may not see personal values, phone numbers in
any text are masked too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from appeal_adapters.http.arguments import acts, arguments, parameters
from appeal_adapters.http.auth import sees_item
from appeal_adapters.http.errors import HttpProblem, not_found
from appeal_adapters.serialization import unstructure
from appeal_core import SHANGHAI, Actor, Appeal, Desk, Role
from appeal_core.errors import AppealNotFound, PermissionDenied
from appeal_core.masking import mask_phones_in
from appeal_core.privacy import sees_personal, visible, visible_events

#: District-level routes a department may call: the published figures and the registries.
DEPARTMENT_QUERIES = frozenset(
    {"report", "departments", "notices", "sealed_months", "rules_for", "report_task"}
)
#: Queries that hand out personal data or the desk's own work queues: the desk's alone (a
#: leader reads the figures and items, not the people behind them).
DESK_QUERIES = frozenset({"personal_data", "erasures", "review_queue"})
#: Routes that create: answered 201, and accept an ``Idempotency-Key``.
CREATING = frozenset({"register", "intake", "admit"})


@attrs.frozen
class Answer:
    """What the handler answers: status, JSON body and extra headers."""

    status: int
    body: Any
    headers: Mapping[str, str] = attrs.field(factory=dict)


def now() -> datetime:
    """The server's clock, in Asia/Shanghai, to the second (``at`` of every command)."""
    return datetime.now(SHANGHAI).replace(microsecond=0)


def etag(item: Appeal) -> str:
    """The item's version as an entity tag."""
    return f'"{item.version}"'


def scoped_item(desk: Desk, actor: Actor, number: str) -> Appeal:
    """The item if ``actor`` may see it; the same 404 for a missing and a hidden one."""
    try:
        item = desk.get(number)
    except AppealNotFound:
        item = None
    if item is None or not sees_item(actor, item):
        raise not_found(f"编号为 {number} 的事项")
    return item


def check_scope(name: str, actor: Actor, path: Mapping[str, str]) -> None:
    """A department may call item routes (scoped by ``scoped_item``) and a few queries; the
    personal data and the desk's queues are the desk's."""
    if actor.role is Role.DEPARTMENT and "number" not in path and name not in DEPARTMENT_QUERIES:
        raise PermissionDenied(str(actor), name)
    if actor.role is not Role.DESK and name in DESK_QUERIES:
        raise PermissionDenied(str(actor), name)


def call(
    desk: Desk,
    name: str,
    actor: Actor,
    path: Mapping[str, str],
    given: Mapping[str, Any],
    *,
    reading: bool,
    if_match: str | None = None,
) -> Answer:
    """Run ``Desk.<name>`` for ``actor`` and shape the answer for what they may read."""
    check_scope(name, actor, path)
    item = scoped_item(desk, actor, path["number"]) if "number" in path else None
    if item is not None and if_match is not None and if_match.strip() not in ("*", etag(item)):
        raise HttpProblem(
            412, "PreconditionFailed",
            f"事项 {item.number} 已被修改（当前版本 {etag(item)}，If-Match 为 {if_match}），"
            "请重新读取后再办理", 7,
        )  # fmt: skip
    kwargs = arguments(name, path, given, from_text=reading)
    hints, _ = parameters(name)
    if acts(name):
        kwargs["by"], kwargs["at"] = actor, now()
    positional = "number" in hints and "number" in kwargs
    method = getattr(desk, name)
    try:
        result = method(kwargs.pop("number"), **kwargs) if positional else method(**kwargs)
    except PermissionDenied:
        if item is not None:  # moved away meanwhile: 404, never the new lead's name
            scoped_item(desk, actor, item.number)
        raise
    return shape(desk, actor, name, result, created=name in CREATING)


def shape(desk: Desk, actor: Actor, name: str, result: Any, *, created: bool = False) -> Answer:
    """The JSON answer of a result, as ``actor`` may read it."""
    status = 201 if created else 200
    if isinstance(result, Appeal):
        return Answer(status, shown(actor, result), {"ETag": etag(result)})
    if name == "history" and result:
        state = desk.get(result[0].number)
        events = visible_events(result, state, actor)
        listed = [unstructure(x) for x in events]
        return Answer(status, listed if sees_personal(state, actor) else _masked(listed))
    data = unstructure(result) if result is not None else {"ok": True}
    return Answer(status, data if actor.role is Role.DESK else _masked(data))


def shown(actor: Actor, item: Appeal) -> dict[str, Any]:
    """The item as ``actor`` may read it (``privacy.visible``); for readers who may not see
    personal values, the replies' contacts are left out and phones in texts masked."""
    if sees_personal(item, actor):
        return dict(unstructure(item))
    data = unstructure(visible(item, actor))
    for part in (data.get("preliminary_reply"), data.get("final_reply")):
        if isinstance(part, dict):
            part.pop("contact", None)
            part.pop("phone", None)
    return dict(_masked(data))


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_phones_in(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value
