"""A child process for the race test: act on the same items as three other processes, at the
same moments, and print what each attempt came to.

Usage: ``python race_worker.py URL WORKER ITEMS START INTERVAL``.  Round ``r`` begins at
``START + r * INTERVAL`` (epoch seconds) on item ``HM-2026-{r+1:04d}``; each worker then tries
to move that item on by two steps (verify, classify, assign, reply ...), each attempt with the
clock's time as ``at``, as the command line does.  Prints one JSON line of outcome counts.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from datetime import datetime

from appeal_adapters import open_store
from appeal_core import SHANGHAI, Actor, Appeal, Desk, Status
from appeal_core.errors import ConcurrencyConflict, LifecycleError, ValidationError
from appeal_core.testing.store_contract import make_desk

DESK = Actor.desk("并发")
LEAD = Actor.of_department("区市场监督管理局")


def step(desk: Desk, item: Appeal, worker: int) -> None:
    """The next thing to do to ``item``, as a clerk or the lead department would."""
    now = datetime.now(SHANGHAI)
    n = item.number
    match item.status:
        case Status.REGISTERED:
            desk.verify(n, at=now, by=DESK, note=f"worker {worker}")
        case Status.VERIFIED | Status.CLASSIFIED if worker % 2 == 0 or item.category:
            if item.status is Status.VERIFIED:
                desk.classify(n, category="用地", complexity="routine", at=now, by=DESK)
            else:
                desk.assign(n, lead=LEAD.department, at=now, by=DESK)
        case Status.VERIFIED | Status.CLASSIFIED:
            desk.classify(n, category=f"类{worker}", complexity="routine", at=now, by=DESK)
        case Status.ASSIGNED:
            desk.reply(n, text=f"答复 {worker}", at=now, by=LEAD)
        case _:
            desk.follow_up(n, satisfaction="satisfied", resolved=True, at=now, by=DESK)


def main(url: str, worker: int, items: int, start: float, interval: float) -> None:
    store = open_store(url)
    desk = make_desk(store)
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    for r in range(items):
        delay = start + r * interval - time.time()
        if delay > 0:
            time.sleep(delay)
        number = desk.policy.format_number("HM", 2026, r + 1)
        for _ in range(2):
            try:
                step(desk, desk.get(number), worker)
                outcomes["done"] += 1
            except ConcurrencyConflict:
                outcomes["conflict"] += 1
            except LifecycleError:
                outcomes["lifecycle"] += 1
            except ValidationError as exc:
                outcomes["validation"] += 1
                errors.append(str(exc))
    store.close()
    print(json.dumps({"outcomes": outcomes, "errors": errors[:5]}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
