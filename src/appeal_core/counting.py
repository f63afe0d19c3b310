"""What one item contributes to a month's figures: the counting rules, one fact at a time.

Each fact names the department, the count (``metrics.COUNTS``), the amount and the row that put
it there, so the same function serves the figures (summed) and their explanation (listed).
Facts dated after the cut-off did not exist yet; the definitions (``MetricsRules``) decide the
options cities differ on.  docs/metrics.md has the rules in words; the SQL stores' month
queries are the same rules over the projection's tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs

from appeal_core.appeal import Satisfaction
from appeal_core.definitions import MetricsRules
from appeal_core.projection import CompletionRow, CycleRow, Projection, ReplyDueRow, VisitRow

#: What a fact is about: a visit, a cycle's start, its reply deadline, a completion deadline, or
#: the item's place in the stock at the cut-off.
VISIT, CYCLE, REPLY, COMPLETION, STOCK = "visit", "cycle", "reply", "completion", "stock"


@attrs.frozen(kw_only=True)
class Fact:
    """One contribution: ``amount`` to count ``key`` of ``department``.

    ``row`` is the projection row behind it; ``note`` says why a row is listed but not counted
    (only when explaining: such facts have amount 0).
    """

    department: str
    key: str
    amount: float
    kind: str
    row: VisitRow | CycleRow | ReplyDueRow | CompletionRow | StockEntry
    due: date | None = None
    note: str = ""


@attrs.frozen(kw_only=True)
class StockEntry:
    """An item in a lead department's stock at a cut-off: the deadline chased, and whether it
    had passed (an item due on the cut-off day and unanswered counts as overdue)."""

    number: str
    lead: str
    due: date | None  # the reply deadline while unanswered, else the completion deadline
    overdue: bool
    cycle: int = 0


def upto(day: date | None, cutoff: date) -> date | None:
    """A dated fact as known at ``cutoff``: facts dated later did not exist yet."""
    return day if day is not None and day <= cutoff else None


def points_of(level: Satisfaction, weight: float) -> float:
    """What a visit's verdict counts for in 满意度."""
    return {Satisfaction.SATISFIED: 1.0, Satisfaction.BASICALLY_SATISFIED: weight}.get(level, 0.0)


def visit_note(v: VisitRow, last: date, rules: MetricsRules) -> str:
    """Why a visit of the month is left out of the rates, or ``""`` when it counts."""
    if rules.valid_visits_only and not v.reached:
        return "未联系上企业（无效回访），不计入回访分母"
    if rules.revisit_final and v.superseded is not None and v.superseded <= last:
        return f"重新办理后已于 {v.superseded.isoformat()} 再次回访，以再次回访为准，本次不计"
    return ""


def facts(
    p: Projection, first: date, last: date, rules: MetricsRules, *, explain: bool = False
) -> Iterator[Fact]:
    """Every contribution of the item to the month ``first``..``last`` (its cut-off).

    With ``explain``, rows of the month that the rules leave out are yielded too, with amount 0
    and a ``note`` saying why (sums are unchanged).
    """
    weight = rules.basically_satisfied_weight
    for v in p.visits:
        if not first <= v.visited <= last:
            continue
        note = visit_note(v, last, rules)
        if note:
            if explain:
                yield Fact(department=v.lead, key="visited", amount=0, kind=VISIT, row=v, note=note)
            continue
        yield Fact(department=v.lead, key="visited", amount=1, kind=VISIT, row=v)
        yield Fact(department=v.lead, key="resolved", amount=int(v.resolved), kind=VISIT, row=v)
        yield Fact(department=v.lead, key="satisfied", amount=points_of(v.satisfaction, weight),
                   kind=VISIT, row=v)  # fmt: skip
    for c in p.cycles:
        if c.started > last:
            continue
        if c.assigned and c.started >= first:
            yield Fact(department=c.lead, key="assigned", amount=1, kind=CYCLE, row=c)
        replied, ended = upto(c.first_reply, last), upto(c.ended, last)
        reply = reply_row(p, c.cycle, last)
        due = reply.due if reply else c.reply_due
        if first <= due <= last:
            handed_over = ended is not None and replied is None and ended <= due
            if not handed_over:
                row = reply or c
                on_time = int(replied is not None and replied <= due)
                yield Fact(department=c.lead, key="reply_due", amount=1, kind=REPLY, row=row,
                           due=due)  # fmt: skip
                yield Fact(department=c.lead, key="replied_on_time", amount=on_time, kind=REPLY,
                           row=row, due=due)  # fmt: skip
            elif explain:
                yield Fact(department=c.lead, key="reply_due", amount=0, kind=REPLY,
                           row=reply or c, due=due, note=_handed_over(ended))  # fmt: skip
        yield from _completions(p, c, first, last, rules, explain)
        done = upto(c.final_reply, last)
        if done is not None and first <= done:  # finished this month: late? (逾期办理)
            r = completion_row(p, c.cycle, last)
            if r is not None and done > r.due:
                yield Fact(department=c.lead, key="completed_late", amount=1, kind=COMPLETION,
                           row=r, due=r.due)  # fmt: skip
    held = stock_at(p, last)
    if held is not None:
        yield Fact(department=held.lead, key="stock", amount=1, kind=STOCK, row=held, due=held.due)
        yield Fact(department=held.lead, key="overdue_open", amount=int(held.overdue),
                   kind=STOCK, row=held, due=held.due)  # fmt: skip


