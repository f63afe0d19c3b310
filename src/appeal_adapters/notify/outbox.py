"""The outbox: a desk listener that queues notices and delivers them with retries, losing none.

The listener only appends to a queue; ``deliver(now)`` does the sending, so a failing receiver
never slows or fails a desk command.  See docs/notifications.md.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from appeal_adapters.notify.notice import HookFailed, Notice, OutboxFileError
from appeal_core.events import Event, Noticed
from appeal_core.journal import Announced, JournalEvent, SupervisionNoticeIssued

log = logging.getLogger(__name__)

#: A sender delivers one notice or raises; the outbox retries it later.
Sender = Callable[[Notice], None]


@attrs.frozen(kw_only=True)
class Backoff:
    """Exponential back-off: ``base * factor ** (attempts - 1)``, at most ``cap``."""

    base: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=1)

    def __attrs_post_init__(self) -> None:
        if self.base <= timedelta(0) or self.cap < self.base:
            raise ValueError(f"退避参数无效：base={self.base}，cap={self.cap}")
        if self.factor < 1:
            raise ValueError(f"退避倍数 {self.factor} 不能小于 1")

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt (1 for the first failure)."""
        try:
            seconds = self.base.total_seconds() * self.factor ** max(attempts - 1, 0)
        except OverflowError:  # after ~1000 hourly retries the power leaves float range
            seconds = self.cap.total_seconds()
        return min(self.cap, timedelta(seconds=min(seconds, self.cap.total_seconds())))


@attrs.define(kw_only=True)
class Pending:
    """A queued notice: which senders have it, how often it failed, when to try again."""

    notice: Notice
    attempts: int = 0
    next_try: datetime | None = None
    delivered: set[str] = attrs.field(factory=set)
    last_error: str = ""

    def to_json(self) -> dict[str, Any]:
        """One JSON-lines record."""
        return {
            "notice": self.notice.to_json(),
            "attempts": self.attempts,
            "next_try": self.next_try.isoformat() if self.next_try else None,
            "delivered": sorted(self.delivered),
            "last_error": self.last_error,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pending:
        """The record ``to_json`` wrote."""
        next_try = data.get("next_try")
        return cls(
            notice=Notice.from_json(data["notice"]),
            attempts=int(data.get("attempts", 0)),
            next_try=datetime.fromisoformat(next_try) if next_try else None,
            delivered=set(data.get("delivered", ())),
            last_error=str(data.get("last_error", "")),
        )


@attrs.frozen(kw_only=True)
class DeliveryReport:
    """What one ``deliver`` call did: (ident, sender) sent, failures, and what is left."""

    sent: tuple[tuple[str, str], ...] = ()
    failed: tuple[tuple[str, str, str], ...] = ()
    completed: tuple[str, ...] = ()
    waiting: int = 0
    pending: int = 0
    next_try: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when nothing failed in this round."""
        return not self.failed


def sender_name(sender: Sender) -> str:
    """A sender's stable name: its ``name`` attribute, else its qualified name."""
    name = getattr(sender, "name", None)
    if isinstance(name, str) and name:
        return name
    qual = getattr(sender, "__qualname__", None) or type(sender).__qualname__
    return f"{getattr(sender, '__module__', '')}.{qual}"


def _named(senders: Mapping[str, Sender] | Iterable[Sender]) -> dict[str, Sender]:
    if isinstance(senders, Mapping):
        return dict(senders)
    named: dict[str, Sender] = {}
    for sender in senders:
        name = sender_name(sender)
        if name in named:
            raise ValueError(f"发送器名称 {name!r} 重复，请用字典为每个发送器命名")
        named[name] = sender
    return named


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"投递时间 {now!r} 必须带时区")
    return now


