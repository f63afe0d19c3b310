"""The month's figures as whole commands on a big SQLite store, against the library calls.

Build the store once with ``bench_storage.py --register 0 --pg 0 --big 1000000 --dir DIR`` (it
takes minutes and the whole machine), then run from the repository root:
    .venv/bin/python benchmarks/bench_report_cli.py --db DIR/big.db [--month 2026-06]
        [--department 区市场监督管理局] [--repeats 5]
Each whole command runs in a fresh process (``appeal --json report ...``: start-up, plugins,
the store, the query, the JSON); the baseline in the same run is the library call in this
process (``Desk.report``, ``Desk.explain``), and the floor a command that reads one journal
stream (``appeal --json month list``).  Prints each measurement, then a markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

rows: list[tuple[str, str, str]] = []


def report(measure: str, result: str, target: str = "") -> None:
    """Print one measurement and keep it for the markdown table."""
    print(f"{measure:<78} {result:>12} {target}", flush=True)
    rows.append((measure, result, target))


def best(run: Callable[[], object], repeats: int) -> float:
    """Best wall time of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return min(times)


def reference() -> float:
    """Seconds for 3,000,000 pure-Python additions: how fast this (shared) machine runs now."""

    def loop() -> int:
        total = 0
        for k in range(3_000_000):
            total += k
        return total

    return best(loop, 3)


def command(args: list[str]) -> Callable[[], object]:
    """A whole ``appeal`` command in a fresh process (its output checked, then dropped)."""
    appeal = Path(sys.executable).with_name("appeal")

    def run() -> object:
        done = subprocess.run([str(appeal), *args], capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode())
        return done.stdout

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="the big SQLite file")
    parser.add_argument("--month", default="2026-06")
    parser.add_argument("--department", default="区市场监督管理局")
    parser.add_argument("--district", default="HM")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from appeal_adapters.config import open_desk

    url = f"sqlite:///{args.db}"
    year, month = (int(p) for p in args.month.split("-"))
    report("machine speed now: 3,000,000 pure-Python additions (best of 3)",
           f"{reference():.3f} s")  # fmt: skip
    items = sqlite3.connect(args.db).execute("SELECT count(*) FROM appeals").fetchone()[0]
    report(f"store: {args.db.name}, {items:,} items", "")
    desk = open_desk(url, district=args.district)
    n = args.repeats
    library = best(lambda: desk.report(year, month), n)
    report(f"library: Desk.report({year}, {month}) (baseline)", f"{library * 1000:.0f} ms")
    explained = desk.explain(year, month, args.department, "response_rate")
    lines = len(explained.lines)
    lib_explain = best(lambda: desk.explain(year, month, args.department, "response_rate"), n)
    report(f"library: Desk.explain(..., {args.department}, response_rate), {lines} items",
           f"{lib_explain * 1000:.0f} ms")  # fmt: skip
    base = ["--db", url, "--district", args.district, "--json"]
    explain_args = [*base, "report", "--month", args.month, "explain", "--department",
                    args.department, "--figure", "response_rate"]  # fmt: skip
    runs = {
        "floor": command([*base, "month", "list"]),
        "report": command([*base, "report", "--month", args.month]),
        "explain": command(explain_args),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(n):  # interleaved, so a change in the machine's load hits all three alike
        for name, run in runs.items():
            times[name].append(best(run, 1))
    floor, whole, whole_explain = (min(times[k]) for k in ("floor", "report", "explain"))
    report("whole command: appeal --json month list (start-up, plugins, one stream)",
           f"{floor:.2f} s")  # fmt: skip
    report(f"whole command: appeal --json report --month {args.month}", f"{whole:.2f} s", "< 1 s")
    report("  whole command / library call", f"{whole / library:.1f}")
    report("  whole command less the floor", f"{(whole - floor) * 1000:.0f} ms")
    name = f"whole command: appeal --json report --month {args.month} explain --department "
    report(f"{name}{args.department} --figure response_rate", f"{whole_explain:.2f} s", "< 1 s")
    report("  whole command less the floor", f"{(whole_explain - floor) * 1000:.0f} ms")
    desk.store.close()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nEnvironment: Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}, best of {n}\n"
    )
    print("| measure | result | target |\n|---|---:|---:|")
    for measure, result, target in rows:
        print(f"| {measure.strip()} | {result} | {target} |")


if __name__ == "__main__":
    main()
