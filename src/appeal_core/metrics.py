"""Monthly figures per lead department, computed from event histories with a cut-off.

Only events dated on or before the month's cut-off count, so a month computed later from the
event log equals the month computed at its end.  What one item contributes is
``appeal_core.counting``; the definitions (口径) are ``appeal_core.definitions``.  Formulas:
docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs

from appeal_core import events as e
from appeal_core.appeal import Channel, Satisfaction
from appeal_core.counting import StockEntry, facts, stock_at, upto
from appeal_core.definitions import MetricsRules, period
from appeal_core.policy import Policy
from appeal_core.projection import Projection, VisitRow, project
from appeal_core.ranking import RankingRules, Standings, standings

__all__ = [
    "COUNTS", "DISTRICT_TOTAL", "RATES", "ChannelFigures", "DepartmentFigures", "MonthlyReport",
    "SealMark", "StockEntry", "aggregate", "contributions", "month_bounds", "monthly_report",
    "rate", "report_from_counts", "stock_at", "weighted",
]  # fmt: skip

COUNTS = (
    "assigned", "reply_due", "replied_on_time", "completion_due", "completed_on_time",
    "visited", "resolved", "satisfied", "overdue_open", "stock", "completed_late",
)  # fmt: skip
#: The rates a department is scored and explained on, with their numerator and denominator.
RATES = {
    "response_rate": ("replied_on_time", "reply_due"),
    "on_time_completion_rate": ("completed_on_time", "completion_due"),
    "completion_rate": ("resolved", "visited"),
    "satisfaction_rate": ("satisfied", "visited"),
}
DISTRICT_TOTAL = "全区合计"


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
    completed_late: int = 0  # finished (final reply) this month after the deadline (逾期办理)

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
        """Weighted mean of the rates that have a value: response, completion, satisfaction and,
        with a fourth weight, on-time completion (renormalised over those present)."""
        rates = (self.response_rate, self.completion_rate, self.satisfaction_rate,
                 self.on_time_completion_rate)  # fmt: skip
        pairs = [(w, r) for w, r in zip(weights, rates, strict=False) if r is not None and w > 0]
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
class SealMark:
    """A sealed month's record: when and by whom it was sealed, and the figures' digest."""

    at: datetime
    by: str
    digest: str


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a calendar month."""
    return period(MetricsRules(), MetricsRules(), year, month)


@attrs.frozen(kw_only=True)
class MonthlyReport:
    """The month's figures: departments, the district total, the channels; the definitions
    (``metrics_rules``) and the period they were computed for, and the seal if sealed."""

    year: int
    month: int
    departments: tuple[DepartmentFigures, ...]
    total: DepartmentFigures
    channels: tuple[ChannelFigures, ...]
    weights: tuple[float, ...]
    rules: RankingRules = attrs.field(factory=RankingRules)
    metrics_rules: MetricsRules = attrs.field(factory=MetricsRules)
    first: date = attrs.field()
    last: date = attrs.field()
    seal: SealMark | None = None

    @first.default
    def _first(self) -> date:
        return month_bounds(self.year, self.month)[0]

    @last.default
    def _last(self) -> date:
        return month_bounds(self.year, self.month)[1]

    def standings(self) -> Standings:
        """The ranking by the district's rules, with the red and black lists (``ranking``)."""
        return standings(self.departments, self.weights, self.rules)

    def ranking(self) -> tuple[DepartmentFigures, ...]:
        """Departments in print order: ranked by published score (ties: the configured order),
        then those with too few items, then those without a score."""
        return self.standings().order()

    def department(self, name: str) -> DepartmentFigures:
        """One department's figures (zero counts when it had nothing this month); the district
        total for ``全区合计``."""
        if name == DISTRICT_TOTAL:
            return self.total
        found = next((d for d in self.departments if d.department == name), None)
        return found or DepartmentFigures(department=name)


Counts = dict[str, dict[str, float]]
#: In ``contributions``: 基本满意 visits, kept apart from ``satisfied`` (满意 visits) so that
#: every store computes ``satisfied = 满意 + weight × 基本满意`` as one and the same float.
BASIC = "_basically_satisfied"


def contributions(
    p: Projection, first: date, last: date, rules: MetricsRules
) -> tuple[Counts, tuple[int, int, int] | None]:
    """One item's counts per department for the month ``first``..``last`` (``satisfied``
    counts 满意 visits, ``BASIC`` the 基本满意 ones: see ``weighted``), and its channel counts
    (received, assigned or answered, answered) when it was received in the month."""
    out: Counts = {}
    if p.item.registered > last:
        return out, None
    for f in facts(p, first, last, rules):
        bucket = out.setdefault(f.department, {**dict.fromkeys(COUNTS, 0), BASIC: 0})
        if f.key == "satisfied" and f.amount > 0 and isinstance(f.row, VisitRow):
            full = f.row.satisfaction is Satisfaction.SATISFIED
            bucket["satisfied" if full else BASIC] += 1
        elif f.key != "satisfied":
            bucket[f.key] += f.amount
    if not first <= p.item.registered:
        return out, None
    answered = (upto(p.item.assigned_or_answered, last), upto(p.item.answered, last))
    return out, (1, int(answered[0] is not None), int(answered[1] is not None))


