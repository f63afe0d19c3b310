"""Notices about the district rather than one item, recorded once in its ``@D:notices`` stream.

The sweep's district-wide actions (the calendar lacks a year, deadlines await re-dating) become
``Announced`` events: in the audit trail, passed to the listeners (the outbox delivers them like
an item's notices), and never twice for one key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from appeal_core.actor import Actor
from appeal_core.journal import Announced, stream_key
from appeal_core.ports import Store
from appeal_core.sweep import Action

KIND = "notices"


def notices_stream(district: str) -> str:
    """The stream of a district's own notices: ``@HM:notices``."""
    return stream_key(district, KIND)


def announce(
    store: Store, district: str, actions: Sequence[Action], *, at: datetime, by: Actor
) -> tuple[Announced, ...]:
    """Record the district-wide ``actions`` not recorded before (by key); the new events."""
    if not actions:
        return ()
    stream = notices_stream(district)
    with store.unit_of_work() as uow:
        known = uow.journal(stream)
        keys = {e.key for e in known if isinstance(e, Announced)}
        events = tuple(
            Announced(stream=stream, at=at, by=by, kind=a.kind.value, key=a.key,
                      target=a.target, message=a.message, numbers=a.numbers)
            for a in actions
            if a.key not in keys
        )  # fmt: skip
        if events:
            uow.append_journal(stream, len(known), events)
    return events
