"""The store and unit of work both SQL backends run: the driver-specific parts are a few hooks.

A unit of work stages appends in memory (checking versions as it goes) and writes them when it
commits: it locks the chain head, re-checks versions, then inserts the chained event rows and
the new states in the same transaction.  A store opened read-only (``read_only=True``) never
migrates nor writes; its readers never wait for a writer.

Personal values are sealed with their contact's key before an event is hashed and opened when
read (``storage.contacts``, docs/privacy.md); the keys come from the key store (default: the
``contacts`` table, wrapped by the master key from ``APPEAL_MASTER_KEY``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from appeal_adapters import serialization as ser
from appeal_adapters.privacy import keytable
from appeal_adapters.privacy.master import MasterKey, MasterKeyMissing
from appeal_adapters.privacy.vault import SealError
from appeal_adapters.storage import audit, contacts, sql
from appeal_adapters.storage import checkpoint as cp
from appeal_adapters.storage.contacts import ContactKeys
from appeal_core.appeal import Appeal, Channel
from appeal_core.definitions import MetricsRules, period
from appeal_core.duplicates import Candidate, Signature, candidate, enterprise_key
from appeal_core.errors import AppealNotFound, ConcurrencyConflict, QuarantineNotFound
from appeal_core.events import Event, Registered
from appeal_core.intake import QuarantineEntry
from appeal_core.journal import JournalEvent
from appeal_core.metrics import COUNTS, month_bounds
from appeal_core.ports import KeyStore
from appeal_core.privacy import person_key, phone_digits
from appeal_core.timeutil import SHANGHAI, local_date


class GuardedCursor:
    """A DB-API cursor whose driver errors come out as the library's ``StorageError``.

    ``translate(exc)`` gives the error to raise instead, or None to let ``exc`` through (a
    constraint violation, which the unit of work's own checks already stand before).
    """

    def __init__(self, cur: Any, translate: Callable[[Exception], Exception | None]) -> None:
        self._cur = cur
        self._translate = translate

    def _run(self, method: Callable[..., Any], *args: Any) -> Any:
        try:
            return method(*args)
        except Exception as exc:
            better = self._translate(exc)
            if better is None:
                raise
            raise better from exc

    def execute(self, *args: Any) -> GuardedCursor:
        """Run one statement."""
        self._run(self._cur.execute, *args)
        return self

    def executemany(self, *args: Any) -> GuardedCursor:
        """Run one statement for many rows."""
        self._run(self._cur.executemany, *args)
        return self

    def fetchone(self) -> Any:
        """The next row, or None."""
        return self._run(self._cur.fetchone)

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        return list(self._run(self._cur.fetchall))

    def __getattr__(self, name: str) -> Any:  # rowcount, copy, close ...
        return getattr(self._cur, name)


class SqlStore:
    """Shared behaviour of the SQL stores; subclasses provide the connection hooks."""

    dialect: sql.Dialect
    where: str
    #: True when opened with ``read_only=True``: no migration, no unit of work.
    read_only: bool = False

    def __init__(
        self,
        *,
        master_key: MasterKey | None = None,
        key_store: KeyStore | None = None,
        plaintext: bool = False,
    ) -> None:
        self._lock = threading.RLock()
        #: Parsed states by number, with their version: the duplicate check reads the same open
        #: items of an enterprise again and again, and a version names one state for good.
        self._parsed: dict[str, tuple[int, Appeal]] = {}
        #: Duplicate candidates by ``created_seq``, with what tells they are still their item's
        #: (``SqlUnitOfWork._candidates``).
        self._candidates: dict[int, Kept] = {}
        #: The master key (default: ``APPEAL_MASTER_KEY`` / ``APPEAL_MASTER_KEY_FILE``) for the
        #: default key store, or a deployment's own ``key_store`` (the ``appeal_key_store``
        #: hook).  ``plaintext`` keeps personal data in clear: for benchmarks only.
        self._key_store = key_store
        self._master = master_key if master_key is not None or key_store else MasterKey.from_env()
        self._plain = plaintext

    # -- personal data ---------------------------------------------------------------------

    def _contact_keys(self, cur: Any) -> ContactKeys | None:
        """The keys, seals and blind indexes of one operation on ``cur`` (None in clear)."""
        if self._plain:
            return None

        def insert(table: str, columns: Sequence[str], rows: Iterable[Any], bulk: bool) -> None:
            self._insert(cur, table, columns, rows, bulk)

        keys = self._key_store or keytable.TableKeyStore(
            cur, self.dialect.sql, self._master, self.where
        )
        return ContactKeys(keys, cur, self.dialect, self.where, insert)

    def _migrate(self, cur: Any, schema_version: int) -> bool:
        """Migrate inside the opening transaction; then refuse a wrong master key, and (the
        default key store) a missing one when the store holds encrypted data.  True when the
        migration sealed personal data written in clear (``_scrub`` it after the commit)."""
        found = sql.migrate(cur, self.dialect, self.where, schema_version, self._contact_keys)
        if schema_version >= sql.SEALED_FROM:
            self._check_master(cur)
            if self._uses_master and self._master is None and keytable.holds_keys(cur):
                raise MasterKeyMissing(self.where)
        return found < sql.SEALED_FROM <= schema_version and bool(found)

    @property
    def _uses_master(self) -> bool:
        return not self._plain and self._key_store is None

    def _check_master(self, cur: Any) -> None:
        """Refuse a master key that is not the one the store's keys are wrapped with."""
        if self._uses_master:
            keytable.check_master(cur, self._master, self.where)

    def _scrub(self) -> None:
        """After a conversion: rewrite the files so no old clear value stays in free space."""

    def _after_erasure(self) -> None:
        """After an erasure committed: let no copy of the destroyed key linger (a backend's)."""

    def _open(self, cur: Any) -> sql.Open | None:
        found = self._contact_keys(cur)
        return None if found is None else found.open

    # -- hooks a backend provides ----------------------------------------------------------

    def _transaction(self) -> AbstractContextManager[Any]:
        """A write transaction's cursor: commit on success, roll back on error."""
        raise NotImplementedError

    def _cursor(self) -> Any:
        """A cursor for reads outside any unit of work."""
        raise NotImplementedError

    def _snapshot(self) -> AbstractContextManager[Any]:
        """A cursor whose reads all see one moment of the database (a read transaction)."""
        raise NotImplementedError

    def _insert(
        self, cur: Any, table: str, columns: Sequence[str], rows: Iterable[Any], bulk: bool
    ) -> None:
        """Insert many rows, perhaps built as they go (PostgreSQL COPYs a bulk ingest's).

        The rows are built before the statement starts: building one may read through the same
        connection (a district's secret for a blind index), which a running statement forbids."""
        rows = list(rows)
        if rows:
            marks = ", ".join("?" * len(columns))
            text = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            cur.executemany(self.dialect.sql(text), rows)

    def close(self) -> None:
        """Release the connection."""
        raise NotImplementedError

    # -- the store port --------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise sql.ReadOnlyStore(self.where)

    @contextmanager
    def unit_of_work(self) -> Iterator[SqlUnitOfWork]:
        """A transaction: appends land together on commit, or not at all."""
        self._writable()
        with self._lock:
            try:
                with self._transaction() as cur:
                    uow = SqlUnitOfWork(self, cur)
                    yield uow
                    uow.flush()
            except BaseException:
                self._forget_read()  # what it read of its own writes is gone with them
                raise
        if uow._erase:
            self._after_erasure()

    def _forget_read(self) -> None:
        """Forget the states and candidates kept: after a rollback, a number or a
        ``created_seq`` read inside it (with its version) may name another item later."""
        self._parsed.clear()
        self._candidates.clear()

    def events(self, number: str) -> tuple[Event, ...]:
        """The item's full history, oldest first."""
        cur = self._cursor()
        return load_events(cur, self.dialect, number, self._open(cur))

    def state(self, number: str) -> Appeal:
        """The item's current state, checked against its events (``StateMismatch`` when the
        stored state is not their fold: the current-state table was changed behind the log)."""
        cur = self._cursor()
        return audit.load_checked(cur, self.dialect, number, self._contact_keys(cur))[0]

    def histories(self, numbers: Iterable[str]) -> Iterator[tuple[str, tuple[Event, ...]]]:
        """``(number, events)`` of many items, read 500 at a time (one query each), in the
        order given; an unknown number has no events (``()``)."""
        cur, pending = self._cursor(), list(numbers)
        open_ = self._open(cur)
        for k in range(0, len(pending), 500):
            chunk = pending[k : k + 500]
            marks = ", ".join("?" * len(chunk))
            cur.execute(
                self.dialect.sql(
                    f"SELECT number, body FROM events WHERE number IN ({marks})"
                    " ORDER BY number, version"
                ),
                chunk,
            )
            found: dict[str, list[Event]] = {}
            for number, body in cur.fetchall():
                found.setdefault(number, []).append(sql.read_event(body, open_))
            for number in chunk:
                yield number, tuple(found.get(number, ()))

    def journal(self, stream: str) -> tuple[JournalEvent, ...]:
        """A journal stream's events, oldest first; ``()`` when it has none."""
        return load_journal(self._cursor(), self.dialect, stream)

    def journal_version(self, stream: str) -> int:
        """How many events a journal stream has (one indexed look-up: desks re-read a stream
        only when it grew)."""
        cur = self._cursor()
        cur.execute(self.dialect.sql(JOURNAL_VERSION), (stream,))
        return int(cur.fetchone()[0] or 0)

    def numbers(self, district: str | None = None) -> tuple[str, ...]:
        """Item numbers in registration order."""
        return tuple(row[1] for row in self._ordered("a.number", district))

    def states(self, district: str | None = None) -> Iterator[Appeal]:
        """Current states in registration order, read in batches (each batch's keys at once)."""
        columns = "a.state, e.body, a.contact_id"
        for chunk in self._ordered_chunks(columns, district, sql.STATE_FROM):
            seals = self._contact_keys(self._cursor())
            if seals is not None:
                seals.ring.load(row[3] for row in chunk)
            open_ = None if seals is None else seals.open
            yield from (sql.state_of(row[1], row[2], open_) for row in chunk)

    def _ordered(
        self, columns: str, district: str | None, source: str = "appeals a"
    ) -> Iterator[Any]:
        for chunk in self._ordered_chunks(columns, district, source):
            yield from chunk

    def _ordered_chunks(
        self, columns: str, district: str | None, source: str = "appeals a"
    ) -> Iterator[list[Any]]:
        where = "" if district is None else "AND a.district = ? "
        text = f"SELECT a.created_seq, {columns} FROM {source} WHERE a.created_seq > ? {where}"
        text += "ORDER BY a.created_seq LIMIT ?"
        cur = self._cursor()
        key, size = 0, 2000
        while True:
            params = (key, size) if district is None else (key, district, size)
            cur.execute(self.dialect.sql(text), params)
            chunk = cur.fetchall()
            if chunk:
                yield chunk
            if len(chunk) < size:
                return
            key = chunk[-1][0]

    # -- extensions: bulk ingest, the chain check, report queries --------------------------

    def bulk_register(self, items: Iterable[tuple[Sequence[Event], Appeal]]) -> int:
        """Store many new items (their events and folded state) in one transaction.

        Their numbers must continue each district's and year's count without gaps, and each
        item's events must start with its registration and count up to its state's version;
        raises ``NumberingError`` otherwise, keeping nothing of the batch.
        """
        self._writable()
        with _collector_paused():
            pending = list(items)
            if not pending:
                return 0
            with self._lock, self._transaction() as cur:
                self._advance_counters(cur, [state for _, state in pending])
                cur.execute(self.dialect.sql(HEAD + self.dialect.for_update))
                head_seq, head_hash = cur.fetchone()
                seals = self._contact_keys(cur)
                if seals is not None:  # new people's keys made while their rows stream
                    seals.prepare((state for _, state in pending), bulk=True)
                # each item is checked as its rows are written: a bad one rolls all back
                staged = (_new_item(events, state) for events, state in pending)
                day, seal = self.dialect.day, None if seals is None else seals.seal
                phones = None if seals is None else seals.phone_index
                rows = sql.Rows(staged, head_seq, head_hash, day, seal, phones)
                self._write(cur, rows, bulk=True)
        return len(pending)

    def _advance_counters(self, cur: Any, states: list[Appeal]) -> None:
        wanted: dict[tuple[str, int], list[int]] = {}
        for state in states:
            wanted.setdefault((state.district, state.year), []).append(state.seq)
        d = self.dialect
        for (district, year), seqs in sorted(wanted.items()):
            cur.execute(d.sql(ENSURE_COUNTER), (district, year))
            cur.execute(d.sql(READ_COUNTER + d.for_update), (district, year))
            last = cur.fetchone()[0]
            seqs.sort()
            if seqs != list(range(last + 1, last + 1 + len(seqs))):
                raise sql.NumberingError(
                    f"批量登记的 {district} {year} 年事项序号应从 {last + 1} 起连续编号"
                    f"（共 {len(seqs)} 件，至 {last + len(seqs)}），实为 {seqs[0]} 至 {seqs[-1]}"
                    "，其中有缺号或重号"
                )
            cur.execute(d.sql(SET_COUNTER), (last + len(seqs), district, year))

    def _write(self, cur: Any, rows: sql.Rows, *, bulk: bool = False) -> None:
        self._insert(cur, "appeals", sql.APPEAL_COLUMNS, rows.new_appeals(), bulk)
        self._insert(cur, "events", sql.EVENT_COLUMNS, rows.events(), bulk)
        if rows.changed_appeals:
            cur.executemany(self.dialect.sql(UPDATE_APPEAL), rows.changed_appeals)
        if rows.rewritten:
            for table in sql.METRIC_TABLES:
                text = f"DELETE FROM {table} WHERE number = ?"
                cur.executemany(self.dialect.sql(text), rows.rewritten)
        for table, columns, values in rows.metric_tables():
            self._insert(cur, table, columns, values, bulk)
        cur.execute(self.dialect.sql(SET_HEAD), (rows.last_seq, rows.last_hash))

    def verify(
        self, *, against: cp.Checkpoint | None = None, items: bool = True
    ) -> sql.VerifyReport:
        """Check the log in one snapshot and report the first problem, if any.

        First the hash chain over every event row; then, with ``against``, that the log still
        holds the checkpoint's last row with its hash (events deleted and the chain head moved
        back are found so); then (unless ``items=False``) every item's stored state and report
        rows against the fold and projection of its events, in batches.
        """
        with self._snapshot() as cur:
            report = self._verify_chain(cur)
            if report.ok and against is not None:
                report = cp.compare(cur, self.dialect, against, report.count)
                if not report.ok:
                    report = cp.explain_rewrite(cur, report, against)
            if report.ok and items:
                report = audit.check_items(cur, self.dialect, report.count)
        return report

    def _verify_chain(self, cur: Any) -> sql.VerifyReport:
        d = self.dialect
        cur.execute(HEAD)
        head_seq, head_hash = cur.fetchone()
        rows = sql.batched(cur, d, VERIFY_ROWS)  # fetches each batch whole: ``cur`` is free

        def exists(digest: str) -> bool:
            cur.execute(d.sql("SELECT 1 FROM events WHERE hash = ?"), (digest,))
            return cur.fetchone() is not None

        report = sql.check_chain(rows, (head_seq, head_hash), exists)
        if report.what == "removed":
            cur.execute(GAPPED_ITEM)
            row = cur.fetchone()
            number = row[0] if row else None
            report = sql.VerifyReport(False, report.count, report.first_bad, number, "removed")
        return report

    def checkpoint(self, *, at: datetime | None = None, key: bytes | None = None) -> cp.Checkpoint:
        """The chain head now, to keep outside the database (``verify(against=...)``).

        ``at`` defaults to now (Asia/Shanghai); with ``key`` the checkpoint is signed
        (HMAC-SHA256).  Write it with ``appeal_adapters.storage.checkpoint.write_checkpoint``.
        """
        when = at or datetime.now(SHANGHAI).replace(microsecond=0)
        with self._snapshot() as cur:
            taken = cp.take(cur, self.where, when)
        return taken.signed(key) if key is not None else taken

    # -- contacts (``ContactIndex``) and the master key -------------------------------------

    def contact_items(self, contact: str) -> tuple[str, ...]:
        """The numbers of a contact's items, in registration order."""
        return contacts.contact_items(self._cursor(), self.dialect, contact)

    def contacts_by_phone(self, district: str, phone: str) -> tuple[str, ...]:
        """The live contacts of ``district`` with this phone number (by its blind index)."""
        cur = self._cursor()
        seals = self._contact_keys(cur)
        if seals is None:
            return ()
        digits = phone_digits(phone)
        if not digits:
            return ()
        found = seals.phone_blind(district, digits)
        return contacts.contacts_with(cur, self.dialect, district, found)

    def due_contacts(self, district: str, ended_before: date) -> list[tuple[str, tuple[str, ...]]]:
        """Live contacts of ``district`` whose items all ended before ``ended_before``."""
        return contacts.due_contacts(self._cursor(), self.dialect, district, ended_before)

    def rotate_master_key(
        self, new: MasterKey, record: Callable[[int], Sequence[JournalEvent]] = lambda _: ()
    ) -> int:
        """Wrap every contact key with ``new`` instead of the current master key, in one
        transaction with the events ``record(keys re-wrapped)`` gives (``MasterKeyRotated``);
        the number of keys re-wrapped.

        Afterwards the store opens only with ``new`` (``APPEAL_MASTER_KEY``): change it in the
        deployment at the same time (docs/privacy.md).
        """
        self._writable()
        if self._key_store is not None or self._plain:
            raise SealError(f"存储 {self.where} 不使用主密钥（外部密钥服务或明文），无需轮换")
        if self._master is None:
            raise MasterKeyMissing(self.where)
        with self._lock, self._transaction() as cur:
            keytable.check_master(cur, self._master, self.where)
            done = keytable.rewrap(cur, self.dialect.sql, self._master, new)
            uow = SqlUnitOfWork(self, cur)
            for event in record(done):
                uow.append_journal(event.stream, len(uow.journal(event.stream)), (event,))
            uow.flush()
        self._master = new
        return done

    @property
    def master_check(self) -> str | None:
        """The check value of the master key in use (None without one)."""
        return None if self._master is None else self._master.check

    def overdue_numbers(self, on: date, district: str | None = None) -> list[str]:
        """Open items past their reply deadline without any reply, or past their completion
        deadline without a final reply, on day ``on``; in registration order."""
        where = "" if district is None else " AND district = ?"
        text = OVERDUE.format(where=where)
        day = on.isoformat()
        params = (day,) if district is None else (day, district)
        cur = self._cursor()
        cur.execute(self.dialect.sql(text), params)
        return [number for _, number in sorted(cur.fetchall())]

    def numbers_due_from(self, since: date, district: str | None = None) -> list[str]:
        """Open items with a current reply, completion or escalation deadline on or after
        ``since``, in registration order (the candidates of a calendar's impact report)."""
        where = "" if district is None else " AND district = ?"
        day = since.isoformat()
        params = (day, day, day) if district is None else (day, day, day, district)
        cur = self._cursor()
        cur.execute(self.dialect.sql(DUE_FROM.format(where=where)), params)
        return [number for _, number in sorted(cur.fetchall())]

    def quarantined(
        self, district: str | None = None, *, include_settled: bool = False
    ) -> tuple[QuarantineEntry, ...]:
        """Quarantined rows, oldest first; settled ones only when asked."""
        where = [] if district is None else ["district = ?"]
        if not include_settled:
            where.append("status = 'open'")
        text = QUARANTINE_SELECT + (" WHERE " + " AND ".join(where) if where else "")
        cur = self._cursor()
        cur.execute(
            self.dialect.sql(text + " ORDER BY id"), () if district is None else (district,)
        )
        keys = self._contact_keys(self._cursor())
        return tuple(_entry(row, keys) for row in cur.fetchall())

    def quarantine_entry(self, entry_id: int) -> QuarantineEntry:
        """One quarantined row; ``QuarantineNotFound`` when there is none with this id."""
        cur = self._cursor()
        cur.execute(self.dialect.sql(QUARANTINE_SELECT + " WHERE id = ?"), (int(entry_id),))
        row = cur.fetchone()
        if row is None:
            raise QuarantineNotFound(entry_id)
        return _entry(row, self._contact_keys(cur))

    def pending_review(
        self, district: str, *, after: str | None = None, limit: int | None = None
    ) -> tuple[Appeal, ...]:
        """Items with assumptions awaiting review, in registration order (``appeals_review``),
        after the item ``after``, at most ``limit``."""
        cur, start = self._cursor(), 0
        if after is not None:
            cur.execute(self.dialect.sql(CREATED), (after,))
            row = cur.fetchone()
            if row is None:
                raise AppealNotFound(after)
            start = int(row[0])
        text = REVIEW + ("" if limit is None else " LIMIT ?")
        params = (district, start) if limit is None else (district, start, int(limit))
        cur.execute(self.dialect.sql(text), params)
        rows = cur.fetchall()
        open_ = self._open(self._cursor())
        return tuple(sql.state_of(stored, first, open_) for stored, first in rows)

    def stock_numbers(self, on: date, district: str | None = None) -> list[str]:
        """Items in a lead department's stock at the end of day ``on`` (the month's 存量 rows,
        by the metrics tables' indexes), in number order: candidates for the briefing's list."""
        hi = on.isoformat()
        short_from = (on - timedelta(days=sql.LONG_DAYS)).isoformat()
        where = "" if district is None else " AND c.district = ?"
        tail: tuple[str, ...] = () if district is None else (district,)
        cur, found = self._cursor(), set[str]()
        for text, params in ((STOCK_SHORT, (short_from, hi, hi)), (STOCK_LONG, (hi, hi))):
            cur.execute(self.dialect.sql(text.format(where=where)), (*params, *tail))
            found.update(number for (number,) in cur.fetchall())
        return sorted(found)

    def month_numbers(
        self,
        first: date,
        last: date,
        district: str | None = None,
        *,
        lead: str | None = None,
        kinds: Sequence[str] = ("visit", "cycle", "reply", "completion", "finished", "stock"),
    ) -> list[str]:
        """Items with a metrics row the month ``first``..``last`` may count (visits, cycle
        starts, reply and completion deadlines and final replies in it, stock at its cut-off),
        optionally of one
        lead department: the candidates an explanation reads (``appeal_core.explain``)."""
        lo, hi = first.isoformat(), last.isoformat()
        short_from = (last - timedelta(days=sql.LONG_DAYS)).isoformat()
        where = "".join(
            f" AND {{t}}{column} = ?" for column, value in (("district", district), ("lead", lead))
            if value is not None
        )  # fmt: skip
        tail = tuple(v for v in (district, lead) if v is not None)
        queries = {
            "visit": (MONTH_VISIT_NUMBERS, (lo, hi), ""),
            "cycle": (MONTH_CYCLE_NUMBERS, (lo, hi), ""),
            "reply": (MONTH_REPLY_NUMBERS, (lo, hi, hi), ""),
            "completion": (MONTH_COMPLETION_NUMBERS, (lo, hi, hi), ""),
            "finished": (MONTH_FINISHED_NUMBERS, (lo, hi), "c."),
        }
        cur, found = self._cursor(), set[str]()
        for kind in kinds:
            if kind == "stock":
                stock: tuple[tuple[str, tuple[str, ...]], ...] = (
                    (STOCK_SHORT, (short_from, hi, hi)), (STOCK_LONG, (hi, hi)))  # fmt: skip
                for text, params in stock:
                    cur.execute(self.dialect.sql(text.format(where=where.format(t="c."))),
                                (*params, *tail))  # fmt: skip
                    found.update(n for (n,) in cur.fetchall())
                continue
            text, params, prefix = queries[kind]
            cur.execute(self.dialect.sql(text.format(where=where.format(t=prefix))),
                        (*params, *tail))  # fmt: skip
            found.update(n for (n,) in cur.fetchall())
        return sorted(found)

    def month_counts(
        self,
        year: int,
        month: int,
        district: str | None = None,
        *,
        weight: float = 1.0,
        rules: MetricsRules | None = None,
        bounds: tuple[date, date] | None = None,
    ) -> tuple[dict[str, dict[str, float]], dict[Channel, list[int]]]:
        """The monthly report's counts, computed in SQL over the metrics tables.

        Returns ``(per_department, channels)`` for ``appeal_core.metrics.report_from_counts``:
        per lead department a dict of the ``COUNTS`` (``satisfied`` counts a satisfied visit 1
        and a basically satisfied one the rules' weight; the others are ints), and per channel
        ``[received, assigned_or_answered, answered]``.  ``rules`` are the definitions (口径;
        default: the seed's, with ``weight`` for 基本满意) and ``bounds`` the period (default:
        by the rules).  Exactly ``appeal_core.metrics.aggregate`` over the same items.
        """
        rules = rules or MetricsRules(basically_satisfied_weight=weight)
        first, last = bounds or period(rules, rules, year, month)
        lo, hi = first.isoformat(), last.isoformat()
        short_from = (last - timedelta(days=sql.LONG_DAYS)).isoformat()
        cur, d = self._cursor(), self.dialect
        where = "" if district is None else " AND {t}district = ?"
        tail: tuple[str, ...] = () if district is None else (district,)
        per_dept: dict[str, dict[str, float]] = {}

        def run(text: str, params: tuple[Any, ...], prefix: str = "") -> list[Any]:
            cur.execute(d.sql(text.format(where=where.format(t=prefix))), (*params, *tail))
            return list(cur.fetchall())

        def add(lead: str, **counts: Any) -> None:
            entry = per_dept.setdefault(lead, dict.fromkeys(COUNTS, 0))
            for key, value in counts.items():
                entry[key] += int(value or 0)

        visits = (lo, hi, int(rules.valid_visits_only), int(rules.revisit_final), hi)
        weight = rules.basically_satisfied_weight
        for lead, n, resolved, full, basic in run(MONTH_VISITS, visits):
            add(lead, visited=n, resolved=resolved)
            per_dept[lead]["satisfied"] += int(full or 0) + weight * int(basic or 0)
        for lead, n in run(MONTH_ASSIGNED, (lo, hi)):
            add(lead, assigned=n)
        for lead, n, on_time in run(MONTH_REPLY_DUE, (lo, hi, hi, hi, hi, hi)):
            add(lead, reply_due=n, replied_on_time=on_time)
        keep = int(rules.extension_keeps_miss)
        for lead, n, on_time in run(MONTH_COMPLETION_DUE, (lo, hi, hi, hi, keep, hi, hi)):
            add(lead, completion_due=n, completed_on_time=on_time)
        for lead, n in run(MONTH_LATE, (lo, hi, hi, hi), "c."):
            add(lead, completed_late=n)
        late = (hi, hi, hi, hi, hi, hi, hi, hi)
        for text, params in (
            (MONTH_STOCK_SHORT, (short_from, hi, hi)),
            (MONTH_STOCK_LONG, (hi, hi)),
        ):
            for lead, n, overdue in run(text, (*late, *params), "c."):
                add(lead, stock=n, overdue_open=overdue)
        channels: dict[Channel, list[int]] = {ch: [0, 0, 0] for ch in Channel}
        for channel, n, assigned, answered in run(MONTH_CHANNELS, (hi, hi, lo, hi)):
            channels[Channel(channel)] = [int(n), int(assigned or 0), int(answered or 0)]
        return dict(sorted(per_dept.items())), channels

    def co_handling_counts(
        self,
        year: int,
        month: int,
        district: str | None = None,
        *,
        bounds: tuple[date, date] | None = None,
    ) -> dict[str, dict[str, int]]:
        """The co-handling section's counts per co-handling department, in SQL over
        ``m_co_dues``: exactly ``appeal_core.cohandling.co_counts`` over the same items
        (``bounds``: the month's period, by default the calendar month)."""
        first, last = bounds or month_bounds(year, month)
        lo, hi = first.isoformat(), last.isoformat()
        where = "" if district is None else " AND district = ?"
        tail: tuple[str, ...] = () if district is None else (district,)
        cur, out = self._cursor(), dict[str, dict[str, int]]()
        cur.execute(self.dialect.sql(CO_DUE.format(where=where)), (lo, hi, hi, hi, hi, *tail))
        for department, n, on_time in cur.fetchall():
            entry = out.setdefault(department, {"reports_due": 0, "on_time": 0, "overdue_open": 0})
            entry["reports_due"], entry["on_time"] = int(n), int(on_time or 0)
        cur.execute(self.dialect.sql(CO_OVERDUE.format(where=where)), (hi, hi, hi, hi, hi, *tail))
        for department, n in cur.fetchall():
            entry = out.setdefault(department, {"reports_due": 0, "on_time": 0, "overdue_open": 0})
            entry["overdue_open"] = int(n)
        return dict(sorted(out.items()))


class SqlUnitOfWork:
    """Appends staged over a write transaction; reads see the staged changes first."""

    def __init__(self, store: SqlStore, cur: Any) -> None:
        self._store = store
        self._cur = cur
        self._d = store.dialect
        self._staged: dict[str, sql.Staged] = {}
        self._journal: dict[str, sql.Staged] = {}
        self._sources: dict[tuple[str, str, str], str] = {}
        self._loaded: dict[str, tuple[Event, ...]] = {}  # events read by ``state()``
        self._seals: ContactKeys | None = None
        self._erase: list[str] = []
        self._reserved: set[tuple[str, int, int]] = set()

    @property
    def seals(self) -> ContactKeys | None:
        """This transaction's keys and seals (None for a store in clear)."""
        if self._seals is None:
            self._seals = self._store._contact_keys(self._cur)
        return self._seals

    def _open(self) -> sql.Open | None:
        return None if self.seals is None else self.seals.open

    def next_seq(self, district: str, year: int) -> int:
        """The next sequence; the counter row stays locked until commit or rollback."""
        self._cur.execute(self._d.sql(NEXT_SEQ), (district, year))
        return int(self._cur.fetchone()[0])

    def events(self, number: str) -> tuple[Event, ...]:
        """Stored history followed by the staged events."""
        item = self._staged.get(number)
        if item is None:
            return load_events(self._cur, self._d, number, self._open())
        if item.base and item.prior is None:
            item.prior = load_events(self._cur, self._d, number, self._open())
        return (*(item.prior or ()), *item.events)

    def state(self, number: str) -> Appeal:
        """Staged or stored state; a stored one is checked against its events
        (``StateMismatch``), so no command decides on a forged current-state row."""
        item = self._staged.get(number)
        if item is not None and item.state is not None:
            return item.state
        state, events = audit.load_checked(self._cur, self._d, number, self.seals)
        self._loaded[number] = events
        return state

    def append(
        self, number: str, expected_version: int, events: Sequence[Event], state: Appeal
    ) -> None:
        """Stage events after ``expected_version``; a stale version is a conflict."""
        item = self._staged.get(number)
        if item is None:
            version, lead = self._stored_version(number)
            prior = self._loaded.get(number)
            item = sql.Staged(number, version, lead, [], state)
            if prior is not None and len(prior) == version:
                item.prior = prior  # the events ``state()`` read and checked
        current = item.base + len(item.events)
        if current != expected_version:
            raise ConcurrencyConflict(number, expected_version, current)
        if current == 0 and state.source_id:
            self._sources[(state.district, state.channel.value, state.source_id)] = number
        item.events.extend(events)
        item.state = state
        self._staged[number] = item

    def find_source(self, district: str, channel: str, source_id: str) -> str | None:
        """The item registered from this channel's own id, staged or stored."""
        if not source_id:
            return None
        key = (district, channel, source_id)
        if key in self._sources:
            return self._sources[key]
        self._cur.execute(self._d.sql(FIND_SOURCE), key)
        row = self._cur.fetchone()
        return None if row is None else str(row[0])

    def reserve_seqs(self, district: str, year: int, count: int) -> int:
        """``count`` consecutive sequences (one counter update); the first."""
        self._cur.execute(self._d.sql(RESERVE), (district, year, count, count))
        first = int(self._cur.fetchone()[0]) - count + 1
        self._reserved.update((district, year, s) for s in range(first, first + count))
        return first

    def find_sources(
        self, district: str, channel: str, source_ids: Collection[str]
    ) -> dict[str, str]:
        """The items registered from these ids, staged or stored (``appeals_source``)."""
        staged = {s: self._sources.get((district, channel, s)) for s in source_ids if s}
        found = {s: n for s, n in staged.items() if n is not None}
        missing = [s for s in staged if s not in found]
        for rows in self._by_keys(FIND_SOURCES, (district, channel), [("source_id", missing)]):
            found.update(rows)
        return found

    def _by_keys(
        self,
        query: str,
        params: tuple[Any, ...],
        lookups: Sequence[tuple[str, list[str]]],
        outer: str = "{inner}",
    ) -> Iterator[list[Any]]:
        """The rows of ``query`` (after ``params``) for each key of each ``(column, keys)``, in
        one statement (a ``UNION ALL`` over the columns), placed in ``outer``.  SQLite looks
        the keys up as ``IN`` lists (500 a column per statement); PostgreSQL one after another
        from an array (``LATERAL``), a plan that stays an index lookup per key whatever
        statistics a large import has left behind."""
        lookups = [(column, keys) for column, keys in lookups if keys]
        if self._d.name == sql.POSTGRES.name:
            parts, values = [], []
            for column, keys in lookups:
                inner = self._d.sql(query.format(column=column, match="= k.key"))
                parts.append(BY_KEYS_PG.format(query=inner))
                values += [keys, *params]
            if parts:
                self._cur.execute(outer.format(inner=" UNION ALL ".join(parts)), values)
                yield self._cur.fetchall()
            return
        for start in range(0, max((len(keys) for _, keys in lookups), default=0), 500):
            parts, values = [], []
            for column, keys in lookups:
                chunk = keys[start : start + 500]
                if chunk:
                    match = f"IN ({', '.join('?' * len(chunk))})"
                    parts.append(query.format(column=column, match=match))
                    values += [*params, *chunk]
            self._cur.execute(outer.format(inner=" UNION ALL ".join(parts)), values)
            yield self._cur.fetchall()

    def duplicate_candidates(
        self, district: str, keys: Collection[str], since: date
    ) -> list[Candidate]:
        """Open items since ``since`` sharing a key, by the ``appeals_enterprise``,
        ``appeals_code`` and ``appeals_phone`` indexes; staged changes applied.

        The items found are read as ``(created_seq, version, phone erased)`` only: an item
        kept from an earlier lookup (``_candidates``) is reused while those agree, and only
        the others' signature columns are read (a second statement)."""
        columns = {"name": "enterprise_key", "code": "credit_code", "phone": "phone_key"}
        wanted: dict[str, list[str]] = {}
        clear: dict[str, str] = {}  # a phone's blind index -> the phone key asked for
        seals = self.seals
        for key in keys:
            kind, _, value = key.partition(":")
            if kind == "phone" and value and seals is not None:
                index = seals.phone_index(district, value)
                clear[index], value = value, index
            if kind in columns and value:
                wanted.setdefault(kind, []).append(key if kind == "name" else value)
        day = self._d.day(since)
        lookups = [(columns[kind], values) for kind, values in wanted.items()]
        chunks = self._by_keys(CANDIDATE_SEQS, (district, day), lookups, CANDIDATE_MARKS)
        found = self._candidates([row for chunk in chunks for row in chunk], clear, seals)
        for number, item in self._staged.items():  # staged changes (rare while registering)
            found.pop(number, None)
            state = item.state
            if state is None or state.district != district or not state.status.is_open:
                continue
            mine = candidate(state)
            if mine.registered_on >= since and not set(keys).isdisjoint(mine.signature.keys):
                found[number] = mine
        return list(found.values())

    def _candidates(
        self, marks: list[Any], clear: dict[str, str], sealed: ContactKeys | None
    ) -> dict[str, Candidate]:
        """The candidates of ``marks`` (``CANDIDATE_MARKS`` rows): those kept from an earlier
        lookup with the same version and phone state as is, the others read
        (``CANDIDATE_ROWS``) and kept, ``CANDIDATES_KEPT`` at most: an enterprise's open
        items meet many new rows.  A sealed store's phone is a blind index: it becomes the
        phone key asked for when it is one (``clear``), else stays apart (``#`` before it)."""
        known = self._store._candidates
        if len(known) + len(marks) > CANDIDATES_KEPT:
            known.clear()  # bounded: forget them all, rather than keep a use order per item
        found: dict[str, Candidate] = {}
        missing: list[int] = []
        for created, version, erased in marks:
            kept = known.get(created)
            if kept is None or kept[0] != version or kept[1] != erased:
                missing.append(created)
            elif sealed is None or not kept[2]:  # no blind index to turn back: as read
                found[kept[3].number] = kept[3]
            else:
                made = _as_asked(kept, clear)
                found[made.number] = made
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            if self._d.name == sql.POSTGRES.name:
                self._cur.execute(CANDIDATE_ROWS.format(inner="SELECT unnest(%s::bigint[])"),
                                  (chunk,))  # fmt: skip
            else:
                inner = ", ".join("?" * len(chunk))
                self._cur.execute(CANDIDATE_ROWS.format(inner=inner), chunk)
            for row in self._cur.fetchall():
                created, version, erased, *values = row
                stored = values[6]  # the phone column
                if sealed is None or not stored:
                    made = _candidate(values)
                    known[created] = [version, erased, stored, made, made]
                else:  # made as this lookup asks; the other way when one asks it
                    asked = clear.get(stored)
                    values[6] = asked or f"#{stored}"
                    made = _candidate(values)
                    kept = known[created] = [version, erased, stored, None, None]
                    kept[4 if asked else 3] = made
                found[made.number] = made
        return found

    def register_many(self, items: Sequence[tuple[Registered, Appeal, Signature]]) -> None:
        """Write new items now, inside the transaction (binary ``COPY`` on PostgreSQL for a
        large batch): their sequences must come from ``reserve_seqs`` of this unit."""
        staged = []
        for event, state, sig in items:
            seat = (state.district, state.year, state.seq)
            if seat not in self._reserved or state.number in self._staged:
                raise sql.NumberingError(
                    f"事项 {state.number} 的序号 {state.seq} 不是本次预留的序号，不能登记"
                )
            self._reserved.discard(seat)
            item = _new_item((event,), state)
            item.signature = sig
            staged.append(item)
        if not staged:
            return
        cur = self._cur
        cur.execute(self._d.sql(HEAD + self._d.for_update))
        head_seq, head_hash = cur.fetchone()
        bulk, seals = len(staged) >= BULK_MIN, self.seals
        seal, phones = (None, None) if seals is None else (seals.seal, seals.phone_index)
        rows = sql.Rows(staged, head_seq, head_hash, self._d.day, seal, phones)
        with _collector_paused():
            if seals is not None:  # a large batch COPYs its new people's rows as they are made
                seals.prepare((it.state for it in staged if it.state is not None), bulk=bulk)
            self._store._write(cur, rows, bulk=bulk)

    def open_items_of(self, district: str, enterprise_key_: str, since: date) -> list[Appeal]:
        """Open items of one enterprise registered since ``since``, staged ones included, in
        registration order (an index lookup for the stored ones)."""
        cur, parsed = self._cur, self._store._parsed
        cur.execute(self._d.sql(OPEN_OF), (district, enterprise_key_, since.isoformat()))
        found: list[tuple[tuple[int, int], Appeal]] = []
        missing: list[tuple[int, str]] = []
        for created, number, version in cur.fetchall():
            if number in self._staged:
                continue
            known = parsed.get(number)
            if known is not None and known[0] == version:
                found.append(((0, int(created)), known[1]))
            else:
                missing.append((int(created), number))
        for created, number in missing:
            state = load_state(cur, self._d, number, self._open())
            if len(parsed) >= 50_000:
                parsed.clear()
            parsed[number] = (state.version, state)
            found.append(((0, created), state))
        for k, (number, item) in enumerate(self._staged.items()):
            staged_state = item.state
            if staged_state is None:
                continue
            state = staged_state
            if not (
                state.district == district
                and state.status.is_open
                and local_date(state.registered_at) >= since
                and enterprise_key(state.enterprise) == enterprise_key_
            ):
                continue
            if item.base == 0:
                found.append(((1, k), state))
            else:
                cur.execute(self._d.sql(CREATED), (number,))
                found.append(((0, int(cur.fetchone()[0])), state))
        return [state for _, state in sorted(found, key=lambda pair: pair[0])]

    def quarantine(self, entry: QuarantineEntry) -> int:
        """Keep a rejected row (inserted now, so it goes with the transaction); its new id."""
        self._cur.execute(self._d.sql(QUARANTINE_INSERT), _entry_values(entry, self.seals))
        return int(self._cur.fetchone()[0])

    def settle_quarantine(
        self, entry_id: int, *, status: str, number: str, note: str, at: datetime, by: str
    ) -> None:
        """Mark a quarantined row admitted or dismissed; ``QuarantineNotFound`` without it."""
        self._cur.execute(
            self._d.sql(SETTLE), (status, number, note, at.isoformat(), by, int(entry_id))
        )
        if self._cur.rowcount == 0:
            raise QuarantineNotFound(entry_id)

    def journal(self, stream: str) -> tuple[JournalEvent, ...]:
        """Stored journal events followed by the staged ones."""
        stored = load_journal(self._cur, self._d, stream)
        staged = self._journal.get(stream)
        return (*stored, *staged.events) if staged else stored

    def append_journal(
        self, stream: str, expected_version: int, events: Sequence[JournalEvent]
    ) -> None:
        """Stage journal events after ``expected_version``; a stale version is a conflict."""
        staged = self._journal.get(stream)
        if staged is None:
            staged = sql.Staged(stream, self._journal_version(stream), None, [], None)
        current = staged.base + len(staged.events)
        if current != expected_version:
            raise ConcurrencyConflict(stream, expected_version, current)
        staged.events.extend(events)
        self._journal[stream] = staged

    def find_contacts(self, district: str, people: Sequence[str]) -> list[str]:
        """For each person key, a live contact of ``district`` with it: staged first, then
        stored (by the keyed blind index of the key; the key itself is never stored)."""
        staged: dict[str, str] = {}
        for item in self._staged.values():
            state = item.state
            if item.base == 0 and state is not None and state.district == district:
                key = person_key(state.enterprise)
                if key and state.enterprise.contact_id:
                    staged.setdefault(key, state.enterprise.contact_id)
        wanted = [key if key and key not in staged else "" for key in people]
        found = self.seals.find(district, wanted) if self.seals and any(wanted) else []
        return [staged.get(key) or (found[k] if found else "") for k, key in enumerate(people)]

    def forget_quarantined(self, district: str, settled_before: date) -> tuple[int, ...]:
        """Delete the cells and value of rows settled before ``settled_before``; their ids."""
        self._cur.execute(
            self._d.sql(
                "SELECT id FROM quarantine WHERE district = ? AND status <> 'open'"
                " AND settled_at <> '' AND settled_at < ? AND (raw <> '[]' OR value <> '')"
                " ORDER BY id"
            ),
            (district, settled_before.isoformat()),
        )
        found = tuple(int(row[0]) for row in self._cur.fetchall())
        self._cur.executemany(
            self._d.sql("UPDATE quarantine SET raw = '[]', value = '', key_id = '' WHERE id = ?"),
            [(k,) for k in found],
        )
        if found:
            self._erase.append("")  # the freed space is zeroed; the WAL emptied after commit
        return found

    def erase_contact(self, contact: str) -> None:
        """Destroy the contact's key and drop their blind indexes with this transaction."""
        if self.seals is None:
            raise SealError(f"存储 {self._store.where} 以明文保存，无法删除联系人")
        self.seals.erase(contact)
        self._erase.append(contact)
        self._store._forget_read()

    def journal_version(self, stream: str) -> int:
        """How many events a journal stream has, staged ones included."""
        staged = self._journal.get(stream)
        return staged.base + len(staged.events) if staged else self._journal_version(stream)

    def _journal_version(self, stream: str) -> int:
        self._cur.execute(self._d.sql(JOURNAL_VERSION), (stream,))
        return int(self._cur.fetchone()[0] or 0)

    def _stored_version(self, number: str) -> tuple[int, str | None]:
        self._cur.execute(self._d.sql(VERSION), (number,))
        row = self._cur.fetchone()
        return (0, None) if row is None else (int(row[0]), row[1])

    def flush(self) -> None:
        """Write the staged appends: lock the chain, re-check versions, insert, move the head."""
        if not self._staged and not self._journal:
            return
        cur = self._cur
        cur.execute(self._d.sql(HEAD + self._d.for_update))
        head_seq, head_hash = cur.fetchone()
        for item in self._staged.values():
            version, _ = self._stored_version(item.number)
            if version != item.base:
                raise ConcurrencyConflict(item.number, item.base, version)
            if item.base and item.prior is None:
                item.prior = load_events(cur, self._d, item.number, self._open())
        for stream in self._journal.values():
            version = self._journal_version(stream.number)
            if version != stream.base:
                raise ConcurrencyConflict(stream.number, stream.base, version)
        staged = [*self._staged.values(), *self._journal.values()]
        day, seals = self._store.dialect.day, self.seals if self._staged else None
        if seals is not None:
            seals.prepare(item.state for item in self._staged.values() if item.state is not None)
        seal, phones = (None, None) if seals is None else (seals.seal, seals.phone_index)
        self._store._write(cur, sql.Rows(staged, head_seq, head_hash, day, seal, phones))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if on) while a bulk ingest runs.

    An ingest allocates millions of short-lived rows without reference cycles; each
    collection they trigger would only walk the caller's heap again (with 1,000,000 items
    in memory, every one of them).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _as_asked(kept: Kept, clear: dict[str, str]) -> Candidate:
    """A kept candidate of a sealed store with its phone as the lookup asks: the phone key
    asked for when its blind index is one (``clear``), else ``#`` and the blind index (apart
    from any key).  Each of the two is made once (the second from the first) and kept."""
    stored = kept[2]
    phone = clear.get(stored)
    slot = 4 if phone else 3
    made: Candidate | None = kept[slot]
    if made is None:
        base = kept[7 - slot]
        phone = phone or f"#{stored}"
        made = kept[slot] = attrs.evolve(base, signature=attrs.evolve(base.signature, phone=phone))
    return made