class Outbox:
    """Queue every notice of the desk and deliver it to each sender exactly once.

    A notice stays until every sender has it; a failure waits ``backoff.delay(attempts)``.
    With ``path`` the queue is kept in a JSON-lines file (write-then-rename) at each delivery.
    """

    def __init__(
        self,
        senders: Mapping[str, Sender] | Iterable[Sender] = (),
        *,
        backoff: Backoff | None = None,
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.senders = _named(senders)
        self.backoff = backoff or Backoff()
        self.path = Path(path) if path is not None else None
        self._inbox: deque[Notice] = deque()
        self._pending: dict[str, Pending] = {}
        self._lock = threading.Lock()
        if self.path is not None and self.path.exists():
            self._pending = _load(self.path)

    def __call__(self, events: Sequence[Event | JournalEvent]) -> None:
        """Desk listener: queue the notices among ``events`` (an item's ``Noticed``, the
        district's ``Announced``); never raises, never blocks."""
        try:
            for event in events:
                if isinstance(event, Noticed):
                    self._inbox.append(Notice.from_event(event))
                elif isinstance(event, Announced):
                    self._inbox.append(Notice.from_announcement(event))
                elif isinstance(event, SupervisionNoticeIssued):
                    self._inbox.extend(Notice.from_supervision(event))
        except Exception:  # a listener must never fail the desk's command
            log.exception("发件箱无法登记通知事件：%r", events)

    def enqueue(self, notice: Notice) -> None:
        """Queue one notice directly (for notices not coming from a desk)."""
        self._inbox.append(notice)

    def pending(self) -> list[Pending]:
        """Notices not yet delivered to every sender, including those not yet tried."""
        with self._lock:
            self._drain()
            return [attrs.evolve(p, delivered=set(p.delivered)) for p in self._pending.values()]

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending) + len(self._inbox)

    def save(self) -> None:
        """Write the queue to ``path`` now (no-op without a path)."""
        with self._lock:
            self._drain()
            self._save()

    def deliver(self, now: datetime) -> DeliveryReport:
        """Try every due notice with every sender that does not have it yet; keep failures."""
        _aware(now)
        sent: list[tuple[str, str]] = []
        failed: list[tuple[str, str, str]] = []
        completed: list[str] = []
        with self._lock:
            self._drain()
            self._save()  # what the listener queued survives a crash during sending
            for ident, item in list(self._pending.items()) if self.senders else ():
                if item.next_try is not None and item.next_try > now:
                    continue
                held = item.notice.not_before
                if held is not None and held > now:  # office hours: not yet
                    continue
                errors: list[str] = []
                for name, sender in self.senders.items():
                    if name in item.delivered:
                        continue
                    try:
                        sender(item.notice)
                    except Exception as exc:
                        log.warning("通知 %s 经 %s 发送失败：%s", ident, name, exc)
                        failed.append((ident, name, str(exc)))
                        errors.append(f"{name}: {exc}")
                    else:
                        item.delivered.add(name)
                        sent.append((ident, name))
                if errors:
                    item.attempts += 1
                    item.next_try = now + self.backoff.delay(item.attempts)
                    item.last_error = "; ".join(errors)
                else:
                    del self._pending[ident]
                    completed.append(ident)
            self._save()
            left = list(self._pending.values())
        waits = [w for p in left for w in (p.next_try, p.notice.not_before)
                 if w is not None and w > now]  # fmt: skip
        return DeliveryReport(
            sent=tuple(sent),
            failed=tuple(failed),
            completed=tuple(completed),
            waiting=len(waits),
            pending=len(left),
            next_try=min(waits, default=None),
        )

    def flush_all(self, now: datetime, *, max_rounds: int = 50) -> list[DeliveryReport]:
        """Deliver, then jump to each next retry time, until empty or ``max_rounds`` (tests)."""
        reports: list[DeliveryReport] = []
        when = _aware(now)
        for _ in range(max_rounds):
            report = self.deliver(when)
            reports.append(report)
            if report.pending == 0 or report.next_try is None:
                break
            when = max(when, report.next_try)
        return reports

    def _drain(self) -> None:
        while self._inbox:
            notice = self._inbox.popleft()
            self._pending.setdefault(notice.ident, Pending(notice=notice))

    def _save(self) -> None:
        if self.path is None:
            return
        lines = [
            json.dumps(p.to_json(), ensure_ascii=False, sort_keys=True)
            for p in self._pending.values()
        ]
        text = "".join(line + "\n" for line in lines)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _load(path: Path) -> dict[str, Pending]:
    pending: dict[str, Pending] = {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = Pending.from_json(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise OutboxFileError(str(path), i, exc) from exc
        pending[item.notice.ident] = item
    return pending


class HookSender:
    """Deliver through the ``appeal_notify`` hook: each implementation is called on its own.

    An implementation that succeeded is not called again for the same notice when another one
    failed and the outbox retries (tracked in memory).
    """

    name = "hook:appeal_notify"

    def __init__(self, plugins: Any) -> None:
        self.plugins = plugins
        self._done: dict[str, set[str]] = {}

    def __call__(self, notice: Notice) -> None:
        """Call every ``appeal_notify`` implementation not yet done; raise if any failed."""
        caller = self.plugins.hook.appeal_notify
        done = self._done.setdefault(notice.ident, set())
        failures: dict[str, str] = {}
        for impl in reversed(caller.get_hookimpls()):  # pluggy's own order: last registered first
            if impl.hookwrapper or getattr(impl, "wrapper", False):
                continue
            key = impl.plugin_name or repr(impl.plugin)
            if key in done:
                continue
            try:
                impl.function(**({"notice": notice} if "notice" in impl.argnames else {}))
            except Exception as exc:
                failures[key] = str(exc) or type(exc).__name__
            else:
                done.add(key)
        if failures:
            raise HookFailed(failures)
        self._done.pop(notice.ident, None)
