"""Converting a store written before personal data was encrypted (schema migration 11).

Every registration gets its contact id (a contact already met in the district, by phone and
name, or a new one named after the item), the labels of its personal notes and, when a note asked
for it, the confidentiality flag; every personal value in the events and the current states is
sealed with its contact's key.  Event bodies change, so the hash chain is computed again from the
first changed row: the old and the new chain head are recorded in ``chain_rewrites``, and a
checkpoint taken before the conversion no longer matches (take a new one; docs/storage.md).
The conversion runs inside the migration's transaction: it is all done, or nothing is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from appeal_adapters import serialization as ser
from appeal_adapters.privacy.envelope import is_personal, seal_dict
from appeal_adapters.storage import sql
from appeal_adapters.storage.contacts import ContactKeys
from appeal_core import events as e
from appeal_core.duplicates import phone_key
from appeal_core.enterprise import Enterprise
from appeal_core.history import fold
from appeal_core.policy import Policy
from appeal_core.privacy import (
    asks_confidentiality,
    contact_of,
    holds_personal,
    new_contact_id,
    person_key,
    personal_note_labels,
)
from appeal_core.retention import ended_on
from appeal_core.timeutil import SHANGHAI

#: Makes the operation's ``ContactKeys`` on the migration's cursor (it may raise
#: ``MasterKeyMissing``); None for a store kept in clear (benchmarks and tests only).
MakeSealing = Callable[[Any], ContactKeys] | None
_CORRECTED = "AssumptionCorrected"
HEAD = "SELECT last_seq, last_hash FROM chain_head WHERE id = 1"
SET_HEAD = "UPDATE chain_head SET last_seq = ?, last_hash = ? WHERE id = 1"
UPDATE_ROW = """UPDATE appeals SET contact_id = ?, ended_on = ?, state = ?, phone_key = ?
    WHERE created_seq = ?"""
_BATCH = 2000


@attrs.define
class _Conversion:
    cur: Any
    dialect: sql.Dialect
    make: MakeSealing
    policy: Policy = attrs.Factory(Policy)
    contact_keys: ContactKeys | None = None
    people: dict[tuple[str, str], str] = attrs.Factory(dict)
    items: int = 0

    def keys(self) -> ContactKeys:
        if self.contact_keys is None:
            assert self.make is not None
            self.contact_keys = self.make(self.cur)
        return self.contact_keys

    def registered(self, number: str, data: dict[str, Any]) -> tuple[str, str, Enterprise]:
        """Give a registration's dict its contact, personal-note labels and confidentiality;
        ``(contact, district, enterprise)``, the contact "" when it holds no personal data."""
        event = ser.event_from_dict(data)
        assert isinstance(event, e.Registered)
        labels = personal_note_labels(event.notes, self.policy)
        firm = event.enterprise
        if asks_confidentiality(event.notes, self.policy) and not firm.confidential:
            firm = attrs.evolve(firm, confidential=True)
            data["enterprise"]["confidential"] = True
        if labels:
            data["personal_notes"] = list(labels)
        if not holds_personal(attrs.evolve(event, personal_notes=labels)):
            return "", event.district, firm
        key = person_key(firm)
        contact = self.people.get((event.district, key), "") if key else ""
        if not contact:
            contact = firm.contact_id or new_contact_id(number)
            if key:
                self.people[(event.district, key)] = contact
        data["enterprise"]["contact_id"] = contact
        return contact, event.district, firm

    def ensure(self, contacts: dict[str, tuple[str, Enterprise]]) -> None:
        """Keys (and ``contacts`` rows) for those of ``contacts`` that have none yet."""
        keys = self.keys()
        missing = keys.ring.missing(list(contacts))
        keys.add_contacts({c: contacts[c] for c in missing})

    def district_of(self, number: str) -> str:
        """An item's district, from its row."""
        self.cur.execute(
            self.dialect.sql("SELECT district FROM appeals WHERE number = ?"), (number,)
        )
        row = self.cur.fetchone()
        return str(row[0]) if row else ""

    def contact_of_item(self, number: str) -> str:
        """An item's contact, from its (already converted) registration."""
        self.cur.execute(
            self.dialect.sql("SELECT body FROM events WHERE number = ? AND version = 1"), (number,)
        )
        row = self.cur.fetchone()
        first = ser.loads(row[0]) if row else {}
        return str(first.get("enterprise", {}).get("contact_id", ""))


