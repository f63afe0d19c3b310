"""Intake at scale: a varied 12345 file imported end to end, as ratios to the plain pipeline.

    .venv/bin/python benchmarks/bench_intake.py --rows 1000000                 # the targets
    .venv/bin/python benchmarks/bench_intake.py --rows 200000 --only intake --batches 250,1000,5000
    APPEAL_TEST_POSTGRES_URL=postgresql://... .venv/bin/python benchmarks/bench_intake.py \\
        --rows 1000000 --pg --only parse,pipeline,intake

The file (GBK CSV, fixed seed) has ``--rows`` rows with varied texts: a problem from
``examples/data/make_samples.py`` in either wording with places, amounts, dates and clauses
drawn at random, so nearly every text is distinct.  30% of the rows come from an enterprise
seen before (a fifth of those named loosely, without credit code, with the same phone; two
fifths the same problem again in other words), one enterprise has 1,000 rows (a thousandth of
a smaller file), and 0.1% of the
rows are exported twice.  Each part runs in its own child process and reports its peak RSS:

- ``parse``: the hotline channel alone;
- ``pipeline``: parse, build each row's registration event and state (numbered in order, no
  checks) and ``bulk_register`` them, in batches of ``--pipeline-batch``: the baseline;
- ``intake``: ``import_file`` into a fresh store (idempotency, quarantine, duplicate flags,
  listeners: everything), in batches of each ``--batches``; the first and the last 100,000
  rows are timed too;
- ``duplicates``: on the store the (first) intake filled, the duplicate check of 1,000 new
  rows of enterprises of the file and of 100 rows of the enterprise with 1,000 open items.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "data"))

from make_samples import PROBLEMS, ROADS, TOWNS, TRADES, WORDS  # noqa: E402

from appeal_core import SHANGHAI, Actor, Enterprise  # noqa: E402
from appeal_core.enterprise import CODE_CHARSET, credit_code_check_char  # noqa: E402

AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
CLERK = Actor.desk("基准")
HEADER = ("工单编号", "来电时间", "来电人", "联系电话", "企业名称", "企业地址", "诉求内容",
          "统一社会信用代码")  # fmt: skip
WORDINGS = [(c, i) for c in PROBLEMS for i in range(len(PROBLEMS[c]))]
CLAUSES = (
    "已多次与相关部门沟通", "影响了正常生产", "造成经济损失约{n}万元", "员工反映强烈",
    "订单交付受到影响", "希望尽快解决", "请相关部门到现场查看", "上月已经反映过一次",
    "至今没有明确答复", "涉及员工{n}名", "影响{n}个订单", "客户已提出索赔",
    "银行催款压力很大", "工期已延误{n}天", "项目总投资{n}万元", "年产值约{n}万元",
    "设备已经到厂", "外地客商多次来电询问", "企业法人代表亲自来电", "此前拨打过{n}次热线",
    "村里也在协调", "园区管委会知道情况", "附近企业也有同样问题", "夜间尤其严重",
    "雨天更加明显", "节前必须解决", "已向镇里书面报告", "有照片可以提供",
)  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱高林施顾沈陆茅"
CROWDED_ROWS = 1000


def firm(i: int) -> Enterprise:
    """Synthetic enterprise ``i``: a distinct name, a valid credit code, its own mobile."""
    body = "91320684" + "".join(CODE_CHARSET[(i // 31**k) % 31] for k in range(9))
    short, trade = TRADES[i % len(TRADES)]
    word = WORDS[i % 20] + WORDS[(i // 20) % 20]
    return Enterprise(
        name=f"南通{word}{trade}{i}有限公司" if i % 2 else f"海门{word}{short}{i}科技有限公司",
        credit_code=body + credit_code_check_char(body),
        address=f"海门区{TOWNS[i % len(TOWNS)]}{ROADS[i % len(ROADS)]}{i % 999 + 1}号",
        contact=SURNAMES[i % len(SURNAMES)] + "经理",
        phone=f"13{i % 10**9:09d}",
    )


def loosely(enterprise: Enterprise, i: int) -> tuple[str, str]:
    """(name, phone) as a hotline caller gives them: a short name, the phone with spaces."""
    core = enterprise.name.removesuffix("有限公司").removesuffix("科技")[2:]
    p = enterprise.phone
    return (core + "厂" if i % 2 else core), f"{p[:3]} {p[3:7]} {p[7:]}"


def text(rng: random.Random, wording: tuple[str, int], spoken: bool) -> str:
    """A problem in one of its two wordings, with places, numbers and clauses at random."""
    category, index = wording
    body = PROBLEMS[category][index][int(spoken)].format(n=rng.randrange(5, 900))
    parts = []
    if rng.random() < 0.5:
        parts.append(f"位于{rng.choice(TOWNS)}{rng.choice(ROADS)}{rng.randrange(1, 999)}号的厂区，")
    if rng.random() < 0.4:
        parts.append(f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日起，")
    parts.append(body)
    for clause in rng.sample(CLAUSES, rng.randrange(0, 5)):
        parts.append(clause.format(n=rng.randrange(2, 5000)) + "，")
    if parts[-1].endswith("，"):
        parts[-1] = parts[-1][:-1] + "。"
    return "".join(parts)


def rows(count: int, seed: int = 20261116, crowded: int | None = None) -> Iterator[tuple[str, ...]]:
    """The file's rows (without the header), reproducibly; enterprise 0 has ``crowded`` rows
    (default: a thousandth of the file, at most ``CROWDED_ROWS``)."""
    rng = random.Random(seed)
    seen: list[int] = []  # enterprises already in the file
    last: dict[int, tuple[str, int]] = {}  # the last problem of each (for rewordings)
    fresh = 1  # enterprise 0 is the crowded one: CROWDED_ROWS rows (a thousandth of fewer)
    crowded = min(CROWDED_ROWS, count // 1000) if crowded is None else crowded
    every = count // crowded if crowded else count + 1
    for n in range(count):
        if n % every == every // 2 and n // every < crowded:
            i = 0
        elif seen and rng.random() < 0.3:
            i = seen[rng.randrange(len(seen))]
        else:
            i, fresh = fresh, fresh + 1
            seen.append(i)
        e = firm(i)
        name, phone, code = e.name, e.phone, e.credit_code
        repeat = i in last
        if repeat and rng.random() < 0.2:
            (name, phone), code = loosely(e, n), ""
        wording = last[i] if repeat and rng.random() < 0.4 else rng.choice(WORDINGS)
        last[i] = wording
        when = AT - timedelta(minutes=rng.randrange(60 * 24 * 20))
        ticket = f"NT{n:08d}" if n < 1000 or rng.random() > 0.001 else f"NT{rng.randrange(n):08d}"
        yield (ticket, when.strftime("%Y-%m-%d %H:%M"), e.contact, phone, name, e.address,
               text(rng, wording, spoken=rng.random() < 0.5), code)  # fmt: skip


def write_csv(path: Path, count: int, crowded: int | None = None) -> None:
    """The hotline export: GBK CSV with CRLF, as Excel saves it on a Chinese Windows."""
    import csv

    with path.open("w", encoding="gbk", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows(count, crowded=crowded))


# -- the children ---------------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """This process's CPU seconds (user and system): what the shared machine's load hides."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_parse(path: str) -> dict[str, Any]:
    """Parse only: the channel's own speed and memory."""
    from appeal_adapters.channels import channel

    started, cpu = time.perf_counter(), _cpu()
    with open(path, "rb") as handle:
        count = sum(1 for _ in channel("hotline").parse(handle, filename="hotline.csv"))
    return {"rows": count, "seconds": time.perf_counter() - started, "cpu": _cpu() - cpu,
            "peak_mb": _peak_mb()}  # fmt: skip


