"""A child process for the crash and concurrency tests: register items, print each number.

Usage: ``python store_worker.py URL COUNT [DISTRICT]``; COUNT 0 means until killed.  Each
number is printed (and flushed) only after its transaction committed.  Every fifth item, it
also verifies a random earlier item, retrying on ``ConcurrencyConflict`` as documented.
"""

from __future__ import annotations

import random
import sys
from datetime import timedelta

from appeal_adapters import open_store
from appeal_core.errors import ConcurrencyConflict, LifecycleError
from appeal_core.testing.machine import DESK
from appeal_core.testing.store_contract import START, make_desk, register


def main(url: str, count: int, district: str = "HM") -> None:
    store = open_store(url)
    desk = make_desk(store, district)
    rng = random.Random()
    done, retries = 0, 0
    while count == 0 or done < count:
        state = register(desk, START + timedelta(seconds=done))
        print(state.number, flush=True)
        done += 1
        if done % 5 == 0:
            number = desk.policy.format_number(district, state.year, rng.randint(1, state.seq))
            while True:
                try:
                    desk.verify(number, at=START + timedelta(days=30), by=DESK)
                except ConcurrencyConflict:
                    retries += 1
                    continue
                except LifecycleError:
                    pass  # verified already, by us or by another worker
                break
    print(f"retries {retries}", file=sys.stderr, flush=True)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:])
