"""An appeal's state: the fold of its events, with the value objects it is made of."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, ClassVar, NoReturn

import attrs

from appeal_core.deadlines import Deadline
from appeal_core.enterprise import Enterprise
from appeal_core.errors import ValidationError
from appeal_core.pause import Pause, PauseRequest


def refuse_member(cls: type[enum.Enum], field: str, value: object) -> NoReturn:
    """A ``ValidationError`` for a value that is none of ``cls``'s, listing the accepted ones.

    Called from each enum's ``_missing_``, so ``Channel("x")`` raises it instead of a bare
    ``ValueError`` (it is one too, so ``except ValueError`` still catches it).
    """
    labels = {m: getattr(m, "label", "") for m in cls}
    accepted = "、".join(f"{m.value}（{labels[m]}）" if labels[m] else str(m.value) for m in cls)
    raise ValidationError(field, value, f"应为以下之一：{accepted}")


class _ChannelType(type):
    """Iterating ``Channel`` gives the five built-in channels, as the closed enum it was did."""

    def __iter__(cls) -> Iterator[Channel]:
        return iter(BUILT_IN_CHANNELS)

    def __len__(cls) -> int:
        return len(BUILT_IN_CHANNELS)


class Channel(str, metaclass=_ChannelType):
    """Where an appeal came from (问题来源): an open value, so a plugin channel is itself.

    ``Channel.APP`` ... ``Channel.FACE_TO_FACE`` are the seed's five; any other name of the
    form ``[a-z][a-z0-9_]*`` is a value too, and *known* when the district's channels
    (``Policy.channels``, ``appeal_core.channels.Channels``) declare it: the desk refuses an
    unknown one.  Old stored values load as they were.
    """

    __slots__ = ()

    APP: ClassVar[Channel]
    HOTLINE: ClassVar[Channel]
    LEADER_VISIT: ClassVar[Channel]
    GRASSROOTS: ClassVar[Channel]
    FACE_TO_FACE: ClassVar[Channel]

    def __new__(cls, value: object) -> Channel:
        if type(value) is cls:
            return value
        interned = _INTERNED.get(value) if isinstance(value, str) else None
        if interned is not None:  # ``Channel("app") is Channel.APP``, as with the enum
            return interned
        if not isinstance(value, str) or not _CHANNEL_NAME.fullmatch(value):
            known = "、".join(f"{c}（{CHANNEL_LABELS[c]}）" for c in BUILT_IN_CHANNELS)
            raise ValidationError(
                "channel", value, f"渠道名称应为小写英文字母、数字或下划线，如 {known}"
            )
        return super().__new__(cls, value)

    @property
    def value(self) -> str:
        """The channel's name as stored (``"app"``)."""
        return str.__str__(self)

    @property
    def name(self) -> str:
        """The constant's name (``"APP"``), as the enum spelled it."""
        return self.value.upper()

    @property
    def label(self) -> str:
        """The seed's name for a built-in channel (on the forms); the name itself otherwise
        (a district's own label comes from ``Policy.channel_label``)."""
        return CHANNEL_LABELS.get(self, self.value)

    @property
    def built_in(self) -> bool:
        """True for the seed's five."""
        return self in CHANNEL_LABELS

    def __repr__(self) -> str:
        return f"Channel({self.value!r})"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Channel, (self.value,))


_INTERNED: dict[str, Channel] = {}

#: A channel's name: lower-case ASCII letters, digits and underscores, at most 40.
_CHANNEL_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")

Channel.APP = Channel("app")
Channel.HOTLINE = Channel("hotline")
Channel.LEADER_VISIT = Channel("leader_visit")
Channel.GRASSROOTS = Channel("grassroots")
Channel.FACE_TO_FACE = Channel("face_to_face")

#: The seed's five channels, in the order the forms and figures list them.
BUILT_IN_CHANNELS = (
    Channel.APP,
    Channel.HOTLINE,
    Channel.LEADER_VISIT,
    Channel.GRASSROOTS,
    Channel.FACE_TO_FACE,
)

_INTERNED.update((c.value, c) for c in BUILT_IN_CHANNELS)

CHANNEL_LABELS = {
    Channel.APP: "海企通APP",
    Channel.HOTLINE: "12345热线转交",
    Channel.LEADER_VISIT: "区领导“双挂钩”调研走访交办",
    Channel.GRASSROOTS: "基层上报",
    Channel.FACE_TO_FACE: "“面对面”走访",
}


