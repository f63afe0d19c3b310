"""更正: the effect of each correction on the sealed months it touches, for the next briefing.

A correction's effect on a sealed month is what its events change in that month's counts,
after the corrections recorded before it; the sealed figures themselves never change.  Only the
items a correction names are recomputed, so this costs the same on any store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import attrs

from appeal_core.events import Event
from appeal_core.journal import Corrected
from appeal_core.metrics import COUNTS, DepartmentFigures
from appeal_core.month_desk import delta
from appeal_core.sealing import corrections, months_stream, seals
from appeal_core.timeutil import local_date

if TYPE_CHECKING:
    from appeal_core.desk_base import DeskBase


@attrs.frozen(kw_only=True)
class Change:
    """One department's figures of a sealed month before and after a correction."""

    department: str
    before: DepartmentFigures
    after: DepartmentFigures


@attrs.frozen(kw_only=True)
class CorrectionEffect:
    """A correction and what it changes in one sealed month (nothing: ``changes`` empty)."""

    correction: Corrected
    year: int
    month: int
    changes: tuple[Change, ...]


def _without(history: Sequence[Event], versions: set[int]) -> list[Event]:
    if 1 in versions:  # the correction registered the item: without it there is no item
        return []
    return [ev for k, ev in enumerate(history, 1) if k not in versions]


def _plus(before: DepartmentFigures, change: dict[str, float]) -> DepartmentFigures:
    values = {k: getattr(before, k) + change.get(k, 0) for k in COUNTS}
    return DepartmentFigures(
        department=before.department,
        **{k: (v if k == "satisfied" else round(v)) for k, v in values.items()},
    )


def effects(desk: DeskBase, first: date, last: date) -> tuple[CorrectionEffect, ...]:
    """The corrections recorded from ``first`` to ``last`` (Asia/Shanghai), each with its effect
    on every sealed month it touches, in the order recorded."""
    events = desk.stream(months_stream(desk.district))
    sealed, done = seals(events), corrections(events)
    running: dict[tuple[int, int], dict[str, DepartmentFigures]] = {}
    out: list[CorrectionEffect] = []
    for k, corr in enumerate(done):
        later: dict[str, set[int]] = {}
        for c in done[k + 1 :]:
            for item in c.items:
                later.setdefault(item.number, set()).update(range(item.first, item.last + 1))
        for key in corr.months:
            seal = sealed.get(key)
            if seal is None:
                continue
            figures = running.setdefault(key, {d.department: d for d in seal.departments})
            total: dict[str, dict[str, float]] = {}
            for item in corr.items:
                history = desk.store.events(item.number)
                then = later.get(item.number, set())
                own = set(range(item.first, item.last + 1))
                with_, without = _without(history, then), _without(history, then | own)
                change, _, _ = delta(with_, without, seal.rules, (seal.first, seal.last))
                for dept, values in change.items():
                    bucket = total.setdefault(dept, dict.fromkeys(COUNTS, 0))
                    for name, v in values.items():
                        bucket[name] += v
            changes = []
            for dept, values in sorted(total.items()):
                before = figures.get(dept, DepartmentFigures(department=dept))
                after = _plus(before, values)
                if after != before:
                    changes.append(Change(department=dept, before=before, after=after))
                    figures[dept] = after
            if first <= local_date(corr.at) <= last:
                out.append(CorrectionEffect(correction=corr, year=key[0], month=key[1],
                                            changes=tuple(changes)))  # fmt: skip
    return tuple(out)