def _open(url: str) -> Any:
    """The store at ``url``: personal data sealed (the default), or in clear when the part
    runs with ``BENCH_CLEAR=1`` (the baseline of ``--only intake-clear``; benchmarks only)."""
    if os.environ.get("BENCH_CLEAR") != "1":
        from appeal_adapters import open_store

        return open_store(url)
    if url.startswith("sqlite:///"):
        from appeal_adapters.storage.sqlite import SQLiteStore

        return SQLiteStore(url.removeprefix("sqlite:///"), plaintext=True)
    from appeal_adapters.storage.postgres import PostgresStore

    return PostgresStore(url, plaintext=True)


def child_pipeline(path: str, url: str, batch: int) -> dict[str, Any]:
    """Parse, build each registration (numbered in order, no checks) and ``bulk_register``.

    A source id seen before is skipped (a set in memory), as the store refuses it twice.
    """
    from appeal_adapters.channels import channel
    from appeal_core import Policy, china_calendar
    from appeal_core.decisions import Context, decide_register
    from appeal_core.history import start
    from appeal_core.intake import IntakeRecord
    from appeal_core.intake_run import command

    store: Any = _open(url)
    policy = Policy()
    ctx = Context(at=AT, by=CLERK, calendar=china_calendar(), policy=policy)
    started, cpu = time.perf_counter(), _cpu()
    seq, items, count, seen = 0, [], 0, set()
    with open(path, "rb") as handle:
        for row in channel("hotline").parse(handle, filename="hotline.csv"):
            count += 1
            if not isinstance(row, IntakeRecord) or row.source_id in seen:
                continue
            seen.add(row.source_id)
            seq += 1
            number = policy.format_number("HM", 2026, seq)
            event = decide_register(command(row), ctx, number=number, district="HM", seq=seq)
            items.append(((event,), start(event)))
            if len(items) >= batch:
                store.bulk_register(items)
                items = []
    if items:
        store.bulk_register(items)
    took, cpu = time.perf_counter() - started, _cpu() - cpu
    store.close()
    return {"rows": count, "registered": seq, "seconds": took, "cpu": cpu, "peak_mb": _peak_mb()}


