"""Delivering what the store recorded, once, from a process that runs now and then (cron).

The desk records every notice as an event (an item's ``Noticed``; the district's ``Announced``
and supervision notices in its ``@D:notices`` stream).  ``deliver_recorded`` reads the ones
recorded since its cursor, queues them in a file-backed ``Outbox`` (back-off kept there), moves
the cursor, then delivers one round.  A lock file keeps two runs from sending twice.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from appeal_adapters.errors import AdapterError
from appeal_adapters.notify.notice import Notice, OutboxFileError
from appeal_adapters.notify.outbox import DeliveryReport, Outbox
from appeal_core.announcements import notices_stream
from appeal_core.events import Event, Noticed
from appeal_core.journal import Announced, SupervisionNoticeIssued
from appeal_core.ports import Store
from appeal_core.timeutil import SHANGHAI


class DeliveryBusy(AdapterError, RuntimeError):
    """Another delivery holds the outbox's lock: this run sends nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"另一个投递进程正在使用发件箱 {path}，本次未投递；请稍后再试")


@attrs.define(kw_only=True)
class Cursor:
    """How far the store was read: each item's version and the notices stream's length."""

    district: str
    items: dict[str, int] = attrs.field(factory=dict)
    journal: int = 0

    @classmethod
    def load(cls, path: Path, district: str) -> Cursor | None:
        """The cursor kept at ``path``; ``None`` when there is none yet (a first run)."""
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            cursor = cls(district=str(data["district"]),
                         items={str(k): int(v) for k, v in data["items"].items()},
                         journal=int(data["journal"]))  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OutboxFileError(str(path), 1, exc) from exc
        if cursor.district != district:
            raise OutboxFileError(str(path), 1, ValueError(f"属于区县 {cursor.district}"))
        return cursor

    def save(self, path: Path) -> None:
        """Write the cursor (to a temporary file, fsynced, renamed over the old one)."""
        data = {"district": self.district, "items": self.items, "journal": self.journal}
        _atomic_write(path, json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


@attrs.frozen(kw_only=True)
class DeliveryRun:
    """One run: notices newly queued, older ones skipped on a first run, and the round."""

    queued: int
    skipped: int
    report: DeliveryReport


def recorded(store: Store, district: str, cursor: Cursor) -> tuple[list[Notice], Cursor]:
    """The notices recorded since ``cursor`` (items' and the district's), and the cursor
    after them.  Only items whose version moved are read again."""
    moved = [s.number for s in store.states(district) if s.version > cursor.items.get(s.number, 0)]
    items = dict(cursor.items)
    found: list[Notice] = []
    for number, events in _histories(store, moved):
        found.extend(_item_notices(events[cursor.items.get(number, 0) :]))
        items[number] = len(events)
    stream = store.journal(notices_stream(district))
    for event in stream[cursor.journal :]:
        if isinstance(event, Announced):
            found.append(Notice.from_announcement(event))
        elif isinstance(event, SupervisionNoticeIssued):
            found.extend(Notice.from_supervision(event))
    return found, Cursor(district=district, items=items, journal=len(stream))


def deliver_recorded(
    store: Store,
    district: str,
    outbox: Outbox,
    *,
    now: datetime,
    since: datetime | None = None,
) -> DeliveryRun:
    """Queue what was recorded since the last run and deliver one round at ``now``.

    The outbox must have a ``path``: the cursor and the lock live beside it
    (``<path>.cursor.json``, ``<path>.lock``).  On the first run (no cursor yet) notices
    recorded before ``since`` (default: ``now``'s day) are passed over, not sent: starting
    cron on a desk with a year behind it does not resend the year's reminders.
    """
    if outbox.path is None:
        raise ValueError("deliver_recorded 需要保存在文件中的发件箱（Outbox(path=...)）")
    where = outbox.path
    with _locked(where.with_name(where.name + ".lock")):
        cursor_path = where.with_name(where.name + ".cursor.json")
        cursor = Cursor.load(cursor_path, district)
        first = cursor is None
        found, after = recorded(store, district, cursor or Cursor(district=district))
        day = now.astimezone(SHANGHAI)
        start = since or day.replace(hour=0, minute=0, second=0, microsecond=0)
        fresh = [n for n in found if not first or n.at >= start]
        for notice in fresh:
            outbox.enqueue(notice)
        outbox.save()  # queued in the file before the cursor moves past them
        after.save(cursor_path)
        report = outbox.deliver(now)
    return DeliveryRun(queued=len(fresh), skipped=len(found) - len(fresh), report=report)


def _item_notices(events: tuple[Event, ...]) -> Iterator[Notice]:
    return (Notice.from_event(e) for e in events if isinstance(e, Noticed))


def _histories(store: Store, numbers: list[str]) -> Iterator[tuple[str, tuple[Event, ...]]]:
    many: Any = getattr(store, "histories", None)
    if many is not None:  # the SQL stores: 500 items a query
        yield from many(numbers)
    else:
        yield from ((n, store.events(n)) for n in numbers)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DeliveryBusy(path) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
