"""The personal-data side of a SQL store: keys, seals, blind indexes and the contacts table.

One ``ContactKeys`` serves one operation (a unit of work, a read, a migration) on one cursor: it
fetches the contacts' keys it needs once, creates the keys (and ``contacts`` rows) of contacts
met for the first time, seals what is written and opens what is read.  ``contacts`` holds, per
contact, its district and two blind indexes (its phone; its phone and name), which registration
uses to recognise a person again and ``appeal privacy export --phone`` to find them; erasure
empties both and destroys the key.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from appeal_adapters.privacy.envelope import open_dict, seal_dict
from appeal_adapters.privacy.keytable import CONTACT_COLUMNS as KEY_CONTACT_COLUMNS
from appeal_adapters.privacy.keytable import TableKeyStore
from appeal_adapters.privacy.master import MasterKey
from appeal_adapters.privacy.vault import KEY_BYTES, NONCE_BYTES, Ring, wrapper
from appeal_adapters.serialization import dumps, loads
from appeal_adapters.storage import sql
from appeal_core.appeal import Appeal
from appeal_core.enterprise import Enterprise
from appeal_core.ports import KeyStore
from appeal_core.privacy import contact_of, person_parts
from appeal_core.timeutil import SHANGHAI

#: A contact's row when its key lives in a deployment's key service (``wrapped`` stays NULL).
CONTACT_COLUMNS = ("contact_id", "district", "phone_blind", "person_blind", "created_at")
#: Inserts rows into a table in the operation's transaction: ``(table, columns, rows, bulk)``;
#: with ``bulk``, PostgreSQL COPYs the rows as they are made.
Insert = Callable[[str, Sequence[str], Iterable[tuple[Any, ...]], bool], None]
_BATCH = 500
#: The live contacts with these person blind indexes.  It says the partial index's condition
#: (``person_blind <> ''``) again: without it SQLite does not use the index and scans the table.
FIND_PEOPLE = (
    "SELECT person_blind, contact_id FROM contacts WHERE erased_at = ''"
    " AND person_blind <> '' AND person_blind IN ({marks})"
)


def quarantine_key(district: str) -> str:
    """The key-store id of the key sealing a district's quarantined rows."""
    return f"@{district}:quarantine"


def secret_id(district: str) -> str:
    """The key-store id of a district's blind-index secret (never a contact id)."""
    return f"@{district}:index"


