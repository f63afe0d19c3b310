"""Intake at scale: a large 12345 CSV into SQLite in bounded memory, and the duplicate check.

    .venv/bin/python benchmarks/bench_intake.py --rows 1000000 --stored 100000

1. Writes a GBK hotline CSV of ``--rows`` rows (fixed seed; 10 rows per enterprise on
   average, problems from ``examples/data/make_samples.py``) to a temporary folder.
2. Imports it with ``import_file`` into a fresh ``sqlite:///`` store in a child process and
   reports rows per second and that process's peak RSS (``ru_maxrss``), progress on stderr.
3. Builds a store of ``--stored`` items (SQLite, and the MemoryStore for reference) and times
   the duplicate check of registration (``open_items_of`` + ``possible_duplicates``) for 1,000
   new items: typical enterprises (about 10 open items each) and one with 1,000 open items.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "data"))

from make_samples import PROBLEMS, TOWNS, TRADES, WORDS  # noqa: E402

from appeal_core import SHANGHAI, Actor, Desk, Enterprise  # noqa: E402
from appeal_core.duplicates import enterprise_key, possible_duplicates  # noqa: E402
from appeal_core.enterprise import CODE_CHARSET, credit_code_check_char  # noqa: E402
from appeal_core.intake import IntakeRecord  # noqa: E402

AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
HEADER = ("工单编号", "来电时间", "来电人", "联系电话", "企业名称", "企业地址", "诉求内容",
          "统一社会信用代码")  # fmt: skip
TEXTS = [w for pairs in PROBLEMS.values() for pair in pairs for w in pair]


def firm(i: int) -> tuple[str, str, str]:
    """(name, credit code, address) of synthetic enterprise ``i``."""
    body = "91320684" + "".join(CODE_CHARSET[(i // 31**k) % 26] for k in range(9))
    _, trade = TRADES[i % len(TRADES)]
    name = f"海门{WORDS[i % 20]}{WORDS[(i // 20) % 20]}{trade}{i}有限公司"
    return (
        name,
        body + credit_code_check_char(body),
        f"海门区{TOWNS[i % len(TOWNS)]}{i % 999 + 1}号",
    )


def write_csv(path: Path, rows: int, firms: int) -> None:
    rng = random.Random(20261116)
    with path.open("w", encoding="gbk", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        for n in range(rows):
            name, code, address = firm(rng.randrange(firms))
            when = AT - timedelta(minutes=rng.randrange(60 * 24 * 20))
            text = rng.choice(TEXTS).format(n=rng.choice((15, 30, 50, 80, 120)))
            writer.writerow((f"NT{n:08d}", when.strftime("%Y-%m-%d %H:%M"), "陈经理",
                             f"138{n % 100000000:08d}", name, address, text, code))  # fmt: skip


def child_parse(csv_path: str) -> None:
    """Run in a fresh process: parse the file only (the channel's own cost and memory)."""
    from appeal_adapters.channels import channel

    started = time.perf_counter()
    with open(csv_path, "rb") as handle:
        rows = sum(1 for _ in channel("hotline").parse(handle, filename="hotline.csv"))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": elapsed, "peak_mb": peak}))


def child_import(csv_path: str, db: str) -> None:
    """Run in a fresh process: import the file and print JSON with the figures."""
    from appeal_adapters import open_store
    from appeal_adapters.channels import import_file

    if db == "-":
        child_parse(csv_path)
        return

    store = open_store(f"sqlite:///{db}")
    desk = Desk(store, district="HM")
    started = time.perf_counter()
    last = [started]

    def progress(done: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10:
            print(f"  {done:,} rows, {done / (now - started):,.0f} rows/s", file=sys.stderr)
            last[0] = now

    report = import_file(desk, csv_path, channel="hotline", at=AT, by=Actor.desk("基准"),
                         progress=progress, batch_size=1000)  # fmt: skip
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": report.total, "registered": len(report.registered),
                      "quarantined": len(report.quarantined), "flagged": len(report.flagged),
                      "seconds": elapsed, "peak_mb": peak}))  # fmt: skip