#: A kept candidate: its item's version and phone state when read, its stored phone column (a
#: blind index in a sealed store), then the candidate with its phone apart (``#`` and the
#: blind index) and with the phone key asked for: each made when first needed (else None).
#: In clear, or without a phone, both are the candidate as read.
Kept = list[Any]


def _candidate(row: Sequence[Any]) -> Candidate:
    number, year, seq, registered, name, code, phone, grams = row
    day = registered if isinstance(registered, date) else date.fromisoformat(registered)
    return Candidate(
        number=number, year=int(year), seq=int(seq), registered_on=day,
        signature=Signature(name, code, phone, bytes(grams or b"")),
    )  # fmt: skip


def _new_item(events: Sequence[Event], state: Appeal) -> sql.Staged:
    first = events[0] if events else None
    if not isinstance(first, Registered) or first.number != state.number:
        raise sql.NumberingError(f"批量登记的事项 {state.number} 的第一个事件应为其登记事件")
    if len(events) != state.version:
        raise sql.NumberingError(
            f"批量登记的事项 {state.number} 有 {len(events)} 个事件，但状态版本为 {state.version}"
        )
    return sql.Staged(state.number, 0, None, list(events), state)


def load_events(
    cur: Any, dialect: sql.Dialect, number: str, open_: sql.Open | None = None
) -> tuple[Event, ...]:
    """An item's stored events, oldest first, their envelopes opened by ``open_``;
    ``AppealNotFound`` when there are none."""
    cur.execute(dialect.sql("SELECT body FROM events WHERE number = ? ORDER BY version"), (number,))
    rows = cur.fetchall()
    if not rows:
        raise AppealNotFound(number)
    return tuple(sql.read_event(row[0], open_) for row in rows)


