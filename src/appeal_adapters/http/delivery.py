"""The outbox delivery while serving: ``deliver_recorded`` (what ``appeal notify deliver``
runs once) every ``every`` seconds in a background thread.  A failed round (the store or the
outbox file unavailable) waits twice as long before the next, up to ``MAX_WAIT``; each notice's
own retries keep the outbox's back-off.  Off unless ``appeal serve --deliver-every N``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from appeal_adapters.notify.delivery import DeliveryBusy, DeliveryRun, deliver_recorded
from appeal_adapters.notify.outbox import Outbox
from appeal_core import Desk

log = logging.getLogger("appeal.http")
#: Longest wait after failed rounds, in seconds.
MAX_WAIT = 3600.0


class DeliveryLoop:
    """A daemon thread delivering the recorded notices every ``every`` seconds until stopped."""

    def __init__(
        self, desk: Desk, outbox: Outbox, every: float, lock: threading.Lock,
        clock: Callable[[], datetime],
    ) -> None:  # fmt: skip
        self.desk, self.outbox, self.every, self.lock, self.clock = desk, outbox, every, lock, clock
        self.stopping = threading.Event()
        self.runs: list[DeliveryRun] = []
        self.failures = 0
        self._thread = threading.Thread(target=self._loop, name="appeal-delivery", daemon=True)

    def start(self) -> None:
        """Begin delivering (the first round at once)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current round."""
        self.stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def round(self) -> None:
        """One round: queue what was recorded, deliver what is due."""
        with self.lock:  # the desk's store is shared with the request handlers
            run = deliver_recorded(
                self.desk.store,
                self.desk.district,
                self.outbox,
                now=self.clock(),
            )
        self.runs.append(run)
        del self.runs[:-10]

    def _loop(self) -> None:
        wait = self.every
        while not self.stopping.is_set():
            try:
                self.round()
                self.failures, wait = 0, self.every
            except DeliveryBusy:
                wait = self.every  # a cron run holds the lock: try at the next tick
            except Exception as exc:  # never let the loop die; the next round tries again
                self.failures += 1
                wait = min(self.every * 2**self.failures, MAX_WAIT)
                log.error(
                    "notice delivery failed (%s): %s; next in %.0f s", type(exc).__name__, exc, wait
                )
            self.stopping.wait(wait)