def _handed_over(ended: date | None) -> str:
    day = ended.isoformat() if ended else ""
    return f"期限届满前已于 {day} 退回、改派或定性且未答复，不计入该部门"


def _completions(
    p: Projection, c: CycleRow, first: date, last: date, rules: MetricsRules, explain: bool
) -> Iterator[Fact]:
    """The cycle's completion deadlines counted in the month: the one in force at the cut-off,
    and (``extension_keeps_miss``) those an extension replaced only after they had passed."""
    done, ended = upto(c.final_reply, last), upto(c.ended, last)
    in_force = completion_row(p, c.cycle, last)
    for r in p.completions:
        if r.cycle != c.cycle or r.changed > last or not first <= r.due <= last:
            continue
        kept = rules.extension_keeps_miss and r.kept and r is not in_force
        if r is not in_force and not kept:
            if explain and r.kept:
                note = f"期限届满后于 {r.replaced} 批准延期，以延期后的期限为准（原期限不计）"
                yield Fact(department=c.lead, key="completion_due", amount=0, kind=COMPLETION,
                           row=r, due=r.due, note=note)  # fmt: skip
            continue
        if ended is not None and done is None and ended <= r.due:
            if explain:
                yield Fact(department=c.lead, key="completion_due", amount=0, kind=COMPLETION,
                           row=r, due=r.due, note=_handed_over(ended))  # fmt: skip
            continue
        on_time = int(done is not None and done <= r.due)
        for key, amount in (("completion_due", 1), ("completed_on_time", on_time)):
            yield Fact(department=c.lead, key=key, amount=amount, kind=COMPLETION, row=r, due=r.due)


def stock_at(p: Projection, last: date) -> StockEntry | None:
    """The item as the month ending ``last`` counts it in 存量 (and 逾期未办), or None.

    One rule for the figures and for the briefing's list: the item's current cycle at the
    cut-off, not handed over and the item not closed off or merged by then.
    """
    cycles = [c for c in p.cycles if c.started <= last]
    if not cycles or upto(cycles[-1].ended, last) or upto(p.item.ended, last):
        return None
    c = cycles[-1]
    replied, done = upto(c.first_reply, last), upto(c.final_reply, last)
    completion = completion_row(p, c.cycle, last)
    due = completion.due if completion else None
    reply = reply_row(p, c.cycle, last)
    reply_due = reply.due if reply else c.reply_due
    late_reply = replied is None and reply_due <= last
    late_done = done is None and due is not None and due <= last
    chased = reply_due if replied is None else (due if done is None else None)
    return StockEntry(number=p.item.number, lead=c.lead, due=chased,
                      overdue=late_reply or late_done, cycle=c.cycle)  # fmt: skip


def completion_row(p: Projection, cycle: int, cutoff: date) -> CompletionRow | None:
    """The cycle's completion deadline as it stood at ``cutoff`` (after extensions until then)."""
    known = [r for r in p.completions if r.cycle == cycle and r.changed <= cutoff]
    return max(known, key=lambda r: r.order) if known else None


def reply_row(p: Projection, cycle: int, cutoff: date) -> ReplyDueRow | None:
    """The cycle's reply deadline as it stood at ``cutoff`` (re-dated ones from their day)."""
    known = [r for r in p.reply_dues if r.cycle == cycle and r.changed <= cutoff]
    return max(known, key=lambda r: r.order) if known else None
