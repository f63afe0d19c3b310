"""The personal-data side of a SQL store: keys, seals, blind indexes and the contacts table.

One ``Sealing`` serves one operation (a unit of work, a read, a migration) on one cursor: it
fetches the contacts' keys it needs once, creates the keys (and ``contacts`` rows) of contacts
met for the first time, seals what is written and opens what is read.  ``contacts`` holds, per
contact, its district and two blind indexes (its phone; its phone and name), which registration
uses to recognise a person again and ``appeal privacy export --phone`` to find them; erasure
empties both and destroys the key.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from appeal_adapters.privacy.envelope import open_dict, seal_dict
from appeal_adapters.privacy.vault import Ring, blind
from appeal_adapters.storage import sql
from appeal_core.appeal import Appeal
from appeal_core.enterprise import Enterprise
from appeal_core.ports import KeyStore
from appeal_core.privacy import contact_of, person_key, phone_digits
from appeal_core.timeutil import SHANGHAI

CONTACT_COLUMNS = ("contact_id", "district", "phone_blind", "person_blind", "created_at")
#: Inserts rows into a table in the operation's transaction (executemany, or COPY in bulk).
Insert = Callable[[str, Sequence[str], list[tuple[Any, ...]]], None]
_BATCH = 500


def secret_id(district: str) -> str:
    """The key-store id of a district's blind-index secret (never a contact id)."""
    return f"@{district}:index"


def phone_blind(secret: bytes, phone: str) -> str:
    """The blind index of a phone number (``privacy.phone_digits``), "" for no number."""
    digits = phone_digits(phone)
    return blind(secret, f"phone:{digits}") if digits else ""


