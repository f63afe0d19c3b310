"""The month's outputs shared by the CLI and the demo: the figures as JSON, and what a
generated briefing needs besides the figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from appeal_adapters.documents.formats import Document, choose, make
from appeal_core import Appeal, Desk, MonthlyReport, Status, ValidationError
from appeal_core.annual import AnnualReport
from appeal_core.corrections import CorrectionEffect
from appeal_core.definitions import MetricsRules, as_dict
from appeal_core.explain import Explanation
from appeal_core.metrics import COUNTS, DISTRICT_TOTAL, RATES, DepartmentFigures
from appeal_core.ranking import points
from appeal_core.timeutil import local_date

if TYPE_CHECKING:
    from appeal_adapters.plugins import AppealPlugins


def figures_json(d: DepartmentFigures, weights: tuple[float, ...]) -> dict[str, Any]:
    """One department's (or the district's) counts, rates (null = no value) and score."""
    return {
        "department": d.department,
        **{k: getattr(d, k) for k in COUNTS},
        **{k: getattr(d, k) for k in RATES},
        "score": d.score(weights),
        "points": None if (p := points(d.score(weights))) is None else float(p),
    }


def rules_json(rules: MetricsRules) -> dict[str, Any]:
    """The definitions (口径) as data and as the sentence every report prints."""
    return {**as_dict(rules), "description": rules.describe()}


def report_json(
    report: MonthlyReport, corrections: Sequence[CorrectionEffect] = ()
) -> dict[str, Any]:
    """The figures as plain JSON: the period and definitions they were computed under, the seal
    if sealed, counts, rates (null = no value), score, rank (null below the ranking's minimum
    or without a score), the red and black lists, the channels and the month's corrections."""
    s = report.standings()
    ranks = {p.figures.department: p.rank for p in s.ranked}
    seal = report.seal
    return {
        "month": f"{report.year}-{report.month:02d}",
        "period": {"first": report.first.isoformat(), "last": report.last.isoformat()},
        "definitions": rules_json(report.metrics_rules),
        "weights": list(report.weights),
        "sealed": None if seal is None else
        {"at": seal.at.isoformat(), "by": seal.by, "digest": seal.digest},
        "departments": [{"rank": ranks.get(d.department), **figures_json(d, report.weights)}
                        for d in report.ranking()],
        "total": figures_json(report.total, report.weights),
        "red": [p.figures.department for p in s.red],
        "black": [p.figures.department for p in s.black],
        "too_few": [d.department for d in s.too_few],
        "unscored": [d.department for d in s.unscored],
        "min_ranked_items": report.rules.min_items,
        "channels": [
            {"channel": c.channel.value, "received": c.received,
             "assigned_or_answered": c.assigned_or_answered, "answered": c.answered}
            for c in report.channels
        ],
        "corrections": [correction_json(e) for e in corrections],
    }  # fmt: skip


def correction_json(effect: CorrectionEffect) -> dict[str, Any]:
    """A correction and its effect on one sealed month."""
    c = effect.correction
    return {
        "recorded_at": c.at.isoformat(), "recorded_by": str(c.by), "reason": c.reason,
        "effective": c.effective.isoformat(), "actor": str(c.actor),
        "items": [{"number": i.number, "action": i.action} for i in c.items],
        "month": f"{effect.year}-{effect.month:02d}",
        "changes": [
            {"department": ch.department,
             "before": {k: getattr(ch.before, k) for k in (*COUNTS, *RATES)},
             "after": {k: getattr(ch.after, k) for k in (*COUNTS, *RATES)}}
            for ch in effect.changes
        ],
    }  # fmt: skip


def explanation_json(x: Explanation) -> dict[str, Any]:
    """An explained figure with its lines."""
    return {
        "month": f"{x.year}-{x.month:02d}", "period": [x.first.isoformat(), x.last.isoformat()],
        "department": x.department, "figure": x.figure, "label": x.label,
        "numerator": x.numerator, "denominator": x.denominator, "value": x.value,
        "sealed": x.sealed, "definitions": rules_json(x.rules),
        "lines": [attrs.asdict(line) for line in x.lines],
    }  # fmt: skip