def seal_existing(cur: Any, dialect: sql.Dialect, make: MakeSealing) -> None:
    """The conversion (see the module's text), in the caller's transaction."""
    run = _Conversion(cur, dialect, make)
    cur.execute(HEAD)
    old_seq, old_hash = cur.fetchone()
    new_hash = _events(run)
    _states(run)
    if run.make is not None:
        _quarantine(run)
    if new_hash != old_hash:
        cur.execute(dialect.sql(SET_HEAD), (old_seq, new_hash))
        cur.execute(
            dialect.sql(
                "INSERT INTO chain_rewrites (schema_version, at, old_seq, old_hash, new_hash,"
                " items, reason) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ),
            (sql.SEALED_FROM, datetime.now(SHANGHAI).replace(microsecond=0).isoformat(), old_seq,
             old_hash, new_hash, run.items,
             "联系人个人信息加密（个人信息保护法），事件正文改写，哈希链重算"),
        )  # fmt: skip


def _events(run: _Conversion) -> str:
    """Seal the personal values of every event and chain the rows again; the new head hash."""
    cur, d = run.cur, run.dialect
    text = (
        "SELECT seq, number, version, type, at, body, prev_hash FROM events"
        " WHERE seq > ? ORDER BY seq LIMIT ?"
    )
    prev = sql.GENESIS
    for chunk in sql.chunks(cur, d, text, _BATCH):  # each chunk read whole: cur is free
        bodies: dict[int, tuple[dict[str, Any], str]] = {}  # seq -> (dict, contact)
        new: dict[str, tuple[str, Enterprise]] = {}
        for seq, number, version, type_, _, body, _ in chunk:
            if number.startswith("@") or type_ not in ("Registered", _CORRECTED):
                continue
            data = ser.loads(body)
            if type_ == "Registered" and version == 1:
                contact, district, firm = run.registered(number, data)
                if contact:
                    new.setdefault(contact, (district, firm))
                run.items += bool(contact)
                bodies[seq] = (data, contact)
            elif is_personal(data):
                contact = run.contact_of_item(number) or new_contact_id(number)
                new.setdefault(contact, (run.district_of(number), Enterprise(name="-")))
                bodies[seq] = (data, contact)
        if new and run.make is not None:
            run.ensure(new)
        updates = []
        for seq, number, version, type_, at, body, stored_prev in chunk:
            if seq in bodies:
                data, contact = bodies[seq]
                if contact and run.make is not None and is_personal(data):
                    seal_dict(data, contact, run.keys().ring.seal)
                body = ser.dumps(data)
            digest = sql.chain_hash(prev, number, version, type_, at, body)
            if seq in bodies or stored_prev != prev:
                updates.append((body, prev, digest, seq))
            prev = digest
        if updates:
            cur.executemany(
                d.sql("UPDATE events SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?"), updates
            )
    return prev


def _quarantine(run: _Conversion) -> None:
    """The cells and value of every quarantined row, sealed with its district's key."""
    cur, d = run.cur, run.dialect
    text = (
        "SELECT id, district, raw, value FROM quarantine WHERE id > ? AND key_id = ''"
        " ORDER BY id LIMIT ?"
    )
    for chunk in sql.chunks(cur, d, text, _BATCH):
        updates = [
            (*run.keys().seal_quarantined(district, raw, value), entry)
            for entry, district, raw, value in chunk
            if raw != "[]" or value
        ]
        cur.executemany(
            d.sql("UPDATE quarantine SET raw = ?, value = ?, key_id = ? WHERE id = ?"), updates
        )


def _states(run: _Conversion) -> None:
    """Each item's state folded again from its (converted) events, sealed like them, with its
    contact and end day in its row: a state written by an older version may lack what this one
    folds (the conversion rewrites every state anyway, so it writes the fold)."""
    cur, d = run.cur, run.dialect
    text = (
        "SELECT created_seq, number, state, phone_key FROM appeals WHERE created_seq > ?"
        " ORDER BY created_seq LIMIT ?"
    )
    for chunk in sql.chunks(cur, d, text, _BATCH):  # each chunk read whole: cur is free
        numbers = [number for _, number, _, _ in chunk]
        marks = ", ".join("?" * len(numbers))
        cur.execute(
            d.sql(f"SELECT number, body FROM events WHERE number IN ({marks}) ORDER BY 1, version"),
            numbers,
        )
        bodies: dict[str, list[str]] = {}
        for number, body in cur.fetchall():
            bodies.setdefault(number, []).append(body)
        open_ = run.keys().open if run.make is not None else None
        updates = []
        for created, number, stored, phone in chunk:
            state = fold(sql.read_event(body, open_) for body in bodies[number])
            contact = contact_of(state)
            seal = None
            if contact and run.make is not None:
                run.ensure({contact: (state.district, state.enterprise)})
                seal = run.keys().seal
            text_ = stored if stored == sql.JUST_REGISTERED else sql.state_text(state, seal)
            key = phone_key(state.enterprise.phone) if phone else ""  # the duplicate check's
            if key and run.make is not None:
                key = run.keys().phone_index(state.district, key)
            updates.append((contact, d.day(ended_on(state)), text_, key, created))
        cur.executemany(d.sql(UPDATE_ROW), updates)
