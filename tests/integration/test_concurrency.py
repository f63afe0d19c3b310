"""Concurrent writers: 4 processes x 500 registrations give 2,000 distinct, gap-free numbers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from appeal_adapters import open_store
from appeal_adapters.storage.sqlstore import SqlStore

WORKER = Path(__file__).with_name("store_worker.py")
ROOT = Path(__file__).resolve().parents[2]
PROCESSES, EACH = 4, 500


@pytest.mark.slow
def test_four_processes_register_gap_free_numbers(sql_url: str) -> None:
    open_store(sql_url).close()  # create the schema once, as a deployment does
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, str(WORKER), sql_url, str(EACH)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(PROCESSES)
    ]
    printed: list[str] = []
    for child in children:
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("retries "), err  # nothing else leaks
        printed += out.split()
    assert len(printed) == len(set(printed)) == PROCESSES * EACH
    store = open_store(sql_url)
    assert isinstance(store, SqlStore)
    try:
        stored = store.numbers()
        assert sorted(stored) == sorted(printed)
        assert sorted(s.seq for s in store.states()) == list(range(1, PROCESSES * EACH + 1))
        report = store.verify()
        assert report.ok and report.count >= PROCESSES * EACH, report
    finally:
        store.close()


RACER = Path(__file__).with_name("race_worker.py")
ROUNDS = 30


@pytest.mark.slow
def test_four_processes_acting_on_one_item_at_once_get_conflicts_not_validation_errors(
    sql_url: str,
) -> None:
    """Each round, 4 processes move the same item on at the same moment (the clock's time as
    ``at``): a loser gets ``ConcurrencyConflict`` or, once the command no longer applies,
    ``LifecycleError``, never a ``ValidationError`` saying its time is too early."""
    import json
    import time
    from datetime import datetime

    from appeal_core import SHANGHAI, Enterprise
    from appeal_core.testing.machine import DESK
    from appeal_core.testing.store_contract import make_desk

    store = open_store(sql_url)
    desk = make_desk(store)
    at = datetime(2026, 1, 5, 9, tzinfo=SHANGHAI)
    for k in range(ROUNDS):
        desk.register(enterprise=Enterprise(name=f"公司{k}"), content="道路破损", channel="app",
                      at=at, by=DESK)  # fmt: skip
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.time() + 3  # every child is up and waiting by then
    children = [
        subprocess.Popen(
            [sys.executable, str(RACER), sql_url, str(w), str(ROUNDS), str(start), "0.25"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(PROCESSES)
    ]
    total: dict[str, int] = {}
    errors: list[str] = []
    for child in children:
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, err
        data = json.loads(out)
        for key, value in data["outcomes"].items():
            total[key] = total.get(key, 0) + value
        errors += data["errors"]
    assert total.get("validation", 0) == 0, (total, errors)
    assert total.get("done", 0) >= ROUNDS and sum(total.values()) == PROCESSES * ROUNDS * 2
    store = open_store(sql_url)
    assert isinstance(store, SqlStore)
    try:
        report = store.verify()  # every state is still the fold of its events
        assert report.ok and report.items == ROUNDS, report
    finally:
        store.close()