def load_journal(cur: Any, dialect: sql.Dialect, stream: str) -> tuple[JournalEvent, ...]:
    """A journal stream's stored events, oldest first; ``()`` when there are none."""
    cur.execute(dialect.sql("SELECT body FROM events WHERE number = ? ORDER BY version"), (stream,))
    return tuple(ser.journal_from_dict(ser.loads(row[0])) for row in cur.fetchall())


def load_state(
    cur: Any, dialect: sql.Dialect, number: str, open_: sql.Open | None = None
) -> Appeal:
    """An item's stored state; ``AppealNotFound`` when it is not registered."""
    text = f"SELECT a.state, e.body FROM {sql.STATE_FROM} WHERE a.number = ?"
    cur.execute(dialect.sql(text), (number,))
    row = cur.fetchone()
    if row is None:
        raise AppealNotFound(number)
    return sql.state_of(row[0], row[1], open_)


HEAD = "SELECT last_seq, last_hash FROM chain_head WHERE id = 1"
SET_HEAD = "UPDATE chain_head SET last_seq = ?, last_hash = ? WHERE id = 1"
VERSION = "SELECT version, lead FROM appeals WHERE number = ?"
JOURNAL_VERSION = "SELECT max(version) FROM events WHERE number = ?"
NEXT_SEQ = """INSERT INTO counters (district, year, last_seq) VALUES (?, ?, 1)
    ON CONFLICT (district, year) DO UPDATE SET last_seq = counters.last_seq + 1
    RETURNING last_seq"""