class Sealing:
    """Keys, seals and blind indexes for one operation on ``cur`` (see the module's text)."""

    def __init__(
        self, keys: KeyStore, cur: Any, dialect: sql.Dialect, where: str, insert: Insert
    ) -> None:
        self.keys = keys
        self.ring = Ring(keys, where)
        self._cur = cur
        self._d = dialect
        self._insert = insert
        self._secrets: dict[str, bytes] = {}

    # -- sealing and opening ---------------------------------------------------------------

    def seal(self, data: dict[str, Any], contact: str) -> dict[str, Any]:
        """``data``'s personal values sealed for ``contact`` (``sql.Seal``)."""
        return seal_dict(data, contact, self.ring.seal)

    def open(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data``'s envelopes opened (``sql.Open``)."""
        return open_dict(data, self.ring.open_)

    # -- blind indexes ---------------------------------------------------------------------

    def secret(self, district: str) -> bytes:
        """The district's blind-index secret (made the first time it is needed)."""
        if district not in self._secrets:
            name = secret_id(district)
            found = self.keys.get_keys((name,)).get(name)
            if found is None:
                found = self.keys.create_keys((name,))[name]
            self._secrets[district] = found
        return self._secrets[district]

    def person_blinds(self, district: str, people: Iterable[str]) -> list[str]:
        """The blind index of each ``privacy.person_key`` ("" stays "")."""
        secret = self.secret(district)
        return [blind(secret, f"person:{key}") if key else "" for key in people]

    # -- contacts --------------------------------------------------------------------------

    def prepare(self, states: Iterable[Appeal]) -> None:
        """Make sure every contact of ``states`` has a key: fetch them, and create the missing
        ones with their ``contacts`` rows (the first state met gives the blind indexes)."""
        needed: dict[str, tuple[str, Enterprise]] = {}
        for state in states:
            contact = contact_of(state)
            if contact and contact not in needed:
                needed[contact] = (state.district, state.enterprise)
        if not needed:
            return
        missing = self.ring.missing(list(needed))
        if missing:
            self.add_contacts({c: needed[c] for c in missing})

    def add_contacts(self, new: Mapping[str, tuple[str, Enterprise]]) -> None:
        """Create the keys and ``contacts`` rows of contacts met for the first time, each
        with its district and the enterprise record that gives its blind indexes."""
        if not new:
            return
        self.ring.add(self.keys.create_keys(list(new)))
        now = datetime.now(SHANGHAI).replace(microsecond=0).isoformat()
        rows = [(c, district, *self.blinds(district, firm), now)
                for c, (district, firm) in new.items()]  # fmt: skip
        self._insert("contacts", CONTACT_COLUMNS, rows)

    def blinds(self, district: str, firm: Enterprise) -> tuple[str, str]:
        """(phone, person) blind indexes of an enterprise's contact."""
        secret = self.secret(district)
        key = person_key(firm)
        return phone_blind(secret, firm.phone), blind(secret, f"person:{key}") if key else ""

    def find(self, district: str, people: Sequence[str]) -> list[str]:
        """The live contact of each person key in ``district`` ("" for none, or no key)."""
        blinds = self.person_blinds(district, people)
        wanted = sorted({b for b in blinds if b})
        found: dict[str, str] = {}
        for k in range(0, len(wanted), _BATCH):
            chunk = wanted[k : k + _BATCH]
            marks = ", ".join("?" * len(chunk))
            self._cur.execute(
                self._d.sql(
                    "SELECT person_blind, contact_id FROM contacts WHERE district = ?"
                    f" AND erased_at = '' AND person_blind IN ({marks})"
                ),
                (district, *chunk),
            )
            found.update(dict(self._cur.fetchall()))
        return [found.get(b, "") if b else "" for b in blinds]

    def erase(self, contact: str) -> None:
        """Destroy the contact's key and drop their blind indexes (with the transaction)."""
        now = datetime.now(SHANGHAI).replace(microsecond=0).isoformat()
        self._cur.execute(
            self._d.sql(
                "UPDATE contacts SET erased_at = ?, phone_blind = '', person_blind = ''"
                " WHERE contact_id = ?"
            ),
            (now, contact),
        )
        self.keys.destroy_key(contact)


def contact_items(cur: Any, dialect: sql.Dialect, contact: str) -> tuple[str, ...]:
    """The numbers of a contact's items, in registration order."""
    cur.execute(
        dialect.sql(
            "SELECT number FROM appeals WHERE contact_id = ? AND contact_id <> ''"
            " ORDER BY created_seq"
        ),
        (contact,),
    )
    return tuple(row[0] for row in cur.fetchall())


def contacts_with(cur: Any, dialect: sql.Dialect, district: str, blind_: str) -> tuple[str, ...]:
    """Live contacts of ``district`` whose phone has this blind index, by their first item."""
    cur.execute(
        dialect.sql(
            "SELECT c.contact_id, min(a.created_seq) FROM contacts c"
            " JOIN appeals a ON a.contact_id = c.contact_id"
            " WHERE c.district = ? AND c.phone_blind = ? AND c.erased_at = ''"
            " GROUP BY c.contact_id ORDER BY 2"
        ),
        (district, blind_),
    )
    return tuple(row[0] for row in cur.fetchall())


def due_contacts(
    cur: Any, dialect: sql.Dialect, district: str, ended_before: date
) -> list[tuple[str, tuple[str, ...]]]:
    """Live contacts of ``district`` whose items all ended before ``ended_before``, with their
    items' numbers, by their first item (``ContactIndex.due_contacts``)."""
    cur.execute(
        dialect.sql(
            "SELECT a.contact_id, min(a.created_seq) FROM appeals a"
            " JOIN contacts c ON c.contact_id = a.contact_id AND c.erased_at = ''"
            " WHERE a.district = ? AND a.contact_id <> '' GROUP BY a.contact_id"
            " HAVING max(a.is_open) = 0 AND max(a.ended_on) < ? ORDER BY 2"
        ),
        (district, dialect.day(ended_before)),
    )
    due = [row[0] for row in cur.fetchall()]
    numbers: dict[str, list[str]] = {}
    for k in range(0, len(due), _BATCH):
        chunk = due[k : k + _BATCH]
        marks = ", ".join("?" * len(chunk))
        cur.execute(
            dialect.sql(
                f"SELECT contact_id, number FROM appeals WHERE contact_id IN ({marks})"
                " ORDER BY created_seq"
            ),
            chunk,
        )
        for contact, number in cur.fetchall():
            numbers.setdefault(contact, []).append(number)
    return [(c, tuple(numbers.get(c, ()))) for c in due]


def erased_among(cur: Any, dialect: sql.Dialect, contacts: Collection[str]) -> set[str]:
    """Those of ``contacts`` that were erased."""
    ids, found = sorted(contacts), set[str]()
    for k in range(0, len(ids), _BATCH):
        chunk = ids[k : k + _BATCH]
        marks = ", ".join("?" * len(chunk))
        cur.execute(
            dialect.sql(
                f"SELECT contact_id FROM contacts WHERE erased_at <> '' AND contact_id IN ({marks})"
            ),
            chunk,
        )
        found.update(row[0] for row in cur.fetchall())
    return found