def annual_json(a: AnnualReport) -> dict[str, Any]:
    """The annual assessment as plain JSON."""
    return {
        "year": a.year, "rule": a.rule, "weights": list(a.weights),
        "sealed_months": list(a.sealed), "provisional_months": list(a.provisional),
        "departments": [
            {"rank": line.rank, "standing": line.standing,
             **figures_json(line.figures, a.weights), "score": line.score,
             "points": None if (p := points(line.score)) is None else float(p),
             "monthly_points": [None if m is None else float(m) for m in line.monthly],
             "red_months": list(line.red), "black_months": list(line.black)}
            for line in a.lines
        ],
        "total": figures_json(a.total, a.weights),
    }  # fmt: skip


def briefing_options(desk: Desk, year: int, month: int, issue: str | None) -> dict[str, Any]:
    """What a generated briefing needs besides the month's figures: its issue number (by
    default the month's number in the year: a monthly series restarting each January), the
    previous month, the stock list at the cut-off, the policy and the corrections (更正)
    recorded in the month."""
    prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
    return {
        "issue": issue if issue and issue.strip() else str(month),
        "previous": desk.report(prev_year, prev_month),
        "supervision": desk.supervision_list(year, month),
        "policy": desk.policy,
        "corrections": desk.corrections(year, month),
    }


def reporting_unit(item: Appeal) -> str:
    """The town or park that reported a grassroots item (its list's 填表单位), else ``""``."""
    return dict(item.notes).get("填表单位", "")


def parse_status(text: str) -> Status:
    """A status by its code (``assigned``) or its Chinese label (``已交办``)."""
    for status in Status:
        if text in (status.value, status.label):
            return status
    known = "、".join(f"{s.value}（{s.label}）" for s in Status)
    raise ValidationError("--status", text, f"未知的状态；可选：{known}")


def select_items(
    items: Iterable[Appeal],
    *,
    month: tuple[int, int] | None = None,
    department: str = "",
    unit: str = "",
    status: Status | None = None,
) -> list[Appeal]:
    """The items of a summary list: registered in ``month`` (Asia/Shanghai), led or co-handled
    by ``department``, reported by ``unit`` (a grassroots item's 填表单位), in ``status``."""

    def keep(item: Appeal) -> bool:
        if month is not None:
            day = local_date(item.registered_at)
            if (day.year, day.month) != month:
                return False
        a = item.assignment
        if department and (a is None or department not in (a.lead, *a.co)):
            return False
        if unit and reporting_unit(item) != unit:
            return False
        return status is None or item.status is status

    return [item for item in items if keep(item)]


#: The kinds of document each figures command writes (``--format NAME``).
MONTH_KINDS = ("briefing", "explain")
YEAR_KINDS = ("annual",)

#: The figures ``explain`` lists when none is named, and the appendix's sheets.
DEFAULT_FIGURES = (
    "response_rate",
    "on_time_completion_rate",
    "completion_rate",
    "satisfaction_rate",
    "completed_late",
    "overdue_open",
)


def month_document(
    desk: Desk,
    plugins: AppealPlugins,
    name: str,
    year: int,
    month: int,
    *,
    issue: str | None = None,
    figures: MonthlyReport | None = None,
) -> Document:
    """The month's document in format ``name``: a briefing (``briefing.docx``,
    ``briefing.html``, a plugin's) or the appendix of the items behind the figures
    (``explain.xlsx``); ``figures`` when the caller has the month's report already."""
    renderer = choose(plugins, name, MONTH_KINDS)
    figures = figures or desk.report(year, month)
    stem = f"{renderer.kind}-{year}-{month:02d}"
    if renderer.kind == "explain":
        lines = [desk.explain(year, month, DISTRICT_TOTAL, f) for f in DEFAULT_FIGURES]
        return make(renderer, lines, stem=stem, policy=desk.policy, report=figures)
    options = briefing_options(desk, year, month, issue)
    return make(renderer, figures, stem=stem, **options)


def annual_document(desk: Desk, plugins: AppealPlugins, name: str, year: int) -> Document:
    """The year's assessment in format ``name`` (``annual.xlsx``, ``annual.docx``, ...)."""
    renderer = choose(plugins, name, YEAR_KINDS)
    return make(renderer, desk.annual(year), stem=f"annual-{year}", policy=desk.policy)
