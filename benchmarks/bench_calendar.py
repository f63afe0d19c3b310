"""Work-calendar benchmark: the O(1) tables against the day-by-day loop and a bare list lookup.

Run from the repository root:  .venv/bin/python benchmarks/bench_calendar.py
Prints a plain table, then the same results as markdown (pasted into docs/performance.md).
"""

from __future__ import annotations

import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar

from appeal_core import calendar as calendar_module
from appeal_core import notice as notice_module
from appeal_core.calendar import WorkCalendar, china_calendar

SEED = 20240930
N_DATES = 10_000
N_MILLION = 1_000_000
FAST_REPEATS = 25
NAIVE_REPEATS = 3
ONE = timedelta(days=1)
# Dates 2020-01-01 .. 2026-11-30, so that 20 working days later is still inside the data.
LOW, HIGH = date(2020, 1, 1).toordinal(), date(2026, 11, 30).toordinal()


def best(run: Callable[[], object], repeats: int) -> float:
    """Best wall time of ``repeats`` runs, in seconds (time.perf_counter)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def naive_add(d: date, n: int) -> date:
    """The baseline: step one day at a time, asking chinese_calendar.is_workday."""
    while n:
        d += ONE
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


def naive_between(start: date, end: date) -> int:
    return sum(
        chinese_calendar.is_workday(start + k * ONE) for k in range(1, (end - start).days + 1)
    )


def cold_build() -> WorkCalendar:
    """Build from nothing: clear the module caches (chinese-calendar stays imported)."""
    calendar_module._default_calendar.cache_clear()
    notice_module.bundled_notices.cache_clear()
    return china_calendar()


def main() -> None:
    rng = random.Random(SEED)
    dates = [date.fromordinal(rng.randint(LOW, HIGH)) for _ in range(N_DATES)]
    ends = [d + rng.randint(0, 30) * ONE for d in dates]
    million = [date.fromordinal(rng.randint(LOW, HIGH)) for _ in range(N_MILLION)]

    first_build = best(cold_build, 1)
    build = best(cold_build, 10)
    cal = china_calendar()
    warm = best(china_calendar, 1000)
    add, between = cal.add_workdays, cal.workdays_between
    base = cal.coverage[0].toordinal()
    rows: list[tuple[str, float, float, float, float]] = []

    for n in (3, 20):
        answers = [add(d, n) for d in dates]
        assert answers == [naive_add(d, n) for d in dates], "fast and naive disagree"
        by_ordinal: list[date | None] = [None] * (cal.coverage[1].toordinal() - base + 1)
        for d, due in zip(dates, answers, strict=True):
            by_ordinal[d.toordinal() - base] = due

        def naive(n: int = n) -> None:
            for d in dates:
                naive_add(d, n)

        def floor(answers: list[date] = answers) -> None:
            for i in range(N_DATES):
                answers[i]

        def floor_by_date(table: list[date | None] = by_ordinal) -> None:
            for d in dates:
                table[d.toordinal() - base]

        def ours(n: int = n) -> None:
            for d in dates:
                add(d, n)

        rows.append(
            (
                f"add_workdays(d, {n})",
                best(naive, NAIVE_REPEATS) / N_DATES,
                best(floor, FAST_REPEATS) / N_DATES,
                best(floor_by_date, FAST_REPEATS) / N_DATES,
                best(ours, FAST_REPEATS) / N_DATES,
            )
        )

    counts = [between(s, e) for s, e in zip(dates, ends, strict=True)]
    assert counts == [naive_between(s, e) for s, e in zip(dates, ends, strict=True)]
    pairs = list(zip(dates, ends, strict=True))
    by_ordinal_count: list[int] = [0] * (cal.coverage[1].toordinal() - base + 1)
    for (s, _), c in zip(pairs, counts, strict=True):
        by_ordinal_count[s.toordinal() - base] = c

    def naive_b() -> None:
        for s, e in pairs:
            naive_between(s, e)

    def floor_b() -> None:
        for i in range(N_DATES):
            counts[i]

    def floor_by_date_b() -> None:
        for s, _ in pairs:
            by_ordinal_count[s.toordinal() - base]

    def ours_b() -> None:
        for s, e in pairs:
            between(s, e)

    rows.append(
        (
            "workdays_between(s, e), spans 0-30 days",
            best(naive_b, NAIVE_REPEATS) / N_DATES,
            best(floor_b, FAST_REPEATS) / N_DATES,
            best(floor_by_date_b, FAST_REPEATS) / N_DATES,
            best(ours_b, FAST_REPEATS) / N_DATES,
        )
    )

    def deadlines() -> None:
        for d in million:
            add(d, 3)

    million_time = best(deadlines, 3)

    class Empty:
        __slots__ = ()

        def noop(self, d: date, n: int) -> date:
            return d

    empty = Empty()

    def calls() -> None:
        for d in dates:
            empty.noop(d, 3)

    call = best(calls, FAST_REPEATS) / N_DATES
    report(rows, first_build, build, warm, million_time, call)


def report(
    rows: list[tuple[str, float, float, float, float]],
    first_build: float,
    build: float,
    warm: float,
    million_time: float,
    call: float,
) -> None:
    env = (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.machine()}, chinese-calendar {chinese_calendar.__version__}, "
        f"{N_DATES:,} dates 2020-01-01..2026-11-30 (seed {SEED}), best of "
        f"{FAST_REPEATS} (naive: best of {NAIVE_REPEATS})"
    )
    ns = 1e9
    print("Work calendar benchmark:", env)
    head = f"{'operation':42} {'(a) naive':>12} {'(b) ans[i]':>11} {'(b2) by date':>13}"
    print(f"{head} {'(c) ours':>10} {'a/c':>8} {'c/b':>6} {'c/b2':>6}")
    for name, a, b, b2, c in rows:
        line = f"{name:42} {a * ns:10.0f}ns {b * ns:9.1f}ns {b2 * ns:11.1f}ns {c * ns:8.1f}ns"
        print(f"{line} {a / c:7.0f}x {c / b:5.1f}x {c / b2:5.1f}x")
    cold = f"first {first_build * 1e3:.1f} ms, best {build * 1e3:.1f} ms"
    print(f"cold build: {cold} (target <200 ms)")
    print(f"cached china_calendar(): {warm * ns:.0f} ns")
    print(f"1,000,000 x add_workdays(d, 3): {million_time:.3f} s (target <2 s)")
    print(f"an empty method call obj.noop(d, 3) in the same loop: {call * ns:.1f} ns")
    print()
    print(
        "| operation | (a) naive loop | (b) `answers[i]` | (b2) `table[d.toordinal() - base]` |"
        " (c) ours | (a)/(c) | (c)/(b) | (c)/(b2) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, a, b, b2, c in rows:
        print(
            f"| `{name}` | {a * 1e6:.1f} µs | {b * ns:.1f} ns | {b2 * ns:.1f} ns | {c * ns:.1f} ns"
            f" | {a / c:,.0f}x | {c / b:.1f}x | {c / b2:.1f}x |"
        )
    print()
    print("| measure | result | target |")
    print("|---|---:|---:|")
    print(f"| cold build (first) | {first_build * 1e3:.1f} ms | < 200 ms |")
    print(f"| cold build (best of 10) | {build * 1e3:.1f} ms | < 200 ms |")
    print(f"| cached `china_calendar()` | {warm * ns:.0f} ns | |")
    print(f"| 1,000,000 × `add_workdays(d, 3)` | {million_time:.3f} s | < 2 s |")
    print(f"| an empty method call `obj.noop(d, 3)`, same loop | {call * ns:.1f} ns | |")
    print()
    print(f"Environment: {env}; {sys.platform}.")


if __name__ == "__main__":
    main()
