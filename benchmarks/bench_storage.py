"""Storage benchmark: bulk registration, report queries on a big SQLite file, PostgreSQL COPY,
the audit (verify) of a big store, and registration with personal data encrypted or in clear.

Run from the repository root (PostgreSQL from APPEAL_TEST_POSTGRES_URL, or skipped):
    .venv/bin/python benchmarks/bench_storage.py [--register N] [--big N] [--pg N] [--verify N]
        [--privacy N] [--pg-privacy N] [--dir DIR]
Without APPEAL_MASTER_KEY a random master key is made for the run (stores encrypt by default).
Prints each measurement, then the results as markdown (pasted into docs/performance.md).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from appeal_adapters import serialization as ser
from appeal_adapters.privacy import MASTER_ENV, MasterKey
from appeal_adapters.storage import sql
from appeal_adapters.storage.sqlite import SQLiteStore
from appeal_core import events as e
from appeal_core.actor import Actor
from appeal_core.appeal import Appeal, Channel, FollowUp, Satisfaction
from appeal_core.deadlines import Deadline
from appeal_core.enterprise import Enterprise
from appeal_core.history import evolve, start
from appeal_core.testing.strategies import DEPARTMENTS
from appeal_core.timeutil import SHANGHAI

SEED = 20261102
DESK = Actor.desk("窗口")
LEADS = (*DEPARTMENTS, "区住房和城乡建设委员会", "区商务局", "区税务局")
DISTRICTS = ("HM", "CY", "XC", "DC")
FIRMS = [Enterprise(name=f"海淀第{k}科技有限公司", contact="张三", phone="13800000000",
                    address=f"中关村大街{k}号") for k in range(50)]  # fmt: skip
Item = tuple[tuple[e.Event, ...], Appeal]
rows: list[tuple[str, str, str]] = []  # (measure, result, target) for the markdown table


def report(measure: str, result: str, target: str = "") -> None:
    """Print one measurement and keep it for the markdown table."""
    print(f"{measure:<72} {result:>16} {target}", flush=True)
    rows.append((measure, result, target))


def registered(district: str, year: int, seq: int, at: datetime) -> e.Registered:
    """A registration event, as the desk would decide it."""
    return e.Registered(number=f"{district}-{year}-{seq:04d}", at=at, by=DESK, district=district,
                        year=year, seq=seq, enterprise=FIRMS[seq % 50],
                        content="厂区门前道路破损，大货车进出困难，影响物流，请协调修复",
                        channel=Channel.APP)  # fmt: skip


def deadline(start_day: date, days: int, rule: str) -> Deadline:
    """A deadline ``days`` after ``start_day``, with an explanation like the calendar's."""
    due = start_day + timedelta(days=days)
    text = f"答复期限：自 {start_day} 起算（当日不计），第 3 个工作日为 {due}"
    return Deadline(due=due, rule=rule, start=start_day, explanation=text)


def history(first: e.Registered, rng: random.Random, now: datetime) -> tuple[e.Event, ...]:
    """A plausible history: assigned, replied (often on time), visited, closed, as time allows."""
    number, at = first.number, first.at
    out: list[e.Event] = [first]
    at += timedelta(hours=rng.randint(2, 30))
    lead = rng.choice(LEADS)
    due = deadline(at.date(), 5, "reply")
    out.append(e.Assigned(number=number, at=at, by=DESK, lead=lead, reply_due=due,
                          completion_due=due))  # fmt: skip
    at += timedelta(hours=rng.randint(4, 200))
    if at > now or rng.random() < 0.01:  # one in a hundred is stuck with its lead department
        return tuple(out[: 1 + (rng.random() < 0.7)])
    who = Actor.of_department(lead)
    out.append(e.Replied(number=number, at=at, by=who, text="已协调修复", department=lead))
    at += timedelta(days=rng.randint(3, 20))
    if at > now:
        return tuple(out)
    level = rng.choice(list(Satisfaction))
    visit = FollowUp(satisfaction=level, resolved=rng.random() < 0.85, visited_on=at.date())
    out.append(e.FollowedUp(number=number, at=at, by=DESK, follow_up=visit))
    out.append(e.Closed(number=number, at=at + timedelta(hours=1), by=DESK))
    return tuple(out)


def fold(events: tuple[e.Event, ...]) -> Appeal:
    """The state after ``events`` (the core's fold, without its checks)."""
    first = events[0]
    assert isinstance(first, e.Registered)
    state = start(first)
    for event in events[1:]:
        state = evolve(state, event)
    return state


