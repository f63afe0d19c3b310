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
class Decision:
    """One decision of the monthly consultation meeting: what, by whom, by when, on which items."""

    text: str
    owner: str
    due: date
    items: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class MeetingRecorded(JournalEvent):
    """The minutes of a consultation meeting (会商会议, ``@D:meetings``): when, who attended,
    what it took up, and its decisions, each of which becomes a task (``@D:tasks``)."""

    meeting: str
    held_on: date
    chair: str
    attendees: tuple[str, ...]
    decisions: tuple[Decision, ...]
    items: tuple[str, ...] = ()
    summary: str = ""


@attrs.frozen(kw_only=True)
class TaskCreated(JournalEvent):
    """A meeting's decision, followed like an item until its owner reports it done and the desk
    confirms it (``@D:tasks``)."""

    task: str
    meeting: str
    text: str
    owner: str
    due: date
    items: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class TaskReported(JournalEvent):
    """The owner department reports the task done, saying what it did."""

    task: str
    department: str
    text: str


@attrs.frozen(kw_only=True)
class TaskConfirmed(JournalEvent):
    """The desk confirms the task done: it leaves the sweep."""

    task: str
    note: str = ""


@attrs.frozen(kw_only=True)
class TaskReturned(JournalEvent):
    """The desk does not accept the report: the task is open again, with the reason."""

    task: str
    reason: str


@attrs.frozen(kw_only=True)
class NoticeLine:
    """One matter on a supervision notice: an item (or a meeting's task) with what it is about,
    the deadline missed (``what``, ``due``), how late, and the sweep's notice (``key``)."""

    kind: str
    key: str
    number: str
    what: str
    subject: str = ""
    due: date | None = None
    workdays_overdue: int = 0
    message: str = ""


@attrs.frozen(kw_only=True)
class SupervisionNoticeIssued(JournalEvent):
    """A printable supervision notice (督办通知单, ``@D:notices``): the day's supervision of one
    department under one sequence number of the year, answered by ``required_by``; sent at
    ``send_at`` (the next office hour), copied to ``cc`` at the second level."""

    year: int
    seq: int
    day: date
    target: str
    lines: tuple[NoticeLine, ...]
    required_by: date
    send_at: datetime
    second_level: bool = False
    cc: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        """The notice's number as printed: ``督办〔2026〕12号``."""
        return f"督办〔{self.year}〕{self.seq}号"


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


@attrs.frozen(kw_only=True)
class ContactErased(JournalEvent):
    """A contact's personal data was erased: their key destroyed (``@D:privacy``).

    ``rule`` is ``retention`` (kept the policy's months after their last item ended) or
    ``request`` (the person asked); ``numbers`` the items whose personal values now read
    （已删除）; ``forced`` marks an erasure while an item was still open.
    """

    contact: str
    rule: str
    reason: str = ""
    numbers: tuple[str, ...] = ()
    forced: bool = False


@attrs.frozen(kw_only=True)
class QuarantineForgotten(JournalEvent):
    """The cells of quarantined rows settled before ``before`` were deleted by the retention
    rule (``@D:privacy``); ``entries`` are their ids.  The rows stay, with their reasons."""

    before: date
    entries: tuple[int, ...]


@attrs.frozen(kw_only=True)
class MasterKeyRotated(JournalEvent):
    """The master key wrapping the contacts' keys was replaced (``@D:privacy``); the check
    values (not the keys) tell which key was in use before and after."""

    old_check: str
    new_check: str
    keys: int = 0


@attrs.frozen(kw_only=True)
class TokenIssued(JournalEvent):
    """An API token was issued to ``actor`` (``@D:tokens``): only its SHA-256 ``digest`` is
    kept, never the token; ``token_id`` names it in lists and revocations."""

    token_id: str
    digest: str
    actor: Actor
    note: str = ""


@attrs.frozen(kw_only=True)
class TokenRevoked(JournalEvent):
    """An API token was revoked (``@D:tokens``): requests bearing it are refused from ``at``."""

    token_id: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class RequestClaimed(JournalEvent):
    """A creating request with an ``Idempotency-Key`` began (``@D:idempotency``): ``key`` is
    the caller's key scoped to the caller, ``fingerprint`` the request's hash."""

    key: str
    fingerprint: str


@attrs.frozen(kw_only=True)
class RequestAnswered(JournalEvent):
    """The answer to a claimed request (``@D:idempotency``): a retry gets it again."""

    key: str
    status: int
    body: str


#: Every journal event class; adapters (de)serialize them by class name, like item events.
JOURNAL_TYPES: tuple[type[JournalEvent], ...] = (
    NoticeLoaded, Announced, RulesAmended, DepartmentsLoaded, MonthSealed, Corrected,
    ContactErased, QuarantineForgotten, MasterKeyRotated,
    MeetingRecorded, TaskCreated, TaskReported, TaskConfirmed, TaskReturned,
    SupervisionNoticeIssued, TokenIssued, TokenRevoked, RequestClaimed, RequestAnswered,
)  # fmt: skip