ENSURE_COUNTER = """INSERT INTO counters (district, year, last_seq) VALUES (?, ?, 0)
    ON CONFLICT (district, year) DO NOTHING"""
READ_COUNTER = "SELECT last_seq FROM counters WHERE district = ? AND year = ?"
SET_COUNTER = "UPDATE counters SET last_seq = ? WHERE district = ? AND year = ?"
UPDATE_APPEAL = (
    "UPDATE appeals SET " + ", ".join(f"{c} = ?" for c in sql.UPDATED_COLUMNS) + " WHERE number = ?"
)
# ``source_id <> ''`` lets SQLite use the partial unique index (it only covers non-empty ids).
FIND_SOURCE = """SELECT number FROM appeals
    WHERE district = ? AND channel = ? AND source_id = ? AND source_id <> ''"""
OPEN_OF = """SELECT created_seq, number, version FROM appeals
    WHERE district = ? AND enterprise_key = ? AND is_open = 1 AND registered_on >= ?"""
CREATED = "SELECT created_seq FROM appeals WHERE number = ?"
RESERVE = """INSERT INTO counters (district, year, last_seq) VALUES (?, ?, ?)
    ON CONFLICT (district, year) DO UPDATE SET last_seq = counters.last_seq + ?
    RETURNING last_seq"""
