"""appeal_core: the pure domain of the enterprise appeal direct line (no I/O, no clock)."""

from appeal_core.actor import Actor, Department, Role
from appeal_core.agenda import Agenda, AgendaItem
from appeal_core.annual import AnnualLine, AnnualReport
from appeal_core.appeal import (
    BUILT_IN_CHANNELS,
    Appeal,
    Assignment,
    Assumption,
    Channel,
    Characterization,
    CoDue,
    Complexity,
    CoReport,
    Escalation,
    FollowUp,
    LeaderMeeting,
    RedLine,
    Reply,
    Satisfaction,
    SiteVisit,
    Status,
)
from appeal_core.calendar import (
    HolidayPeriod,
    OutsideCoverage,
    SkippedRun,
    WorkCalendar,
    YearNotice,
    china_calendar,
)
from appeal_core.channels import Channels, ChannelSpec
from appeal_core.cohandling import CoHandlingFigures, CoHandlingReport
from appeal_core.corrections import Change, CorrectionEffect
from appeal_core.deadlines import Deadline
from appeal_core.definitions import MetricsRules
from appeal_core.departments import DepartmentEntry, Registry
from appeal_core.desk import Desk
from appeal_core.digest import Digest, DigestLine
from appeal_core.enterprise import Enterprise
from appeal_core.errors import (
    AppealError,
    AppealNotFound,
    CalendarDataMissing,
    ConcurrencyConflict,
    LifecycleError,
    MeetingNotFound,
    PermissionDenied,
    QuarantineNotFound,
    SealedMonthError,
    TaskNotFound,
    UnknownDepartment,
    ValidationError,
)
from appeal_core.explain import Explanation, Line
from appeal_core.history import CorruptHistory, fold
from appeal_core.identity import Identity
from appeal_core.intake import IntakeRecord, IntakeReport, QuarantineEntry, Reexport, RejectedRow
from appeal_core.journal import Decision, SupervisionNoticeIssued
from appeal_core.lifecycle import TRANSITIONS
from appeal_core.meetings import Meeting
from appeal_core.memory import MemoryStore
from appeal_core.metrics import ChannelFigures, DepartmentFigures, MonthlyReport
from appeal_core.pause import Pause, PauseReason
from appeal_core.policy import Policy
from appeal_core.ports import BatchUnitOfWork, ReviewIndex, Store, UnitOfWork
from appeal_core.ranking import Place, RankingRules, Standings
from appeal_core.recurring import Recurring
from appeal_core.review import ReviewEntry
from appeal_core.sweep import Action, ActionKind
from appeal_core.tasks import Task, TaskStatus
from appeal_core.timeutil import SHANGHAI

__all__ = [
    "BUILT_IN_CHANNELS",
    "SHANGHAI",
    "TRANSITIONS",
    "Action",
    "ActionKind",
    "Actor",
    "Agenda",
    "AgendaItem",
    "AnnualLine",
    "AnnualReport",
    "Appeal",
    "AppealError",
    "AppealNotFound",
    "Assignment",
    "Assumption",
    "BatchUnitOfWork",
    "CalendarDataMissing",
    "Change",
    "Channel",
    "ChannelFigures",
    "ChannelSpec",
    "Channels",
    "Characterization",
    "CoDue",
    "CoHandlingFigures",
    "CoHandlingReport",
    "CoReport",
    "Complexity",
    "ConcurrencyConflict",
    "CorrectionEffect",
    "CorruptHistory",
    "Deadline",
    "Decision",
    "Department",
    "DepartmentEntry",
    "DepartmentFigures",
    "Desk",
    "Digest",
    "DigestLine",
    "Enterprise",
    "Escalation",
    "Explanation",
    "FollowUp",
    "HolidayPeriod",
    "Identity",
    "IntakeRecord",
    "IntakeReport",
    "LeaderMeeting",
    "LifecycleError",
    "Line",
    "Meeting",
    "MeetingNotFound",
    "MemoryStore",
    "MetricsRules",
    "MonthlyReport",
    "OutsideCoverage",
    "Pause",
    "PauseReason",
    "PermissionDenied",
    "Place",
    "Policy",
    "QuarantineEntry",
    "QuarantineNotFound",
    "RankingRules",
    "Recurring",
    "RedLine",
    "Reexport",
    "Registry",
    "RejectedRow",
    "Reply",
    "ReviewEntry",
    "ReviewIndex",
    "Role",
    "Satisfaction",
    "SealedMonthError",
    "SiteVisit",
    "SkippedRun",
    "Standings",
    "Status",
    "Store",
    "SupervisionNoticeIssued",
    "Task",
    "TaskNotFound",
    "TaskStatus",
    "UnitOfWork",
    "UnknownDepartment",
    "ValidationError",
    "WorkCalendar",
    "YearNotice",
    "china_calendar",
    "fold",
]
