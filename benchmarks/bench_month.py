"""Month benchmark: what the desk's month-level queries cost against reading the store once.

Run from the repository root:  .venv/bin/python benchmarks/bench_month.py [--items N]

A SQLite store with N items registered and assigned in November 2026 (half with two
co-handlers, a third answered, some paused) and a meeting's tasks.  Ratios, each against a
baseline measured in the same run:
- the morning digest (as things stood at the start of the day: only items changed since are
  folded again), against listing every state once;
- a digest reprinted ten days later (many items changed since: each is folded from its events),
  against listing every state once;
- the meeting's agenda (recurring problems: every two open items of a category compared),
  against listing every state once;
- the co-handling section (SQL over ``m_co_dues``), against the month's figures (SQL);
- grouping and numbering the day's supervision notices, against the recorded sweep of that day
  (one transaction per item with notices, as before this issue).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date, datetime, timedelta

from bench_calendar import best

from appeal_adapters import open_store
from appeal_core import SHANGHAI, Actor, Desk, Enterprise
from appeal_core.journal import Decision
from appeal_core.supervision_notice import notices_for
from appeal_core.sweep import sweep

CLERK = Actor.desk("基准")
TOPICS = ("园区停车位不足", "供电线路老化经常停电", "招工困难缺少技术工人", "道路破损影响物流",
          "环评批复办理时间长", "贷款审批慢融资成本高")  # fmt: skip


def at(day: date, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI) + timedelta(minutes=minute)


def filled(path: str, items: int) -> Desk:
    """A desk on a new SQLite file with ``items`` items of November 2026 and a meeting."""
    desk = Desk(open_store(f"sqlite:///{path}"))
    numbers = []
    for k in range(items):
        day = date(2026, 11, 2) + timedelta(days=k % 25)
        when = at(day, k // 25)
        topic = TOPICS[k % len(TOPICS)]
        n = desk.register(enterprise=Enterprise(name=f"基准公司{k % 211}"),
                          content=f"{topic}，第{k}号企业反映", channel="app", at=when,
                          by=CLERK).number  # fmt: skip
        desk.verify(n, at=when, by=CLERK)
        desk.classify(n, category=f"类别{k % 6}", complexity="routine", at=when, by=CLERK)
        co = ("区甲局", "区乙局") if k % 2 else ()
        desk.assign(n, lead=f"区第{k % 12}局", co=co, at=when, by=CLERK)
        lead = Actor.of_department(f"区第{k % 12}局")
        if k % 3 == 0:
            desk.reply(n, text="已办", at=when + timedelta(hours=2), by=lead)
        elif k % 11 == 0 and day < date(2026, 11, 20):
            desk.pause(n, reason="materials", until=day + timedelta(days=7), document="补正通知",
                       at=when + timedelta(hours=1), by=CLERK)  # fmt: skip
        numbers.append(n)
    decisions = [Decision(text=f"任务{k}", owner=f"区第{k}局", due=date(2026, 12, 4),
                          items=tuple(numbers[k::50][:5])) for k in range(8)]  # fmt: skip
    desk.record_meeting(held_on=date(2026, 11, 27), attendees=["区第0局"], decisions=decisions,
                        at=at(date(2026, 11, 27), 600), by=CLERK)  # fmt: skip
    return desk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=3000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="appeal-bench-month-")
    desk = filled(os.path.join(folder, "month.db"), args.items)
    rows: list[tuple[str, float, float]] = []

    listing = best(lambda: list(desk.store.states(desk.district)), repeats=3)
    morning = best(lambda: desk.digest(date(2026, 12, 1)), repeats=3)
    rows.append(("morning digest (2026-12-01) ÷ listing every state once", morning, listing))
    again = best(lambda: desk.digest(date(2026, 11, 20)), repeats=2)
    rows.append(("digest of 2026-11-20 reprinted later ÷ listing every state once", again,
                 listing))  # fmt: skip
    agenda = best(lambda: desk.meeting_agenda(2026, 11), repeats=2)
    rows.append(("meeting agenda of November ÷ listing every state once", agenda, listing))
    section = best(lambda: desk.co_handling(2026, 11), repeats=3)
    figures = best(lambda: desk.report(2026, 11), repeats=3)
    rows.append(("co-handling section (SQL) ÷ the month's figures (SQL)", section, figures))

    states = list(desk.store.states(desk.district))
    day = date(2026, 12, 1)
    actions = sweep(states, on=day, calendar=desk.calendar, policy=desk.policy)
    items = {s.number: s for s in states}
    grouped = best(
        lambda: notices_for(
            actions,
            items=items,
            tasks={},
            known=(),
            stream="@HM:notices",
            day=day,
            at=at(day),
            by=CLERK,
            calendar=desk.calendar,
            policy=desk.policy,
        ),
        repeats=3,
    )
    recorded = best(lambda: desk.sweep(day, at=at(day), by=CLERK), repeats=1)
    count = len(desk.supervision_notices(day))
    rows.append(
        (
            f"the day's {count} supervision notices (from {len(actions)} actions) ÷ the "
            "recorded sweep of that day",
            grouped,
            recorded,
        )
    )

    print(f"{args.items} items of November 2026 (SQLite, {folder})")
    print("| measure | time | baseline | ratio |")
    print("|---|---:|---:|---:|")
    for name, value, base in rows:
        print(f"| {name} | {value * 1e3:.1f} ms | {base * 1e3:.1f} ms | {value / base:.2f} |")


if __name__ == "__main__":
    main()
