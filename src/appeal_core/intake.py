"""What channels bring: records to register, rows to quarantine, and the intake's report.

Channels (in the adapters) parse files into these values; ``Desk.intake`` registers the good
records in batches and puts the bad rows in the quarantine, so nothing a channel brings is lost.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from appeal_core.appeal import Assumption as Assumption  # readers import it from here
from appeal_core.appeal import Channel
from appeal_core.enterprise import Enterprise


@attrs.frozen(kw_only=True)
class IntakeRecord:
    """One problem as a channel read it, ready to register."""

    channel: Channel = attrs.field(converter=Channel)
    enterprise: Enterprise
    content: str
    source_id: str = ""
    reported_at: datetime | None = None
    row: int | None = None
    notes: tuple[tuple[str, str], ...] = ()  # channel-specific extras, e.g. (("走访人", "李区长"),)
    #: Values accepted under an assumption (never silent: the item goes to the review queue).
    assumptions: tuple[Assumption, ...] = ()


@attrs.frozen(kw_only=True)
class RejectedRow:
    """A row a channel could not accept, with the reason; it goes to the quarantine."""

    channel: Channel = attrs.field(converter=Channel)
    row: int | None
    field: str
    value: str
    reason: str
    raw: tuple[tuple[str, str], ...] = ()
    source_id: str = ""


@attrs.frozen(kw_only=True)
class QuarantineEntry:
    """A quarantined row, kept with its reason until the desk admits (corrected) or dismisses it."""

    id: int = 0  # assigned by the store
    district: str
    channel: Channel = attrs.field(converter=Channel)
    source: str  # the file or feed it came from
    row: int | None
    field: str
    value: str
    reason: str
    raw: tuple[tuple[str, str], ...] = ()
    source_id: str = ""
    at: datetime
    status: str = "open"  # open | admitted | dismissed
    number: str = ""  # the item it was admitted as
    note: str = ""
    settled_at: datetime | None = None  # when it was admitted or dismissed
    settled_by: str = ""  # who did it (``str(actor)``)


@attrs.frozen(kw_only=True)
class Reexport:
    """A row that repeats an earlier row of the same import (the same source id): the source
    exported it twice.  It was not taken again; ``number`` or ``entry`` says what the earlier
    row became (an item, or a quarantined row)."""

    row: int | None
    earlier_row: int | None
    source_id: str
    number: str = ""
    entry: int | None = None


@attrs.frozen(kw_only=True)
class IntakeReport:
    """What one intake did: registered, already there, quarantined, known bad rows, flagged."""

    registered: tuple[str, ...] = ()
    #: Records whose source id is already registered (by an earlier import or row): the item.
    repeated: tuple[str, ...] = ()
    quarantined: tuple[int, ...] = ()
    flagged: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (new number, possible duplicates)
    #: Rejected rows whose source id was already registered (its number) or quarantined (the
    #: entry's id, as text): not quarantined again.
    known: tuple[str, ...] = ()
    #: The rows among ``repeated`` and ``known`` that repeat an earlier row of this import.
    reexported: tuple[Reexport, ...] = ()
    #: The registered items that carry assumptions: they wait in the review queue.
    assumed: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """Rows the channel brought, all accounted for."""
        return len(self.registered) + len(self.repeated) + len(self.quarantined) + len(self.known)
