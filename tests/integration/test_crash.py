"""Crash safety: a writer killed with SIGKILL at random moments loses nothing it acknowledged."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from appeal_adapters.storage.sqlite import SQLiteStore

WORKER = Path(__file__).with_name("store_worker.py")
ROOT = Path(__file__).resolve().parents[2]
KILLS = 20


def _seq(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    rng = random.Random(20261102)
    acknowledged: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, str(WORKER), f"sqlite:///{path}", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # the child is up and has committed once
        assert first, child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        printed = [first.strip(), *out.split()]
        acknowledged += [n for n in printed if n]
        assert child.returncode == -signal.SIGKILL, round_

        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store = SQLiteStore(str(path))
        try:
            stored = store.numbers()
            assert set(acknowledged) <= set(stored), set(acknowledged) - set(stored)
            assert len(set(stored)) == len(stored)
            assert sorted(_seq(n) for n in stored) == list(range(1, len(stored) + 1))
            report = store.verify()
            assert report.ok, report
            assert all(store.state(n).number == n for n in stored[-3:])
        finally:
            store.close()
    assert len(acknowledged) >= KILLS