def simple_items(count: int, year: int = 2026) -> list[Item]:
    """``count`` freshly registered items of district HM (one event each)."""
    at = datetime(year, 3, 2, 9, 0, tzinfo=SHANGHAI)
    items = []
    for seq in range(1, count + 1):
        first = registered("HM", year, seq, at + timedelta(seconds=seq))
        items.append(((first,), start(first)))
    return items


def rich_batches(count: int, batch: int) -> Iterator[list[Item]]:
    """``count`` items over 4 districts and 2023-2026, with histories, in registration order."""
    rng = random.Random(SEED)
    begin = datetime(2023, 1, 1, 9, 0, tzinfo=SHANGHAI)
    now = datetime(2026, 12, 31, 18, 0, tzinfo=SHANGHAI)
    step = (now - begin) / count
    seqs: dict[tuple[str, int], int] = {}
    out: list[Item] = []
    for k in range(count):
        at = begin + step * k
        district = DISTRICTS[k % len(DISTRICTS)]
        seq = seqs[(district, at.year)] = seqs.get((district, at.year), 0) + 1
        events = history(registered(district, at.year, seq, at), rng, now)
        out.append((events, fold(events)))
        if len(out) == batch:
            yield out
            out = []
    if out:
        yield out


def best(run: Callable[[], object], repeats: int) -> float:
    """Best wall time of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return min(times)


def _fresh(path: Path) -> Path:
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    return path


def _library(items: list[Item], path: Path, batch: int) -> float:
    store = SQLiteStore(str(_fresh(path)))
    t = time.perf_counter()
    for k in range(0, len(items), batch):
        store.bulk_register(items[k : k + batch])
    took = time.perf_counter() - t
    store.close()
    return took


def _bare(tables: dict[str, list[tuple[Any, ...]]], path: Path, batch: int) -> float:
    """executemany of ready rows into tables with no types, keys or indexes."""
    bare = sqlite3.connect(_fresh(path), isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    for name, rows in tables.items():
        bare.execute(f"CREATE TABLE {name} ({', '.join(f'c{k}' for k in range(len(rows[0])))})")
    t = time.perf_counter()
    for k in range(0, len(next(iter(tables.values()))), batch):
        bare.execute("BEGIN")
        for name, rows in tables.items():
            marks = ", ".join("?" * len(rows[0]))
            bare.executemany(f"INSERT INTO {name} VALUES ({marks})", rows[k : k + batch])
        bare.execute("COMMIT")
    took = time.perf_counter() - t
    bare.close()
    return took


def bench_register(n: int, folder: Path, batch: int, repeats: int = 3) -> None:
    """Library bulk_register into SQLite against executemany of the same rows into bare tables.

    Runs alternate and the best of ``repeats`` counts (this machine's timings are noisy).
    """
    items = simple_items(n)
    gc.disable()  # as in bulk_register
    t = time.perf_counter()
    _, event_rows, item_rows = sql.build_rows(0, sql.GENESIS, [
        sql.Staged(s.number, 0, None, list(ev), s) for ev, s in items])  # fmt: skip
    building = time.perf_counter() - t
    gc.enable()
    same = {"events": event_rows, "appeals": item_rows}
    library, baseline = [], []
    for _ in range(repeats):
        library.append(_library(items, folder / "register.db", batch))
        baseline.append(_bare(same, folder / "bare.db", batch))
    t = time.perf_counter()
    naive = [(s.number, json.dumps(attrs.asdict(s), default=str, ensure_ascii=False))
             for _, s in items]  # fmt: skip
    naive_time = time.perf_counter() - t + _bare({"items": naive}, folder / "naive.db", batch)
    mine, base = min(library), min(baseline)
    report(f"SQLite bulk_register, {n:,} items in batches of {batch:,} (best of {repeats})",
           f"{n / mine:,.0f}/s")  # fmt: skip
    report("  of which serializing, hashing and building rows", f"{n / building:,.0f}/s")
    report("  baseline: executemany of the same prepared rows into bare tables",
           f"{n / base:,.0f}/s")  # fmt: skip
    report("  library / baseline throughput", f"{base / mine:.2f}", ">= 0.33")
    report("  naive: json.dumps(attrs.asdict(state)) + executemany, one bare table",
           f"{n / naive_time:,.0f}/s")  # fmt: skip
    report("  library / naive throughput", f"{naive_time / mine:.2f}")
    _library(items, folder / "register.db", batch)
    size = (folder / "register.db").stat().st_size + _wal(folder / "register.db")
    report("  SQLite file size per registered item", f"{size / n:,.0f} B")


def people_items(
    count: int, year: int = 2026, per_person: int = 1, *, phones_in_order: bool = False
) -> list[Item]:
    """``count`` freshly registered items, ``per_person`` of each contact person (name and
    mobile; registration gives the later ones the first one's contact): with 1, the worst case
    for encryption, a new key for every item.  The mobiles are distinct and come in no order,
    as callers do (``phones_in_order``: 13900000001, 13900000002 ..., which spares a store in
    clear the cost of its phone index, whose keys then only grow)."""
    at = datetime(year, 3, 2, 9, 0, tzinfo=SHANGHAI)
    people = -(-count // per_person)
    mobiles = range(1, people + 1) if phones_in_order else random.Random(SEED).sample(
        range(10**8), people
    )  # fmt: skip
    items = []
    for seq in range(1, count + 1):
        person = (seq - 1) // per_person + 1
        first = f"HM-{year}-{(person - 1) * per_person + 1:04d}"
        mobile = f"139{mobiles[person - 1]:08d}"
        firm = attrs.evolve(FIRMS[person % 50], contact=f"联系人{person}", phone=mobile,
                            contact_id=f"{first}-C")  # fmt: skip
        first = attrs.evolve(registered("HM", year, seq, at + timedelta(seconds=seq)),
                             enterprise=firm)  # fmt: skip
        items.append(((first,), start(first)))
    return items


def bench_privacy(
    n: int, folder: Path, batch: int, pg: int, pg_batch: int, repeats: int = 3,
    phones_in_order: bool = False,
) -> None:  # fmt: skip
    """``bulk_register`` of items each with its own contact person, personal data encrypted
    (a key per contact, made and wrapped, two values sealed per item) against the same store
    writing it in clear; alternating runs, best of ``repeats``, SQLite then PostgreSQL."""
    ordered = {"phones_in_order": phones_in_order}
    for per_person in (1, 3) if n else ():
        people = people_items(n, per_person=per_person, **ordered)
        _compare("SQLite", n, batch, repeats, partial(_sqlite_run, people, folder, batch),
                 per_person, phones_in_order)  # fmt: skip
    if n:
        _reads(people_items(n, **ordered), folder, batch, repeats)
    url = os.environ.get("APPEAL_TEST_POSTGRES_URL")
    if pg and url:
        import psycopg

        from appeal_adapters.storage.postgres import PostgresStore

        pg_items = people_items(pg, 2025, **ordered)
        schema = url + ("&" if "?" in url else "?") + "options=-c%20search_path%3Dbench_privacy"

        def pg_run(plain: bool) -> float:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("DROP SCHEMA IF EXISTS bench_privacy CASCADE")
                conn.execute("CREATE SCHEMA bench_privacy")
            store = PostgresStore(schema, plaintext=plain)
            t = time.perf_counter()
            for k in range(0, pg, pg_batch):
                store.bulk_register(pg_items[k : k + pg_batch])
            took = time.perf_counter() - t
            store.close()
            return took

        _compare("PostgreSQL", pg, pg_batch, repeats, pg_run, 1, phones_in_order)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS bench_privacy CASCADE")


def _reads(items: list[Item], folder: Path, batch: int, repeats: int) -> None:
    """``states()`` (every state read, personal values opened) and ``verify()`` (nothing opened:
    ciphertext compared) on the encrypted store against the same store in clear."""
    took: dict[bool, tuple[float, float]] = {}
    for plain in (True, False):
        path = _fresh(folder / f"reads-{plain}.db")
        store = SQLiteStore(str(path), plaintext=plain)
        for k in range(0, len(items), batch):
            store.bulk_register(items[k : k + batch])
        reading = best(lambda s=store: sum(1 for _ in s.states()), repeats)  # type: ignore[misc]
        t = time.perf_counter()
        assert store.verify().ok
        took[plain] = (reading, time.perf_counter() - t)
        store.close()
    n = len(items)
    for k, what in enumerate(("states(): every state read", "verify(): the audit")):
        clear, sealed = took[True][k], took[False][k]
        report(f"SQLite {what}, {n:,} items: in clear / encrypted (µs an item)",
               f"{clear / n * 1e6:.1f} / {sealed / n * 1e6:.1f}")  # fmt: skip
        report("  encrypted / in clear time", f"{sealed / clear:.2f}")


def _sqlite_run(items: list[Item], folder: Path, batch: int, plain: bool) -> float:
    store = SQLiteStore(str(_fresh(folder / "privacy.db")), plaintext=plain)
    t = time.perf_counter()
    for k in range(0, len(items), batch):
        store.bulk_register(items[k : k + batch])
    took = time.perf_counter() - t
    store.close()
    return took


def _compare(
    name: str, n: int, batch: int, repeats: int, run: Callable[[bool], float], per_person: int,
    phones_in_order: bool = False,
) -> None:  # fmt: skip
    sealed, clear = [], []
    for _ in range(repeats):
        clear.append(run(True))
        sealed.append(run(False))
    people = (
        f"{-(-n // per_person):,} contacts"
        + (" (each a new person)" if per_person == 1 else "")
        + (" (phones in order)" if phones_in_order else "")
    )
    report(f"{name} bulk_register, {n:,} items of {people}, batches of {batch:,}: "
           "personal data in clear", f"{n / min(clear):,.0f}/s")  # fmt: skip
    report("  same, encrypted (a key per contact, name and phone sealed)",
           f"{n / min(sealed):,.0f}/s")  # fmt: skip
    report("  encrypted / in clear throughput", f"{min(clear) / min(sealed):.2f}", ">= 0.70")


def _wal(path: Path) -> int:
    wal = Path(str(path) + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def bench_queries(n: int, folder: Path, batch: int) -> None:
    """Build an ``n``-item store with bulk ingest, then time both report queries."""
    path = folder / "big.db"
    store = SQLiteStore(str(path), synchronous="NORMAL")
    t = time.perf_counter()
    events = 0
    for chunk in rich_batches(n, batch):
        events += sum(len(ev) for ev, _ in chunk)
        store.bulk_register(chunk)
    built = time.perf_counter() - t
    store.close()
    store = SQLiteStore(str(path))
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")
    size = path.stat().st_size + _wal(path)
    report(f"big SQLite store: {n:,} items, {events:,} events, built with bulk_register",
           f"{built:,.1f} s")  # fmt: skip
    report("  file size per item (incl. its events)", f"{size / n:,.0f} B")
    conn.execute(
        "CREATE INDEX IF NOT EXISTS hand_overdue ON appeals "
        "(is_open, reply_due, first_reply_on, completion_due, final_reply_on, number)"
    )
    day, month = date(2026, 12, 1), (2026, 6)
    lo, hi = "2026-06-01", "2026-06-30"

    def hand_month() -> object:
        """The floor: one indexed range count per metrics table, no cut-off logic at all."""
        return [
            conn.execute(text, (lo, hi)).fetchall()
            for text in (
                "SELECT lead, count(*), sum(resolved) FROM m_visits "
                "WHERE visited BETWEEN ? AND ? GROUP BY lead",
                "SELECT lead, count(*) FROM m_cycles WHERE started BETWEEN ? AND ? GROUP BY lead",
                "SELECT lead, count(*), sum(first_reply <= reply_due) FROM m_cycles "
                "WHERE reply_due BETWEEN ? AND ? GROUP BY lead",
                "SELECT count(*) FROM m_completions WHERE due BETWEEN ? AND ?",
                "SELECT channel, count(*) FROM appeals WHERE registered_on BETWEEN ? AND ? "
                "GROUP BY channel",
            )
        ]

    cases: list[tuple[str, Callable[[], object], Callable[[], object] | None]] = [
        ("overdue_numbers(2026-12-01)",
         lambda: store.overdue_numbers(day),
         lambda: conn.execute(
             "SELECT number FROM appeals INDEXED BY hand_overdue WHERE is_open = 1 AND "
             "((reply_due < ?1 AND first_reply_on IS NULL) OR "
             "(completion_due < ?1 AND final_reply_on IS NULL))", (day.isoformat(),)).fetchall()),
        ("overdue_numbers(2026-12-01, district='HM')",
         lambda: store.overdue_numbers(day, "HM"), None),
        ("month_counts(2026, 6) (the whole monthly report's counts)",
         lambda: store.month_counts(*month), hand_month),
        ("month_counts(2026, 6, district='HM')",
         lambda: store.month_counts(*month, "HM"), None),
        ("month_counts(2024, 3)", lambda: store.month_counts(2024, 3), None),
    ]  # fmt: skip
    for name, ours, hand in cases:
        mine = best(ours, 7)
        report(f"  {name}", f"{mine * 1000:.1f} ms", "< 100 ms")
        if hand is not None:
            theirs = best(hand, 7)
            report("    hand-written SQL (overdue: covering index; month: plain range counts)",
                   f"{theirs * 1000:.1f} ms")  # fmt: skip
            report("    ours / hand-written", f"{mine / theirs:.2f}", "<= 3")
    report("  overdue items found on 2026-12-01", f"{len(store.overdue_numbers(day)):,}")
    conn.close()
    store.close()


def bench_postgres(n: int, batch: int) -> None:
    """Bulk ingest through COPY into a fresh PostgreSQL schema."""
    url = os.environ.get("APPEAL_TEST_POSTGRES_URL")
    if not url:
        report("PostgreSQL bulk ingest", "skipped", "(no APPEAL_TEST_POSTGRES_URL)")
        return
    import psycopg

    from appeal_adapters.storage.postgres import PostgresStore

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS bench CASCADE")
        conn.execute("CREATE SCHEMA bench")
    store = PostgresStore(url + ("&" if "?" in url else "?") + "options=-c%20search_path%3Dbench")
    items = simple_items(n, 2025)
    t = time.perf_counter()
    for k in range(0, n, batch):
        store.bulk_register(items[k : k + batch])
    took = time.perf_counter() - t
    gc.disable()  # as in bulk_register
    t = time.perf_counter()
    sql.build_rows(0, sql.GENESIS, [sql.Staged(s.number, 0, None, list(ev), s)
                                    for ev, s in items[:batch]], sql.POSTGRES)  # fmt: skip
    building = (time.perf_counter() - t) / min(batch, n)
    gc.enable()
    report(f"PostgreSQL bulk_register (COPY), {n:,} items in batches of {batch:,}",
           f"{n / took:,.0f}/s", ">= 50,000/s")  # fmt: skip
    report("  of which serializing, hashing and building rows (client)", f"{1 / building:,.0f}/s")
    with psycopg.connect(url) as conn:
        settings = [f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}" for name in
                    ("server_version", "fsync", "shared_buffers", "max_wal_size")]  # fmt: skip
    report("  server: " + ", ".join(settings), "")
    with psycopg.connect(url) as conn:
        size = conn.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN "
                            "pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'bench' "
                            "AND c.relkind = 'r'").fetchone()  # fmt: skip
    report("  PostgreSQL size per item (tables + indexes)", f"{(size[0] or 0) / n:,.0f} B")
    store.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA bench CASCADE")


def _peak_mb() -> float:
    """This process's peak RSS in MB: ``VmHWM`` (``ru_maxrss`` keeps the parent's peak across
    ``exec``, so a child started by a big parent would report the parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_verify(path: str) -> dict[str, float]:
    """In this (child) process: the audit of the store at ``path`` against a baseline.

    The baseline reads every event row and parses its JSON body: the least any check that
    folds the events must do.  Returns seconds and this process's peak RSS in MB.
    """
    store = SQLiteStore(path, read_only=True)
    t = time.perf_counter()
    chain = store.verify(items=False)
    chain_s = time.perf_counter() - t
    t = time.perf_counter()
    full = store.verify()
    full_s = time.perf_counter() - t
    assert chain.ok and full.ok, (chain, full)
    store.close()
    rss = _peak_mb()  # before the baselines
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    t = time.perf_counter()
    for (body,) in conn.execute("SELECT body FROM events"):
        json.loads(body)
    parse_s = time.perf_counter() - t
    t = time.perf_counter()
    for (body,) in conn.execute("SELECT body FROM events"):
        hashlib.sha256(body.encode()).hexdigest()
    hash_s = time.perf_counter() - t
    conn.close()
    return {"chain": chain_s, "full": full_s, "parse": parse_s, "hash": hash_s, "rss": rss,
            "items": full.items, "events": full.count}  # fmt: skip


def bench_verify(n: int, folder: Path, batch: int) -> None:
    """Build an ``n``-item store (histories as in the big store) and time ``verify`` on it,
    in a child process so its peak memory is the audit's own."""
    path = folder / "audit.db"
    store = SQLiteStore(str(_fresh(path)), synchronous="NORMAL")
    for chunk in rich_batches(n, batch):
        store.bulk_register(chunk)
    store.close()  # the last connection: the WAL is checkpointed into the file
    done = subprocess.run(
        [sys.executable, __file__, "--time-verify", str(path)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"the verifying child failed:\n{done.stderr}")
    r = json.loads(done.stdout.strip().splitlines()[-1])
    report(f"verify, SQLite store of {r['items']:,} items, {r['events']:,} events", "")
    report("  chain only (verify(items=False))", f"{r['chain']:,.1f} s")
    report("  full: chain + every item's state and report rows", f"{r['full']:,.1f} s")
    report("  per item, full", f"{r['full'] / r['items'] * 1e6:,.0f} µs")
    report("  baseline: read every event row and json.loads its body", f"{r['parse']:,.1f} s")
    report("  baseline: read every event row and sha256 its body", f"{r['hash']:,.1f} s")
    report("  full / parse baseline", f"{r['full'] / r['parse']:.1f}")
    report("  chain / sha256 baseline", f"{r['chain'] / r['hash']:.1f}")
    report("  peak RSS of the verifying process", f"{r['rss']:,.0f} MB")


def reference() -> float:
    """Seconds for 3,000,000 pure-Python additions: how fast this (shared) machine runs now."""

    def loop() -> int:
        total = 0
        for k in range(3_000_000):
            total += k
        return total

    return best(loop, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--register", type=int, default=100_000, help="items for bulk_register")
    parser.add_argument("--big", type=int, default=1_000_000,
                        help="items in the query store (0 skips the long build)")  # fmt: skip
    parser.add_argument("--pg", type=int, default=1_000_000, help="items for PostgreSQL COPY")
    parser.add_argument("--batch", type=int, default=10_000, help="items per bulk_register call")
    parser.add_argument("--pg-batch", type=int, default=200_000,
                        help="items per PostgreSQL bulk_register call")  # fmt: skip
    parser.add_argument("--verify", type=int, default=100_000,
                        help="items in the store whose audit is timed (0 skips)")  # fmt: skip
    parser.add_argument(
        "--privacy",
        type=int,
        default=100_000,
        help="items for SQLite registration encrypted vs in clear (0 skips)",
    )
    parser.add_argument("--pg-privacy", type=int, default=200_000,
                        help="items for the same on PostgreSQL (0 skips)")  # fmt: skip
    parser.add_argument("--phones-in-order", action="store_true",
                        help="--privacy items' mobiles 13900000001, 13900000002 ... (the "
                        "data before 2026-12-01) instead of in no order")  # fmt: skip
    parser.add_argument("--time-verify", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the SQLite files")
    parser.add_argument("--no-orjson", action="store_true",
                        help="standard library JSON even if orjson is installed")  # fmt: skip
    args = parser.parse_args()
    os.environ.setdefault(MASTER_ENV, MasterKey.generate().text)  # this run's, if none is set
    if args.time_verify:  # the child of bench_verify
        print(json.dumps(time_verify(args.time_verify)))
        return
    if args.no_orjson:
        ser.orjson = None  # type: ignore[assignment]
    report("JSON encoder", "orjson" if ser.orjson is not None else "standard library")
    folder = args.dir or Path(tempfile.mkdtemp(prefix="appeal-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db*"):
        old.unlink()
    report("machine speed now: 3,000,000 pure-Python additions (best of 3)",
           f"{reference():.3f} s")  # fmt: skip
    if args.register:
        bench_register(args.register, folder, args.batch)
    if args.privacy or args.pg_privacy:
        bench_privacy(args.privacy, folder, args.batch, args.pg_privacy, args.pg_batch,
                      phones_in_order=args.phones_in_order)  # fmt: skip
    if args.pg:
        bench_postgres(args.pg, args.pg_batch)
    if args.big:
        bench_queries(args.big, folder, max(args.batch, 20_000))
    if args.verify:
        bench_verify(args.verify, folder, max(args.batch, 20_000))
    print(
        f"\nEnvironment: Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.machine()}, {os.cpu_count()} cores, {sys.platform}; files in {folder}\n"
    )
    print("| measure | result | target |\n|---|---:|---:|")
    for measure, result, target in rows:
        print(f"| {measure.strip()} | {result} | {target} |")


if __name__ == "__main__":
    main()
