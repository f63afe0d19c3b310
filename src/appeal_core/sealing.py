"""Sealed months (封存) and corrections (更正): a published month's figures made final.

Sealing records the month's figures, the definitions and ranking settings they were computed
under, and a digest of them as a ``MonthSealed`` event (``@D:months``).  From then on a command
dated on or before the cut-off is refused (``SealedMonthError``) unless the desk records it as
a correction with a reason (``correcting``): a ``Corrected`` event names the item events it
added.  Corrections never change the sealed figures; recomputing a sealed month from the log
without them gives its digest again (``appeal_core.month_desk.verify``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

import attrs

from appeal_core.actor import Actor, Role
from appeal_core.definitions import MetricsRules, as_dict
from appeal_core.errors import PermissionDenied, SealedMonthError, ValidationError
from appeal_core.journal import Corrected, CorrectedItem, JournalEvent, MonthSealed, stream_key
from appeal_core.metrics import (
    COUNTS,
    DISTRICT_TOTAL,
    ChannelFigures,
    DepartmentFigures,
    MonthlyReport,
    SealMark,
)
from appeal_core.ports import UnitOfWork
from appeal_core.ranking import RankingRules
from appeal_core.timeutil import require_aware

KIND = "months"


def months_stream(district: str) -> str:
    """The stream of a district's sealed months and corrections: ``@HM:months``."""
    return stream_key(district, KIND)


@attrs.frozen(kw_only=True)
class Correction:
    """A correction in progress: why, when it is recorded, and which clerk of the desk."""

    reason: str
    at: datetime
    by: Actor


_ACTIVE: ContextVar[Correction | None] = ContextVar("appeal_correction", default=None)


@contextmanager
def correcting(reason: str, *, at: datetime, by: Actor, desk: str) -> Iterator[Correction]:
    """Within the block, commands dated in a sealed month are recorded as corrections."""
    if by.role is not Role.DESK:
        raise PermissionDenied(str(by), "更正已封存月份的数据", None, f"只有{desk}可以办理")
    if not reason.strip():
        raise ValidationError("reason", reason, "更正必须说明理由")
    require_aware(at, "at")
    token = _ACTIVE.set(Correction(reason=reason.strip(), at=at, by=by))
    try:
        yield _ACTIVE.get()  # type: ignore[misc]
    finally:
        _ACTIVE.reset(token)


def seals(events: Iterable[JournalEvent]) -> dict[tuple[int, int], MonthSealed]:
    """The sealed months by (year, month)."""
    return {(e.year, e.month): e for e in events if isinstance(e, MonthSealed)}


def corrections(events: Iterable[JournalEvent]) -> tuple[Corrected, ...]:
    """Every correction, in the order recorded."""
    return tuple(e for e in events if isinstance(e, Corrected))


def _number(key: str, value: float) -> Any:
    return round(float(value), 9) if key == "satisfied" else round(value)


def digest(
    *,
    year: int,
    month: int,
    first: date,
    last: date,
    rules: MetricsRules,
    weights: Sequence[float],
    ranking: RankingRules,
    departments: Sequence[DepartmentFigures],
    channels: Sequence[ChannelFigures],
) -> str:
    """sha256 of the sealed content as canonical JSON (floats to 9 places: binary noise in a
    weighted 满意 sum never changes a digest)."""
    payload = {
        "month": [year, month], "period": [first.isoformat(), last.isoformat()],
        "rules": as_dict(rules), "weights": [round(float(w), 9) for w in weights],
        "ranking": [ranking.min_items, list(ranking.order), ranking.list_size],
        "departments": [[d.department, *(_number(k, getattr(d, k)) for k in COUNTS)]
                        for d in sorted(departments, key=lambda d: d.department)],
        "channels": [[c.channel.value, c.received, c.assigned_or_answered, c.answered]
                     for c in channels],
    }  # fmt: skip
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def digest_of(report: MonthlyReport) -> str:
    """The digest of a report's content."""
    return digest(
        year=report.year, month=report.month, first=report.first, last=report.last,
        rules=report.metrics_rules, weights=report.weights, ranking=report.rules,
        departments=report.departments, channels=report.channels,
    )  # fmt: skip


def seal_event(stream: str, report: MonthlyReport, *, at: datetime, by: Actor) -> MonthSealed:
    """The ``MonthSealed`` event of ``report``."""
    return MonthSealed(
        stream=stream, at=at, by=by, year=report.year, month=report.month, first=report.first,
        last=report.last, rules=report.metrics_rules, weights=tuple(report.weights),
        ranking=report.rules, departments=report.departments, channels=report.channels,
        digest=digest_of(report),
    )  # fmt: skip


def sealed_report(seal: MonthSealed) -> MonthlyReport:
    """The month's figures exactly as sealed."""
    total = sum(seal.departments, DepartmentFigures(department=DISTRICT_TOTAL))
    return MonthlyReport(
        year=seal.year, month=seal.month, departments=seal.departments, total=total,
        channels=seal.channels, weights=seal.weights, rules=seal.ranking,
        metrics_rules=seal.rules, first=seal.first, last=seal.last,
        seal=SealMark(at=seal.at, by=str(seal.by), digest=seal.digest),
    )  # fmt: skip


@attrs.frozen(kw_only=True)
class Pending:
    """A command admitted as a correction: record it with ``record`` in the same transaction."""

    correction: Correction
    effective: date
    months: tuple[tuple[int, int], ...]
    stream: str
    actor: Actor

    def record(self, uow: UnitOfWork, items: Sequence[CorrectedItem]) -> Corrected:
        """Append the ``Corrected`` event naming ``items`` (the events the command added)."""
        event = Corrected(
            stream=self.stream, at=self.correction.at, by=self.correction.by,
            effective=self.effective, reason=self.correction.reason, actor=self.actor,
            items=tuple(items), months=self.months,
        )  # fmt: skip
        uow.append_journal(self.stream, len(uow.journal(self.stream)), (event,))
        return event


def admit(events: Iterable[JournalEvent], district: str, day: date, by: Actor) -> Pending | None:
    """None when ``day`` is after every sealed cut-off; a ``Pending`` correction when a
    correction is in progress; ``SealedMonthError`` (naming the sealed month) otherwise."""
    hit = sorted(
        (s for s in seals(events).values() if day <= s.last), key=lambda s: (s.year, s.month)
    )
    if not hit:
        return None
    correction = _ACTIVE.get()
    if correction is None:
        first = next((s for s in hit if s.first <= day), hit[0])
        raise SealedMonthError(first.year, first.month, first.last, day)
    return Pending(
        correction=correction, effective=day, months=tuple((s.year, s.month) for s in hit),
        stream=months_stream(district), actor=by,
    )  # fmt: skip


def excluded(
    events: Iterable[JournalEvent], *, before: datetime | None = None
) -> dict[str, set[int]]:
    """Item versions added by corrections (recorded before ``before``, or all): the events a
    recomputation of a sealed month leaves out."""
    out: dict[str, set[int]] = {}
    for c in corrections(events):
        if before is None or c.at < before:
            for item in c.items:
                out.setdefault(item.number, set()).update(range(item.first, item.last + 1))
    return out
