"""The month's outputs shared by the CLI and the demo: the figures as JSON, and what a
generated briefing needs besides the figures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from appeal_core import Appeal, Desk, MonthlyReport, Status, ValidationError
from appeal_core.timeutil import local_date


def report_json(report: MonthlyReport) -> dict[str, Any]:
    """The figures as plain JSON: counts, rates (null = no value), score, rank."""

    def row(d: Any) -> dict[str, Any]:
        return {
            "department": d.department,
            **{
                k: getattr(d, k)
                for k in (
                    "assigned",
                    "reply_due",
                    "replied_on_time",
                    "completion_due",
                    "completed_on_time",
                    "visited",
                    "resolved",
                    "satisfied",
                    "overdue_open",
                    "stock",
                )
            },
            "response_rate": d.response_rate,
            "on_time_completion_rate": d.on_time_completion_rate,
            "completion_rate": d.completion_rate,
            "satisfaction_rate": d.satisfaction_rate,
            "score": d.score(report.weights),
        }

    # Departments below the ranking's minimum or without a score have no rank (null).
    ranks = {p.figures.department: p.rank for p in report.standings().ranked}
    return {
        "month": f"{report.year}-{report.month:02d}",
        "departments": [{"rank": ranks.get(d.department), **row(d)} for d in report.ranking()],
        "total": row(report.total),
        "channels": [
            {
                "channel": c.channel.value,
                "received": c.received,
                "assigned_or_answered": c.assigned_or_answered,
                "answered": c.answered,
            }
            for c in report.channels
        ],
    }


def briefing_options(desk: Desk, year: int, month: int, issue: str | None) -> dict[str, Any]:
    """What a generated briefing needs besides the month's figures: its issue number (by
    default the month's number in the year: a monthly series restarting each January), the
    previous month, the stock list at the cut-off and the policy."""
    prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
    return {
        "issue": issue if issue and issue.strip() else str(month),
        "previous": desk.report(prev_year, prev_month),
        "supervision": desk.supervision_list(year, month),
        "policy": desk.policy,
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
