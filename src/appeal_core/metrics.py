"""Monthly figures per lead department, computed from event histories with a cut-off.

Only events dated on or before the month's last day count, so a month computed later from
the event log equals the month computed at its end.  Formulas: docs/metrics.md.
"""

from __future__ import annotations

import calendar as _months
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import attrs

from appeal_core import events as e
from appeal_core.appeal import Channel, Satisfaction
from appeal_core.policy import Policy
from appeal_core.timeutil import local_date

COUNTS = (
    "assigned", "reply_due", "replied_on_time", "completion_due", "completed_on_time",
    "visited", "resolved", "satisfied", "overdue_open", "stock",
)  # fmt: skip


def rate(numerator: float, denominator: int) -> float | None:
    """A share, or None (no value) when nothing was due: never 0 or 100% by default."""
    return numerator / denominator if denominator else None


@attrs.frozen(kw_only=True)
class DepartmentFigures:
    """One department's (or the district's) counts for a month, and the rates from them."""

    department: str
    assigned: int = 0
    reply_due: int = 0
    replied_on_time: int = 0
    completion_due: int = 0
    completed_on_time: int = 0
    visited: int = 0
    resolved: int = 0
    satisfied: float = 0.0
    overdue_open: int = 0
    stock: int = 0

    @property
    def response_rate(self) -> float | None:
        """Replied on time / reply due (响应率)."""
        return rate(self.replied_on_time, self.reply_due)

    @property
    def on_time_completion_rate(self) -> float | None:
        """Completed on time / completion due (按时办结率)."""
        return rate(self.completed_on_time, self.completion_due)

    @property
    def completion_rate(self) -> float | None:
        """Resolved / visited: the seed's 完成率 (problems solved)."""
        return rate(self.resolved, self.visited)

    @property
    def satisfaction_rate(self) -> float | None:
        """Satisfied / visited (企业满意度); "basically satisfied" counts by the policy's weight."""
        return rate(self.satisfied, self.visited)

    def score(self, weights: Sequence[float]) -> float | None:
        """Weighted mean of response, completion and satisfaction rates that have a value."""
        pairs = [
            (w, r)
            for w, r in zip(
                weights,
                (self.response_rate, self.completion_rate, self.satisfaction_rate),
                strict=True,
            )
            if r is not None and w > 0
        ]
        total = sum(w for w, _ in pairs)
        return sum(w * r for w, r in pairs) / total if total else None

    def __add__(self, other: DepartmentFigures) -> DepartmentFigures:
        return DepartmentFigures(
            department=self.department,
            **{k: getattr(self, k) + getattr(other, k) for k in COUNTS},
        )


@attrs.frozen(kw_only=True)
class ChannelFigures:
    """Per channel: items received in the month, and how many were assigned or answered."""

    channel: Channel
    received: int = 0
    assigned_or_answered: int = 0
    answered: int = 0


@attrs.frozen(kw_only=True)
class MonthlyReport:
    """The month's figures: departments ranked by score, the district total, the channels."""

    year: int
    month: int
    departments: tuple[DepartmentFigures, ...]
    total: DepartmentFigures
    channels: tuple[ChannelFigures, ...]
    weights: tuple[float, float, float]

    def ranking(self) -> tuple[DepartmentFigures, ...]:
        """Departments by score (no score last), then by name."""

        def key(d: DepartmentFigures) -> tuple[bool, float, str]:
            s = d.score(self.weights)
            return (s is None, -(s or 0.0), d.department)

        return tuple(sorted(self.departments, key=key))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a calendar month."""
    return date(year, month, 1), date(year, month, _months.monthrange(year, month)[1])


@attrs.define
class _Cycle:
    """One stretch of a department's responsibility for an item (assignment to hand-over)."""

    lead: str
    reply_due: date
    completion_due: date | None
    first_reply: date | None = None
    final_reply: date | None = None
    ended: date | None = None  # handed over (returned, reassigned, characterized, merged)


def _cycles(history: Iterable[e.Event], cutoff: date) -> tuple[list[_Cycle], bool]:
    """The item's responsibility cycles up to ``cutoff``, and whether it is still open then."""
    cycles: list[_Cycle] = []
    is_open = True
    for ev in history:
        day = local_date(ev.at)
        if day > cutoff:
            break
        current = cycles[-1] if cycles else None
        match ev:
            case e.Assigned() | e.Reassigned():
                if current is not None and current.ended is None:
                    current.ended = day
                due = ev.completion_due.due if ev.completion_due else None
                cycles.append(_Cycle(ev.lead, ev.reply_due.due, due))
            case e.Reopened() if current is not None:
                due = ev.completion_due.due if ev.completion_due else None
                cycles.append(_Cycle(current.lead, ev.reply_due.due, due))
            case e.PreliminaryReplied() if current is not None:
                current.first_reply = current.first_reply or day
                current.completion_due = ev.committed_due.due
            case e.Replied() if current is not None:
                current.first_reply = current.first_reply or day
                current.final_reply = current.final_reply or day
            case e.DeadlineExtended() if current is not None:
                current.completion_due = ev.completion_due.due
            case e.Returned() | e.Characterized() | e.Merged() if current is not None:
                current.ended = current.ended or day
            case e.Closed() | e.Merged():
                is_open = False
    return cycles, is_open