class Complexity(enum.StrEnum):
    """Routine items get a reply in 3 working days; the others a preliminary reply first."""

    ROUTINE = "routine"  # 常规问题
    COMPLEX = "complex"  # 内容复杂、调查处理需要一定时间
    STATUTORY = "statutory"  # 法律法规明确有具体时限

    @property
    def needs_preliminary(self) -> bool:
        """True when the seed asks for a preliminary reply and a committed date."""
        return self is not Complexity.ROUTINE

    @property
    def label(self) -> str:
        """The complexity in Chinese."""
        return {"routine": "常规", "complex": "复杂"}.get(self.value, "法定时限")

    @classmethod
    def _missing_(cls, value: object) -> Any:
        refuse_member(cls, "complexity", value)


class Status(enum.StrEnum):
    """Where an item stands in its lifecycle."""

    REGISTERED = "registered"
    VERIFIED = "verified"
    CLASSIFIED = "classified"
    ASSIGNED = "assigned"
    RETURNED = "returned"
    PRELIMINARY_REPLIED = "preliminary_replied"
    REPLIED = "replied"
    FOLLOWED_UP = "followed_up"
    CHARACTERIZED = "characterized"
    CLOSED = "closed"
    MERGED = "merged"

    @property
    def label(self) -> str:
        """The status in Chinese, as a clerk says it."""
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        """True until the item is closed off or merged into another."""
        return self not in (Status.CLOSED, Status.MERGED)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        refuse_member(cls, "status", value)


STATUS_LABELS = {
    Status.REGISTERED: "已登记",
    Status.VERIFIED: "已核实",
    Status.CLASSIFIED: "已分类",
    Status.ASSIGNED: "已交办",
    Status.RETURNED: "已退回",
    Status.PRELIMINARY_REPLIED: "已初步答复",
    Status.REPLIED: "已答复",
    Status.FOLLOWED_UP: "已回访",
    Status.CHARACTERIZED: "已定性",
    Status.CLOSED: "已销号",
    Status.MERGED: "已合并",
}


class Satisfaction(enum.StrEnum):
    """The enterprise's verdict at follow-up; the middle level is optional (two-level default)."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"

    @property
    def label(self) -> str:
        """The level in Chinese."""
        return {"satisfied": "满意", "basically_satisfied": "基本满意"}.get(self.value, "不满意")

    @classmethod
    def _missing_(cls, value: object) -> Any:
        refuse_member(cls, "satisfaction", value)


class RedLine(enum.StrEnum):
    """The policy red lines (政策底线) that may make a problem not solvable."""

    LAND_PLANNING = "land_planning"  # 国土规划
    ENVIRONMENT = "environment"  # 生态环保
    FIRE_SAFETY = "fire_safety"  # 消防安全
    WORK_SAFETY = "work_safety"  # 安全生产

    @property
    def label(self) -> str:
        """The red line in Chinese."""
        return RED_LINE_LABELS[self]

    @classmethod
    def _missing_(cls, value: object) -> Any:
        refuse_member(cls, "red_line", value)


RED_LINE_LABELS = {
    RedLine.LAND_PLANNING: "国土规划",
    RedLine.ENVIRONMENT: "生态环保",
    RedLine.FIRE_SAFETY: "消防安全",
    RedLine.WORK_SAFETY: "安全生产",
}


@attrs.frozen(kw_only=True)
class Assignment:
    """The lead department and its co-handlers, from a given moment."""

    lead: str
    co: tuple[str, ...] = ()
    assigned_at: datetime

    @property
    def departments(self) -> tuple[str, ...]:
        """The lead first, then the co-handlers."""
        return (self.lead, *self.co)


@attrs.frozen(kw_only=True)
class Reply:
    """A reply of the lead department to the enterprise (preliminary or final)."""

    text: str
    at: datetime
    department: str
    contact: str = ""
    phone: str = ""


@attrs.frozen(kw_only=True)
class CoReport:
    """A co-handling department's report to the lead department."""

    department: str
    text: str
    at: datetime


@attrs.frozen(kw_only=True)
class CoDue:
    """A co-handling department's report to the lead in the current cycle, due before the
    lead's deadline (``None`` until a complex item's lead commits to a date)."""

    department: str
    due: Deadline | None = None
    reported_at: datetime | None = None


@attrs.frozen(kw_only=True)
class SiteVisit:
    """A department went to the enterprise to study the problem on site (登门研究解决)."""

    visited_on: date
    department: str
    participants: tuple[str, ...]
    findings: str
    at: datetime


@attrs.frozen(kw_only=True)
class LeaderMeeting:
    """The district leader's meeting on an escalated item (牵头办会) and its outcome."""

    held_on: date
    chair: str
    attendees: tuple[str, ...]
    outcome: str
    at: datetime


