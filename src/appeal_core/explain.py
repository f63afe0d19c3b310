"""Explain any published number: the items in its numerator and denominator, and why.

For a department (or the district total), a month and a figure, every item that counts is one
line: what it adds to the numerator and to the denominator, the rule that put it there in words
with its dates (the deadline with the days it skipped, the reply, the visit), and the events
behind it.  Items of the month that the definitions leave out are listed too, not counted, with
the reason.  The lines are the very facts the figures are summed from (``counting.facts``), so
they always add up to the published number; a sealed month is explained without the events
later corrections added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

import attrs

from appeal_core import events as e
from appeal_core import month_desk
from appeal_core.appeal import Satisfaction
from appeal_core.counting import (
    COMPLETION,
    CYCLE,
    REPLY,
    STOCK,
    VISIT,
    Fact,
    StockEntry,
    facts,
    upto,
)
from appeal_core.definitions import MetricsRules
from appeal_core.departments import DepartmentEntry, Registry
from appeal_core.errors import UnknownDepartment, ValidationError
from appeal_core.metrics import DISTRICT_TOTAL, RATES, rate
from appeal_core.month_desk import bounds_for, rules_for, sealed
from appeal_core.projection import CompletionRow, CycleRow, Projection, VisitRow, project
from appeal_core.sealing import excluded, months_stream
from appeal_core.supervision import workdays_late
from appeal_core.timeutil import local_date

if TYPE_CHECKING:
    from appeal_core.desk_base import DeskBase

#: Every figure that can be explained: its label, numerator count and denominator count.
FIGURES: dict[str, tuple[str, str, str | None]] = {
    "response_rate": ("响应率", *RATES["response_rate"]),
    "on_time_completion_rate": ("按时办结率", *RATES["on_time_completion_rate"]),
    "completion_rate": ("完成率", *RATES["completion_rate"]),
    "satisfaction_rate": ("满意度", *RATES["satisfaction_rate"]),
    "assigned": ("交办", "assigned", None),
    "reply_due": ("应答复", "reply_due", None),
    "replied_on_time": ("按期答复", "replied_on_time", None),
    "completion_due": ("应办结", "completion_due", None),
    "completed_on_time": ("按期办结", "completed_on_time", None),
    "completed_late": ("逾期办理", "completed_late", None),
    "visited": ("回访", "visited", None),
    "resolved": ("解决", "resolved", None),
    "satisfied": ("满意", "satisfied", None),
    "overdue_open": ("逾期未办", "overdue_open", None),
    "stock": ("存量", "stock", None),
}
#: Which metrics rows each count comes from (a store's candidate query reads only those).
KINDS = {"assigned": CYCLE, "reply_due": REPLY, "replied_on_time": REPLY,
         "completion_due": COMPLETION, "completed_on_time": COMPLETION,
         "completed_late": "finished", "visited": VISIT, "resolved": VISIT, "satisfied": VISIT,
         "overdue_open": STOCK, "stock": STOCK}  # fmt: skip
LABELS = {"Assigned": "交办", "Reassigned": "改派", "Reopened": "重新交办", "Returned": "退回",
          "PreliminaryReplied": "初步答复", "Replied": "答复", "DeadlineExtended": "延期",
          "Redated": "重新计算期限", "FollowedUp": "回访", "Characterized": "定性",
          "Closed": "销号", "Merged": "合并"}  # fmt: skip


@attrs.frozen(kw_only=True)
class Line:
    """One item's part in a figure: what it adds to the numerator and the denominator."""

    number: str
    department: str
    numerator: float
    denominator: float
    counted: bool
    reason: str
    events: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Explanation:
    """A figure of one department (or ``全区合计``) in one month, item by item."""

    year: int
    month: int
    first: date
    last: date
    department: str
    figure: str
    label: str
    numerator: float
    denominator: float | None  # None for a count
    lines: tuple[Line, ...]
    rules: MetricsRules
    sealed: bool = False

    @property
    def value(self) -> float | None:
        """The rate (None without a denominator), or the count."""
        if self.denominator is None:
            return self.numerator
        return rate(self.numerator, int(self.denominator))


def _dept(department: str) -> str | None:
    return None if department in ("", DISTRICT_TOTAL) else department