def _counts_for(
    history: Sequence[e.Event], first: date, last: date, weight: float
) -> dict[str, dict[str, float]]:
    """This item's contribution to each department's counts for the month."""
    out: dict[str, dict[str, float]] = {}

    def add(dept: str, key: str, amount: float = 1) -> None:
        out.setdefault(dept, dict.fromkeys(COUNTS, 0))[key] += amount

    cycles, is_open = _cycles(history, last)
    lead: str | None = None
    for ev in history:
        day = local_date(ev.at)
        if day > last:
            break
        if isinstance(ev, e.Assigned | e.Reassigned):
            lead = ev.lead
            if day >= first:
                add(ev.lead, "assigned")
        elif isinstance(ev, e.FollowedUp) and day >= first and lead is not None:
            add(lead, "visited")
            add(lead, "resolved", ev.follow_up.resolved)
            level = ev.follow_up.satisfaction
            add(
                lead,
                "satisfied",
                1
                if level is Satisfaction.SATISFIED
                else weight
                if level is Satisfaction.BASICALLY_SATISFIED
                else 0,
            )
    for c in cycles:
        handed_over_early = c.ended is not None and c.first_reply is None and c.ended <= c.reply_due
        if first <= c.reply_due <= last and not handed_over_early:
            add(c.lead, "reply_due")
            add(
                c.lead,
                "replied_on_time",
                c.first_reply is not None and c.first_reply <= c.reply_due,
            )
        done_early = (
            c.ended is not None
            and c.final_reply is None
            and c.completion_due is not None
            and c.ended <= c.completion_due
        )
        if c.completion_due is not None and first <= c.completion_due <= last and not done_early:
            add(c.lead, "completion_due")
            add(
                c.lead,
                "completed_on_time",
                c.final_reply is not None and c.final_reply <= c.completion_due,
            )
    if cycles and is_open:
        c = cycles[-1]
        if c.ended is None:
            add(c.lead, "stock")
            late_reply = c.first_reply is None and c.reply_due <= last
            late_done = (
                c.final_reply is None and c.completion_due is not None and c.completion_due <= last
            )
            if late_reply or late_done:
                add(c.lead, "overdue_open")
    return out


def _as_fields(counts: dict[str, float]) -> dict[str, Any]:
    return {k: (v if k == "satisfied" else int(v)) for k, v in counts.items()}


def monthly_report(
    histories: Iterable[Sequence[e.Event]], *, year: int, month: int, policy: Policy
) -> MonthlyReport:
    """The month's figures from the items' event histories (each oldest first)."""
    first, last = month_bounds(year, month)
    per_dept: dict[str, dict[str, float]] = {}
    channels: dict[Channel, list[int]] = {ch: [0, 0, 0] for ch in Channel}
    for history in histories:
        if not history:
            continue
        for dept, counts in _counts_for(
            history, first, last, policy.basically_satisfied_weight
        ).items():
            bucket = per_dept.setdefault(dept, dict.fromkeys(COUNTS, 0))
            for k, v in counts.items():
                bucket[k] += v
        registered = history[0]
        if isinstance(registered, e.Registered) and first <= local_date(registered.at) <= last:
            seen = {type(ev) for ev in history if local_date(ev.at) <= last}
            row = channels[registered.channel]
            row[0] += 1
            row[1] += bool(
                seen & {e.Assigned, e.Replied, e.PreliminaryReplied, e.Characterized, e.Merged}
            )
            row[2] += bool(seen & {e.Replied, e.PreliminaryReplied, e.Characterized, e.Merged})
    departments = tuple(
        DepartmentFigures(department=d, **_as_fields(c)) for d, c in sorted(per_dept.items())
    )
    total = sum(departments, DepartmentFigures(department="全区合计"))
    return MonthlyReport(
        year=year,
        month=month,
        departments=departments,
        total=total,
        channels=tuple(
            ChannelFigures(channel=ch, received=r[0], assigned_or_answered=r[1], answered=r[2])
            for ch, r in channels.items()
        ),
        weights=policy.score_weights,
    )
