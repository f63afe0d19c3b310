"""Year-end benchmark: what keeping notices in the store and degrading the sweep cost.

Run from the repository root:  .venv/bin/python benchmarks/bench_year_end.py [--items N]

Three ratios, each against a baseline measured in the same run:
- reading the district's calendar in force (the store's notices) per command, against one
  whole command (register) on SQLite;
- the sweep of 2026-12-31 on a store whose items need 2027 (no notice: per-item fallback and the
  desk's calendar notice), against the sweep of the same items on 2026-11-30 (no fallback);
- the impact report after loading a notice (candidates by the deadline columns), against
  listing the store's states once.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date, datetime, timedelta

from bench_calendar import best

from appeal_adapters import open_store
from appeal_core import SHANGHAI, Actor, Desk, Enterprise
from appeal_core.sweep import sweep
from appeal_core.testing import example_notice

CLERK = Actor.desk("基准")
#: Made-up test data in the shape of a notice (not the real 2027 arrangement).
NOTICE = example_notice(2027)


def at(day: date, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI) + timedelta(minutes=minute)


def filled(path: str, items: int) -> Desk:
    """A desk on a new SQLite file with ``items`` routine items assigned 1-30 December 2026."""
    desk = Desk(open_store(f"sqlite:///{path}"))
    for k in range(items):
        day = date(2026, 12, 1) + timedelta(days=k % 30)
        when = at(day, k // 30)
        n = desk.register(enterprise=Enterprise(name=f"基准公司{k % 97}"), content=f"问题{k}",
                          channel="app", at=when, by=CLERK).number  # fmt: skip
        desk.verify(n, at=when, by=CLERK)
        desk.classify(n, category="物流", complexity="routine", at=when, by=CLERK)
        desk.assign(n, lead=f"区第{k % 12}局", at=when, by=CLERK)
    return desk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=3000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="appeal-bench-year-end-")
    desk = filled(os.path.join(folder, "year-end.db"), args.items)
    rows: list[tuple[str, float, float]] = []

    desk.load_notice(NOTICE, at=at(date(2026, 11, 1)), by=CLERK)  # one stored notice to read
    reads = 2000
    read = best(lambda: [desk.calendar for _ in range(reads)], 3) / reads
    k = iter(range(10**9))
    commands = 200
    register = (
        best(
            lambda: [
                desk.register(
                    enterprise=Enterprise(name="基准"),
                    content="基准",
                    channel="app",
                    at=at(date(2026, 12, 31), next(k)),
                    by=CLERK,
                )
                for _ in range(commands)
            ],
            repeats=1,
        )
        / commands
    )
    rows.append(("calendar in force, read per command ÷ one register", read, register))

    bare = Desk(open_store(f"sqlite:///{os.path.join(folder, 'bare.db')}"))
    states = list(desk.store.states(desk.district))
    calendar = bare.calendar  # no 2027 notice
    year_end = best(lambda: sweep(states, on=date(2026, 12, 31), calendar=calendar,
                                  policy=desk.policy), 3)  # fmt: skip
    november = best(lambda: sweep(states, on=date(2026, 11, 30), calendar=calendar,
                                  policy=desk.policy), 3)  # fmt: skip
    rows.append(("sweep of 2026-12-31 without 2027 ÷ sweep of 2026-11-30", year_end, november))

    impact = best(lambda: desk.calendar_impact(), repeats=2)
    listing = best(lambda: list(desk.store.states(desk.district)), repeats=2)
    rows.append(("impact report ÷ listing every state once", impact, listing))

    print(f"{args.items} items assigned in December 2026 (SQLite, {folder})")
    print("| measure | time | baseline | ratio |")
    print("|---|---:|---:|---:|")
    for name, value, base in rows:
        print(f"| {name} | {value * 1e3:.3f} ms | {base * 1e3:.3f} ms | {value / base:.2f} |")


if __name__ == "__main__":
    main()