def explain(desk: DeskBase, year: int, month: int, department: str, figure: str) -> Explanation:
    """Explain ``figure`` (a key of ``FIGURES``) of ``department`` in month ``year-month``."""
    if figure not in FIGURES:
        raise ValidationError("figure", figure, "可选：" + "、".join(FIGURES))
    label, top, bottom = FIGURES[figure]
    wanted = {top} | ({bottom} if bottom else set())
    rules, (first, last) = rules_for(desk, year, month), bounds_for(desk, year, month)
    is_sealed = (year, month) in sealed(desk)
    skip = excluded(desk.stream(months_stream(desk.district))) if is_sealed else {}
    name = department.strip()
    if _dept(name):
        name = desk.registry.resolve(name, "department")
    lead = _dept(name)
    finder = getattr(desk.store, "month_numbers", None)
    kinds = sorted({KINDS[k] for k in wanted})
    numbers: Iterable[str] = (
        finder(first, last, desk.district, lead=lead, kinds=kinds)
        if finder else desk.store.numbers(desk.district)
    )  # fmt: skip
    lines: list[Line] = []
    many = getattr(desk.store, "histories", None)  # SQL stores read many items per query
    read = many(numbers) if many else ((n, desk.store.events(n)) for n in numbers)
    for number, history in read:
        versions = skip.get(number, set())
        if 1 in versions:
            continue
        history = tuple(ev for k, ev in enumerate(history, 1) if k not in versions)
        p = project(history)
        if p.item.registered > last:
            continue
        found = [f for f in facts(p, first, last, rules, explain=True)
                 if f.key in wanted and (lead is None or f.department == lead)]  # fmt: skip
        lines.extend(_lines(desk, p, history, found, top, bottom, rules, last))
    if lead is not None and not lines and not desk.registry:
        _check_known(desk, year, month, lead)
    num = sum(x.numerator for x in lines)
    den = sum(x.denominator for x in lines) if bottom else None
    place = {n: k for k, n in enumerate(desk.registry.names())}
    lines.sort(key=lambda x: (place.get(x.department, len(place)), x.department, not x.counted,
                              x.number))  # fmt: skip
    return Explanation(year=year, month=month, first=first, last=last,
                       department=name or DISTRICT_TOTAL, figure=figure, label=label,
                       numerator=num, denominator=den, lines=tuple(lines), rules=rules,
                       sealed=is_sealed)  # fmt: skip


def _check_known(desk: DeskBase, year: int, month: int, name: str) -> None:
    """Without a registry, a name the month does not know is most likely a typo: refuse it,
    naming the month's departments closest to it."""
    known = [d.department for d in month_desk.report(desk, year, month).departments]
    if name not in known:
        raise UnknownDepartment("department", name, Registry.of(
            DepartmentEntry(name=n) for n in known).closest(name))  # fmt: skip


def _lines(
    desk: DeskBase,
    p: Projection,
    history: Sequence[e.Event],
    found: Sequence[Fact],
    top: str,
    bottom: str | None,
    rules: MetricsRules,
    last: date,
) -> Iterable[Line]:
    groups: dict[tuple[str, int], list[Fact]] = {}
    for f in found:
        groups.setdefault((f.kind, id(f.row)), []).append(f)
    for group in groups.values():
        f = group[0]
        num = sum(x.amount for x in group if x.key == top)
        den = sum(x.amount for x in group if x.key == bottom) if bottom else 0.0
        note = next((x.note for x in group if x.note), "")
        counted = not note and (den > 0 if bottom else num > 0)
        if not counted and not note:
            continue  # a count's item that adds nothing (e.g. a stock item not overdue)
        reason, used = _reason(desk, p, history, f, rules, last)
        if note:
            reason = f"{reason}；{note}"
        yield Line(number=p.item.number, department=f.department, numerator=num,
                   denominator=den, counted=counted, reason=reason,
                   events=tuple(_event(history[k]) for k in sorted(set(used))))  # fmt: skip


def _event(ev: e.Event) -> str:
    who = getattr(ev, "lead", "") or getattr(ev, "department", "")
    return f"{local_date(ev.at).isoformat()} {LABELS.get(type(ev).__name__, type(ev).__name__)}" + (
        f"（{who}）" if who else ""
    )


