"""The annual assessment (年度考核 "服务企业发展"): each department's year from its months.

The year's figures are the sum of the twelve months' counts (rates from the sums, never an
average of rates); the yearly score follows the policy's ``annual_score``: ``"summed"`` scores
the summed counts, ``"mean"`` averages the months' scores (over the months the department had
one).  Sealed months count as sealed; the others as computed now, and are flagged.  The rank
follows the monthly ranking rules on the yearly score; the months on the red and black lists
are each month's own lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from appeal_core.metrics import DISTRICT_TOTAL, DepartmentFigures, MonthlyReport
from appeal_core.month_desk import report, sealed
from appeal_core.ranking import RankingRules, Standings, points, standings

if TYPE_CHECKING:
    from decimal import Decimal

    from appeal_core.desk_base import DeskBase


@attrs.frozen(kw_only=True)
class AnnualLine:
    """One department's year."""

    department: str
    figures: DepartmentFigures  # the twelve months' counts summed
    score: float | None
    monthly: tuple[Decimal | None, ...]  # each month's published score (January first)
    rank: int | None
    red: tuple[int, ...] = ()  # months on the red list
    black: tuple[int, ...] = ()  # months on the black list
    standing: str = ""  # 参与排名 / 样本不足 / 无可评分事项


@attrs.frozen(kw_only=True)
class AnnualReport:
    """The year: departments in rank order, the district total, which months were sealed."""

    year: int
    rule: str
    lines: tuple[AnnualLine, ...]
    total: DepartmentFigures
    sealed: tuple[int, ...]  # months counted as sealed; the others as computed now
    weights: tuple[float, ...]
    rules: RankingRules
    months: tuple[MonthlyReport, ...] = attrs.field(repr=False, default=())

    @property
    def provisional(self) -> tuple[int, ...]:
        """Months not sealed (their figures may still change)."""
        return tuple(m for m in range(1, 13) if m not in self.sealed)


def annual(desk: DeskBase, year: int) -> AnnualReport:
    """The annual assessment of ``year`` (``Policy.annual_score`` decides the yearly score)."""
    months = tuple(report(desk, year, m) for m in range(1, 13))
    names = sorted({d.department for r in months for d in r.departments})
    summed = {n: sum((r.department(n) for r in months), DepartmentFigures(department=n))
              for n in names}  # fmt: skip
    weights = tuple(desk.policy.score_weights)
    monthly = {n: tuple(points(r.department(n).score(r.weights)) if n in
                        {d.department for d in r.departments} else None for r in months)
               for n in names}  # fmt: skip
    rule = desk.policy.annual_score
    if rule == "mean":
        scores: dict[str, float | None] = {}
        for n in names:
            values = [r.department(n).score(r.weights) for r in months]
            present = [v for v in values if v is not None]
            scores[n] = sum(present) / len(present) if present else None
    else:
        scores = {n: summed[n].score(weights) for n in names}
    order = desk.registry.names() or desk.policy.department_order
    rules = RankingRules(min_items=desk.policy.min_ranked_items, order=tuple(order),
                         list_size=desk.policy.red_black_size)  # fmt: skip
    table = standings(summed.values(), weights, rules, scores)
    lists = [r.standings() for r in months]
    lines = tuple(_line(n, summed[n], scores[n], monthly[n], table, lists) for n in
                  [d.department for d in table.order()])  # fmt: skip
    total = sum(summed.values(), DepartmentFigures(department=DISTRICT_TOTAL))
    done = tuple(m for (y, m) in sealed(desk) if y == year)
    return AnnualReport(year=year, rule=rule, lines=lines, total=total, sealed=tuple(sorted(done)),
                        weights=weights, rules=rules, months=months)  # fmt: skip


def _line(
    name: str,
    figures: DepartmentFigures,
    score: float | None,
    monthly: tuple[Decimal | None, ...],
    table: Standings,
    lists: list[Standings],
) -> AnnualLine:
    rank = next((p.rank for p in table.ranked if p.figures.department == name), None)
    few = any(d.department == name for d in table.too_few)
    standing = "参与排名" if rank else ("样本不足" if few else "无可评分事项")
    return AnnualLine(
        department=name, figures=figures, score=score, monthly=monthly, rank=rank,
        red=tuple(m for m, s in enumerate(lists, 1) if any(p.figures.department == name
                                                           for p in s.red)),
        black=tuple(m for m, s in enumerate(lists, 1) if any(p.figures.department == name
                                                             for p in s.black)),
        standing=standing,
    )  # fmt: skip