class ContactKeys:
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
        self._macs: dict[str, Any] = {}  # per district, its keyed HMAC-SHA256, to copy
        #: The operation's HMACs by (district, text), kept once ``find`` is used: an intake
        #: asks for a phone's twice (finding the person, then the new contact's row; the
        #: duplicate check, then the item's row); a bulk ingest of new people never does.
        self._done: dict[tuple[str, str], bytes] | None = None

    # -- sealing and opening ---------------------------------------------------------------

    def seal(self, data: dict[str, Any], contact: str) -> dict[str, Any]:
        """``data``'s personal values sealed for ``contact`` (``sql.Seal``)."""
        return seal_dict(data, contact, self.ring.seal)

    def open(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data``'s envelopes opened (``sql.Open``)."""
        return open_dict(data, self.ring.open_)

    # -- the quarantine: rows kept as a channel brought them --------------------------------

    def seal_quarantined(self, district: str, raw: str, value: str) -> tuple[str, str, str]:
        """A quarantined row's ``raw`` cells (JSON) and ``value``, sealed with the district's
        quarantine key: ``(raw, value, key id)`` as stored."""
        key_id = quarantine_key(district)
        if self.ring.missing([key_id]):
            self.ring.add(self.keys.create_keys([key_id]))
        raw_env = self.ring.seal(key_id, "quarantine.raw", raw)
        value_env = self.ring.seal(key_id, "quarantine.value", value)
        return dumps(raw_env), dumps(value_env), key_id

    def open_quarantined(self, raw: str, value: str) -> tuple[str, str]:
        """A sealed quarantined row's ``raw`` (JSON) and ``value`` in clear."""
        return (
            str(self.ring.open_("quarantine.raw", loads(raw))),
            str(self.ring.open_("quarantine.value", loads(value))),
        )

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

    def _mac(self, district: str, text: str) -> bytes:
        """HMAC-SHA256 of ``text`` under the district's secret (RFC 2104, with its inner and
        outer hashes keyed once and copied: a third faster than ``hmac`` per call), each
        computed once an operation that looks people up."""
        memo = self._done
        if memo is not None and (district, text) in memo:
            return memo[(district, text)]
        pads = self._macs.get(district)
        if pads is None:
            key = self.secret(district)[:32].ljust(64, b"\0")
            pads = self._macs[district] = (
                hashlib.sha256(bytes(b ^ 0x36 for b in key)),
                hashlib.sha256(bytes(b ^ 0x5C for b in key)),
            )
        inner, outer = pads[0].copy(), pads[1].copy()
        inner.update(text.encode())
        outer.update(inner.digest())
        mac = outer.digest()
        if memo is not None:
            memo[(district, text)] = mac
        return mac

    def phone_blind(self, district: str, digits: str) -> str:
        """The blind index of a phone's digits: the first 128 bits of their HMAC, in hex."""
        return self._mac(district, f"phone:{digits}")[:16].hex()

    def person_blind(self, district: str, key: str) -> str:
        """The blind index of a ``privacy.person_key`` (phone digits | folded name): the name
        hashed (BLAKE2b) under the last 128 bits of the phone's HMAC, which is never stored, so
        knowing a row's phone index does not let anyone try names against it."""
        digits, _, name = key.partition("|")
        under = self._mac(district, f"phone:{digits}")[16:]
        return hashlib.blake2b(name.encode(), key=under, digest_size=16).hexdigest()

    def phone_index(self, district: str, key: str) -> str:
        """The blind index of a duplicate check's phone key (``duplicates.phone_key``): what
        ``appeals.phone_key`` holds, so "same phone" still matches without the number."""
        return self._mac(district, f"dup:{key}")[:16].hex()

    def person_blinds(self, district: str, people: Iterable[str]) -> list[str]:
        """The blind index of each ``privacy.person_key`` ("" stays "")."""
        return [self.person_blind(district, key) if key else "" for key in people]

    # -- contacts --------------------------------------------------------------------------

    def prepare(self, states: Iterable[Appeal], *, bulk: bool = False) -> None:
        """Make sure every contact of ``states`` has a key: fetch them, and create the missing
        ones with their ``contacts`` rows (the first state met gives the blind indexes);
        ``bulk`` COPYs the new rows on PostgreSQL (``add_contacts``)."""
        needed: dict[str, tuple[str, Enterprise]] = {}
        fresh: list[str] = []  # named after a just-registered item: cannot exist yet
        again: set[str] = set()  # met more than once: their envelopes are reused
        for state in states:
            contact = contact_of(state)
            if contact and contact not in needed:
                needed[contact] = (state.district, state.enterprise)
                number = state.number
                if state.version == 1 and contact[:-2] == number and contact == f"{number}-C":
                    fresh.append(contact)
            elif contact:
                again.add(contact)
        if not needed:
            return
        self.ring.recurring(again)
        for district in {d for d, _ in needed.values()}:
            self.secret(district)  # fetched now: no query can run while rows stream (COPY)
        known = set(fresh)
        missing = [*fresh, *self.ring.missing([c for c in needed if c not in known])]
        self.add_contacts({c: needed[c] for c in missing}, bulk=bulk)

    def add_contacts(
        self, new: Mapping[str, tuple[str, Enterprise]], *, bulk: bool = False
    ) -> None:
        """Create the keys and ``contacts`` rows of contacts met for the first time, each
        with its district and the enterprise record that gives its blind indexes.

        In the default key store each key is made, wrapped and put in the ring as its row is
        built: with ``bulk``, PostgreSQL stores the rows meanwhile (``COPY``).
        """
        if not new:
            return
        if isinstance(self.keys, TableKeyStore):  # the key in the contact's own row
            master = self.keys.check_stored()
            for district in {d for d, _ in new.values()}:
                self.secret(district)  # fetched now: no query can run while rows stream
            self._insert("contacts", KEY_CONTACT_COLUMNS, self._key_rows(new, master), bulk)
            return
        rows = {c: (district, *self.blinds(district, firm)) for c, (district, firm) in new.items()}
        self.ring.add(self.keys.create_keys(list(new)))
        now = datetime.now(SHANGHAI).replace(microsecond=0).isoformat()
        self._insert("contacts", CONTACT_COLUMNS, [(c, *row, now) for c, row in rows.items()], bulk)

    def _key_rows(
        self, new: Mapping[str, tuple[str, Enterprise]], master: MasterKey
    ) -> Iterator[tuple[Any, ...]]:
        """The new contacts' rows (``keytable.CONTACT_COLUMNS``), each key put in the ring."""
        size = KEY_BYTES + NONCE_BYTES  # each key and its wrapping nonce, from one draw
        pool = secrets.token_bytes(size * len(new))
        at = datetime.now(SHANGHAI).replace(microsecond=0).isoformat()
        wrap, blinds, put, start = wrapper(master), self.blinds, self.ring.put, 0
        for contact, (district, firm) in new.items():
            key, nonce = pool[start : start + KEY_BYTES], pool[start + KEY_BYTES : start + size]
            start += size
            put(contact, key)
            phone, person = blinds(district, firm)
            yield (contact, district, phone, person, wrap(contact, key, nonce), at)

    def blinds(self, district: str, firm: Enterprise) -> tuple[str, str]:
        """(phone, person) blind indexes of an enterprise's contact ("" for none)."""
        digits, name = person_parts(firm)
        if not digits:
            return "", ""
        mac = self._mac(district, f"phone:{digits}")
        person = hashlib.blake2b(name.encode(), key=mac[16:], digest_size=16).hexdigest()
        return mac[:16].hex(), person

    def find(self, district: str, people: Sequence[str]) -> list[str]:
        """The live contact of each person key in ``district`` ("" for none, or no key)."""
        if self._done is None:
            self._done = {}
        blinds = self.person_blinds(district, people)
        wanted = sorted({b for b in blinds if b})
        found: dict[str, str] = {}
        for k in range(0, len(wanted), _BATCH):
            chunk = wanted[k : k + _BATCH]
            marks = ", ".join("?" * len(chunk))
            self._cur.execute(  # the district's own secret made the index: no other's
                self._d.sql(FIND_PEOPLE.format(marks=marks)), chunk
            )
            found.update(dict(self._cur.fetchall()))
        return [found.get(b, "") if b else "" for b in blinds]

    def erase(self, contact: str) -> None:
        """Destroy the contact's key and drop their blind indexes, theirs and their items'
        (the duplicate check's phone key), with the transaction."""
        now = datetime.now(SHANGHAI).replace(microsecond=0).isoformat()
        self._cur.execute(
            self._d.sql(
                "UPDATE contacts SET erased_at = ?, phone_blind = '', person_blind = ''"
                " WHERE contact_id = ?"
            ),
            (now, contact),
        )
        self._cur.execute(
            self._d.sql(
                "UPDATE appeals SET phone_key = '' WHERE contact_id = ? AND phone_key <> ''"
            ),
            (contact,),
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
