"""The stopped clock (挂起): a deadline paused for a typed, documented reason, and resumed.

While the clock stands still the sweep does not chase the item; when it runs again, every
deadline the department still works to moves by the *paused working days*: the working days
after the pause day up to and including the resume day (``calendar.workdays_between``), so
the pause day counts as a day of work and the resume day, like an assignment day, does not.
The department keeps exactly the working days it had left.  At the pause the deadlines move
to where they would be if the clock ran again on the expected day (``until``), so a month's
figures taken during a pause use that date (docs/deadlines.md, docs/metrics.md).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import attrs

from appeal_core.deadlines import Deadline, Workdays


class PauseReason(enum.StrEnum):
    """Why the clock stops: the enterprise owes materials, or a procedure with its own time."""

    MATERIALS = "materials"  # 等待企业补充材料
    PUBLICITY = "publicity"  # 公示
    HEARING = "hearing"  # 听证
    APPRAISAL = "appraisal"  # 鉴定、检测
    JOINT_MEETING = "joint_meeting"  # 已安排的会商会办

    @property
    def label(self) -> str:
        """The reason in Chinese."""
        return _LABELS[self]


_LABELS = {
    PauseReason.MATERIALS: "等待企业补充材料",
    PauseReason.PUBLICITY: "法定公示程序",
    PauseReason.HEARING: "法定听证程序",
    PauseReason.APPRAISAL: "鉴定、检测程序",
    PauseReason.JOINT_MEETING: "已安排会商会办",
}


@attrs.frozen(kw_only=True)
class PauseRequest:
    """A lead department's request to stop the clock, awaiting the desk's approval."""

    reason: PauseReason = attrs.field(converter=PauseReason)
    since: date
    until: date
    document: str
    note: str = ""
    department: str
    at: datetime


@attrs.frozen(kw_only=True)
class Pause:
    """The clock standing still since ``since`` (expected to run again on ``until``), with the
    deadlines as they were before, from which the resumption counts."""

    reason: PauseReason = attrs.field(converter=PauseReason)
    since: date
    until: date
    document: str
    note: str = ""
    at: datetime
    requested_by: str = ""  # the lead department whose request the desk approved
    reply_before: Deadline | None = None
    completion_before: Deadline | None = None
    co_before: tuple[tuple[str, Deadline], ...] = ()

    @property
    def label(self) -> str:
        """One line for lists: reason, document, since when, until when."""
        return (
            f"{self.reason.label}（{self.document}）：自 {self.since.isoformat()} 暂停计时，"
            f"预计 {self.until.isoformat()} 恢复"
        )


def stretched(
    calendar: Workdays, before: Deadline, *, since: date, end: date, why: str, expected: bool
) -> Deadline:
    """``before`` moved by the working days after ``since`` up to ``end`` (none: unchanged).

    A counted deadline stays counted from its start (``workdays + paused``-th working day
    after it); a date a person gave moves by the paused working days from that date.
    """
    m = calendar.workdays_between(since, end)
    if m <= 0:
        return before
    paused = before.paused + m
    start = before.start if before.workdays or before.paused else before.due
    due = calendar.add_workdays(start, before.workdays + paused)
    verb = f"预计 {end.isoformat()} 恢复计时" if expected else f"{end.isoformat()} 恢复计时"
    text = (
        f"{before.explanation}；{why}，自 {since.isoformat()} 暂停计时（当日照常计算），{verb}"
        f"（当日不计），暂停 {m} 个工作日，期限由 {before.due.isoformat()} 顺延至 "
        f"{due.isoformat()}"
    )
    if expected:
        text += "（按预计恢复日计算，以实际恢复日为准）"
    return attrs.evolve(
        before,
        due=due,
        start=start,
        explanation=text,
        paused=paused,
        provisional=calendar.is_provisional(start, due),
    )