def weighted(per_dept: Counts, weight: float) -> Counts:
    """Counts from ``contributions`` with ``satisfied`` = 满意 + ``weight`` × 基本满意."""
    out = {}
    for dept, counts in per_dept.items():
        row = {k: v for k, v in counts.items() if k != BASIC}
        row["satisfied"] = int(counts.get("satisfied", 0)) + weight * int(counts.get(BASIC, 0))
        out[dept] = row
    return out


def monthly_report(
    histories: Iterable[Sequence[e.Event]],
    *,
    year: int,
    month: int,
    policy: Policy,
    rules: MetricsRules | None = None,
    bounds: tuple[date, date] | None = None,
) -> MonthlyReport:
    """The month's figures from the items' event histories (each oldest first)."""
    projections = (project(h) for h in histories if h)
    return aggregate(projections, year=year, month=month, policy=policy, rules=rules, bounds=bounds)


def aggregate(
    projections: Iterable[Projection],
    *,
    year: int,
    month: int,
    policy: Policy,
    rules: MetricsRules | None = None,
    bounds: tuple[date, date] | None = None,
) -> MonthlyReport:
    """The month's figures from the items' metrics rows (``appeal_core.projection``), under
    ``rules`` (default: the policy's) for the period ``bounds`` (default: by the rules)."""
    rules = rules or policy.metrics_rules
    first, last = bounds or period(rules, rules, year, month)
    per_dept: Counts = {}
    channels: dict[Channel, list[int]] = {ch: [0, 0, 0] for ch in Channel}
    for p in projections:
        counts, received = contributions(p, first, last, rules)
        for dept, values in counts.items():
            bucket = per_dept.setdefault(dept, {**dict.fromkeys(COUNTS, 0), BASIC: 0})
            for k, v in values.items():
                bucket[k] += v
        if received is not None:
            row = channels.setdefault(p.item.channel, [0, 0, 0])
            for i in range(3):
                row[i] += received[i]
    return report_from_counts(
        weighted(per_dept, rules.basically_satisfied_weight),
        channels,
        year=year,
        month=month,
        policy=policy,
        rules=rules,
        bounds=(first, last),
    )


def _as_fields(counts: Mapping[str, float]) -> dict[str, Any]:
    return {k: (v if k == "satisfied" else int(v)) for k, v in counts.items()}


def ranking_rules(policy: Policy, order: Sequence[str] | None = None) -> RankingRules:
    """The policy's ranking settings, with ``order`` (e.g. the registry's) for ties."""
    return RankingRules(
        min_items=policy.min_ranked_items,
        order=tuple(order) if order is not None else policy.department_order,
        list_size=policy.red_black_size,
    )


def channel_figures(
    counts: Mapping[Channel, Sequence[int]], policy: Policy
) -> tuple[ChannelFigures, ...]:
    """Per channel: the seed's five always (so the forms' table is whole), then the district's
    and the plugins' channels in their order, and any other counted, where they have items."""
    out = []
    for ch in policy.channels.order(counts):
        got = tuple(counts.get(ch, (0, 0, 0)))
        if ch.built_in or any(got):
            out.append(ChannelFigures(channel=ch, received=got[0],
                                      assigned_or_answered=got[1], answered=got[2]))  # fmt: skip
    return tuple(out)


def report_from_counts(
    per_dept: Mapping[str, Mapping[str, float]],
    channels: Mapping[Channel, Sequence[int]],
    *,
    year: int,
    month: int,
    policy: Policy,
    rules: MetricsRules | None = None,
    bounds: tuple[date, date] | None = None,
    ranking: RankingRules | None = None,
    departments: Iterable[str] = (),
) -> MonthlyReport:
    """Assemble the report from per-department counts and per-channel counts (any source);
    ``departments`` are listed (with zero counts) even when they had nothing this month."""
    rules = rules or policy.metrics_rules
    first, last = bounds or period(rules, rules, year, month)
    rows = {d: dict(c) for d, c in per_dept.items()}
    for name in departments:
        rows.setdefault(name, {})
    listed = tuple(
        DepartmentFigures(department=d, **_as_fields(c)) for d, c in sorted(rows.items())
    )
    total = sum(listed, DepartmentFigures(department=DISTRICT_TOTAL))
    return MonthlyReport(
        year=year,
        month=month,
        departments=listed,
        total=total,
        channels=channel_figures(channels, policy),
        weights=tuple(policy.score_weights),
        rules=ranking or ranking_rules(policy),
        metrics_rules=rules,
        first=first,
        last=last,
    )