# Lookups by many keys (``_by_keys``): ``{match}`` is an IN list, or ``= k.key`` on PostgreSQL.
# The partial indexes' conditions are spelled out so SQLite uses them.
FIND_SOURCES = """SELECT source_id, number FROM appeals
    WHERE district = ? AND channel = ? AND {column} {match} AND source_id <> ''"""
# The items are found by their keys in the indexes alone (``created_seq`` is SQLite's rowid), and
# each is read once, however many of its keys matched (``IN`` takes each value once).
CANDIDATE_SEQS = """SELECT created_seq FROM appeals WHERE district = ? AND is_open = 1
    AND registered_on >= ? AND {column} {match} AND {column} <> ''"""
# What tells whether a kept candidate is still its item's: the version (every change of an item
# is an event) and whether its phone was erased (``ContactKeys.erase``, without an event).
CANDIDATE_MARKS = """SELECT created_seq, version, phone_key = '' FROM appeals
    WHERE created_seq IN ({inner})"""
CANDIDATE_ROWS = """SELECT created_seq, version, phone_key = '', number, year, seq, registered_on,
    enterprise_key, credit_code, phone_key, grams FROM appeals WHERE created_seq IN ({inner})"""
# ``OFFSET 0`` keeps the planner from flattening the subquery into a join it might scan.
BY_KEYS_PG = """SELECT x.* FROM unnest(%s::text[]) AS k(key)
    CROSS JOIN LATERAL ({query} OFFSET 0) AS x"""