@attrs.frozen(kw_only=True)
class Escalation:
    """An item taken to the district leader in charge with the lead department's proposal
    (初步建议方案), the leader's meetings, and the settlement by the leader or a deputy the
    desk designated."""

    leader: str
    reason: str
    at: datetime
    due: Deadline
    proposal: str = ""
    deputies: tuple[str, ...] = ()
    meetings: tuple[LeaderMeeting, ...] = ()
    resolution: str = ""
    resolved_at: datetime | None = None
    resolved_by: str = ""

    def may_resolve(self, name: str) -> bool:
        """True for the leader named and for a deputy the desk designated."""
        return bool(name) and name in (self.leader, *self.deputies)

    @property
    def is_open(self) -> bool:
        """True until the leader has settled it."""
        return self.resolved_at is None


@attrs.frozen(kw_only=True)
class FollowUp:
    """The desk's visit afterwards (回访): satisfied? resolved? notes, date.

    ``reached`` is False for a visit where the enterprise could not be reached (无效回访): it
    records no verdict (unsatisfied, unresolved) and the desk visits again.
    """

    satisfaction: Satisfaction = attrs.field(converter=Satisfaction)
    resolved: bool
    visited_on: date
    notes: str = ""
    reached: bool = True

    @property
    def satisfied(self) -> bool:
        """True for satisfied and basically satisfied."""
        return self.satisfaction is not Satisfaction.UNSATISFIED


@attrs.frozen(kw_only=True)
class Characterization:
    """The conclusion that a problem cannot be solved, with its reason (定性)."""

    reason: str
    red_line: RedLine | None = None
    at: datetime


@attrs.frozen(kw_only=True)
class Assumption:
    """A value intake accepted under a stated assumption, which a person confirms or corrects.

    E.g. a landline without its area code: ``field="enterprise.phone"``, ``original="82118899"``,
    ``assumed="0513-82118899"``, ``reason="固定电话未写区号，按本区区号 0513 补全"``.
    """

    field: str
    original: str
    assumed: str
    reason: str


@attrs.frozen(kw_only=True)
class Appeal:
    """One problem reported by one enterprise, as it stands after its events."""

    number: str
    district: str
    year: int
    seq: int
    enterprise: Enterprise
    content: str
    channel: Channel
    source_id: str = ""
    reported_at: datetime | None = None
    registered_at: datetime
    updated_at: datetime
    status: Status = Status.REGISTERED
    version: int = 1
    verified_at: datetime | None = None
    category: str = ""
    complexity: Complexity | None = None
    assignment: Assignment | None = None
    reply_due: Deadline | None = None
    completion_due: Deadline | None = None
    preliminary_reply: Reply | None = None
    final_reply: Reply | None = None
    co_reports: tuple[CoReport, ...] = ()
    co_dues: tuple[CoDue, ...] = ()
    escalation: Escalation | None = None
    escalations: int = 0
    follow_ups: tuple[FollowUp, ...] = ()
    characterization: Characterization | None = None
    closed_at: datetime | None = None
    merged_into: str | None = None
    merged_from: tuple[str, ...] = ()
    returns: int = 0
    reassignments: int = 0
    reopenings: int = 0
    extensions: int = 0
    notices: tuple[tuple[str, date], ...] = ()
    possible_duplicates: tuple[str, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    #: Labels of the ``notes`` that hold personal data (see ``Registered.personal_notes``).
    personal_notes: tuple[str, ...] = ()
    #: Values registered under an assumption and not yet confirmed or corrected by the desk.
    assumptions: tuple[Assumption, ...] = ()

    pause: Pause | None = None
    pause_request: PauseRequest | None = None
    pauses: int = 0
    site_visits: tuple[SiteVisit, ...] = ()

    @property
    def lead(self) -> str | None:
        """The current lead department, if assigned."""
        return self.assignment.lead if self.assignment else None

    @property
    def last_follow_up(self) -> FollowUp | None:
        """The most recent follow-up visit, if any."""
        return self.follow_ups[-1] if self.follow_ups else None

    def noticed_on(self, key: str) -> date | None:
        """The day the sweep's notice ``key`` was recorded, if it was."""
        return next((day for k, day in self.notices if k == key), None)

    @property
    def paused(self) -> bool:
        """True while the item's clock stands still (挂起)."""
        return self.pause is not None

    @property
    def transfers(self) -> int:
        """How often the item was returned or moved to another lead department."""
        return self.returns + self.reassignments
