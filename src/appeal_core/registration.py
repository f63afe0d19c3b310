"""Registering inside a unit of work: idempotent by source id, flags possible duplicates.

Shared by ``Desk.register`` (one item) and ``Desk.intake`` (a channel's batch).
"""

from __future__ import annotations

from datetime import timedelta

from appeal_core import commands as c
from appeal_core.appeal import Appeal
from appeal_core.decisions import Context, check_register, decide_register
from appeal_core.duplicates import enterprise_key, possible_duplicates
from appeal_core.events import Registered
from appeal_core.history import start
from appeal_core.intake import QuarantineEntry, RejectedRow
from appeal_core.policy import Policy
from appeal_core.ports import UnitOfWork
from appeal_core.text import clean_line

#: At most this many possible duplicates are recorded on a new item (the most similar).
MAX_FLAGGED = 5


def register_in(
    uow: UnitOfWork, command: c.Register, ctx: Context, *, district: str, policy: Policy
) -> tuple[Appeal, Registered | None]:
    """The new item and its event; or the item already registered from the same source id
    (same district and channel) and None, so a re-import registers nothing twice."""
    source_id = clean_line(command.source_id)  # as decide_register stores it
    if source_id:
        known = uow.find_source(district, command.channel.value, source_id)
        if known is not None:
            return uow.state(known), None
    check_register(command, ctx)  # before reserving a number, so a refusal leaves no gap
    since = ctx.today - timedelta(days=policy.duplicate_window_days)
    earlier = uow.open_items_of(district, enterprise_key(command.enterprise), since)
    flagged = possible_duplicates(
        command.enterprise,
        command.content,
        earlier,
        on=ctx.today,
        window_days=policy.duplicate_window_days,
        threshold=policy.duplicate_threshold,
    )
    year = ctx.today.year
    seq = uow.next_seq(district, year)
    number = policy.format_number(district, year, seq)
    event = decide_register(
        command,
        ctx,
        number=number,
        district=district,
        seq=seq,
        possible_duplicates=tuple(f.number for f in flagged[:MAX_FLAGGED]),
    )
    state = start(event)
    uow.append(number, 0, (event,), state)
    return state, event


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