REVIEW = f"""SELECT a.state, e.body FROM {sql.STATE_FROM}
    WHERE a.review_pending = 1 AND a.district = ? AND a.created_seq > ? ORDER BY a.created_seq"""
#: At most this many duplicate candidates are kept decoded between lookups (about 25 MB).
CANDIDATES_KEPT = 20_000
#: From this many items on, ``register_many`` writes through the bulk path (``COPY``).
BULK_MIN = 64
QUARANTINE_INSERT = (
    f"INSERT INTO quarantine ({', '.join(sql.QUARANTINE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(sql.QUARANTINE_COLUMNS))}) RETURNING id"
)
SETTLE = """UPDATE quarantine SET status = ?, number = ?, note = ?, settled_at = ?, settled_by = ?
    WHERE id = ?"""
QUARANTINE_SELECT = f"SELECT id, {', '.join(sql.QUARANTINE_COLUMNS)} FROM quarantine"
VERIFY_ROWS = (
    "SELECT seq, number, version, type, at, body, prev_hash, hash FROM events"
    " WHERE seq > ? ORDER BY seq LIMIT ?"
)
GAPPED_ITEM = """SELECT a.number FROM appeals a
    LEFT JOIN (SELECT number, count(*) AS n, max(version) AS m FROM events GROUP BY number) x
    ON x.number = a.number
    WHERE x.n IS NULL OR x.n <> a.version OR x.m <> a.version
    ORDER BY a.created_seq LIMIT 1"""
