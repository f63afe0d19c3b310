"""The desk's month: the definitions in force, the report, sealing and its check.

Functions over a desk's parts behind thin ``Desk`` methods (like ``calendar_desk``).  A month's
definitions are its seal's when sealed, else the latest amendment effective by its first day,
else the policy's; its period follows the previous month's cut-off.  A sealed month's report is
its seal; an open month's is computed (in SQL where the store can, else from the histories).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import attrs

from appeal_core.actor import Actor, Role
from appeal_core.definitions import MetricsRules, first_of, in_force, period
from appeal_core.errors import PermissionDenied, ValidationError
from appeal_core.events import Event
from appeal_core.journal import MonthSealed, RulesAmended, stream_key
from appeal_core.metrics import (
    BASIC,
    COUNTS,
    Counts,
    MonthlyReport,
    contributions,
    monthly_report,
    ranking_rules,
    report_from_counts,
    weighted,
)
from appeal_core.projection import project
from appeal_core.sealing import (
    digest_of,
    excluded,
    months_stream,
    seal_event,
    sealed_report,
    seals,
)
from appeal_core.timeutil import local_date

if TYPE_CHECKING:
    from appeal_core.desk_base import DeskBase

POLICY = "policy"


def policy_stream(district: str) -> str:
    """The stream of a district's dated rule amendments: ``@HM:policy``."""
    return stream_key(district, POLICY)


def previous(year: int, month: int) -> tuple[int, int]:
    """The month before."""
    return (year, month - 1) if month > 1 else (year - 1, 12)


def amendments(desk: DeskBase) -> tuple[RulesAmended, ...]:
    """Every amendment of the definitions, in the order recorded."""
    return tuple(
        e for e in desk.stream(policy_stream(desk.district)) if isinstance(e, RulesAmended)
    )


def sealed(desk: DeskBase) -> dict[tuple[int, int], MonthSealed]:
    """The district's sealed months by (year, month)."""
    return seals(desk.stream(months_stream(desk.district)))


def rules_for(desk: DeskBase, year: int, month: int) -> MetricsRules:
    """The definitions month ``year-month`` is (or was sealed) under."""
    seal = sealed(desk).get((year, month))
    if seal is not None:
        return seal.rules
    dated = [(a.effective, a.rules) for a in amendments(desk)]
    return in_force(dated, desk.policy.metrics_rules, year, month)


def bounds_for(desk: DeskBase, year: int, month: int) -> tuple[date, date]:
    """The month's first and last day (its period follows the previous month's cut-off)."""
    seal = sealed(desk).get((year, month))
    if seal is not None:
        return seal.first, seal.last
    prev = sealed(desk).get(previous(year, month))
    first = prev.last.toordinal() + 1 if prev is not None else None
    start, last = period(rules_for(desk, *previous(year, month)), rules_for(desk, year, month),
                         year, month)  # fmt: skip
    return (date.fromordinal(first) if first else start), last


def amend_rules(
    desk: DeskBase,
    rules: MetricsRules,
    *,
    effective: date | str,
    at: datetime,
    by: Actor,
    reason: str,
    source: str = "",
) -> RulesAmended:
    """Store new definitions effective from a month's first day; a sealed month keeps its own,
    so a change effective in or before the last sealed month is refused."""
    if by.role is not Role.DESK:
        raise PermissionDenied(
            str(by), "变更统计口径", None, f"只有{desk.policy.identity.desk}可以办理"
        )
    if not reason.strip():
        raise ValidationError("reason", reason, "变更统计口径必须说明理由")
    start = first_of(effective)
    done = [k for k in sealed(desk) if date(*k, 1) >= start]
    if done:
        y, m = max(done)
        raise ValidationError(
            "effective",
            start.isoformat()[:7],
            f"{y}年{m}月的数据已封存，口径变更只能自其后的月份起生效",
        )
    stream = policy_stream(desk.district)
    event = RulesAmended(stream=stream, at=at, by=by, effective=start, rules=rules,
                         reason=reason.strip(), source=source.strip())  # fmt: skip
    with desk.store.unit_of_work() as uow:
        uow.append_journal(stream, len(uow.journal(stream)), (event,))
    desk._notify((event,))
    return event


def compute(
    desk: DeskBase,
    year: int,
    month: int,
    *,
    rules: MetricsRules | None = None,
    bounds: tuple[date, date] | None = None,
    departments: Sequence[str] | None = None,
    order: Sequence[str] | None = None,
    exclude: Mapping[str, set[int]] | None = None,
) -> MonthlyReport:
    """The month's figures from the log (never the seal), under ``rules`` and for ``bounds``
    (default: those in force); ``exclude`` leaves out item versions (corrections)."""
    rules = rules or rules_for(desk, year, month)
    bounds = bounds or bounds_for(desk, year, month)
    registry = desk.registry
    counts = getattr(desk.store, "month_counts", None)  # SQL stores aggregate in SQL
    if counts is not None:
        per_dept, channels = counts(year, month, desk.district, rules=rules, bounds=bounds)
    else:
        histories = (desk.store.events(n) for n in desk.store.numbers(desk.district))
        found = monthly_report(histories, year=year, month=month, policy=desk.policy,
                               rules=rules, bounds=bounds)  # fmt: skip
        per_dept = {d.department: {k: getattr(d, k) for k in COUNTS} for d in found.departments}
        channels = {c.channel: [c.received, c.assigned_or_answered, c.answered]
                    for c in found.channels}  # fmt: skip
    for number, versions in (exclude or {}).items():
        history = desk.store.events(number)
        kept = [] if 1 in versions else [ev for k, ev in enumerate(history, 1) if k not in versions]
        _subtract(per_dept, channels, history, kept, rules, bounds)
    names = registry.names() if departments is None else departments
    ranking = ranking_rules(desk.policy, order if order is not None else registry.names() or None)
    return report_from_counts(
        per_dept, channels, year=year, month=month, policy=desk.policy, rules=rules,
        bounds=bounds, ranking=ranking, departments=names,
    )  # fmt: skip


