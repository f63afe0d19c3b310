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