# Sorted in Python: an ORDER BY may tempt the planner into a full scan in registration order.
OVERDUE = "SELECT created_seq, number FROM appeals WHERE overdue_from < ?{where}"
DUE_FROM = """SELECT created_seq, number FROM appeals WHERE is_open = 1
    AND (reply_due >= ? OR completion_due >= ? OR escalation_due >= ?){where}"""
# The monthly report over the metrics tables: ``appeal_core.metrics._counts_for`` in SQL.
# Facts dated after the cut-off (the month's last day) are not known yet.
# Visits of the month, less those the definitions leave out: not reaching the enterprise
# (``valid_visits_only``), replaced by the visit after re-handling (``revisit_final``).
MONTH_VISITS = """SELECT lead, count(*), sum(resolved),
    sum(CASE WHEN satisfaction = 'satisfied' THEN 1 ELSE 0 END),
    sum(CASE WHEN satisfaction = 'basically_satisfied' THEN 1 ELSE 0 END)
    FROM m_visits WHERE visited >= ? AND visited <= ? AND (reached = 1 OR ? = 0)
    AND (? = 0 OR superseded IS NULL OR superseded > ?){where} GROUP BY lead"""
MONTH_ASSIGNED = """SELECT lead, count(*) FROM m_cycles
    WHERE started >= ? AND started <= ? AND assigned = 1{where} GROUP BY lead"""