def delta(
    with_: Sequence[Event], without: Sequence[Event], rules: MetricsRules, bounds: tuple[date, date]
) -> tuple[Counts, list[int], object]:
    """What the events in ``with_`` but not in ``without`` change in the month's counts (per
    department, weighted), and in the channel counts (with the item's channel)."""
    first, last = bounds
    if not with_ and not without:
        return {}, [0, 0, 0], None
    more, got = contributions(project(with_), first, last, rules) if with_ else ({}, None)
    less, had = contributions(project(without), first, last, rules) if without else ({}, None)
    out: Counts = {}
    for dept in {*more, *less}:
        a, b = more.get(dept, {}), less.get(dept, {})
        out[dept] = {k: a.get(k, 0) - b.get(k, 0) for k in (*COUNTS, BASIC)}
    channel = [x - y for x, y in zip(got or (0, 0, 0), had or (0, 0, 0), strict=True)]
    item = with_[0] if with_ else without[0]
    return weighted(out, rules.basically_satisfied_weight), channel, getattr(item, "channel", None)


def _subtract(
    per_dept: dict[str, dict[str, float]],
    channels: dict[object, list[int]],
    history: Sequence[Event],
    kept: Sequence[Event],
    rules: MetricsRules,
    bounds: tuple[date, date],
) -> None:
    change, channel, which = delta(history, kept, rules, bounds)
    for dept, values in change.items():
        row = per_dept.setdefault(dept, dict.fromkeys(COUNTS, 0))
        for k, v in values.items():
            row[k] = row.get(k, 0) - v
        if not any(abs(v) > 1e-9 for v in row.values()):
            del per_dept[dept]
    if which is not None:
        row3 = channels.setdefault(which, [0, 0, 0])
        for i in range(3):
            row3[i] -= channel[i]


def report(desk: DeskBase, year: int, month: int) -> MonthlyReport:
    """The month's figures: as sealed, or computed under the definitions in force."""
    seal = sealed(desk).get((year, month))
    return sealed_report(seal) if seal is not None else compute(desk, year, month)


def close_month(desk: DeskBase, year: int, month: int, *, at: datetime, by: Actor) -> MonthlyReport:
    """Seal month ``year-month``: record its figures and their digest; returns the sealed
    report.  Months are sealed in order, once, after their cut-off."""
    if by.role is not Role.DESK:
        raise PermissionDenied(
            str(by), "封存月度数据", None, f"只有{desk.policy.identity.desk}可以办理"
        )
    label = f"{year}-{month:02d}"
    done = sealed(desk)
    if (year, month) in done:
        seal = done[(year, month)]
        raise ValidationError("month", label, f"该月已于 {seal.at.date()} 由{seal.by}封存")
    later = [k for k in done if k > (year, month)]
    if later:
        raise ValidationError(
            "month", label, f"{later[0][0]}年{later[0][1]}月已封存，不能再封存更早的月份"
        )
    if done and previous(year, month) not in done:
        y, m = previous(year, month)
        raise ValidationError("month", label, f"请先封存 {y}年{m}月（月份须依次封存）")
    figures = compute(desk, year, month)
    if local_date(at) <= figures.last:
        raise ValidationError(
            "month", label, f"该月统计截止日 {figures.last.isoformat()} 尚未过去，不能封存"
        )
    stream = months_stream(desk.district)
    event = seal_event(stream, figures, at=at, by=by)
    with desk.store.unit_of_work() as uow:
        uow.append_journal(stream, len(uow.journal(stream)), (event,))
    desk._notify((event,))
    return sealed_report(event)


@attrs.frozen(kw_only=True)
class Verification:
    """A sealed month recomputed from the log without its corrections, against its seal."""

    year: int
    month: int
    ok: bool
    sealed: str
    recomputed: str
    differences: tuple[str, ...] = ()


def verify(desk: DeskBase, year: int, month: int) -> Verification:
    """Recompute a sealed month from the log, under its sealed definitions and settings and
    without the events corrections added; it must give the sealed digest."""
    seal = sealed(desk).get((year, month))
    if seal is None:
        raise ValidationError("month", f"{year}-{month:02d}", "该月尚未封存")
    again = compute(
        desk, year, month, rules=seal.rules, bounds=(seal.first, seal.last),
        departments=[d.department for d in seal.departments], order=seal.ranking.order,
        exclude=excluded(desk.stream(months_stream(desk.district))),
    )  # fmt: skip
    again = attrs.evolve(again, weights=seal.weights, rules=seal.ranking)
    before = {d.department: d for d in seal.departments}
    diffs = tuple(
        f"{d.department} {k}: 封存 {getattr(before[d.department], k)}，重算 {getattr(d, k)}"
        if d.department in before else f"{d.department}: 封存时无此部门"
        for d in again.departments for k in COUNTS
        if d.department not in before or round(getattr(before[d.department], k), 9)
        != round(getattr(d, k), 9)
    )  # fmt: skip
    found = digest_of(again)
    return Verification(year=year, month=month, ok=found == seal.digest, sealed=seal.digest,
                        recomputed=found, differences=tuple(dict.fromkeys(diffs)))  # fmt: skip
