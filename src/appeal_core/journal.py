"""The district journal: rules and month-level records as events in named streams.

Items are not the only things that change.  A year's holiday notice is loaded, a policy is
amended, a month is sealed, a meeting decides tasks: each is a ``JournalEvent`` appended to a
*stream* (``@HM:calendar``, ``@HM:months`` ...) of the same hash-chained log as the items'
events, so the audit trail shows who changed a rule and when, and every process that opens the
store sees the same rules.  A stream's state is a fold of its events, computed where it is used.
"""

from __future__ import annotations

from datetime import date, datetime

import attrs

from appeal_core.actor import Actor
from appeal_core.calendar import YearNotice
from appeal_core.definitions import MetricsRules
from appeal_core.departments import DepartmentEntry
from appeal_core.errors import ValidationError
from appeal_core.metrics import ChannelFigures, DepartmentFigures
from appeal_core.ranking import RankingRules

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


@attrs.frozen(kw_only=True)
class RulesAmended(JournalEvent):
    """The figures' definitions (口径) from the month starting ``effective`` on (``@D:policy``).

    Months before keep the rules they had; a sealed month keeps those of its seal.
    """

    effective: date
    rules: MetricsRules
    reason: str = ""
    source: str = ""


@attrs.frozen(kw_only=True)
class DepartmentsLoaded(JournalEvent):
    """The district's department registry, whole, as loaded (``@D:departments``): official
    names, short names, order and aliases; in force from its ``at`` until the next load."""

    departments: tuple[DepartmentEntry, ...]
    source: str = ""


@attrs.frozen(kw_only=True)
class MonthSealed(JournalEvent):
    """A published month made final (``@D:months``): its period, the definitions and ranking
    settings it was computed under, its figures and their digest (``sealing.digest``)."""

    year: int
    month: int
    first: date
    last: date
    rules: MetricsRules
    weights: tuple[float, ...]
    ranking: RankingRules
    departments: tuple[DepartmentFigures, ...]
    channels: tuple[ChannelFigures, ...]
    digest: str


@attrs.frozen(kw_only=True)
class CorrectedItem:
    """The events a correction added to one item: versions ``first`` to ``last``."""

    number: str
    first: int
    last: int
    action: str = ""


@attrs.frozen(kw_only=True)
class Corrected(JournalEvent):
    """The desk recorded, with a reason, a command dated ``effective``: on or before a sealed
    month's cut-off (``@D:months``).  ``at``/``by`` are when and by whom it was recorded;
    ``actor`` acted in the command.  The sealed figures stay; the next briefing shows 更正."""

    effective: date
    reason: str
    actor: Actor
    items: tuple[CorrectedItem, ...]
    months: tuple[tuple[int, int], ...]  # the sealed months whose figures it would change


#: Every journal event class; adapters (de)serialize them by class name, like item events.
JOURNAL_TYPES: tuple[type[JournalEvent], ...] = (
    NoticeLoaded, Announced, RulesAmended, DepartmentsLoaded, MonthSealed, Corrected,
)  # fmt: skip
