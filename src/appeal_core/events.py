"""Every change to an item is an event; the event log is the audit trail.

Events carry everything their fold needs (deadlines included), so a past state is
reproducible without the calendar that computed it.
"""

from __future__ import annotations

from datetime import date, datetime

import attrs

from appeal_core.actor import Actor
from appeal_core.appeal import Assumption, Channel, Complexity, FollowUp, RedLine
from appeal_core.deadlines import Deadline
from appeal_core.enterprise import Enterprise
from appeal_core.pause import PauseReason

#: Co-handlers' report deadlines, per department (``appeal_core.cohandling``).
CoDues = tuple[tuple[str, Deadline], ...]


@attrs.frozen(kw_only=True)
class BaseEvent:
    """Fields every event has: which item, when, and who."""

    number: str
    at: datetime
    by: Actor


@attrs.frozen(kw_only=True)
class Registered(BaseEvent):
    """The desk registered a new item (登记) under a fresh number."""

    district: str
    year: int
    seq: int
    enterprise: Enterprise
    content: str
    channel: Channel
    source_id: str = ""
    reported_at: datetime | None = None
    possible_duplicates: tuple[str, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    #: Labels of the ``notes`` that hold personal data (the policy's, e.g. 填报人, 联系电话):
    #: encrypted with the contact's key like the contact's own fields (``appeal_core.privacy``).
    personal_notes: tuple[str, ...] = ()
    #: Values intake accepted under an assumption; the item waits in the review queue for them.
    assumptions: tuple[Assumption, ...] = ()


@attrs.frozen(kw_only=True)
class AssumptionConfirmed(BaseEvent):
    """The desk checked a value registered under an assumption and found it right (复核确认)."""

    field: str
    note: str = ""


@attrs.frozen(kw_only=True)
class AssumptionCorrected(BaseEvent):
    """The desk found an assumed value wrong: the item takes ``value`` instead of ``assumed``."""

    field: str
    assumed: str
    value: str
    note: str = ""


@attrs.frozen(kw_only=True)
class DuplicateDismissed(BaseEvent):
    """The desk found that this item does not repeat ``of`` (a flagged possible duplicate)."""

    of: str


@attrs.frozen(kw_only=True)
class Verified(BaseEvent):
    """The desk confirmed the problem with the enterprise (核实)."""

    note: str = ""


@attrs.frozen(kw_only=True)
class Merged(BaseEvent):
    """This item duplicates ``into`` and was merged into it; it ends here."""

    into: str


@attrs.frozen(kw_only=True)
class DuplicateAttached(BaseEvent):
    """Another item (``source``) was merged into this one; this item keeps its clock."""

    source: str


@attrs.frozen(kw_only=True)
class Classified(BaseEvent):
    """The desk set category and complexity (分类)."""

    category: str
    complexity: Complexity


@attrs.frozen(kw_only=True)
class Assigned(BaseEvent):
    """The desk handed the item to a lead department (交办), with its deadlines and the
    co-handlers' report deadlines (``co_dues``; complex items get them with the commitment)."""

    lead: str
    co: tuple[str, ...] = ()
    reply_due: Deadline
    completion_due: Deadline | None = None
    co_dues: CoDues = ()


@attrs.frozen(kw_only=True)
class Returned(BaseEvent):
    """The lead department sent the item back to the desk as not its business (退回)."""

    department: str
    reason: str


@attrs.frozen(kw_only=True)
class Reassigned(BaseEvent):
    """The desk moved the item to another lead department, with fresh deadlines."""

    lead: str
    co: tuple[str, ...] = ()
    reason: str
    reply_due: Deadline
    completion_due: Deadline | None = None
    co_dues: CoDues = ()


@attrs.frozen(kw_only=True)
class PreliminaryReplied(BaseEvent):
    """The lead department's preliminary reply, with the date it commits to (初步答复)."""

    text: str
    department: str
    committed_due: Deadline
    contact: str = ""
    phone: str = ""
    co_dues: CoDues = ()


@attrs.frozen(kw_only=True)
class Replied(BaseEvent):
    """The lead department's final reply to the enterprise (答复 / 办结)."""

    text: str
    department: str
    contact: str = ""
    phone: str = ""


@attrs.frozen(kw_only=True)
class CoHandlerReported(BaseEvent):
    """A co-handling department reported its part to the lead department."""

    department: str
    text: str


@attrs.frozen(kw_only=True)
class DeadlineExtended(BaseEvent):
    """The desk approved a later completion deadline, with its reason."""

    completion_due: Deadline
    reason: str


@attrs.frozen(kw_only=True)
class Redated(BaseEvent):
    """Counted deadlines counted again with better calendar data (a notice was loaded).

    Only the deadlines given are replaced; ``reason`` names the notice.
    """

    reason: str
    reply_due: Deadline | None = None
    completion_due: Deadline | None = None
    escalation_due: Deadline | None = None
    co_dues: CoDues = ()  # co-handlers' report deadlines counted again


@attrs.frozen(kw_only=True)
class Escalated(BaseEvent):
    """The item went up to the district leader in charge (报区分管领导牵头办会), with the lead
    department's proposal (初步建议方案)."""

    leader: str
    reason: str
    due: Deadline
    proposal: str = ""


@attrs.frozen(kw_only=True)
class DeputyDesignated(BaseEvent):
    """The desk designated a deputy who may settle the escalation in the leader's stead."""

    deputy: str
    reason: str


@attrs.frozen(kw_only=True)
class LeaderMeetingHeld(BaseEvent):
    """The district leader's meeting on the escalated item, and its outcome (recorded by the
    desk, which keeps the minutes)."""

    held_on: date
    chair: str
    attendees: tuple[str, ...]
    outcome: str


@attrs.frozen(kw_only=True)
class EscalationResolved(BaseEvent):
    """The district leader settled the escalated item."""

    resolution: str


@attrs.frozen(kw_only=True)
class SiteVisited(BaseEvent):
    """A handling department studied the problem at the enterprise (登门研究解决)."""

    visited_on: date
    department: str
    participants: tuple[str, ...]
    findings: str


@attrs.frozen(kw_only=True)
class PauseRequested(BaseEvent):
    """The lead department asked the desk to stop the clock, with the reason and document."""

    reason: PauseReason
    since: date
    until: date
    document: str
    note: str = ""
    department: str


@attrs.frozen(kw_only=True)
class PauseDeclined(BaseEvent):
    """The desk declined the lead department's request to stop the clock."""

    reason: str


@attrs.frozen(kw_only=True)
class Paused(BaseEvent):
    """The clock stopped (挂起) on ``since``; the deadlines given are those the department
    works to if it runs again on ``until`` (the others do not move)."""

    reason: PauseReason
    since: date
    until: date
    document: str
    note: str = ""
    requested_by: str = ""
    reply_due: Deadline | None = None
    completion_due: Deadline | None = None
    co_dues: CoDues = ()


@attrs.frozen(kw_only=True)
class Resumed(BaseEvent):
    """The clock runs again from ``on``; the deadlines moved by ``workdays`` paused working
    days (from those before the pause).  ``note`` says why (e.g. 主办部门已答复)."""

    on: date
    workdays: int
    note: str = ""
    reply_due: Deadline | None = None
    completion_due: Deadline | None = None
    co_dues: CoDues = ()


@attrs.frozen(kw_only=True)
class FollowedUp(BaseEvent):
    """The desk visited the enterprise afterwards (回访)."""

    follow_up: FollowUp


@attrs.frozen(kw_only=True)
class Reopened(BaseEvent):
    """The item goes back to its lead department for re-handling, with fresh deadlines."""

    reason: str
    reply_due: Deadline
    completion_due: Deadline | None = None
    co_dues: CoDues = ()


@attrs.frozen(kw_only=True)
class Characterized(BaseEvent):
    """The desk concluded the problem cannot be solved, with the reason (定性)."""

    reason: str
    red_line: RedLine | None = None


@attrs.frozen(kw_only=True)
class Closed(BaseEvent):
    """The item is closed off in the register (销号)."""

    note: str = ""


@attrs.frozen(kw_only=True)
class ConfidentialitySet(BaseEvent):
    """The desk recorded that the contact asked for confidentiality (保密), or lifted it."""

    confidential: bool
    reason: str = ""


@attrs.frozen(kw_only=True)
class Noticed(BaseEvent):
    """The desk's daily sweep sent a notice (提醒、督办、催办); ``key`` makes it once only."""

    kind: str
    key: str
    target: str
    message: str


Event = (
    Registered
    | Verified
    | Merged
    | DuplicateAttached
    | Classified
    | Assigned
    | Returned
    | Reassigned
    | PreliminaryReplied
    | Replied
    | CoHandlerReported
    | DeadlineExtended
    | Redated
    | Escalated
    | EscalationResolved
    | FollowedUp
    | Reopened
    | Characterized
    | Closed
    | Noticed
    | DuplicateDismissed
    | ConfidentialitySet
    | AssumptionConfirmed
    | AssumptionCorrected
    | DeputyDesignated
    | LeaderMeetingHeld
    | SiteVisited
    | PauseRequested
    | PauseDeclined
    | Paused
    | Resumed
)

#: Every event class, in lifecycle order; adapters use it to (de)serialize by name.
EVENT_TYPES: tuple[type[BaseEvent], ...] = (
    Registered,
    Verified,
    Merged,
    DuplicateAttached,
    Classified,
    Assigned,
    Returned,
    Reassigned,
    PreliminaryReplied,
    Replied,
    CoHandlerReported,
    DeadlineExtended,
    Redated,
    Escalated,
    EscalationResolved,
    FollowedUp,
    Reopened,
    Characterized,
    Closed,
    Noticed,
    DuplicateDismissed,
    ConfidentialitySet,
    AssumptionConfirmed,
    AssumptionCorrected,
    DeputyDesignated,
    LeaderMeetingHeld,
    SiteVisited,
    PauseRequested,
    PauseDeclined,
    Paused,
    Resumed,
)