def child_intake(path: str, url: str, batch: int) -> dict[str, Any]:
    """``import_file`` end to end, with the first and the last 100,000 rows timed."""
    from appeal_adapters.channels import import_file
    from appeal_core import Desk

    store = _open(url)
    heard: list[int] = []
    desk = Desk(store, district="HM", listeners=[lambda events: heard.append(len(events))])
    marks: list[tuple[int, float]] = []
    started, cpu = time.perf_counter(), _cpu()

    def progress(done: int) -> None:
        now = time.perf_counter()
        marks.append((done, now - started))
        if len(marks) % 200 == 0:
            print(f"  {done:,} rows, {done / (now - started):,.0f} rows/s", file=sys.stderr)

    report = import_file(desk, path, channel="hotline", at=AT, by=CLERK, progress=progress,
                         batch_size=batch)  # fmt: skip
    took, cpu = time.perf_counter() - started, _cpu() - cpu
    store.close()
    return {
        "cpu": cpu, "rows": report.total, "registered": len(report.registered),
        "repeated": len(report.repeated), "reexported": len(report.reexported),
        "quarantined": len(report.quarantined), "flagged": len(report.flagged),
        "notified": sum(heard), "seconds": took, "peak_mb": _peak_mb(),
        "first": _window(marks, 0, 100_000), "last": _window(marks, report.total - 100_000,
                                                               report.total),
    }  # fmt: skip


def _window(marks: list[tuple[int, float]], lo: int, hi: int) -> float:
    """Rows per second between the progress marks nearest ``lo`` and ``hi`` rows."""
    points = [(0, 0.0), *marks]
    a = min(points, key=lambda m: abs(m[0] - lo))
    b = min(points, key=lambda m: abs(m[0] - hi))
    return (b[0] - a[0]) / (b[1] - a[1]) if b[1] > a[1] else 0.0


def child_duplicates(url: str, firms: int) -> dict[str, Any]:
    """The duplicate check of single new rows on a filled store (no batch to share the work)."""
    from appeal_adapters import open_store
    from appeal_core import Policy
    from appeal_core.duplicates import flag, phone_key, signature

    store: Any = open_store(url)
    rng = random.Random(11)
    policy = Policy()
    ignore = {phone_key(policy.identity.phone)}
    since = AT.date() - timedelta(days=policy.duplicate_window_days)
    out: dict[str, Any] = {"stored": len(store.numbers())}
    for label, chosen in (("typical", [rng.randrange(1, firms) for _ in range(1000)]),
                          ("crowded", [0] * 100)):  # fmt: skip
        probes = [signature(firm(i), text(rng, rng.choice(WORDINGS), rng.random() < 0.5))
                  for i in chosen]  # fmt: skip
        compared = 0
        started = time.perf_counter()
        with store.unit_of_work() as uow:
            for sig in probes:
                found = uow.duplicate_candidates("HM", sig.keys, since)
                compared += len(found)
                flag(sig, found, on=AT.date(), window_days=policy.duplicate_window_days,
                     threshold=policy.duplicate_threshold, ignore_phones=ignore)  # fmt: skip
        out[f"{label}_ms"] = (time.perf_counter() - started) * 1000 / len(probes)
        out[f"{label}_candidates"] = compared / len(probes)
    store.close()
    return out


# -- the parent -----------------------------------------------------------------------------


