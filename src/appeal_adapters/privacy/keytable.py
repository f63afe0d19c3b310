"""The default key store: the contacts' keys in a table of the store's own database, each wrapped
(encrypted) with the master key, which is never stored there.

``contact_keys`` holds one row per key: its id (a contact id, or ``@HM:index`` for a district's
blind-index secret), the wrapped key, and when it was made and destroyed.  Destroying a key
empties its ``wrapped`` column; the row stays, so "this contact was erased" remains known.
``key_master`` holds the master key's check value (``MasterKey.check``), so a wrong key is told
at once rather than as data that does not open.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from appeal_adapters.privacy.master import MasterKey, MasterKeyMismatch, MasterKeyMissing
from appeal_adapters.privacy.vault import KEY_BYTES, unwrap, wrap
from appeal_core.timeutil import SHANGHAI

#: Inserts rows into a table (the store's own way: executemany, or COPY for a bulk ingest).
Insert = Callable[[str, Sequence[str], list[tuple[Any, ...]]], None]
KEY_COLUMNS = ("key_id", "wrapped", "created_at")
_BATCH = 500


def _now() -> str:
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
    cur.execute("SELECT 1 FROM contact_keys LIMIT 1")
    return cur.fetchone() is not None


class TableKeyStore:
    """``KeyStore`` over the ``contact_keys`` table, inside the caller's transaction (``cur``).

    ``master`` wraps and unwraps; without it every call that needs it raises
    ``MasterKeyMissing`` (naming ``APPEAL_MASTER_KEY``).  ``insert`` writes new rows.
    """

    def __init__(
        self,
        cur: Any,
        sql: Callable[[str], str],
        master: MasterKey | None,
        where: str,
        insert: Insert | None = None,
    ) -> None:
        self._cur = cur
        self._sql = sql
        self._master = master
        self._where = where
        self._insert = insert

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
            text = f"SELECT key_id, wrapped FROM contact_keys WHERE key_id IN ({marks})"
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
        """New random keys, wrapped and inserted in the caller's transaction."""
        master = self._key()
        if stored_check(self._cur) is None:
            self._cur.execute(
                self._sql("INSERT INTO key_master (id, check_value, since) VALUES (1, ?, ?)"),
                (master.check, _now()),
            )
        now = _now()
        keys = {key_id: secrets.token_bytes(KEY_BYTES) for key_id in key_ids}
        rows = [(key_id, wrap(master, key_id, key), now) for key_id, key in keys.items()]
        if self._insert is not None:
            self._insert("contact_keys", KEY_COLUMNS, rows)
        else:
            marks = ", ".join("?" * len(KEY_COLUMNS))
            text = f"INSERT INTO contact_keys ({', '.join(KEY_COLUMNS)}) VALUES ({marks})"
            self._cur.executemany(self._sql(text), rows)
        return keys

    def destroy_key(self, key_id: str) -> bool:
        """Empty the key's ``wrapped`` column (the row stays, dated)."""
        self._cur.execute(
            self._sql(
                "UPDATE contact_keys SET wrapped = NULL, destroyed_at = ?"
                " WHERE key_id = ? AND wrapped IS NOT NULL"
            ),
            (_now(), key_id),
        )
        return bool(self._cur.rowcount)


def rewrap(cur: Any, sql: Callable[[str], str], old: MasterKey, new: MasterKey) -> int:
    """Wrap every live key with ``new`` instead of ``old`` (in the caller's transaction) and
    record ``new``'s check value; the number of keys re-wrapped."""
    done, last = 0, ""
    text = sql(
        "SELECT key_id, wrapped FROM contact_keys WHERE wrapped IS NOT NULL AND key_id > ?"
        " ORDER BY key_id LIMIT ?"
    )
    while True:
        cur.execute(text, (last, _BATCH))
        rows = cur.fetchall()
        if not rows:
            break
        changed = [(wrap(new, k, unwrap(old, k, bytes(w))), k) for k, w in rows]
        cur.executemany(sql("UPDATE contact_keys SET wrapped = ? WHERE key_id = ?"), changed)
        done, last = done + len(rows), rows[-1][0]
    cur.execute(
        sql("UPDATE key_master SET check_value = ?, since = ? WHERE id = 1"), (new.check, _now())
    )
    return done
