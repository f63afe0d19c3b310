"""Registering inside a unit of work: idempotent by source id, flags possible duplicates.

One path serves ``Desk.register`` (a batch of one), ``Desk.admit`` and ``Desk.intake`` (a
channel's batch): the batch's source ids are looked up at once, its candidates for possible
duplicates fetched at once by their signature keys, its numbers reserved at once, and its new
items handed to the store together.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Protocol

import attrs

from appeal_core import commands as c
from appeal_core.appeal import Appeal
from appeal_core.decisions import Context, check_register, clean_source_id, decide_register
from appeal_core.duplicates import Candidate, Signature, candidate, flag, phone_key, signature
from appeal_core.errors import ValidationError
from appeal_core.events import Registered
from appeal_core.history import start
from appeal_core.intake import QuarantineEntry, RejectedRow
from appeal_core.policy import Policy
from appeal_core.ports import BatchUnitOfWork, UnitOfWork

#: At most this many possible duplicates are recorded on a new item (the most similar).
MAX_FLAGGED = 5


@attrs.frozen
class Outcome:
    """What registering one command did: a new item (``event`` set), the item already
    registered from the same source id, or the ``error`` that refused the command.

    ``repeats`` is the index in the batch of an earlier command with the same source id.
    """

    number: str = ""
    event: Registered | None = None
    state: Appeal | None = None
    error: ValidationError | None = None
    repeats: int | None = None


def register_batch(
    uow: UnitOfWork,
    commands: Sequence[c.Register],
    ctx: Context,
    *,
    district: str,
    policy: Policy,
) -> list[Outcome]:
    """Register ``commands`` in order; one ``Outcome`` each.  A refused command takes no
    number, so the numbers stay gap-free; a source id already registered (before, or by an
    earlier command of the batch) registers nothing."""
    port = batch_port(uow)
    outcomes: list[Outcome | None] = [None] * len(commands)
    keys: list[tuple[str, str]] = []
    ids: dict[str, set[str]] = {}
    for i, command in enumerate(commands):
        try:
            source_id = clean_source_id(command.source_id)
        except ValidationError as exc:
            outcomes[i], source_id = Outcome(error=exc), ""
        keys.append((command.channel.value, source_id))
        if source_id:
            ids.setdefault(command.channel.value, set()).add(source_id)
    known = {
        (channel, source_id): number
        for channel, wanted in ids.items()
        for source_id, number in port.find_sources(district, channel, wanted).items()
    }
    first: dict[tuple[str, str], int] = {}
    fresh: list[tuple[int, Signature]] = []
    for i, command in enumerate(commands):
        key = keys[i]
        if outcomes[i] is not None:
            continue
        if key[1] and key in known:
            outcomes[i] = Outcome(number=known[key])
        elif key[1] and key in first:
            outcomes[i] = Outcome(repeats=first[key])
        else:
            try:
                content = check_register(command, ctx)
            except ValidationError as exc:
                outcomes[i] = Outcome(error=exc)
                continue
            if key[1]:
                first[key] = i
            fresh.append((i, signature(command.enterprise, content)))
    if fresh:
        _register_fresh(port, commands, fresh, outcomes, ctx, district=district, policy=policy)
    done: list[Outcome] = []
    for outcome in outcomes:
        assert outcome is not None
        if outcome.repeats is not None:
            outcome = attrs.evolve(outcome, number=done[outcome.repeats].number)
        done.append(outcome)
    return done


def _register_fresh(
    port: Batch,
    commands: Sequence[c.Register],
    fresh: list[tuple[int, Signature]],
    outcomes: list[Outcome | None],
    ctx: Context,
    *,
    district: str,
    policy: Policy,
) -> None:
    ignore = {f"phone:{phone_key(policy.identity.phone)}"}  # the desk's own number links nobody
    keys = [[k for k in sig.keys if k not in ignore] for _, sig in fresh]
    wanted = {k for mine in keys for k in mine}
    since = ctx.today - timedelta(days=policy.duplicate_window_days)
    pool: dict[str, list[Candidate]] = {}
    for found in port.duplicate_candidates(district, wanted, since):
        for key in found.signature.keys:
            if key in wanted:
                pool.setdefault(key, []).append(found)
    year, today = ctx.today.year, ctx.today
    ignore_phones = {k.removeprefix("phone:") for k in ignore}
    first_seq = port.reserve_seqs(district, year, len(fresh))
    items: list[tuple[Registered, Appeal, Signature]] = []
    for n, (i, sig) in enumerate(fresh):
        seq = first_seq + n
        number = policy.format_number(district, year, seq)
        mine = keys[n]
        seen = {cand.number: cand for key in mine for cand in pool.get(key, ())}
        flagged = seen and flag(
            sig,
            seen.values(),
            on=today,
            window_days=policy.duplicate_window_days,
            threshold=policy.duplicate_threshold,
            ignore_phones=ignore_phones,
        )
        event = decide_register(
            commands[i],
            ctx,
            number=number,
            district=district,
            seq=seq,
            possible_duplicates=tuple(f.number for f in flagged[:MAX_FLAGGED]) if flagged else (),
        )
        state = start(event)
        items.append((event, state, sig))
        outcomes[i] = Outcome(number=number, event=event, state=state)
        me = Candidate(number=number, year=year, seq=seq, registered_on=today, signature=sig)
        for key in mine:
            pool.setdefault(key, []).append(me)
    port.register_many(items)


def register_in(
    uow: UnitOfWork, command: c.Register, ctx: Context, *, district: str, policy: Policy
) -> tuple[Appeal, Registered | None]:
    """The new item and its event; or the item already registered from the same source id
    (same district and channel) and None, so a re-import registers nothing twice."""
    (outcome,) = register_batch(uow, (command,), ctx, district=district, policy=policy)
    if outcome.error is not None:
        raise outcome.error
    if outcome.state is not None:
        return outcome.state, outcome.event
    return uow.state(outcome.number), None


def quarantine_in(
    uow: UnitOfWork, rejected: RejectedRow, ctx: Context, *, district: str, source: str
) -> int:
    """Keep a rejected row in the quarantine, with its reason; returns its id."""
    entry = QuarantineEntry(
        district=district,
        channel=rejected.channel,
        source=source,
        row=rejected.row,
        field=rejected.field,
        value=rejected.value,
        reason=rejected.reason,
        raw=rejected.raw,
        source_id=rejected.source_id,
        at=ctx.at,
    )
    return uow.quarantine(entry)


class Batch(Protocol):
    """The batch methods of ``ports.BatchUnitOfWork``, which registration uses."""

    def reserve_seqs(self, district: str, year: int, count: int) -> int: ...

    def find_sources(
        self, district: str, channel: str, source_ids: Collection[str]
    ) -> dict[str, str]: ...

    def duplicate_candidates(
        self, district: str, keys: Collection[str], since: date
    ) -> list[Candidate]: ...

    def register_many(self, items: Sequence[tuple[Registered, Appeal, Signature]]) -> None: ...


def batch_port(uow: UnitOfWork) -> Batch:
    """``uow`` itself when it has the batch methods, else an adapter doing them one by one."""
    return uow if isinstance(uow, BatchUnitOfWork) else OneByOne(uow)


class OneByOne:
    """The batch methods over a plain ``UnitOfWork`` (third-party stores without them).

    Duplicate candidates come from ``open_items_of``, so they are linked by name only.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def reserve_seqs(self, district: str, year: int, count: int) -> int:
        """``count`` calls of ``next_seq``; the first."""
        seqs = [self._uow.next_seq(district, year) for _ in range(count)]
        return seqs[0]

    def find_sources(
        self, district: str, channel: str, source_ids: Collection[str]
    ) -> dict[str, str]:
        """``find_source`` for each id."""
        found = {s: self._uow.find_source(district, channel, s) for s in source_ids if s}
        return {s: n for s, n in found.items() if n is not None}

    def duplicate_candidates(
        self, district: str, keys: Collection[str], since: date
    ) -> list[Candidate]:
        """The open items of each ``name:`` key (``open_items_of``)."""
        names = (k for k in keys if k.startswith("name:"))
        return [candidate(s) for k in names for s in self._uow.open_items_of(district, k, since)]

    def register_many(self, items: Sequence[tuple[Registered, Appeal, Signature]]) -> None:
        """``append`` each new item."""
        for event, state, _ in items:
            self._uow.append(state.number, 0, (event,), state)
