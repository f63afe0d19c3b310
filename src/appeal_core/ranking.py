"""Who is ranked, in what order, and who goes on the red and black lists (红黑榜).

Pure rules over a month's ``DepartmentFigures`` (docs/metrics.md, "Ranking"):

- a department is *ranked* when it has a score and a large enough sample: the larger of its
  reply-due and visited counts (the denominators of its score) reaches ``min_items``; a scored
  department below that is listed apart as 样本不足, one without a score as 无可评分事项;
- the order is the *published* score (×100, one decimal, rounded half up: what the briefing
  prints), then the district's configured department order, then the name; ranks are 1, 2, ...
  with no shared places, so two departments printed with the same score are placed by the
  configured order rather than by a difference nobody can see;
- the black list is the bottom ``list_size`` ranked departments (at most half of them), the
  red list the top ``list_size`` of the rest with a published score above 0; a department
  printed with the same score as one on the red list is never on the black list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from appeal_core.metrics import DepartmentFigures

TENTH = Decimal("0.1")


def points(score: float | None) -> Decimal | None:
    """The published score: ``score`` × 100 to one decimal, rounded half up (None stays None).

    The product is first rounded to 9 places, so binary noise (81.2499999…) cannot flip it.
    """
    if score is None:
        return None
    return Decimal(repr(round(score * 100, 9))).quantize(TENTH, rounding=ROUND_HALF_UP)


def sample(d: DepartmentFigures) -> int:
    """How many items a department's score rests on: the larger of 应答复 and 回访."""
    return max(d.reply_due, d.visited)


@attrs.frozen(kw_only=True)
class RankingRules:
    """The district's ranking settings (from ``Policy``: ``min_ranked_items``,
    ``department_order``, ``red_black_size``)."""

    min_items: int = 3
    order: tuple[str, ...] = ()
    list_size: int = 3


@attrs.frozen(kw_only=True)
class Place:
    """One ranked department: its rank (1, 2, ...), figures and published score."""

    rank: int
    figures: DepartmentFigures
    points: Decimal


@attrs.frozen(kw_only=True)
class Standings:
    """The month's ranking: the ranked places, the departments left out, and the two lists."""

    ranked: tuple[Place, ...]
    too_few: tuple[DepartmentFigures, ...]  # scored, sample below the minimum (样本不足)
    unscored: tuple[DepartmentFigures, ...]  # no rate has a value (无可评分事项)
    red: tuple[Place, ...]
    black: tuple[Place, ...]

    def order(self) -> tuple[DepartmentFigures, ...]:
        """Every department in print order: ranked, then too few items, then no score."""
        return (*(p.figures for p in self.ranked), *self.too_few, *self.unscored)


def standings(
    departments: Iterable[DepartmentFigures],
    weights: Sequence[float],
    rules: RankingRules,
    scores: Mapping[str, float | None] | None = None,
) -> Standings:
    """Rank ``departments`` by the rules above (``scores`` by department replace the scores
    from the figures, as the annual assessment's mean of monthly scores does)."""
    position = {name: i for i, name in enumerate(rules.order)}

    def tie_break(d: DepartmentFigures) -> tuple[int, str]:
        return position.get(d.department, len(position)), d.department

    scored: list[tuple[Decimal, DepartmentFigures]] = []
    too_few: list[tuple[Decimal, DepartmentFigures]] = []
    unscored: list[DepartmentFigures] = []
    for d in departments:
        p = points(scores.get(d.department) if scores is not None else d.score(weights))
        if p is None:
            unscored.append(d)
        else:
            (scored if sample(d) >= rules.min_items else too_few).append((p, d))
    scored.sort(key=lambda x: (-x[0], *tie_break(x[1])))
    too_few.sort(key=lambda x: (-x[0], *tie_break(x[1])))
    ranked = tuple(Place(rank=i, figures=d, points=p) for i, (p, d) in enumerate(scored, 1))
    size = max(0, rules.list_size)
    bottom = min(size, len(ranked) // 2)
    red = tuple(p for p in ranked[: min(size, len(ranked) - bottom)] if p.points > 0)
    red_points = {p.points for p in red}
    black = tuple(p for p in ranked[len(ranked) - bottom :][::-1] if p.points not in red_points)
    return Standings(
        ranked=ranked,
        too_few=tuple(d for _, d in too_few),
        unscored=tuple(sorted(unscored, key=tie_break)),
        red=red,
        black=black,
    )
