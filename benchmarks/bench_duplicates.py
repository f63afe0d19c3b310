"""The duplicate check of single new rows, crowded and typical, against baselines in one run.

    .venv/bin/python benchmarks/bench_duplicates.py --rows 200000            # build once, time
    .venv/bin/python benchmarks/bench_duplicates.py --rows 200000 --profile  # where it goes

A store is filled once with ``bench_intake.py``'s varied hotline rows (parse, build,
``bulk_register``: the pipeline) in which enterprise 0 has ``--crowded`` open items, and kept
in ``--folder`` for the next runs (with the benchmark's master key beside it).  Then, in one
process, each way of gathering the candidates is timed on the same new rows, runs alternating,
best of ``--repeat``: 1,000 rows of enterprises of the file (``typical``: their candidates kept
from the warm-up; ``cold``: the same rows with nothing kept) and 100 of enterprise 0
(``crowded``; ``mixed``: every other one without its phone), each one ``duplicate_candidates``
+ ``flag`` as a single new row's check does.
Run with ``PYTHONPATH=/tmp/base/src`` (another checkout's ``src``: ``git archive main src``), the
``store`` way is that code's.

- ``store``: ``duplicate_candidates`` as the store does it now;
- ``appeals``: every candidate's signature columns read from its ``appeals`` row each time, and
  each sealed phone turned back into the key asked for (``attrs.evolve``): the code before
  this change;
- ``keys``: only the index lookups of the candidates' keys, nothing read or compared (the floor
  of any design that looks candidates up by key).

``--layout`` times, in SQL alone (``sqlite3``, no Python objects made but the result rows), the
crowded enterprise's candidates read from ``appeals`` (their keys only, the columns telling a
kept candidate is current, every signature column) and from a narrow table of signatures
(a temporary copy with the same indexes), then again with those items' ``state`` widened to
5,000 characters (a processed item's sealed JSON: the columns after it on overflow pages),
rolled back afterwards.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attrs
from bench_intake import AT, WORDINGS, child_pipeline, firm, text, write_csv

from appeal_core.duplicates import Candidate, Signature, flag, phone_key, signature

Gather = Callable[[Any, str, tuple[str, ...], date], list[Any]]


def build(folder: Path, count: int, crowded: int, pg: bool = False) -> str:
    """The store's URL, filled on first use (and its master key put in the environment): a
    SQLite file in ``folder``, or (``pg``) a schema of ``APPEAL_TEST_POSTGRES_URL`` kept for
    the next runs."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"dups_{count}_{crowded}"
    key = stem.with_suffix(".key")
    if not key.exists():
        key.write_text(base64.b64encode(os.urandom(32)).decode())
    os.environ["APPEAL_MASTER_KEY"] = key.read_text()
    if pg:
        import psycopg

        server, schema = os.environ["APPEAL_TEST_POSTGRES_URL"], f"benchdup_{count}_{crowded}"
        url = server + ("&" if "?" in server else "?") + f"options=-c%20search_path%3D{schema}"
        with psycopg.connect(server, autocommit=True) as conn:
            done = conn.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = %s"
                " AND table_name = 'chain_head'",
                (schema,),
            ).fetchone()
            if done is None:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                conn.execute(f"CREATE SCHEMA {schema}")
        filled = done is not None
    else:
        db = stem.with_suffix(".db")
        url, filled = f"sqlite:///{db}", db.exists()
    if not filled:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "hotline.csv"
            write_csv(path, count, crowded)
            started = time.perf_counter()
            result = child_pipeline(str(path), url, 1000)
            print(f"built {url}: {result['registered']:,} items in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    return url


def _wanted(uow: Any, district: str, keys: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """The ``(column, values)`` lookups of ``keys`` (a phone as its blind index)."""
    columns = {"name": "enterprise_key", "code": "credit_code", "phone": "phone_key"}
    wanted: dict[str, list[str]] = {}
    for key in keys:
        kind, _, value = key.partition(":")
        if kind == "phone" and value and uow.seals is not None:
            value = uow.seals.phone_index(district, value)
        if kind in columns and value:
            wanted.setdefault(columns[kind], []).append(key if kind == "name" else value)
    return list(wanted.items())


def keys_only(uow: Any, district: str, keys: tuple[str, ...], since: date) -> list[Any]:
    """The candidates' ``created_seq`` by the appeals indexes only."""
    from appeal_adapters.storage.sqlstore import CANDIDATE_SEQS

    day = uow._d.day(since)
    chunks = uow._by_keys(CANDIDATE_SEQS, (district, day), _wanted(uow, district, keys))
    return [row for chunk in chunks for row in chunk]


APPEALS_ROWS = """SELECT number, year, seq, registered_on, enterprise_key, credit_code,
    phone_key, grams FROM appeals WHERE created_seq IN ({inner})"""


OLD_KEPT: dict[str, tuple[Any, Candidate]] = {}


def from_appeals(uow: Any, district: str, keys: tuple[str, ...], since: date) -> list[Any]:
    """The code before this change: the candidates' columns read from their ``appeals`` rows,
    each made into a ``Candidate`` kept with its row, then every sealed phone evolved back to
    the key asked for (or ``#`` and its blind index)."""
    from appeal_adapters.storage.sqlstore import CANDIDATE_SEQS, CANDIDATES_KEPT

    day = uow._d.day(since)
    clear = {}
    if uow.seals is not None:
        for key in keys:
            kind, _, value = key.partition(":")
            if kind == "phone" and value:
                clear[uow.seals.phone_index(district, value)] = value
    lookups = _wanted(uow, district, keys)
    chunks = uow._by_keys(CANDIDATE_SEQS, (district, day), lookups, APPEALS_ROWS)
    rows = [row for chunk in chunks for row in chunk]
    if len(OLD_KEPT) + len(rows) > CANDIDATES_KEPT:
        OLD_KEPT.clear()
    found: dict[str, Candidate] = {}
    for row in rows:
        number = row[0]
        cached = OLD_KEPT.get(number)
        if cached is not None and cached[0] == row:
            found[number] = cached[1]
        else:
            number, year, seq, registered, name, code, phone, grams = row
            day = registered if isinstance(registered, date) else date.fromisoformat(registered)
            found[number] = Candidate(
                number=number, year=int(year), seq=int(seq), registered_on=day,
                signature=Signature(name, code, phone, bytes(grams or b"")),
            )  # fmt: skip
            OLD_KEPT[number] = (row, found[number])
    for number, one in found.items():
        phone = one.signature.phone
        if phone and uow.seals is not None:
            sig = attrs.evolve(one.signature, phone=clear.get(phone, f"#{phone}"))
            found[number] = attrs.evolve(one, signature=sig)
    return list(found.values())


def store_way(uow: Any, district: str, keys: tuple[str, ...], since: date) -> list[Any]:
    return list(uow.duplicate_candidates(district, keys, since))


WAYS: dict[str, Gather] = {"store": store_way, "appeals": from_appeals, "keys": keys_only}


def probes(firms: int, crowded_rows: int = 100) -> dict[str, list[Any]]:
    """The new rows' signatures: typical (enterprises of the file), crowded (enterprise 0) and
    mixed (enterprise 0, every other row without a phone)."""
    rng = random.Random(11)
    chosen = {"typical": [rng.randrange(1, firms) for _ in range(1000)],
              "crowded": [0] * crowded_rows}  # fmt: skip
    made: dict[str, list[Any]] = {}
    for label, ids in chosen.items():
        made[label] = [
            signature(firm(i), text(rng, rng.choice(WORDINGS), rng.random() < 0.5)) for i in ids
        ]
    # enterprise 0 again, every other row without its phone (a visit record with the code only)
    made["mixed"] = [attrs.evolve(sig, phone="") if k % 2 else sig
                     for k, sig in enumerate(made["crowded"])]  # fmt: skip
    return made


def forget(store: Any) -> None:
    """Drop every candidate kept, the store's and the old way's."""
    store._parsed.clear()
    store._candidates.clear()
    OLD_KEPT.clear()


def run(
    store: Any,
    gather: Gather,
    sigs: list[Any],
    compare: bool,
    seen: list[Any] | None = None,
    *,
    cold: bool = False,
) -> tuple[float, float, float]:
    """(ms a row, candidates a row, flagged a row) of the check of ``sigs`` one by one; each
    row's flags appended to ``seen``.  ``cold``: nothing kept for any row."""
    from appeal_core import Policy

    policy = Policy()
    ignore = {phone_key(policy.identity.phone)}
    since = AT.date() - timedelta(days=policy.duplicate_window_days)
    found = flagged = 0
    with store.unit_of_work() as uow:
        started = time.perf_counter()
        for sig in sigs:
            if cold:
                forget(store)
            candidates = gather(uow, "HM", sig.keys, since)
            found += len(candidates)
            if compare:
                flags = flag(sig, candidates, on=AT.date(), ignore_phones=ignore,
                             window_days=policy.duplicate_window_days,
                             threshold=policy.duplicate_threshold)  # fmt: skip
                flagged += len(flags)
                if seen is not None:
                    seen.append(flags)
        took = time.perf_counter() - started
    n = len(sigs)
    return took * 1000 / n, found / n, flagged / n


LAYOUT_SEQS = """SELECT created_seq FROM {table} WHERE district = 'HM' {open}
    AND registered_on >= ? AND {column} = ? AND {column} <> ''"""
LAYOUT_READS = {
    "keys only": "created_seq",
    "created_seq, version, phone_key = ''": "created_seq, version, phone_key = ''",
    "every signature column": "created_seq, number, year, seq, registered_on, enterprise_key, "
    "credit_code, phone_key, grams",
}


def layout(path: str, repeat: int = 50) -> None:
    """The SQL cost of reading the crowded enterprise's candidates by layout (``--layout``)."""
    import sqlite3

    from appeal_adapters.storage.sqlite import CACHE_KIB

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute(f"PRAGMA temp.cache_size = -{CACHE_KIB}")
    e0 = firm(0)
    (name,) = conn.execute(
        "SELECT enterprise_key FROM appeals GROUP BY enterprise_key ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    (phone,) = conn.execute(
        "SELECT phone_key FROM appeals WHERE credit_code = ? LIMIT 1", (e0.credit_code,)
    ).fetchone()
    since = (AT.date() - timedelta(days=30)).isoformat()
    keys = (("enterprise_key", name), ("credit_code", e0.credit_code), ("phone_key", phone))
    columns = "district, number, year, seq, registered_on, enterprise_key, credit_code, phone_key"
    conn.execute(
        f"CREATE TEMP TABLE signatures (created_seq INTEGER PRIMARY KEY, {columns}, grams BLOB)"
    )
    conn.execute(
        f"INSERT INTO signatures SELECT created_seq, {columns}, grams FROM appeals"
        " WHERE is_open = 1 ORDER BY created_seq"
    )
    for column in ("enterprise_key", "credit_code", "phone_key"):
        conn.execute(
            f"CREATE INDEX temp.s_{column} ON signatures (district, {column}, registered_on)"
        )

    def timed(table: str, columns: str) -> tuple[float, int]:
        opened = "AND is_open = 1" if table == "appeals" else ""
        inner = " UNION ALL ".join(
            LAYOUT_SEQS.format(table=table, open=opened, column=column) for column, _ in keys
        )
        query = f"SELECT {columns} FROM {table} WHERE created_seq IN ({inner})"
        params = [v for _, key in keys for v in (since, key)]
        best, rows = float("inf"), 0
        for _ in range(repeat):
            started = time.perf_counter()
            rows = len(conn.execute(query, params).fetchall())
            best = min(best, time.perf_counter() - started)
        return best * 1000, rows

    print(f"{'state':<8}{'table':<12}{'read':<40}{'ms':>8}{'rows':>6}")
    for state in ("as is", "wide"):
        if state == "wide":
            conn.execute("BEGIN")
            conn.execute(
                "UPDATE appeals SET state = ? WHERE enterprise_key = ?", ("状" * 5000, name)
            )
        for label, columns in LAYOUT_READS.items():
            for table in ("appeals", "signatures"):
                if table == "signatures" and "version" in columns:
                    continue
                ms, rows = timed(table, columns)
                print(f"{state:<8}{table:<12}{label:<40}{ms:>8.3f}{rows:>6}")
    conn.execute("ROLLBACK")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--crowded", type=int, default=1000)
    parser.add_argument("--folder", default="/tmp/bench_duplicates")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--profile", action="store_true", help="cProfile the crowded check")
    parser.add_argument("--layout", action="store_true", help="the SQL reads by table layout")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (APPEAL_TEST_POSTGRES_URL)")
    args = parser.parse_args()
    url = build(Path(args.folder), args.rows, args.crowded, args.pg)
    if args.layout:
        layout(url.removeprefix("sqlite:///"))
        return
    from appeal_adapters import open_store

    store = open_store(url)
    sigs = probes(args.rows)
    sigs["cold"] = sigs["typical"]
    ways = args.ways.split(",")
    flags: dict[str, list[Any]] = {}
    for way in ways:  # warm (the page cache and the candidates kept), and the flags compared
        for label in sigs:
            run(store, WAYS[way], sigs[label], way != "keys", flags.setdefault(way, []),
                cold=label == "cold")  # fmt: skip
    same = [way for way in ways if way != "keys" and flags[way] == flags[ways[0]]]
    print(f"the same flags for every row: {', '.join(same)}")
    if args.profile:
        for way in ways:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(5):
                run(store, WAYS[way], sigs["crowded"], way != "keys")
            profile.disable()
            print(f"--- {way}, crowded, 5 x 100 rows")
            pstats.Stats(profile).sort_stats("tottime").print_stats(14)
    best: dict[tuple[str, str], tuple[float, float, float]] = {}
    for _ in range(args.repeat):
        for way in ways:
            for label in sigs:
                if label != "cold":  # their candidates kept (a cold pass dropped them)
                    run(store, WAYS[way], sigs[label], False)
                result = run(store, WAYS[way], sigs[label], way != "keys", cold=label == "cold")
                old = best.get((way, label))
                best[(way, label)] = result if old is None or result[0] < old[0] else old
    print(f"{args.rows:,} rows stored, enterprise 0 with {args.crowded:,}; best of {args.repeat}")
    print(f"{'way':<10}{'check':<9}{'ms a row':>10}{'candidates':>12}{'flagged':>9}")
    for (way, label), (ms, found, flagged) in best.items():
        print(f"{way:<10}{label:<9}{ms:>10.3f}{found:>12.1f}{flagged:>9.2f}")
    store.close()


if __name__ == "__main__":
    main()
