"""The district journal: rules and month-level records as events in named streams.

Items are not the only things that change.  A year's holiday notice is loaded, a policy is
amended, a month is sealed, a meeting decides tasks: each is a ``JournalEvent`` appended to a
*stream* (``@HM:calendar``, ``@HM:months`` ...) of the same hash-chained log as the items'
events, so the audit trail shows who changed a rule and when, and every process that opens the
store sees the same rules.  A stream's state is a fold of its events, computed where it is used.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from appeal_core.actor import Actor
from appeal_core.calendar import YearNotice
from appeal_core.errors import ValidationError

#: Every stream key starts with this; an item number never does (``Policy`` refuses it).
PREFIX = "@"


def stream_key(district: str, kind: str, name: str = "") -> str:
    """The key of one stream: ``@HM:calendar``, or ``@HM:tasks:HM-2026-T001`` with a name."""
    for field, value in (("district", district), ("kind", kind)):
        if not value or ":" in value or value != value.strip():
            raise ValidationError(f"journal.{field}", value, "不能为空，不能含有冒号或首尾空白")
    return f"{PREFIX}{district}:{kind}" + (f":{name}" if name else "")


def is_stream(key: str) -> bool:
    """True for a journal stream key, False for an item number."""
    return key.startswith(PREFIX)


@attrs.frozen(kw_only=True)
class JournalEvent:
    """Fields every journal event has: which stream, when, and who."""

    stream: str
    at: datetime
    by: Actor


@attrs.frozen(kw_only=True)
class NoticeLoaded(JournalEvent):
    """A year's holiday notice was loaded into the district's calendar (``@D:calendar``).

    ``provisional`` marks a local arrangement loaded with ``force`` (``reason`` says why); a
    later load for the same year corrects an earlier one and is in force from its own ``at``.
    """

    notice: YearNotice
    source: str = ""
    provisional: bool = False
    reason: str = ""


@attrs.frozen(kw_only=True)
class Announced(JournalEvent):
    """A notice to people about the district rather than one item (``@D:notices``).

    The sweep records, for instance, that the calendar lacks next year's holidays and which
    items that affects; ``key`` makes it once only (per day), like an item's ``Noticed``.
    """

    kind: str
    key: str
    target: str
    message: str
    numbers: tuple[str, ...] = ()


#: Every journal event class; adapters (de)serialize them by class name, like item events.
JOURNAL_TYPES: tuple[type[JournalEvent], ...] = (NoticeLoaded, Announced)
