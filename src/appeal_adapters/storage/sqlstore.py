"""The store and unit of work both SQL backends run: the driver-specific parts are four hooks.

A unit of work stages appends in memory (checking versions as it goes) and writes them when it
commits: it locks the chain head, re-checks versions, then inserts the chained event rows and
the new states in the same transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any

from appeal_adapters import serialization as ser
from appeal_adapters.storage import sql
from appeal_core.appeal import Appeal
from appeal_core.errors import AppealNotFound, ConcurrencyConflict
from appeal_core.events import Event, Registered

_REPORT_KEYS = ("assigned", "reply_due", "replied_on_time", "visited", "resolved", "satisfied")


class SqlStore:
    """Shared behaviour of the SQL stores; subclasses provide the connection hooks."""

    dialect: sql.Dialect
    where: str

    def __init__(self) -> None:
        self._lock = threading.RLock()

    # -- hooks a backend provides ----------------------------------------------------------

    def _transaction(self) -> AbstractContextManager[Any]:
        """A write transaction's cursor: commit on success, roll back on error."""
        raise NotImplementedError

    def _cursor(self) -> Any:
        """A cursor for reads outside any unit of work."""
        raise NotImplementedError

    def _insert(
        self, cur: Any, table: str, columns: Sequence[str], rows: list[Any], bulk: bool
    ) -> None:
        """Insert many rows (PostgreSQL overrides this to COPY the rows of a bulk ingest)."""
        if rows:
            marks = ", ".join("?" * len(columns))
            text = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            cur.executemany(self.dialect.sql(text), rows)

    def close(self) -> None:
        """Release the connection."""
        raise NotImplementedError

    # -- the store port --------------------------------------------------------------------

    @contextmanager
    def unit_of_work(self) -> Iterator[SqlUnitOfWork]:
        """A transaction: appends land together on commit, or not at all."""
        with self._lock, self._transaction() as cur:
            uow = SqlUnitOfWork(self, cur)
            yield uow
            uow.flush()

    def events(self, number: str) -> tuple[Event, ...]:
        """The item's full history, oldest first."""
        return load_events(self._cursor(), self.dialect, number)

    def state(self, number: str) -> Appeal:
        """The item's current state."""
        return load_state(self._cursor(), self.dialect, number)

    def numbers(self, district: str | None = None) -> tuple[str, ...]:
        """Item numbers in registration order."""
        return tuple(row[1] for row in self._ordered("number", district))

    def states(self, district: str | None = None) -> Iterator[Appeal]:
        """Current states in registration order, read in batches."""
        return (ser.state_from_dict(ser.loads(row[1])) for row in self._ordered("state", district))

    def _ordered(self, column: str, district: str | None) -> Iterator[Any]:
        where = "" if district is None else "AND district = ? "
        text = f"SELECT created_seq, {column} FROM appeals WHERE created_seq > ? {where}"
        text += "ORDER BY created_seq LIMIT ?"
        cur = self._cursor()
        key, size = 0, 2000
        while True:
            params = (key, size) if district is None else (key, district, size)
            cur.execute(self.dialect.sql(text), params)
            chunk = cur.fetchall()
            yield from chunk
            if len(chunk) < size:
                return
            key = chunk[-1][0]

    # -- extensions: bulk ingest, the chain check, report queries --------------------------

    def bulk_register(self, items: Iterable[tuple[Sequence[Event], Appeal]]) -> int:
        """Store many new items (their events and folded state) in one transaction.

        Their numbers must continue each district's and year's count without gaps; raises
        ``NumberingError`` otherwise.
        """
        staged = [_new_item(events, state) for events, state in items]
        if not staged:
            return 0
        with self._lock, self._transaction() as cur:
            self._advance_counters(cur, staged)
            cur.execute(self.dialect.sql(HEAD + self.dialect.for_update))
            head_seq, head_hash = cur.fetchone()
            rows = sql.build_rows(head_seq, head_hash, staged)
            self._write(cur, rows, bulk=True)
        return len(staged)

    def _advance_counters(self, cur: Any, staged: list[sql.Staged]) -> None:
        wanted: dict[tuple[str, int], list[int]] = {}
        for item in staged:
            wanted.setdefault((item.state.district, item.state.year), []).append(item.state.seq)
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
        self._insert(cur, "events", sql.EVENT_COLUMNS, rows.events, bulk)
        self._insert(cur, "appeals", sql.APPEAL_COLUMNS, rows.new_appeals, bulk)
        self._insert(cur, "activity", sql.ACTIVITY_COLUMNS, rows.activity, bulk)
        if rows.changed_appeals:
            cur.executemany(self.dialect.sql(UPDATE_APPEAL), rows.changed_appeals)
        cur.execute(self.dialect.sql(SET_HEAD), (rows.last_seq, rows.last_hash))

    def verify(self) -> sql.VerifyReport:
        """Check the hash chain over every event row; report the first bad row, if any."""
        cur, d = self._cursor(), self.dialect
        cur.execute(HEAD)
        head_seq, head_hash = cur.fetchone()
        rows = sql.batched(self._cursor(), d, VERIFY_ROWS)

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

    def department_month_counts(
        self, year: int, month: int, district: str | None = None
    ) -> dict[str, dict[str, int]]:
        """Per lead department, the monthly report's counts for ``year``-``month`` (see
        docs/storage.md for each definition)."""
        first = date(year, month, 1)
        after = date(year + month // 12, month % 12 + 1, 1)
        span: tuple[str, ...] = (first.isoformat(), after.isoformat())
        where = "" if district is None else " AND district = ?"
        params = span if district is None else (*span, district)
        cur, d = self._cursor(), self.dialect
        result: dict[str, dict[str, int]] = {}

        def add(lead: str, **counts: int) -> None:
            entry = result.setdefault(lead, dict.fromkeys(_REPORT_KEYS, 0))
            for key, value in counts.items():
                entry[key] += int(value or 0)

        cur.execute(d.sql(MONTH_ACTIVITY.format(where=where)), params)
        for lead, kind, count, resolved, satisfied in cur.fetchall():
            if kind == "FollowedUp":
                add(lead, visited=count, resolved=resolved, satisfied=satisfied)
            else:
                add(lead, assigned=count)
        cur.execute(d.sql(MONTH_DUE.format(where=where)), params)
        for lead, due, on_time in cur.fetchall():
            add(lead, reply_due=due, replied_on_time=on_time)
        return dict(sorted(result.items()))


class SqlUnitOfWork:
    """Appends staged over a write transaction; reads see the staged changes first."""

    def __init__(self, store: SqlStore, cur: Any) -> None:
        self._store = store
        self._cur = cur
        self._d = store.dialect
        self._staged: dict[str, sql.Staged] = {}

    def next_seq(self, district: str, year: int) -> int:
        """The next sequence; the counter row stays locked until commit or rollback."""
        self._cur.execute(self._d.sql(NEXT_SEQ), (district, year))
        return int(self._cur.fetchone()[0])

    def events(self, number: str) -> tuple[Event, ...]:
        """Stored history followed by the staged events."""
        item = self._staged.get(number)
        stored = load_events(self._cur, self._d, number) if not item or item.base else ()
        return (*stored, *(item.events if item else ()))

    def state(self, number: str) -> Appeal:
        """Staged or stored state."""
        item = self._staged.get(number)
        return item.state if item else load_state(self._cur, self._d, number)

    def append(
        self, number: str, expected_version: int, events: Sequence[Event], state: Appeal
    ) -> None:
        """Stage events after ``expected_version``; a stale version is a conflict."""
        item = self._staged.get(number)
        if item is None:
            version, lead = self._stored_version(number)
            item = sql.Staged(number, version, lead, [], state)
        current = item.base + len(item.events)
        if current != expected_version:
            raise ConcurrencyConflict(number, expected_version, current)
        item.events.extend(events)
        item.state = state
        self._staged[number] = item

    def _stored_version(self, number: str) -> tuple[int, str | None]:
        self._cur.execute(self._d.sql(VERSION), (number,))
        row = self._cur.fetchone()
        return (0, None) if row is None else (int(row[0]), row[1])

    def flush(self) -> None:
        """Write the staged appends: lock the chain, re-check versions, insert, move the head."""
        if not self._staged:
            return
        cur = self._cur
        cur.execute(self._d.sql(HEAD + self._d.for_update))
        head_seq, head_hash = cur.fetchone()
        for item in self._staged.values():
            version, _ = self._stored_version(item.number)
            if version != item.base:
                raise ConcurrencyConflict(item.number, item.base, version)
        rows = sql.build_rows(head_seq, head_hash, self._staged.values())
        self._store._write(cur, rows)


def _new_item(events: Sequence[Event], state: Appeal) -> sql.Staged:
    first = events[0] if events else None
    if not isinstance(first, Registered) or first.number != state.number:
        raise sql.NumberingError(f"批量登记的事项 {state.number} 的第一个事件应为其登记事件")
    if len(events) != state.version:
        raise sql.NumberingError(
            f"批量登记的事项 {state.number} 有 {len(events)} 个事件，但状态版本为 {state.version}"
        )
    return sql.Staged(state.number, 0, None, list(events), state)


def load_events(cur: Any, dialect: sql.Dialect, number: str) -> tuple[Event, ...]:
    """An item's stored events, oldest first; ``AppealNotFound`` when there are none."""
    cur.execute(dialect.sql("SELECT body FROM events WHERE number = ? ORDER BY version"), (number,))
    rows = cur.fetchall()
    if not rows:
        raise AppealNotFound(number)
    return tuple(ser.event_from_dict(ser.loads(row[0])) for row in rows)


def load_state(cur: Any, dialect: sql.Dialect, number: str) -> Appeal:
    """An item's stored state; ``AppealNotFound`` when it is not registered."""
    cur.execute(dialect.sql("SELECT state FROM appeals WHERE number = ?"), (number,))
    row = cur.fetchone()
    if row is None:
        raise AppealNotFound(number)
    return ser.state_from_dict(ser.loads(row[0]))


HEAD = "SELECT last_seq, last_hash FROM chain_head WHERE id = 1"
SET_HEAD = "UPDATE chain_head SET last_seq = ?, last_hash = ? WHERE id = 1"
VERSION = "SELECT version, lead FROM appeals WHERE number = ?"
NEXT_SEQ = """INSERT INTO counters (district, year, last_seq) VALUES (?, ?, 1)
    ON CONFLICT (district, year) DO UPDATE SET last_seq = counters.last_seq + 1
    RETURNING last_seq"""
ENSURE_COUNTER = """INSERT INTO counters (district, year, last_seq) VALUES (?, ?, 0)
    ON CONFLICT (district, year) DO NOTHING"""
READ_COUNTER = "SELECT last_seq FROM counters WHERE district = ? AND year = ?"
SET_COUNTER = "UPDATE counters SET last_seq = ? WHERE district = ? AND year = ?"
UPDATE_APPEAL = (
    "UPDATE appeals SET "
    + ", ".join(f"{c} = ?" for c in sql.APPEAL_COLUMNS[2:])
    + " WHERE number = ?"
)
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
MONTH_ACTIVITY = """SELECT lead, kind, count(*), sum(resolved), sum(satisfied) FROM activity
    WHERE day >= ? AND day < ?{where} GROUP BY lead, kind"""
MONTH_DUE = """SELECT lead, count(*),
    sum(CASE WHEN first_reply_on <= reply_due THEN 1 ELSE 0 END) FROM appeals
    WHERE reply_due >= ? AND reply_due < ?{where} AND lead IS NOT NULL GROUP BY lead"""