# The cycle's reply deadline in force at the cut-off (set by then, not yet re-dated), due in the
# month, unless handed over by the deadline without a reply known by the cut-off.
MONTH_REPLY_DUE = """SELECT lead, count(*),
    sum(CASE WHEN first_reply <= due THEN 1 ELSE 0 END) FROM m_reply_dues
    WHERE due >= ? AND due <= ? AND changed <= ? AND (replaced IS NULL OR replaced > ?)
    AND started <= ?
    AND NOT (ended IS NOT NULL AND ended <= due AND (first_reply IS NULL OR first_reply > ?)){where}
    GROUP BY lead"""
# The cycle's completion deadline in force at the cut-off: set by then and not yet replaced
# (or, under ``extension_keeps_miss``, replaced by an extension only after it had passed).
MONTH_COMPLETION_DUE = """SELECT lead, count(*),
    sum(CASE WHEN final_reply <= due THEN 1 ELSE 0 END) FROM m_completions
    WHERE due >= ? AND due <= ? AND changed <= ?
    AND (replaced IS NULL OR replaced > ? OR (? = 1 AND kept = 1)) AND started <= ?
    AND NOT (ended IS NOT NULL AND ended <= due AND (final_reply IS NULL OR final_reply > ?)){where}
    GROUP BY lead"""
# Cycles finished (final reply) in the month after their completion deadline in force at the
# cut-off (逾期办理).
_IN_FORCE = """(CASE WHEN c.completion_changed IS NULL THEN NULL
    WHEN c.completion_changed <= ? THEN c.completion_due
    ELSE (SELECT x.due FROM m_completions x WHERE x.number = c.number AND x.cycle = c.cycle
          AND x.changed <= ? ORDER BY x.ord DESC LIMIT 1) END)"""
MONTH_LATE = f"""SELECT c.lead, count(*) FROM m_cycles c
    WHERE c.final_reply >= ? AND c.final_reply <= ? AND c.final_reply > {_IN_FORCE}{{where}}
    GROUP BY c.lead"""
MONTH_FINISHED_NUMBERS = (
    "SELECT c.number FROM m_cycles c WHERE c.final_reply >= ? AND c.final_reply <= ?{where}"
)
# The item's current cycle at the cut-off, still open: started <= cut-off < active_until.  Its
# reply and completion deadlines then are its latest ones when those were set by the cut-off
# (nearly always); otherwise the latest row set by then is looked up.
_STOCK = """SELECT c.lead, count(*), sum(CASE WHEN
      ((c.first_reply IS NULL OR c.first_reply > ?)
       AND (CASE WHEN c.reply_changed <= ? THEN c.reply_due
                 ELSE (SELECT x.due FROM m_reply_dues x WHERE x.number = c.number
                       AND x.cycle = c.cycle AND x.changed <= ? ORDER BY x.ord DESC LIMIT 1)
            END) <= ?)
      OR ((c.final_reply IS NULL OR c.final_reply > ?)
          AND (CASE WHEN c.completion_changed IS NULL THEN NULL
                    WHEN c.completion_changed <= ? THEN c.completion_due
                    ELSE (SELECT x.due FROM m_completions x WHERE x.number = c.number
                          AND x.cycle = c.cycle AND x.changed <= ? ORDER BY x.ord DESC LIMIT 1)
               END) <= ?)
    THEN 1 ELSE 0 END) FROM m_cycles c WHERE {cond}{{where}} GROUP BY c.lead"""
_SHORT = "c.started > ? AND c.started <= ? AND c.long_open = 0 AND c.active_until > ?"
_LONG = "c.started <= ? AND c.long_open = 1 AND (c.active_until IS NULL OR c.active_until > ?)"
MONTH_STOCK_SHORT = _STOCK.format(cond=_SHORT)
MONTH_STOCK_LONG = _STOCK.format(cond=_LONG)
MONTH_VISIT_NUMBERS = "SELECT number FROM m_visits WHERE visited >= ? AND visited <= ?{where}"
MONTH_CYCLE_NUMBERS = "SELECT number FROM m_cycles WHERE started >= ? AND started <= ?{where}"
MONTH_REPLY_NUMBERS = """SELECT number FROM m_reply_dues
    WHERE due >= ? AND due <= ? AND changed <= ?{where}"""
MONTH_COMPLETION_NUMBERS = """SELECT number FROM m_completions
    WHERE due >= ? AND due <= ? AND changed <= ?{where}"""
STOCK_SHORT = "SELECT c.number FROM m_cycles c WHERE " + _SHORT + "{where}"
STOCK_LONG = "SELECT c.number FROM m_cycles c WHERE " + _LONG + "{where}"
# The co-handling section (``appeal_core.cohandling``): a report deadline in force at the
# cut-off, due in the month, unless the co-handler's part ended by then without its report.
CO_DUE = """SELECT department, count(*), sum(CASE WHEN reported <= due THEN 1 ELSE 0 END)
    FROM m_co_dues WHERE due >= ? AND due <= ? AND changed <= ?
    AND (replaced IS NULL OR replaced > ?)
    AND NOT (ended IS NOT NULL AND ended <= due AND (reported IS NULL OR reported > ?)){where}
    GROUP BY department"""
CO_OVERDUE = """SELECT department, count(*) FROM m_co_dues
    WHERE due <= ? AND changed <= ? AND (replaced IS NULL OR replaced > ?)
    AND (reported IS NULL OR reported > ?) AND (ended IS NULL OR ended > ?){where}
    GROUP BY department"""
MONTH_CHANNELS = """SELECT channel, count(*),
    sum(CASE WHEN assigned_or_answered <= ? THEN 1 ELSE 0 END),
    sum(CASE WHEN answered <= ? THEN 1 ELSE 0 END)
    FROM appeals WHERE registered_on >= ? AND registered_on <= ?{where} GROUP BY channel"""


def _entry_values(entry: QuarantineEntry, keys: ContactKeys | None) -> tuple[Any, ...]:
    """A quarantined row's columns; its cells and value sealed (they hold what a channel
    brought: names, phones) unless the store keeps personal data in clear."""
    raw, value, key_id = ser.dumps([list(pair) for pair in entry.raw]), entry.value, ""
    if keys is not None and (entry.raw or value):
        raw, value, key_id = keys.seal_quarantined(entry.district, raw, value)
    return (entry.district, entry.channel.value, entry.source, entry.row, entry.field,
            value, entry.reason, raw, entry.source_id, entry.at.isoformat(),
            entry.status, entry.number, entry.note,
            entry.settled_at.isoformat() if entry.settled_at else "", entry.settled_by,
            key_id)  # fmt: skip


def _entry(row: Sequence[Any], keys: ContactKeys | None) -> QuarantineEntry:
    (id_, district, channel, source, row_no, field, value, reason, raw, source_id, at,
     status, number, note, settled_at, settled_by, key_id) = row  # fmt: skip
    if key_id:
        if keys is None:
            raise SealError(f"隔离区第 {id_} 行已加密，但存储以明文方式打开")
        raw, value = keys.open_quarantined(raw, value)
    return QuarantineEntry(
        id=int(id_), district=district, channel=channel, source=source,
        row=None if row_no is None else int(row_no), field=field, value=value, reason=reason,
        raw=tuple((str(k), str(v)) for k, v in ser.loads(raw)), source_id=source_id,
        at=ser.instant(at), status=status, number=number, note=note,
        settled_at=ser.instant(settled_at) if settled_at else None, settled_by=settled_by,
    )  # fmt: skip
