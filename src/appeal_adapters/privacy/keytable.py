"""The default key store: each contact's key in its row of the store's ``contacts`` table,
wrapped (encrypted) with the master key, which is never stored there.

A contact's row holds its id, district, blind indexes and ``wrapped`` key; a district's
blind-index secret is a row of its own (``@HM:index``).  Destroying a key empties ``wrapped``;
the row stays, so "this contact was erased" remains known.  ``key_master`` holds the master
key's check value (``MasterKey.check``), so a wrong key is told at once rather than as data
that does not open.  One row per contact keeps a bulk registration at one insert per person.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from appeal_adapters.privacy.master import MasterKey, MasterKeyMismatch, MasterKeyMissing
from appeal_adapters.privacy.vault import KEY_BYTES, SealError, unwrap, wrap
from appeal_core.timeutil import SHANGHAI

CONTACT_COLUMNS = (
    "contact_id", "district", "phone_blind", "person_blind", "wrapped", "created_at"
)  # fmt: skip
_BATCH = 500


def now() -> str:
    """This moment in Asia/Shanghai, to the second, as stored."""
    return datetime.now(SHANGHAI).replace(microsecond=0).isoformat()


def stored_check(cur: Any) -> str | None:
    """The master key check value the store keeps, or None before its first key."""
    cur.execute("SELECT check_value FROM key_master WHERE id = 1")
    row = cur.fetchone()
    return None if row is None else str(row[0])


def check_master(cur: Any, master: MasterKey | None, where: str) -> None:
    """Refuse a master key that is not the store's (``MasterKeyMismatch``)."""
    found = stored_check(cur)
    if master is not None and found is not None and found != master.check:
        raise MasterKeyMismatch(where, master.source)


def holds_keys(cur: Any) -> bool:
    """True when the store has made any key (it then holds encrypted data)."""
    return stored_check(cur) is not None


class TableKeyStore:
    """``KeyStore`` over ``contacts.wrapped``, inside the caller's transaction (``cur``).

    ``master`` wraps and unwraps; without it every call that needs it raises
    ``MasterKeyMissing`` (naming ``APPEAL_MASTER_KEY``).
    """

    def __init__(
        self, cur: Any, sql: Callable[[str], str], master: MasterKey | None, where: str
    ) -> None:
        self._cur = cur
        self._sql = sql
        self._master = master
        self._where = where

    def _key(self) -> MasterKey:
        if self._master is None:
            raise MasterKeyMissing(self._where)
        return self._master

    def get_keys(self, key_ids: Collection[str]) -> dict[str, bytes | None]:
        """The keys asked for (None for a destroyed one); unknown ids left out."""
        ids = sorted(set(key_ids))
        found: dict[str, bytes | None] = {}
        for k in range(0, len(ids), _BATCH):
            chunk = ids[k : k + _BATCH]
            marks = ", ".join("?" * len(chunk))
            text = f"SELECT contact_id, wrapped FROM contacts WHERE contact_id IN ({marks})"
            self._cur.execute(self._sql(text), chunk)
            for key_id, wrapped in self._cur.fetchall():
                found[key_id] = None if wrapped is None else bytes(wrapped)
        if any(v is not None for v in found.values()):
            master = self._key()
            for key_id, wrapped in found.items():
                if wrapped is not None:
                    found[key_id] = unwrap(master, key_id, wrapped)
        return found

    def create_keys(self, key_ids: Collection[str]) -> dict[str, bytes]:
        """New random keys, wrapped and inserted in the caller's transaction.  A district's own
        key (``@HM:index``) may be made by two processes at once: the one stored first is the
        one both use (the other's insert does nothing, and every key is read back as stored)."""
        master, at = self.check_stored(), now()
        made = {k: secrets.token_bytes(KEY_BYTES) for k in key_ids}
        marks = ", ".join("?" * len(CONTACT_COLUMNS))
        self._cur.executemany(
            self._sql(
                f"INSERT INTO contacts ({', '.join(CONTACT_COLUMNS)}) VALUES ({marks})"
                " ON CONFLICT (contact_id) DO NOTHING"
            ),
            [(k, k[1:].split(":")[0] if k[:1] == "@" else "", "", "", wrap(master, k, key), at)
             for k, key in made.items()],
        )  # fmt: skip
        for key_id, key in self.get_keys(made).items():
            if key is None:
                raise SealError(f"密钥 {key_id} 已销毁，不能再生成（存储 {self._where}）")
            made[key_id] = key
        return made

    def check_stored(self) -> MasterKey:
        """The master key, its check value stored with the first key (``MasterKeyMissing``)."""
        master = self._key()
        if stored_check(self._cur) is None:
            self._cur.execute(
                self._sql(
                    "INSERT INTO key_master (id, check_value, since) VALUES (1, ?, ?)"
                    " ON CONFLICT (id) DO NOTHING"  # another process may store it first
                ),
                (master.check, now()),
            )
            check_master(self._cur, master, self._where)
        return master

    def destroy_key(self, key_id: str) -> bool:
        """Empty the key's ``wrapped`` column (the row stays)."""
        self._cur.execute(
            self._sql(
                "UPDATE contacts SET wrapped = NULL WHERE contact_id = ? AND wrapped IS NOT NULL"
            ),
            (key_id,),
        )
        return bool(self._cur.rowcount)


def rewrap(cur: Any, sql: Callable[[str], str], old: MasterKey, new: MasterKey) -> int:
    """Wrap every live key with ``new`` instead of ``old`` (in the caller's transaction) and
    record ``new``'s check value; the number of keys re-wrapped."""
    done, last = 0, ""
    text = sql(
        "SELECT contact_id, wrapped FROM contacts WHERE wrapped IS NOT NULL AND contact_id > ?"
        " ORDER BY contact_id LIMIT ?"
    )
    while True:
        cur.execute(text, (last, _BATCH))
        rows = cur.fetchall()
        if not rows:
            break
        changed = [(wrap(new, k, unwrap(old, k, bytes(w))), k) for k, w in rows]
        cur.executemany(sql("UPDATE contacts SET wrapped = ? WHERE contact_id = ?"), changed)
        done, last = done + len(rows), rows[-1][0]
    cur.execute(
        sql("UPDATE key_master SET check_value = ?, since = ? WHERE id = 1"), (new.check, now())
    )
    return done
