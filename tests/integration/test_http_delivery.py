"""The service's background delivery: the recorded notices go out while it serves, and a failing
round backs off instead of stopping the loop."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from appeal_adapters.config import open_desk
from appeal_adapters.http.delivery import DeliveryLoop
from appeal_adapters.notify import Outbox
from appeal_core import SHANGHAI, Actor, Enterprise

DESK = Actor.desk("小王")


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def test_the_loop_delivers_what_the_sweep_recorded(tmp_path: Path) -> None:
    desk = open_desk("memory://")
    n = desk.register(enterprise=Enterprise(name="海门某某机械有限公司"), content="用电报装慢",
                      channel="app", at=at("2024-11-04", 8), by=DESK).number  # fmt: skip
    desk.verify(n, at=at("2024-11-04", 8), by=DESK)
    desk.classify(n, category="用电", complexity="routine", at=at("2024-11-04", 8), by=DESK)
    desk.assign(n, lead="区市场监督管理局", at=at("2024-11-04", 9), by=DESK)
    sent: list[str] = []

    def record(notice: object) -> None:
        sent.append(getattr(notice, "ident", ""))

    box = Outbox({"record": record}, path=tmp_path / "outbox.jsonl")
    clock = iter([at("2024-11-08", 8), at("2024-11-08", 10), at("2024-11-08", 11)])
    loop = DeliveryLoop(desk, box, 0.05, threading.Lock(), lambda: next(clock))
    loop.round()  # the first round: nothing recorded yet
    desk.sweep(date(2024, 11, 8), at=at("2024-11-08", 9), by=DESK)
    loop.round()
    assert sent and loop.runs[-1].queued == len(sent)
    loop.round()
    assert len(sent) == len(set(sent))  # nothing sent twice


def test_a_failing_round_backs_off_and_the_loop_goes_on(tmp_path: Path) -> None:
    desk = open_desk("memory://")
    box = Outbox({}, path=tmp_path / "missing" / "deeper" / "outbox.jsonl")
    calls: list[float] = []

    def clock() -> datetime:
        calls.append(time.monotonic())
        raise OSError("disk gone")

    loop = DeliveryLoop(desk, box, 0.02, threading.Lock(), clock)
    loop.start()
    time.sleep(0.5)
    loop.stop()
    assert loop.failures >= 2 and not loop._thread.is_alive()
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    assert gaps[1] > gaps[0]  # waited longer after the second failure


def test_the_app_runs_the_loop_while_serving(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from appeal_adapters.http import create_app

    desk = open_desk("memory://")
    box = Outbox({"record": lambda notice: None}, path=tmp_path / "outbox.jsonl")
    app = create_app(desk, outbox=box, deliver_every=0.05)
    loop = app.state.delivery
    with TestClient(app) as client:  # the lifespan starts the loop, and stops it after
        assert client.get("/healthz").status_code == 200
        for _ in range(100):
            if loop.runs:
                break
            time.sleep(0.02)
        assert loop.runs
    assert not loop._thread.is_alive()
    assert create_app(desk).state.delivery is None  # off unless asked