def duplicate_check(store: object, probes: list[tuple[Enterprise, str]]) -> float:
    """Mean milliseconds of registration's duplicate check over ``probes``."""
    since = AT.date() - timedelta(days=30)
    started = time.perf_counter()
    with store.unit_of_work() as uow:  # type: ignore[attr-defined]
        for enterprise, text in probes:
            earlier = uow.open_items_of("HM", enterprise_key(enterprise), since)
            possible_duplicates(enterprise, text, earlier, on=AT.date())
    return (time.perf_counter() - started) * 1000 / len(probes)


def fill(store: object, stored: int, firms: int, heavy: int) -> None:
    rng = random.Random(7)
    desk = Desk(store, district="HM")  # type: ignore[arg-type]

    def records() -> object:
        for n in range(stored):
            i = 0 if n < heavy else rng.randrange(1, firms)
            name, code, _ = firm(i)
            text = rng.choice(TEXTS).format(n=rng.choice((15, 30, 50)))
            yield IntakeRecord(channel="hotline", source_id=f"S{n}", content=text,
                               enterprise=Enterprise(name=name, credit_code=code))  # fmt: skip

    desk.intake(records(), source="bench", at=AT, by=Actor.desk("基准"), batch_size=2000)  # type: ignore[arg-type]


def bench_duplicates(stored: int, tmp: Path) -> dict[str, float]:
    from appeal_adapters import open_store
    from appeal_core import MemoryStore

    firms, heavy = stored // 10, 1000
    rng = random.Random(11)
    typical = []
    for _ in range(1000):
        name, code, _ = firm(rng.randrange(1, firms))
        typical.append((Enterprise(name=name, credit_code=code), rng.choice(TEXTS).format(n=30)))
    name, code, _ = firm(0)
    crowded = [(Enterprise(name=name, credit_code=code), rng.choice(TEXTS).format(n=30))] * 100
    out: dict[str, float] = {}
    for label, store in (("sqlite", open_store(f"sqlite:///{tmp / 'dup.db'}")),
                         ("memory", MemoryStore())):  # fmt: skip
        started = time.perf_counter()
        fill(store, stored, firms, heavy)
        out[f"{label}_fill_s"] = time.perf_counter() - started
        out[f"{label}_typical_ms"] = duplicate_check(
            store, typical[: 1000 if label == "sqlite" else 50]
        )
        out[f"{label}_crowded_ms"] = duplicate_check(
            store, crowded[: 100 if label == "sqlite" else 10]
        )
    return out


def run_child(path: Path, db: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), db],
        stdout=subprocess.PIPE, text=True, check=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument(
        "--import-rows", type=int, default=None, help="rows of the SQLite import (default: --rows)"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        path = tmp / "hotline.csv"
        started = time.perf_counter()
        write_csv(path, args.rows, max(1, args.rows // 10))
        print(f"wrote {args.rows:,} rows ({path.stat().st_size / 2**20:,.0f} MiB GBK) "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        parsed = run_child(path, "-")
        speed = parsed["rows"] / parsed["seconds"]
        print(f"parse only: {parsed['rows']:,} rows in {parsed['seconds']:.0f} s = "
              f"{speed:,.0f} rows/s; peak RSS {parsed['peak_mb']:.0f} MB")  # fmt: skip
        if args.import_rows is not None and args.import_rows != args.rows:
            path = tmp / "hotline-import.csv"
            write_csv(path, args.import_rows, max(1, args.import_rows // 10))
        result = run_child(path, str(tmp / "intake.db"))
        rate = result["rows"] / result["seconds"]
        print(f"sqlite import: {result['rows']:,} rows in {result['seconds']:.0f} s = "
              f"{rate:,.0f} rows/s; peak RSS {result['peak_mb']:.0f} MB; "
              f"registered {result['registered']:,}, flagged {result['flagged']:,}")  # fmt: skip
        dup = bench_duplicates(args.stored, tmp)
        for key, value in dup.items():
            print(f"{key}: {value:.3f}")


if __name__ == "__main__":
    main()