def _cycle_events(history: Sequence[e.Event], p: Projection, cycle: int) -> range:
    start = p.cycles[cycle - 1].source
    end = p.cycles[cycle].source if cycle < len(p.cycles) else len(history)
    return range(start, end)


def _first(history: Sequence[e.Event], span: range, kinds: tuple[type, ...], last: date) -> int:
    return next((k for k in span if isinstance(history[k], kinds)
                 and local_date(history[k].at) <= last), -1)  # fmt: skip


def _late(desk: DeskBase, due: date, done: date | None, last: date) -> str:
    if done is not None and done <= due:
        return "按期"
    days, at_least = workdays_late(desk.calendar, due, done or last)
    count = f"{'≥' if at_least else ''}{days}个工作日"
    return f"逾期（晚{count}）" if done else f"逾期（截至 {last.isoformat()} 已逾{count}）"


def _reason(
    desk: DeskBase,
    p: Projection,
    history: Sequence[e.Event],
    f: Fact,
    rules: MetricsRules,
    last: date,
) -> tuple[str, list[int]]:
    row = f.row
    if isinstance(row, VisitRow):
        v = row
        level = {Satisfaction.SATISFIED: "满意（计1）",
                 Satisfaction.BASICALLY_SATISFIED:
                     f"基本满意（计{rules.basically_satisfied_weight:g}）"}.get(
            v.satisfaction, "不满意（计0）")  # fmt: skip
        verdict = (
            f"{level}，{'已解决' if v.resolved else '未解决'}" if v.reached else "未联系上企业"
        )
        text = f"{v.visited.isoformat()} 回访：{verdict}"
        return text, [v.source]
    if isinstance(row, StockEntry):
        due = row.due.isoformat() if row.due else "无"
        state = "已逾期" if row.overdue else "未逾期"
        c = p.cycles[row.cycle - 1]
        text = f"截至 {last.isoformat()} 未销号，由{f.department}主办，追踪期限 {due}（{state}）"
        return text, [c.source]
    if f.kind == CYCLE:
        assert isinstance(row, CycleRow)
        return f"{row.started.isoformat()} 交办{row.lead}", [row.source]
    cycle = row.cycle
    span = _cycle_events(history, p, cycle)
    c = p.cycles[cycle - 1]
    source = row.source
    setter = history[source]
    if f.kind == REPLY:
        deadline = getattr(setter, "reply_due", None)
        assert f.due is not None
        why = deadline.explanation if deadline is not None else f"答复期限 {f.due.isoformat()}"
        k = _first(history, span, (e.PreliminaryReplied, e.Replied), last)
        done = upto(c.first_reply, last)
        reply = f"首次答复 {done.isoformat()}" if done else "未答复"
        text = f"{why}；{reply} → {_late(desk, f.due, done, last)}"
        return text, [source, *([k] if k >= 0 else [])]
    assert isinstance(row, CompletionRow)
    how = {e.PreliminaryReplied: "初步答复时承诺办结", e.DeadlineExtended: "批准延期至",
           e.Redated: "依节假日安排重新计算为"}.get(type(setter), "办结期限")  # fmt: skip
    reason = getattr(setter, "reason", "") if isinstance(setter, e.DeadlineExtended) else ""
    if isinstance(setter, e.Assigned | e.Reassigned | e.Reopened) and setter.completion_due:
        how, reason = "办结期限同答复期限", setter.completion_due.explanation
    k = _first(history, span, (e.Replied,), last)
    done = upto(c.final_reply, last)
    tail = f"办结（最终答复）{done.isoformat()}" if done else "未办结"
    kept = ""
    if row.kept and rules.extension_keeps_miss and row.replaced and row.replaced <= last:
        kept = f"；期限届满后于 {row.replaced.isoformat()} 才批准延期，原期限仍计为逾期"
    text = (f"{how} {row.due.isoformat()}{f'（{reason}）' if reason else ''}；{tail} → "
            f"{_late(desk, row.due, done, last)}{kept}")  # fmt: skip
    return text, [source, *([k] if k >= 0 else [])]
