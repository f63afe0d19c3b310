"""Notices about the district rather than one item, recorded once in its ``@D:notices`` stream.

The sweep's district-wide actions (the calendar lacks a year, deadlines await re-dating, a
meeting's task is due or late) become ``Announced`` events: in the audit trail, passed to the
listeners (the outbox delivers them like an item's notices), and never twice for one key.
The same stream numbers the supervision notices (``appeal_core.supervision_notice``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from appeal_core.actor import Actor
from appeal_core.journal import Announced, JournalEvent, stream_key
from appeal_core.sweep import Action

KIND = "notices"


def notices_stream(district: str) -> str:
    """The stream of a district's own notices: ``@HM:notices``."""
    return stream_key(district, KIND)


def announcements(
    actions: Sequence[Action],
    known: Iterable[JournalEvent],
    *,
    stream: str,
    at: datetime,
    by: Actor,
) -> tuple[Announced, ...]:
    """The ``Announced`` events for the ``actions`` whose key is not among ``known`` yet."""
    keys = {e.key for e in known if isinstance(e, Announced)}
    fresh: dict[str, Announced] = {}
    for a in actions:
        if a.key not in keys and a.key not in fresh:
            fresh[a.key] = Announced(
                stream=stream, at=at, by=by, kind=a.kind.value, key=a.key, target=a.target,
                message=a.message, numbers=a.numbers,
            )  # fmt: skip
    return tuple(fresh.values())
