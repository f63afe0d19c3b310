"""What people ask the desk to do; each command is checked by the lifecycle before any event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import attrs

from appeal_core.appeal import Assumption, Channel, Complexity, RedLine, Satisfaction
from appeal_core.enterprise import Enterprise
from appeal_core.pause import PauseReason


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _assumptions(value: Iterable[Assumption]) -> tuple[Assumption, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Register:
    """Record a newly reported problem (always accepted: 百分之百受理)."""

    enterprise: Enterprise
    content: str
    channel: Channel = attrs.field(converter=Channel)
    source_id: str = ""
    reported_at: datetime | None = None
    notes: tuple[tuple[str, str], ...] = ()
    assumptions: tuple[Assumption, ...] = attrs.field(default=(), converter=_assumptions)


@attrs.frozen(kw_only=True)
class ConfirmAssumption:
    """The desk confirms an assumed value (``field``; empty: every one still pending)."""

    number: str
    field: str = ""
    note: str = ""


@attrs.frozen(kw_only=True)
class CorrectAssumption:
    """The desk corrects an assumed value: ``field`` takes ``value``."""

    number: str
    field: str
    value: str
    note: str = ""


@attrs.frozen(kw_only=True)
class DismissDuplicate:
    """The desk finds that the item does not repeat ``of``, a flagged possible duplicate."""

    number: str
    of: str


@attrs.frozen(kw_only=True)
class Verify:
    """Confirm the problem with the enterprise."""

    number: str
    note: str = ""


@attrs.frozen(kw_only=True)
class Merge:
    """Merge this (duplicate) item into ``into``, which keeps its own clock."""

    number: str
    into: str


@attrs.frozen(kw_only=True)
class Classify:
    """Set the category and complexity."""

    number: str
    category: str
    complexity: Complexity = attrs.field(converter=Complexity)


@attrs.frozen(kw_only=True)
class Assign:
    """Hand the item to a lead department, with optional co-handling departments."""

    number: str
    lead: str
    co: tuple[str, ...] = attrs.field(default=(), converter=_names)


@attrs.frozen(kw_only=True)
class SendBack:
    """The lead department returns the item to the desk (not its business)."""

    number: str
    reason: str


@attrs.frozen(kw_only=True)
class Reassign:
    """The desk moves the item to another lead department."""

    number: str
    lead: str
    co: tuple[str, ...] = attrs.field(default=(), converter=_names)
    reason: str


@attrs.frozen(kw_only=True)
class ReportToLead:
    """A co-handling department reports its part to the lead department."""

    number: str
    text: str


@attrs.frozen(kw_only=True)
class ReplyPreliminary:
    """The lead department's preliminary reply and the date it commits to."""

    number: str
    text: str
    committed_due: date
    contact: str = ""
    phone: str = ""


@attrs.frozen(kw_only=True)
class ReplyFinal:
    """The lead department's final reply (the item is handled)."""

    number: str
    text: str
    contact: str = ""
    phone: str = ""


@attrs.frozen(kw_only=True)
class Extend:
    """Approve a later completion deadline."""

    number: str
    new_due: date
    reason: str


@attrs.frozen(kw_only=True)
class Redate:
    """Count the item's counted deadlines again with the desk's current calendar."""

    number: str
    reason: str


@attrs.frozen(kw_only=True)
class Escalate:
    """Take the item to the district leader in charge, with the lead department's proposal."""

    number: str
    leader: str
    reason: str
    proposal: str


@attrs.frozen(kw_only=True)
class DesignateDeputy:
    """Let another leader settle the escalation in the named leader's stead."""

    number: str
    deputy: str
    reason: str


@attrs.frozen(kw_only=True)
class RecordLeaderMeeting:
    """Record the district leader's meeting on the escalated item and its outcome."""

    number: str
    held_on: date
    chair: str
    attendees: tuple[str, ...] = attrs.field(converter=_names)
    outcome: str


@attrs.frozen(kw_only=True)
class RecordSiteVisit:
    """A handling department records its visit to the enterprise (登门研究解决)."""

    number: str
    visited_on: date
    participants: tuple[str, ...] = attrs.field(converter=_names)
    findings: str


@attrs.frozen(kw_only=True)
class PauseClock:
    """Stop the item's clock from ``since`` (default: today), expected to run again on
    ``until``, for a typed reason with its document (e.g. a 补正材料通知书's number)."""

    number: str
    reason: PauseReason = attrs.field(converter=PauseReason)
    until: date
    document: str
    since: date | None = None
    note: str = ""


@attrs.frozen(kw_only=True)
class RequestPause:
    """The lead department asks the desk to stop the clock (same fields as ``PauseClock``)."""

    number: str
    reason: PauseReason = attrs.field(converter=PauseReason)
    until: date
    document: str
    since: date | None = None
    note: str = ""


@attrs.frozen(kw_only=True)
class ApprovePause:
    """The desk approves the lead department's pending request: the clock stops."""

    number: str
    note: str = ""


@attrs.frozen(kw_only=True)
class DeclinePause:
    """The desk declines the lead department's pending request, saying why."""

    number: str
    reason: str


@attrs.frozen(kw_only=True)
class ResumeClock:
    """Let the clock run again from ``on`` (default: today); the deadlines move."""

    number: str
    on: date | None = None
    note: str = ""


@attrs.frozen(kw_only=True)
class Resolve:
    """The district leader settles an escalated item."""

    number: str
    resolution: str


@attrs.frozen(kw_only=True)
class RecordFollowUp:
    """Record the desk's visit to the enterprise after the reply."""

    number: str
    satisfaction: Satisfaction = attrs.field(converter=Satisfaction)
    resolved: bool
    visited_on: date
    notes: str = ""
    reached: bool = True  # False: the enterprise could not be reached (无效回访)


@attrs.frozen(kw_only=True)
class Reopen:
    """Send the item back to its lead department for re-handling."""

    number: str
    reason: str


@attrs.frozen(kw_only=True)
class Characterize:
    """Conclude that the problem cannot be solved, and why."""

    number: str
    reason: str
    red_line: RedLine | None = attrs.field(
        default=None, converter=attrs.converters.optional(RedLine)
    )


@attrs.frozen(kw_only=True)
class Close:
    """Close the item off in the register."""

    number: str
    note: str = ""


Command = (
    Verify
    | DismissDuplicate
    | ConfirmAssumption
    | CorrectAssumption
    | Merge
    | Classify
    | Assign
    | SendBack
    | Reassign
    | ReportToLead
    | ReplyPreliminary
    | ReplyFinal
    | Extend
    | Redate
    | Escalate
    | Resolve
    | RecordFollowUp
    | Reopen
    | Characterize
    | Close
    | DesignateDeputy
    | RecordLeaderMeeting
    | RecordSiteVisit
    | PauseClock
    | RequestPause
    | ApprovePause
    | DeclinePause
    | ResumeClock
)


def reaches_back(command: Command | Register) -> tuple[date, ...]:
    """The earlier days a command dates a fact on besides its own time: a pause's start, a
    resumption's day.  ``DeskBase.execute`` checks the earliest against the sealed months (as
    the command's own day), so nothing is back-dated into a sealed month except as a
    correction."""
    match command:
        case PauseClock(since=day) | RequestPause(since=day) | ResumeClock(on=day):
            return (day,) if day is not None else ()
    return ()