def run_child(*args: str, clear: bool = False) -> dict[str, Any]:
    """A part in its own process; its result is printed as soon as it is known."""
    env = {**os.environ, "BENCH_CLEAR": "1" if clear else "0"}
    done = subprocess.run([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE,
                          text=True, check=True, env=env)  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{args[0]}{' (in clear)' if clear else ''}: {json.dumps(result)}", flush=True)
    return result


def fresh_store(kind: str, folder: Path, name: str, options: str = "") -> str:
    """A URL for an empty store: a SQLite file in ``folder`` (``options`` after ``?``), or a
    new PostgreSQL schema."""
    if kind == "sqlite":
        return f"sqlite:///{folder / name}.db" + (f"?{options}" if options else "")
    import psycopg

    server = os.environ["APPEAL_TEST_POSTGRES_URL"]
    schema = f"bench_{name}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    return server + ("&" if "?" in server else "?") + f"options=-c%20search_path%3D{schema}"


def drop_schemas() -> None:
    import psycopg

    with psycopg.connect(os.environ["APPEAL_TEST_POSTGRES_URL"], autocommit=True) as conn:
        names = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench_%'")
        for (name,) in names.fetchall():
            conn.execute(f"DROP SCHEMA {name} CASCADE")


def reference() -> float:
    """Seconds for 3,000,000 pure-Python additions: how fast this (shared) machine runs now."""
    best = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for k in range(3_000_000):
            total += k
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batches", default="1000", help="intake batch sizes, comma-separated")
    parser.add_argument("--pipeline-batch", type=int, default=1000)
    parser.add_argument("--only", default="parse,pipeline,intake,duplicates")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (APPEAL_TEST_POSTGRES_URL)")
    parser.add_argument("--sqlite-options", default="", help="e.g. synchronous=NORMAL")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        func = {"parse": child_parse, "pipeline": child_pipeline, "intake": child_intake,
                "duplicates": child_duplicates}[kind]  # fmt: skip
        typed = [int(x) if x.isdigit() else x for x in rest]
        print(json.dumps(func(*typed)))
        return
    parts = set(args.only.split(","))
    # personal data is sealed: a benchmark-only master key when the environment has none
    os.environ.setdefault("APPEAL_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    kind = "postgresql" if args.pg else "sqlite"
    print(f"reference loop: {reference():.3f} s; {args.rows:,} rows; store: {kind}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        path = tmp / "hotline.csv"
        started = time.perf_counter()
        write_csv(path, args.rows)
        print(f"wrote {path.stat().st_size / 2**20:,.0f} MiB GBK in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        results: dict[str, dict[str, Any]] = {}
        if "parse" in parts:
            results["parse"] = run_child("parse", str(path))
        if "pipeline" in parts:
            url = fresh_store(kind, tmp, "pipeline", args.sqlite_options)
            results["pipeline"] = run_child("pipeline", str(path), url, str(args.pipeline_batch))
        first_url = ""
        if "intake" in parts:
            for batch in args.batches.split(","):
                url = fresh_store(kind, tmp, f"intake{batch}", args.sqlite_options)
                first_url = first_url or url
                results[f"intake {batch}"] = run_child("intake", str(path), url, batch)
        if "intake-clear" in parts:  # the same intake, personal data in clear (docs/privacy.md)
            batch = args.batches.split(",")[0]
            url = fresh_store(kind, tmp, "intakeclear", args.sqlite_options)
            results["intake clear"] = run_child("intake", str(path), url, batch, clear=True)
        if "duplicates" in parts and first_url:
            results["duplicates"] = run_child("duplicates", first_url, str(args.rows))
        if args.pg:
            drop_schemas()
    print(json.dumps(results, indent=1))
    summary(results)


def summary(results: dict[str, dict[str, Any]]) -> None:
    """The targets' ratios from the run's results."""

    def rate(key: str) -> float:
        return float(results[key]["rows"] / results[key]["seconds"])

    def cpu_rate(key: str) -> float:
        return float(results[key]["rows"] / results[key]["cpu"])

    for key, value in results.items():
        if "seconds" in value:
            print(f"{key}: {rate(key):,.0f} rows/s ({cpu_rate(key):,.0f} per CPU second), "
                  f"peak RSS {value['peak_mb']:.0f} MB")  # fmt: skip
    intakes = [k for k in results if k.startswith("intake") and k != "intake clear"]
    if "intake clear" in results:
        for key in intakes:
            print(f"{key} (encrypted) / intake in clear: {rate(key) / rate('intake clear'):.2f} "
                  f"(per CPU second: {cpu_rate(key) / cpu_rate('intake clear'):.2f})")  # fmt: skip
    if "pipeline" in results:
        for key in intakes:
            print(f"{key} / pipeline: {rate(key) / rate('pipeline'):.2f} "
                  f"(per CPU second: {cpu_rate(key) / cpu_rate('pipeline'):.2f})")  # fmt: skip
    for key in intakes:
        first, last = results[key]["first"], results[key]["last"]
        if first:
            print(f"{key}: first 100,000 at {first:,.0f}/s, last 100,000 at {last:,.0f}/s "
                  f"({last / first:.2f})")  # fmt: skip
    if len(intakes) > 1:
        rates = [rate(k) for k in intakes]
        print(f"batch sizes: slowest / fastest {min(rates) / max(rates):.2f}")


if __name__ == "__main__":
    main()
