"""The month's outputs shared by the CLI and the demo: the figures as JSON, and what a
generated briefing needs besides the figures."""

from __future__ import annotations

from typing import Any

from appeal_core import Desk, MonthlyReport


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

    return {
        "month": f"{report.year}-{report.month:02d}",
        "departments": [{"rank": i, **row(d)} for i, d in enumerate(report.ranking(), 1)],
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
