"""appeal_core: the pure domain of the enterprise appeal direct line (no I/O, no clock)."""

from appeal_core.actor import Actor, Department, Role
from appeal_core.appeal import (
    Appeal,
    Assignment,
    Assumption,
    Channel,
    Characterization,
    Complexity,
    CoReport,
    Escalation,
    FollowUp,
    RedLine,
    Reply,
    Satisfaction,
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
from appeal_core.deadlines import Deadline
from appeal_core.desk import Desk
from appeal_core.enterprise import Enterprise
from appeal_core.errors import (
    AppealError,
    AppealNotFound,
    CalendarDataMissing,
    ConcurrencyConflict,
    LifecycleError,
    PermissionDenied,
    QuarantineNotFound,
    ValidationError,
)
from appeal_core.history import CorruptHistory, fold
from appeal_core.identity import Identity
from appeal_core.intake import IntakeRecord, IntakeReport, QuarantineEntry, Reexport, RejectedRow
from appeal_core.lifecycle import TRANSITIONS
from appeal_core.memory import MemoryStore
from appeal_core.metrics import ChannelFigures, DepartmentFigures, MonthlyReport
from appeal_core.policy import Policy
from appeal_core.ports import BatchUnitOfWork, ReviewIndex, Store, UnitOfWork
from appeal_core.ranking import Place, RankingRules, Standings
from appeal_core.review import ReviewEntry
from appeal_core.sweep import Action, ActionKind
from appeal_core.timeutil import SHANGHAI

__all__ = [
    "SHANGHAI",
    "TRANSITIONS",
    "Action",
    "ActionKind",
    "Actor",
    "Appeal",
    "AppealError",
    "AppealNotFound",
    "Assignment",
    "Assumption",
    "BatchUnitOfWork",
    "CalendarDataMissing",
    "Channel",
    "ChannelFigures",
    "Characterization",
    "CoReport",
    "Complexity",
    "ConcurrencyConflict",
    "CorruptHistory",
    "Deadline",
    "Department",
    "DepartmentFigures",
    "Desk",
    "Enterprise",
    "Escalation",
    "FollowUp",
    "HolidayPeriod",
    "Identity",
    "IntakeRecord",
    "IntakeReport",
    "LifecycleError",
    "MemoryStore",
    "MonthlyReport",
    "OutsideCoverage",
    "PermissionDenied",
    "Place",
    "Policy",
    "QuarantineEntry",
    "QuarantineNotFound",
    "RankingRules",
    "RedLine",
    "Reexport",
    "RejectedRow",
    "Reply",
    "ReviewEntry",
    "ReviewIndex",
    "Role",
    "Satisfaction",
    "SkippedRun",
    "Standings",
    "Status",
    "Store",
    "UnitOfWork",
    "ValidationError",
    "WorkCalendar",
    "YearNotice",
    "china_calendar",
    "fold",
]
