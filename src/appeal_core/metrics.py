"""Monthly figures per lead department, computed from event histories with a cut-off.

Only events dated on or before the month's last day count, so a month computed later from
the event log equals the month computed at its end.  Formulas: docs/metrics.md.
"""

from __future__ import annotations

import calendar as _months
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import attrs

from appeal_core import events as e
from appeal_core.appeal import Channel, Satisfaction
from appeal_core.policy import Policy
from appeal_core.projection import Projection, project
from appeal_core.ranking import RankingRules, Standings, standings

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
    rules: RankingRules = attrs.field(factory=RankingRules)

    def standings(self) -> Standings:
        """The ranking by the district's rules, with the red and black lists (``ranking``)."""
        return standings(self.departments, self.weights, self.rules)

    def ranking(self) -> tuple[DepartmentFigures, ...]:
        """Departments in print order: ranked by published score (ties: the configured order,
        then the name), then those with too few items, then those without a score."""
        return self.standings().order()


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a calendar month."""
    return date(year, month, 1), date(year, month, _months.monthrange(year, month)[1])


def _upto(day: date | None, cutoff: date) -> date | None:
    """A dated fact as known at ``cutoff``: facts dated later did not exist yet."""
    return day if day is not None and day <= cutoff else None


def _counts_for(
    p: Projection, first: date, last: date, weight: float
) -> dict[str, dict[str, float]]:
    """One item's contribution to each department's counts for the month ending ``last``."""
    out: dict[str, dict[str, float]] = {}

    def add(dept: str, key: str, amount: float = 1) -> None:
        out.setdefault(dept, dict.fromkeys(COUNTS, 0))[key] += amount

    for v in p.visits:
        if first <= v.visited <= last:
            add(v.lead, "visited")
            add(v.lead, "resolved", v.resolved)
            level = v.satisfaction
            points = {Satisfaction.SATISFIED: 1.0, Satisfaction.BASICALLY_SATISFIED: weight}
            add(v.lead, "satisfied", points.get(level, 0.0))
    for c in (c for c in p.cycles if c.started <= last):
        replied, done, ended = (_upto(d, last) for d in (c.first_reply, c.final_reply, c.ended))
        due = _completion_due(p, c.cycle, last)
        reply_due = _reply_due(p, c.cycle, last) or c.reply_due
        if c.assigned and c.started >= first:
            add(c.lead, "assigned")
        if first <= reply_due <= last and not (ended and not replied and ended <= reply_due):
            add(c.lead, "reply_due")
            add(c.lead, "replied_on_time", replied is not None and replied <= reply_due)
        if due and first <= due <= last and not (ended and not done and ended <= due):
            add(c.lead, "completion_due")
            add(c.lead, "completed_on_time", done is not None and done <= due)
    held = stock_at(p, last)
    if held is not None:
        add(held.lead, "stock")
        add(held.lead, "overdue_open", held.overdue)
    return out


@attrs.frozen(kw_only=True)
class StockEntry:
    """An item in a lead department's stock at a cut-off: the deadline chased, and whether it
    had passed (an item due on the cut-off day and unanswered counts as overdue)."""

    number: str
    lead: str
    due: date | None  # the reply deadline while unanswered, else the completion deadline
    overdue: bool


def stock_at(p: Projection, last: date) -> StockEntry | None:
    """The item as the month ending ``last`` counts it in 存量 (and 逾期未办), or None.

    One rule for the figures and for the briefing's list: the item's current cycle at the
    cut-off, not handed over and the item not closed off or merged by then.
    """
    cycles = [c for c in p.cycles if c.started <= last]
    if not cycles or _upto(cycles[-1].ended, last) or _upto(p.item.ended, last):
        return None
    c = cycles[-1]
    replied, done = _upto(c.first_reply, last), _upto(c.final_reply, last)
    due = _completion_due(p, c.cycle, last)
    reply_due = _reply_due(p, c.cycle, last) or c.reply_due
    late_reply = replied is None and reply_due <= last
    late_done = done is None and due is not None and due <= last
    chased = reply_due if replied is None else (due if done is None else None)
    return StockEntry(number=p.item.number, lead=c.lead, due=chased,
                      overdue=late_reply or late_done)  # fmt: skip


def _completion_due(p: Projection, cycle: int, cutoff: date) -> date | None:
    """The cycle's completion deadline as it stood at ``cutoff`` (after extensions until then)."""
    known = [r for r in p.completions if r.cycle == cycle and r.changed <= cutoff]
    return max(known, key=lambda r: r.order).due if known else None


def _reply_due(p: Projection, cycle: int, cutoff: date) -> date | None:
    """The cycle's reply deadline as it stood at ``cutoff`` (re-dated ones from their day)."""
    known = [r for r in p.reply_dues if r.cycle == cycle and r.changed <= cutoff]
    return max(known, key=lambda r: r.order).due if known else None


def _as_fields(counts: Mapping[str, float]) -> dict[str, Any]:
    return {k: (v if k == "satisfied" else int(v)) for k, v in counts.items()}


def monthly_report(
    histories: Iterable[Sequence[e.Event]], *, year: int, month: int, policy: Policy
) -> MonthlyReport:
    """The month's figures from the items' event histories (each oldest first)."""
    projections = (project(h) for h in histories if h)
    return aggregate(projections, year=year, month=month, policy=policy)


def aggregate(
    projections: Iterable[Projection], *, year: int, month: int, policy: Policy
) -> MonthlyReport:
    """The month's figures from the items' metrics rows (``appeal_core.projection``)."""
    first, last = month_bounds(year, month)
    per_dept: dict[str, dict[str, float]] = {}
    channels: dict[Channel, list[int]] = {ch: [0, 0, 0] for ch in Channel}
    for p in projections:
        if p.item.registered > last:
            continue
        weight = policy.basically_satisfied_weight
        for dept, counts in _counts_for(p, first, last, weight).items():
            bucket = per_dept.setdefault(dept, dict.fromkeys(COUNTS, 0))
            for k, v in counts.items():
                bucket[k] += v
        if first <= p.item.registered:
            row = channels[p.item.channel]
            row[0] += 1
            row[1] += _upto(p.item.assigned_or_answered, last) is not None
            row[2] += _upto(p.item.answered, last) is not None
    return report_from_counts(per_dept, channels, year=year, month=month, policy=policy)


def report_from_counts(
    per_dept: Mapping[str, Mapping[str, float]],
    channels: Mapping[Channel, Sequence[int]],
    *,
    year: int,
    month: int,
    policy: Policy,
) -> MonthlyReport:
    """Assemble the report from per-department counts and per-channel counts (any source)."""
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
            ChannelFigures(
                channel=ch,
                received=channels.get(ch, (0, 0, 0))[0],
                assigned_or_answered=channels.get(ch, (0, 0, 0))[1],
                answered=channels.get(ch, (0, 0, 0))[2],
            )
            for ch in Channel
        ),
        weights=policy.score_weights,
        rules=RankingRules(
            min_items=policy.min_ranked_items,
            order=policy.department_order,
            list_size=policy.red_black_size,
        ),
    )
