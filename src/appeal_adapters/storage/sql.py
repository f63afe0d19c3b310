"""What the SQL stores share: schema and migrations, row layout, the hash chain and its check.

SQLite and PostgreSQL run the same statements; a ``Dialect`` fills in the few type names and
the parameter marker that differ.  Every event row is chained to the row before it (global
order) by ``hash = sha256(prev_hash + canonical JSON of number, version, type, at, body)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from json.encoder import encode_basestring
from typing import Any

import attrs

from appeal_adapters import serialization as ser
from appeal_adapters.errors import AdapterError
from appeal_core import events as e
from appeal_core.appeal import Appeal, Status
from appeal_core.cohandling import co_rows
from appeal_core.duplicates import Signature, enterprise_key, phone_key, signature
from appeal_core.history import start
from appeal_core.privacy import contact_of
from appeal_core.projection import ItemRow, Projection, project
from appeal_core.retention import ended_on
from appeal_core.similarity import grams
from appeal_core.timeutil import local_date

GENESIS = "0" * 64
#: A responsibility cycle active longer than this (or still open) is "long" in ``m_cycles``:
#: the month query finds the short ones by a bounded range of start dates.
LONG_DAYS = 62


class StorageError(AdapterError):
    """Root of the SQL stores' own errors."""


class SchemaTooNew(StorageError, RuntimeError):
    """The database was written by a newer version of the library; refuse to touch it."""

    def __init__(self, where: str, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"数据库 {where} 的结构版本为 {found}，高于本程序支持的最高版本 {supported}："
            "它由更新版本的 appeal 写入，请升级 appeal 后再打开（本程序不会改动该数据库）"
        )


class StoreBusy(StorageError, TimeoutError):
    """Another writer held the database longer than the configured wait."""

    def __init__(self, where: str, waited_ms: int) -> None:
        super().__init__(f"数据库 {where} 被其他写入者占用超过 {waited_ms} 毫秒，请稍后重试")


class StateMismatch(StorageError, RuntimeError):
    """An item's stored current state is not the fold of its events: refuse to act on it."""

    def __init__(self, number: str, detail: str) -> None:
        self.number = number
        self.detail = detail
        super().__init__(
            f"事项 {number} 的当前状态与其事件日志不符（{detail}）：当前状态表可能被直接改动，"
            "已拒绝据此办理。请运行 appeal audit verify 查明，并报系统管理员处理"
        )


class ReadOnlyStore(StorageError, RuntimeError):
    """A store opened read-only was asked to write."""

    def __init__(self, where: str) -> None:
        super().__init__(f"存储 {where} 以只读方式打开，不能写入（查询类命令只读打开存储）")


class SchemaTooOld(StorageError, RuntimeError):
    """A read-only opener found a schema older than this code (it never migrates)."""

    def __init__(self, where: str, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        what = (
            f"的结构版本为 {found}，低于本程序的 {supported}" if found else "尚未建立 appeal 的表"
        )
        super().__init__(
            f"数据库 {where} {what}：只读打开不会建立或升级它；"
            "请先以可写方式打开一次（如 appeal init）"
        )


class NumberingError(StorageError, ValueError):
    """Bulk-registered items would leave a gap or a duplicate in the item numbers."""


class BadStoreURL(StorageError, ValueError):
    """The store URL cannot be understood."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(f"存储地址 {url!r} 无效：{reason}")


#: How a date column's value is passed to the driver (``Dialect.day``).
DayValue = Callable[[date | None], Any]


@attrs.frozen
class Dialect:
    """The few words in which SQLite and PostgreSQL differ for this schema."""

    name: str
    bigint: str  # the global sequence column type (SQLite: INTEGER makes it the rowid)
    date: str
    for_update: str  # row lock suffix; SQLite's BEGIN IMMEDIATE already holds the write lock
    param: str
    identity: str  # an id column the database numbers
    blob: str  # a column of bytes
    clustered: str  # after a table keyed by text: store its rows in key order (SQLite)
    #: A date column's value as the driver takes it: ISO text for SQLite, a ``date`` for
    #: PostgreSQL (binary ``COPY`` sends it as is).
    day: DayValue

    def sql(self, text: str) -> str:
        """``text`` with its ``?`` markers turned into this driver's parameter marker."""
        return text if self.param == "?" else text.replace("?", self.param)

    def schema(self, text: str) -> str:
        """Schema text with this dialect's type names."""
        return text.format(
            bigint=self.bigint, date=self.date, identity=self.identity, blob=self.blob,
            clustered=self.clustered,
        )  # fmt: skip


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _as_is(value: date | None) -> date | None:
    return value


SQLITE = Dialect(
    "sqlite", bigint="INTEGER", date="TEXT", for_update="", param="?",
    identity="INTEGER PRIMARY KEY", blob="BLOB", clustered=" WITHOUT ROWID", day=_iso,
)  # fmt: skip
POSTGRES = Dialect(
    "postgresql", bigint="BIGINT", date="DATE", for_update=" FOR UPDATE", param="%s",
    identity="BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", blob="BYTEA", clustered="",
    day=_as_is,
)  # fmt: skip

#: The ``state`` column of an item with only its registration event: its state is folded from
#: that event when read, which halves the JSON a bulk registration writes.
JUST_REGISTERED = ""
#: An item's stored state and, when that is ``JUST_REGISTERED``, its registration event body.
STATE_FROM = (
    f"appeals a LEFT JOIN events e ON a.state = '{JUST_REGISTERED}'"
    " AND e.number = a.number AND e.version = 1"
)


#: The blind index of a phone key (``duplicates.phone_key``) in a district: what the
#: ``phone_key`` column holds, so "same phone" still matches and no number is stored.
PhoneIndex = Callable[[str, str], str]
#: Seals the personal values of an event's or a state's dict for a contact, in place
#: (``appeal_adapters.privacy``); opens them again when reading.  None: a store in clear.
Seal = Callable[[dict[str, Any], str], dict[str, Any]]
Open = Callable[[dict[str, Any]], dict[str, Any]]


def _unchanged(data: dict[str, Any]) -> dict[str, Any]:
    return data


def read_event(body: str, open_: Open | None = None) -> e.Event:
    """The item event a stored body describes, its envelopes opened by ``open_``."""
    return ser.event_from_dict((open_ or _unchanged)(ser.loads(body)))


def state_of(state: str, first_body: str | None, open_: Open | None = None) -> Appeal:
    """The item state from its ``state`` column, or from its registration event's body."""
    if state != JUST_REGISTERED:
        return ser.state_from_dict((open_ or _unchanged)(ser.loads(state)))
    first = None if first_body is None else read_event(first_body, open_)
    if not isinstance(first, e.Registered):
        raise ser.SerializationError("事项状态", ["状态未存，其第 1 个事件也不是登记事件"])
    return start(first)


@attrs.frozen
class WithKeys:
    """A migration step that needs the store's keys: ``run(cur, dialect, make_contact_keys)``."""

    run: Callable[[Any, Dialect, Any], None]


#: A migration step: a schema statement, or a function filling data inside the transaction.
Step = str | Callable[[Any, Dialect], None] | WithKeys


def _seal_existing(cur: Any, dialect: Dialect, make: Any) -> None:
    """Migration 11: seal the personal data of a store written in clear (``storage.convert``)."""
    from appeal_adapters.storage.convert import seal_existing

    seal_existing(cur, dialect, make)


def chunks(cur: Any, dialect: Dialect, text: str, size: int = 2000) -> Iterator[list[Any]]:
    """Chunks of ``text`` (which takes a lower key and ``LIMIT ?``; first column the key)."""
    key = -(2**62)
    while True:
        cur.execute(dialect.sql(text), (key, size))
        chunk = cur.fetchall()
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        key = chunk[-1][0]


def _fill_intake_columns(cur: Any, dialect: Dialect) -> None:
    """Migration 3: ``source_id`` and ``enterprise_key`` of the stored items, from their state.

    Should an old file hold one source id twice (district and channel alike), the earliest
    item keeps it in the column (the unique index) and the later ones keep it in their state.
    """
    seen: set[tuple[str, str, str]] = set()
    text = (
        f"SELECT a.created_seq, a.state, e.body FROM {STATE_FROM} WHERE a.created_seq > ?"
        " ORDER BY a.created_seq LIMIT ?"
    )
    for chunk in list(chunks(cur, dialect, text)):
        updates = []
        for created, stored, first in chunk:
            state = state_of(stored, first)
            source = (state.district, state.channel.value, state.source_id)
            keep = bool(state.source_id) and source not in seen
            seen.add(source)
            updates.append(
                (state.source_id if keep else "", enterprise_key(state.enterprise), created)
            )
        cur.executemany(
            dialect.sql(
                "UPDATE appeals SET source_id = ?, enterprise_key = ? WHERE created_seq = ?"
            ),
            updates,
        )


def _fill_metrics(cur: Any, dialect: Dialect) -> None:
    """Migration 4: the metrics rows of every stored item, from its event history."""
    text = (
        "SELECT created_seq, number FROM appeals WHERE created_seq > ? ORDER BY created_seq LIMIT ?"
    )
    for chunk in list(chunks(cur, dialect, text, 500)):
        numbers = [number for _, number in chunk]
        marks = ", ".join("?" * len(numbers))
        cur.execute(
            dialect.sql(
                f"SELECT number, body FROM events WHERE number IN ({marks})"
                " ORDER BY number, version"
            ),
            numbers,
        )
        histories: dict[str, list[e.Event]] = {}
        for number, body in cur.fetchall():
            histories.setdefault(number, []).append(ser.event_from_dict(ser.loads(body)))
        rows, m_items, day = Rows((), 0, GENESIS, dialect.day), [], dialect.day
        for number in numbers:
            if histories.get(number):
                p = project(histories[number])
                metric_rows(rows, p)
                m_items.append(
                    (number, p.item.district, p.item.channel.value, day(p.item.registered),
                     day(p.item.assigned_or_answered), day(p.item.answered), day(p.item.ended))
                )  # fmt: skip
        tables = (("m_items", M4_ITEM_COLUMNS, m_items), *rows.metric_tables())
        for table, all_columns, all_values in tables:
            if table not in M4_TABLES:
                continue
            columns = all_columns[: M4_WIDTH.get(table, len(all_columns))]
            values = [row[: len(columns)] for row in all_values]
            if values:
                marks = ", ".join("?" * len(columns))
                statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                cur.executemany(dialect.sql(statement), values)


def _fill_definitions(cur: Any, dialect: Dialect) -> None:
    """Migration 8: ``superseded`` of the visits and ``kept`` of the completion deadlines of
    the items that can have them (two visits, or two completion deadlines in one cycle)."""
    cur.execute(
        "SELECT number FROM m_visits GROUP BY number HAVING count(*) > 1 UNION "
        "SELECT number FROM m_completions GROUP BY number, cycle HAVING count(*) > 1"
    )
    numbers = sorted({number for (number,) in cur.fetchall()})
    for k in range(0, len(numbers), 500):
        chunk = numbers[k : k + 500]
        marks = ", ".join("?" * len(chunk))
        cur.execute(
            dialect.sql(
                f"SELECT number, body FROM events WHERE number IN ({marks})"
                " ORDER BY number, version"
            ),
            chunk,
        )
        histories: dict[str, list[e.Event]] = {}
        for number, body in cur.fetchall():
            histories.setdefault(number, []).append(ser.event_from_dict(ser.loads(body)))
        visits, completions = [], []
        for number, history in histories.items():
            p = project(history)
            visits += [(dialect.day(v.superseded), number, v.order) for v in p.visits]
            completions += [(int(r.kept), number, r.cycle, r.order) for r in p.completions]
        text = "UPDATE m_visits SET superseded = ? WHERE number = ? AND ord = ?"
        cur.executemany(dialect.sql(text), visits)
        text = "UPDATE m_completions SET kept = ? WHERE number = ? AND cycle = ? AND ord = ?"
        cur.executemany(dialect.sql(text), completions)


def _fill_co_dues(cur: Any, dialect: Dialect) -> None:
    """Migration 9: the co-handlers' deadline rows of every stored item, from its history."""
    text = (
        "SELECT created_seq, number FROM appeals WHERE created_seq > ? ORDER BY created_seq LIMIT ?"
    )
    for chunk in list(chunks(cur, dialect, text, 500)):
        numbers = [number for _, number in chunk]
        marks = ", ".join("?" * len(numbers))
        cur.execute(
            dialect.sql(
                f"SELECT number, body FROM events WHERE number IN ({marks})"
                " ORDER BY number, version"
            ),
            numbers,
        )
        histories: dict[str, list[e.Event]] = {}
        for number, body in cur.fetchall():
            histories.setdefault(number, []).append(ser.event_from_dict(ser.loads(body)))
        rows = Rows((), 0, GENESIS, dialect.day)
        for number in numbers:
            if histories.get(number):
                co_metric_rows(rows, histories[number])
        if rows.m_co_dues:
            marks = ", ".join("?" * len(M_CO_COLUMNS))
            statement = f"INSERT INTO m_co_dues ({', '.join(M_CO_COLUMNS)}) VALUES ({marks})"
            cur.executemany(dialect.sql(statement), rows.m_co_dues)


def _bytewise_text(cur: Any, dialect: Dialect) -> None:
    """Migration 5 (PostgreSQL): every text column compares byte by byte (``COLLATE "C"``).

    Numbers, codes and keys then sort as in SQLite and Python, whatever the database's locale,
    and their indexes skip the locale's comparison (about 10% of a bulk ingest's server time).
    """
    if dialect.name != POSTGRES.name:
        return  # SQLite's default BINARY collation already compares bytes
    cur.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND data_type = 'text'"
        " AND collation_name IS NULL ORDER BY table_name, ordinal_position"
    )
    columns: dict[str, list[str]] = {}
    for table, column in cur.fetchall():
        columns.setdefault(table, []).append(column)
    for table, names in columns.items():
        changes = ", ".join(f'ALTER COLUMN "{name}" TYPE TEXT COLLATE "C"' for name in names)
        cur.execute(f"ALTER TABLE {table} {changes}")


def _fill_signatures(cur: Any, dialect: Dialect) -> None:
    """Migration 10: the duplicate signature (credit code, phone key, bigram codes) of the open
    items, from their state; closed items are never candidates and keep the defaults."""
    text = (
        f"SELECT a.created_seq, a.state, e.body FROM {STATE_FROM}"
        " WHERE a.created_seq > ? AND a.is_open = 1 ORDER BY a.created_seq LIMIT ?"
    )
    for chunk in list(chunks(cur, dialect, text)):
        updates = []
        for created, stored, first in chunk:
            state = state_of(stored, first)
            sig = signature(state.enterprise, state.content)
            updates.append((sig.code, sig.phone, sig.grams, created))
        cur.executemany(
            dialect.sql(
                "UPDATE appeals SET credit_code = ?, phone_key = ?, grams = ? WHERE created_seq = ?"
            ),
            updates,
        )


#: (version, what it does, steps).  Never edit a released step; append a new one.
MIGRATIONS: tuple[tuple[int, str, tuple[Step, ...]], ...] = (
    (
        1,
        "event log with hash chain, current states, numbering counters, report activity",
        (
            """CREATE TABLE counters (
                district TEXT NOT NULL, year INTEGER NOT NULL, last_seq INTEGER NOT NULL,
                PRIMARY KEY (district, year))""",
            """CREATE TABLE chain_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_seq {bigint} NOT NULL, last_hash TEXT NOT NULL)""",
            f"INSERT INTO chain_head (id, last_seq, last_hash) VALUES (1, 0, '{GENESIS}')",
            """CREATE TABLE events (
                seq {bigint} PRIMARY KEY, number TEXT NOT NULL, version INTEGER NOT NULL,
                type TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL,
                prev_hash TEXT NOT NULL, hash TEXT NOT NULL, UNIQUE (number, version))""",
            """CREATE TABLE appeals (
                created_seq {bigint} PRIMARY KEY, number TEXT NOT NULL UNIQUE,
                district TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
                version INTEGER NOT NULL, status TEXT NOT NULL, lead TEXT,
                channel TEXT NOT NULL, registered_on {date} NOT NULL, assigned_on {date},
                reply_due {date}, completion_due {date}, first_reply_on {date},
                final_reply_on {date}, escalation_due {date}, is_open INTEGER NOT NULL,
                overdue_from {date}, state TEXT NOT NULL)""",
            """CREATE TABLE activity (
                event_seq {bigint} PRIMARY KEY, day {date} NOT NULL, kind TEXT NOT NULL,
                district TEXT NOT NULL, lead TEXT NOT NULL, resolved INTEGER NOT NULL,
                satisfied INTEGER NOT NULL)""",
        ),
    ),
    (
        2,
        "indexes for the daily sweep (open items by due date) and the monthly report",
        (
            """CREATE INDEX appeals_overdue ON appeals (overdue_from, district, number)
                WHERE overdue_from IS NOT NULL""",
            """CREATE INDEX appeals_reply_month
                ON appeals (reply_due, district, lead, first_reply_on)
                WHERE reply_due IS NOT NULL""",
            """CREATE INDEX activity_month
                ON activity (day, district, kind, lead, resolved, satisfied)""",
        ),
    ),
    (
        3,
        "intake: source ids and enterprise keys of the items, the quarantine",
        (
            "ALTER TABLE appeals ADD COLUMN enterprise_key TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE appeals ADD COLUMN source_id TEXT NOT NULL DEFAULT ''",
            _fill_intake_columns,
            """CREATE UNIQUE INDEX appeals_source ON appeals (district, channel, source_id)
                WHERE source_id <> ''""",
            """CREATE INDEX appeals_enterprise ON appeals (district, enterprise_key, registered_on)
                WHERE is_open = 1""",
            """CREATE TABLE quarantine (
                id {identity}, district TEXT NOT NULL, channel TEXT NOT NULL,
                source TEXT NOT NULL, "row" INTEGER, field TEXT NOT NULL, value TEXT NOT NULL,
                reason TEXT NOT NULL, raw TEXT NOT NULL, source_id TEXT NOT NULL,
                at TEXT NOT NULL, status TEXT NOT NULL, number TEXT NOT NULL,
                note TEXT NOT NULL)""",
            "CREATE INDEX quarantine_open ON quarantine (district, status)",
        ),
    ),
    (
        4,
        "metrics rows (appeal_core.projection) for the monthly report in SQL; drop activity",
        (
            "DROP INDEX appeals_reply_month",
            "DROP INDEX activity_month",
            "DROP TABLE activity",
            """CREATE TABLE m_items (
                number TEXT PRIMARY KEY, district TEXT NOT NULL, channel TEXT NOT NULL,
                registered {date} NOT NULL, assigned_or_answered {date}, answered {date},
                ended {date})""",
            """CREATE TABLE m_cycles (
                number TEXT NOT NULL, cycle INTEGER NOT NULL, district TEXT NOT NULL,
                lead TEXT NOT NULL, assigned INTEGER NOT NULL, started {date} NOT NULL,
                reply_due {date} NOT NULL, first_reply {date}, final_reply {date}, ended {date},
                active_until {date}, long_open INTEGER NOT NULL, PRIMARY KEY (number, cycle))""",
            """CREATE TABLE m_completions (
                number TEXT NOT NULL, cycle INTEGER NOT NULL, ord INTEGER NOT NULL,
                district TEXT NOT NULL, changed {date} NOT NULL, due {date} NOT NULL,
                PRIMARY KEY (number, cycle, ord))""",
            """CREATE TABLE m_visits (
                number TEXT NOT NULL, ord INTEGER NOT NULL, district TEXT NOT NULL,
                lead TEXT NOT NULL, visited {date} NOT NULL, resolved INTEGER NOT NULL,
                satisfaction TEXT NOT NULL, PRIMARY KEY (number, ord))""",
            _fill_metrics,
            """CREATE INDEX m_items_month
                ON m_items (registered, district, channel, assigned_or_answered, answered)""",
            """CREATE INDEX m_cycles_started
                ON m_cycles (started, district, long_open, active_until, assigned, lead)""",
            """CREATE INDEX m_cycles_long ON m_cycles (started, district, active_until, lead)
                WHERE long_open = 1""",
            """CREATE INDEX m_cycles_reply
                ON m_cycles (reply_due, district, lead, started, ended, first_reply)""",
            """CREATE INDEX m_completions_due
                ON m_completions (due, district, changed, number, cycle, ord)""",
            """CREATE INDEX m_visits_month
                ON m_visits (visited, district, lead, resolved, satisfaction)""",
        ),
    ),
    (
        5,
        "an item's metrics row joins its appeals row; a just-registered item's state is ''; "
        "completion deadlines in force at a cut-off without a look-up; text compares bytewise",
        (
            "ALTER TABLE appeals ADD COLUMN assigned_or_answered {date}",
            "ALTER TABLE appeals ADD COLUMN answered {date}",
            """UPDATE appeals SET
                assigned_or_answered = (SELECT m.assigned_or_answered FROM m_items m
                                        WHERE m.number = appeals.number),
                answered = (SELECT m.answered FROM m_items m WHERE m.number = appeals.number)""",
            "DROP INDEX m_items_month",
            "DROP TABLE m_items",
            """CREATE INDEX appeals_month
                ON appeals (registered_on, district, channel, assigned_or_answered, answered)""",
            "ALTER TABLE m_cycles ADD COLUMN completion_due {date}",
            "ALTER TABLE m_cycles ADD COLUMN completion_changed {date}",
            "ALTER TABLE m_completions ADD COLUMN replaced {date}",
            "ALTER TABLE m_completions ADD COLUMN lead TEXT",
            "ALTER TABLE m_completions ADD COLUMN started {date}",
            "ALTER TABLE m_completions ADD COLUMN ended {date}",
            "ALTER TABLE m_completions ADD COLUMN final_reply {date}",
            """UPDATE m_cycles SET
                completion_due = (SELECT x.due FROM m_completions x WHERE x.number = m_cycles.number
                                  AND x.cycle = m_cycles.cycle ORDER BY x.ord DESC LIMIT 1),
                completion_changed = (SELECT x.changed FROM m_completions x
                                      WHERE x.number = m_cycles.number
                                      AND x.cycle = m_cycles.cycle ORDER BY x.ord DESC LIMIT 1)""",
            """UPDATE m_completions SET
                replaced = (SELECT x.changed FROM m_completions x
                            WHERE x.number = m_completions.number
                            AND x.cycle = m_completions.cycle AND x.ord = m_completions.ord + 1),
                lead = (SELECT c.lead FROM m_cycles c WHERE c.number = m_completions.number
                        AND c.cycle = m_completions.cycle),
                started = (SELECT c.started FROM m_cycles c WHERE c.number = m_completions.number
                           AND c.cycle = m_completions.cycle),
                ended = (SELECT c.ended FROM m_cycles c WHERE c.number = m_completions.number
                         AND c.cycle = m_completions.cycle),
                final_reply = (SELECT c.final_reply FROM m_cycles c
                               WHERE c.number = m_completions.number
                               AND c.cycle = m_completions.cycle)""",
            "DROP INDEX m_completions_due",
            """CREATE INDEX m_completions_due
                ON m_completions (due, district, changed, replaced, started, ended, final_reply,
                                  lead)""",
            "DROP INDEX m_cycles_started",
            """CREATE INDEX m_cycles_started
                ON m_cycles (started, district, long_open, active_until, assigned, lead,
                             first_reply, reply_due, final_reply, completion_due,
                             completion_changed, number, cycle)""",
            "DROP INDEX m_cycles_long",
            """CREATE INDEX m_cycles_long
                ON m_cycles (started, district, active_until, lead, first_reply, reply_due,
                             final_reply, completion_due, completion_changed, number, cycle)
                WHERE long_open = 1""",
            _bytewise_text,
        ),
    ),
    (
        6,
        "a quarantined row records when and by whom it was admitted or dismissed",
        (
            "ALTER TABLE quarantine ADD COLUMN settled_at TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE quarantine ADD COLUMN settled_by TEXT NOT NULL DEFAULT ''",
            _bytewise_text,
        ),
    ),
    (
        7,
        "reply deadlines re-dated by a loaded notice: in force at a cut-off, like completions",
        (
            """CREATE TABLE m_reply_dues (
                number TEXT NOT NULL, cycle INTEGER NOT NULL, ord INTEGER NOT NULL,
                district TEXT NOT NULL, changed {date} NOT NULL, due {date} NOT NULL,
                replaced {date}, lead TEXT NOT NULL, started {date} NOT NULL, ended {date},
                first_reply {date}, PRIMARY KEY (number, cycle, ord))""",
            """INSERT INTO m_reply_dues (number, cycle, ord, district, changed, due, replaced,
                lead, started, ended, first_reply)
                SELECT number, cycle, 1, district, started, reply_due, NULL, lead, started,
                ended, first_reply FROM m_cycles""",
            "ALTER TABLE m_cycles ADD COLUMN reply_changed {date}",
            "UPDATE m_cycles SET reply_changed = started",
            """CREATE INDEX m_reply_dues_due
                ON m_reply_dues (due, district, changed, replaced, started, ended, first_reply,
                                 lead)""",
            "DROP INDEX m_cycles_reply",
            "DROP INDEX m_cycles_started",
            """CREATE INDEX m_cycles_started
                ON m_cycles (started, district, long_open, active_until, assigned, lead,
                             first_reply, reply_due, reply_changed, final_reply, completion_due,
                             completion_changed, number, cycle)""",
            "DROP INDEX m_cycles_long",
            """CREATE INDEX m_cycles_long
                ON m_cycles (started, district, active_until, lead, first_reply, reply_due,
                             reply_changed, final_reply, completion_due, completion_changed,
                             number, cycle)
                WHERE long_open = 1""",
            _bytewise_text,
        ),
    ),
    (
        8,
        "the figures' definitions (口径): visits not reaching the enterprise, visits replaced "
        "after re-handling, completion deadlines extended after they had passed",
        (
            "ALTER TABLE m_visits ADD COLUMN reached INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE m_visits ADD COLUMN superseded {date}",
            "ALTER TABLE m_completions ADD COLUMN kept INTEGER NOT NULL DEFAULT 0",
            _fill_definitions,
            "DROP INDEX m_visits_month",
            """CREATE INDEX m_visits_month
                ON m_visits (visited, district, lead, resolved, satisfaction, reached,
                             superseded)""",
            "DROP INDEX m_completions_due",
            """CREATE INDEX m_completions_due
                ON m_completions (due, district, changed, replaced, started, ended, final_reply,
                                  lead, kept)""",
            """CREATE INDEX m_cycles_finished
                ON m_cycles (final_reply, district, lead, completion_due, completion_changed,
                             number, cycle)
                WHERE final_reply IS NOT NULL""",
        ),
    ),
    (
        9,
        "co-handlers' report deadlines (the co-handling section of the monthly figures)",
        (
            """CREATE TABLE m_co_dues (
                number TEXT NOT NULL, cycle INTEGER NOT NULL, department TEXT NOT NULL,
                ord INTEGER NOT NULL, district TEXT NOT NULL, changed {date} NOT NULL,
                due {date} NOT NULL, replaced {date}, started {date} NOT NULL, ended {date},
                reported {date}, PRIMARY KEY (number, cycle, department, ord))""",
            _fill_co_dues,
            """CREATE INDEX m_co_dues_due
                ON m_co_dues (due, district, changed, replaced, ended, reported, department)""",
            _bytewise_text,
        ),
    ),
    (
        10,
        "the review queue (items with assumptions awaiting review) and the duplicate check's "
        "signature of each item (credit code, phone key, bigram codes), indexed",
        (
            "ALTER TABLE appeals ADD COLUMN review_pending INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE appeals ADD COLUMN credit_code TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE appeals ADD COLUMN phone_key TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE appeals ADD COLUMN grams {blob}",
            _bytewise_text,
            _fill_signatures,
            """CREATE INDEX appeals_review ON appeals (district, created_seq)
                WHERE review_pending = 1""",
            """CREATE INDEX appeals_code ON appeals (district, credit_code, registered_on)
                WHERE is_open = 1 AND credit_code <> ''""",
            """CREATE INDEX appeals_phone ON appeals (district, phone_key, registered_on)
                WHERE is_open = 1 AND phone_key <> ''""",
        ),
    ),
    (
        11,
        "personal data encrypted per contact (docs/privacy.md): the contacts with their blind "
        "indexes and keys (wrapped by the master key), each item's contact and end day; the "
        "personal values already stored sealed and the hash chain computed again",
        (
            """CREATE TABLE key_master (
                id INTEGER PRIMARY KEY CHECK (id = 1), check_value TEXT NOT NULL,
                since TEXT NOT NULL)""",
            """CREATE TABLE contacts (
                contact_id TEXT PRIMARY KEY, district TEXT NOT NULL,
                phone_blind TEXT NOT NULL DEFAULT '', person_blind TEXT NOT NULL DEFAULT '',
                wrapped {blob}, created_at TEXT NOT NULL,
                erased_at TEXT NOT NULL DEFAULT ''){clustered}""",
            "CREATE INDEX contacts_person ON contacts (person_blind) WHERE person_blind <> ''",
            """CREATE TABLE chain_rewrites (
                id {identity}, schema_version INTEGER NOT NULL, at TEXT NOT NULL,
                old_seq {bigint} NOT NULL, old_hash TEXT NOT NULL, new_hash TEXT NOT NULL,
                items INTEGER NOT NULL, reason TEXT NOT NULL)""",
            "ALTER TABLE appeals ADD COLUMN contact_id TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE appeals ADD COLUMN ended_on {date}",
            "ALTER TABLE quarantine ADD COLUMN key_id TEXT NOT NULL DEFAULT ''",
            _bytewise_text,
            WithKeys(_seal_existing),
            """CREATE INDEX appeals_contact
                ON appeals (contact_id, district, is_open, ended_on, created_seq, number)
                WHERE contact_id <> ''""",
        ),
    ),
)
LATEST = MIGRATIONS[-1][0]
#: The schema from which personal data is sealed (the migration that converts a store in clear).
SEALED_FROM = 11

EVENT_COLUMNS = ("seq", "number", "version", "type", "at", "body", "prev_hash", "hash")
APPEAL_COLUMNS = (
    "created_seq", "number", "district", "year", "seq", "version", "status", "lead", "channel",
    "registered_on", "assigned_on", "reply_due", "completion_due", "first_reply_on",
    "final_reply_on", "escalation_due", "is_open", "overdue_from", "assigned_or_answered",
    "answered", "contact_id", "ended_on", "state", "review_pending", "enterprise_key",
    "credit_code", "phone_key", "source_id", "grams",
)  # fmt: skip
#: The columns an update rewrites (a source id and a text's bigrams never change).
UPDATED_COLUMNS = APPEAL_COLUMNS[2:-2]
#: The ``m_items`` table of schema 4 (its columns joined ``appeals`` in migration 5).
M4_ITEM_COLUMNS = ("number", "district", "channel", "registered", "assigned_or_answered",
                  "answered", "ended")  # fmt: skip
#: Columns of the schema-4 metrics tables (later ones were appended by migration 5).
M4_WIDTH = {"m_cycles": 12, "m_completions": 6, "m_visits": 7}
M4_TABLES = ("m_items", "m_cycles", "m_completions", "m_visits")
M_CYCLE_COLUMNS = ("number", "cycle", "district", "lead", "assigned", "started", "reply_due",
                   "first_reply", "final_reply", "ended", "active_until", "long_open",
                   "completion_due", "completion_changed", "reply_changed")  # fmt: skip
M_COMPLETION_COLUMNS = ("number", "cycle", "ord", "district", "changed", "due", "replaced",
                        "lead", "started", "ended", "final_reply", "kept")  # fmt: skip
M_VISIT_COLUMNS = ("number", "ord", "district", "lead", "visited", "resolved", "satisfaction",
                   "reached", "superseded")  # fmt: skip
M_REPLY_COLUMNS = ("number", "cycle", "ord", "district", "changed", "due", "replaced", "lead",
                   "started", "ended", "first_reply")  # fmt: skip
M_CO_COLUMNS = ("number", "cycle", "department", "ord", "district", "changed", "due", "replaced",
                "started", "ended", "reported")  # fmt: skip
METRIC_TABLES = ("m_cycles", "m_completions", "m_visits", "m_reply_dues", "m_co_dues")
QUARANTINE_COLUMNS = ("district", "channel", "source", '"row"', "field", "value", "reason",
                      "raw", "source_id", "at", "status", "number", "note", "settled_at",
                      "settled_by", "key_id")  # fmt: skip


def migrate(cur: Any, dialect: Dialect, where: str, target: int = LATEST, keys: Any = None) -> int:
    """Bring the schema to ``target`` inside the caller's write transaction; the old version.

    ``keys`` makes the store's ``ContactKeys`` for the steps that seal personal data (None: a store
    kept in clear).  Raises ``SchemaTooNew`` (and changes nothing) when the database is newer
    than this code.
    """
    cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    cur.execute("SELECT max(version) FROM schema_version")
    found = cur.fetchone()[0] or 0
    if found > LATEST:
        raise SchemaTooNew(where, found, LATEST)
    for version, _, steps in MIGRATIONS:
        if found < version <= target:
            for step in steps:
                if isinstance(step, str):
                    cur.execute(dialect.schema(step))
                elif isinstance(step, WithKeys):
                    step.run(cur, dialect, keys)
                else:
                    step(cur, dialect)
    if target > found:
        cur.execute("DELETE FROM schema_version")
        cur.execute(dialect.sql("INSERT INTO schema_version (version) VALUES (?)"), (target,))
    return int(found)


def require_latest(where: str, found: int) -> None:
    """Refuse, for a read-only opener (which never migrates), a schema other than ``LATEST``."""
    if found > LATEST:
        raise SchemaTooNew(where, found, LATEST)
    if found < LATEST:
        raise SchemaTooOld(where, found, LATEST)


#: A JSON string literal with non-ASCII text kept, exactly as ``json.dumps(ensure_ascii=False)``.
_text: Any = encode_basestring


def chain_hash(prev_hash: str, number: str, version: int, type_: str, at: str, body: str) -> str:
    """The row's hash: sha256 of ``prev_hash`` + canonical JSON of the row's content.

    ``body`` must already be canonical (``serialization.dumps``); the JSON is assembled as text
    so checking a million rows needs no parsing.
    """
    content = (
        f'{{"at":{_text(at)},"body":{body},"number":{_text(number)},'
        f'"type":{_text(type_)},"version":{int(version)}}}'
    )
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


@attrs.define
class Staged:
    """One item's events waiting in a unit of work, after its stored version ``base``.

    A journal stream (``appeal_core.journal``) is staged the same way with ``state`` None: its
    events join the chain, but it has no current-state or metrics rows.
    """

    number: str
    base: int
    prior_lead: str | None
    events: list[Any]
    state: Appeal | None
    prior: tuple[e.Event, ...] | None = None  # the stored events (loaded when writing)
    signature: Signature | None = None  # a new item's duplicate signature, when computed


@attrs.define
class Rows:
    """The rows one transaction writes, built in two passes while they are being written.

    ``new_appeals()`` yields the new items' rows and, as it goes, collects the changed items'
    rows, the metrics rows and each event's JSON; then ``events()`` yields the event rows,
    chaining each to the one before and moving ``last_seq``/``last_hash`` on.  ``items`` is
    read once, by ``new_appeals()``, so it may be a generator that checks each item as it goes.
    Streamed into the database, each pass is built while the server stores the rows before it
    (PostgreSQL runs ``COPY`` in its own process); splitting the work so keeps both sides busy.
    """

    items: Iterable[Staged]
    last_seq: int
    last_hash: str
    day: DayValue = _iso  # a date column's value (``Dialect.day``)
    seal: Seal | None = None  # personal values sealed before hashing (None: in clear)
    phones: PhoneIndex | None = None  # the phone keys' blind indexes (None: in clear)
    changed_appeals: list[tuple[Any, ...]] = attrs.Factory(list)
    rewritten: list[tuple[str]] = attrs.Factory(list)  # items whose metrics rows are replaced
    m_cycles: list[tuple[Any, ...]] = attrs.Factory(list)
    m_completions: list[tuple[Any, ...]] = attrs.Factory(list)
    m_visits: list[tuple[Any, ...]] = attrs.Factory(list)
    m_reply_dues: list[tuple[Any, ...]] = attrs.Factory(list)
    m_co_dues: list[tuple[Any, ...]] = attrs.Factory(list)
    _staged: list[Staged] | None = None  # the items, once new_appeals() has been through them
    _bodies: list[tuple[str, str, str]] = attrs.Factory(list)  # each event's type, at, JSON

    def new_appeals(self) -> Iterator[tuple[Any, ...]]:
        """The new items' rows; a changed item's ``prior`` (stored events) must be loaded.

        A changed item's metrics rows are recomputed from its full history and replace the
        stored ones.
        """
        seq, staged, bodies, day, seal = self.last_seq, [], self._bodies, self.day, self.seal
        phones = self.phones
        event_to_dict, dumps = _event_to_dict, _dumps
        for item in self.items:
            staged.append(item)
            contact = contact_of(item.state) if seal and item.state is not None else ""
            for event in item.events:
                data = event_to_dict(event)
                if contact and seal is not None:
                    seal(data, contact)
                bodies.append((data["type"], data["at"], dumps(data)))
            created, seq = seq + 1, seq + len(item.events)
            if item.state is None:  # a journal stream: its events only
                continue
            if item.base == 0 and len(item.events) == 1:  # just registered: no metrics yet
                values = appeal_values(item.state, None, day, item.signature, seal, phones)
            else:
                history = (*(item.prior or ()), *item.events)
                projection = project(history)
                metric_rows(self, projection)
                co_metric_rows(self, history)
                values = appeal_values(item.state, projection.item, day, None, seal, phones)
            if item.base == 0:
                sig = item.signature
                text = sig.grams if sig is not None else grams(item.state.content)
                yield (created, item.number, *values, text)
            else:
                self.changed_appeals.append((*values[:-1], item.number))
                self.rewritten.append((item.number,))
        self._staged = staged

    def events(self) -> Iterator[tuple[Any, ...]]:
        """The event rows (after ``new_appeals()``), each chained to the one before."""
        if self._staged is None:
            raise RuntimeError("Rows.events() needs new_appeals() consumed first")
        bodies = iter(self._bodies)
        last_seq, last_hash = self.last_seq, self.last_hash
        for item in self._staged:
            number, version = item.number, item.base
            for _ in item.events:
                type_, at, body = next(bodies)
                last_seq += 1
                version += 1
                digest = chain_hash(last_hash, number, version, type_, at, body)
                yield (last_seq, number, version, type_, at, body, last_hash, digest)
                last_hash = digest
        self.last_seq, self.last_hash = last_seq, last_hash

    def metric_tables(self) -> tuple[tuple[str, Sequence[str], list[tuple[Any, ...]]], ...]:
        """(table, columns, rows) of the metrics rows (after ``new_appeals()``)."""
        return (
            ("m_cycles", M_CYCLE_COLUMNS, self.m_cycles),
            ("m_completions", M_COMPLETION_COLUMNS, self.m_completions),
            ("m_visits", M_VISIT_COLUMNS, self.m_visits),
            ("m_reply_dues", M_REPLY_COLUMNS, self.m_reply_dues),
            ("m_co_dues", M_CO_COLUMNS, self.m_co_dues),
        )


def _phone_column(state: Appeal, sig: Signature | None, phones: PhoneIndex | None) -> str:
    key = phone_key(state.enterprise.phone) if sig is None else sig.phone
    return phones(state.district, key) if phones is not None and key else key


def state_text(state: Appeal, seal: Seal | None = None) -> str:
    """The ``state`` column of ``state``: its JSON (personal values sealed), or
    ``JUST_REGISTERED`` while it has only its registration event."""
    if state.version <= 1:
        return JUST_REGISTERED
    data = _state_to_dict(state)
    contact = contact_of(state) if seal is not None else ""
    return ser.dumps_state(seal(data, contact) if seal is not None and contact else data)


def appeal_values(
    state: Appeal,
    item: ItemRow | None,
    day: DayValue = _iso,
    sig: Signature | None = None,
    seal: Seal | None = None,
    phones: PhoneIndex | None = None,
) -> tuple[Any, ...]:
    """The current-state columns after ``created_seq`` and ``number``, up to ``source_id`` (see
    ``APPEAL_COLUMNS``; a new item's ``grams`` follow).  ``sig`` is the item's duplicate
    signature when the caller has it (its keys are then not computed again); ``seal`` seals the
    state's personal values and ``phones`` turns the phone key into its blind index (a store
    kept in clear has neither).

    ``item`` is the item's metrics row (``appeal_core.projection``); ``None`` for a
    just-registered item, which has none of its dates yet.  ``day`` gives a date column's value
    (``Dialect.day``).

    The ``state`` JSON is left out (``JUST_REGISTERED``) while the item has only its
    registration event: that state is the event's, folded when read (``state_of``).

    ``overdue_from`` is the earliest deadline still unmet (reply due without any reply yet,
    completion due without a final reply) of an open item: it is overdue from the next day.
    """
    status = state.status
    is_open = status in _OPEN
    head = (state.district, state.year, state.seq, state.version, _VALUE[status], state.lead,
            str(state.channel), day(local_date(state.registered_at)))  # fmt: skip
    tail = (
        None if item is None else day(item.assigned_or_answered),
        None if item is None else day(item.answered),
        contact_of(state),
        day(ended_on(state)),
        state_text(state, seal),
        int(bool(state.assumptions)),
        enterprise_key(state.enterprise) if sig is None else sig.name,
        state.enterprise.credit_code,
        _phone_column(state, sig, phones),
        state.source_id,
    )
    if state.assignment is None and state.escalation is None:  # not yet assigned: no dates
        return (*head, None, None, None, None, None, None, int(is_open), None, *tail)
    first_reply = [r.at for r in (state.preliminary_reply, state.final_reply) if r is not None]
    reply_due = state.reply_due.due if state.reply_due else None
    completion_due = state.completion_due.due if state.completion_due else None
    pending = [
        due
        for due, met in ((reply_due, first_reply), (completion_due, state.final_reply))
        if due is not None and not met
    ]
    escalation = state.escalation
    return (
        *head,
        day(local_date(state.assignment.assigned_at) if state.assignment else None),
        day(reply_due),
        day(completion_due),
        day(local_date(min(first_reply)) if first_reply else None),
        day(local_date(state.final_reply.at) if state.final_reply else None),
        day(escalation.due.due if escalation is not None and escalation.is_open else None),
        int(is_open),
        day(min(pending)) if pending and is_open else None,
        *tail,
    )


#: Enum values by member (``member.value`` is a slow property on the bulk path).
_VALUE: dict[Any, str] = {m: m.value for m in Status}
_OPEN = frozenset(m for m in Status if m.is_open)
_dumps = ser.dumps
_state_to_dict = ser.state_to_dict
_event_to_dict = ser.event_to_dict


def metric_rows(rows: Rows, p: Projection) -> None:
    """Add the item's metrics rows (``appeal_core.projection``) to ``rows``.

    Each cycle also gets ``active_until``: the first day it no longer counts as the item's
    current responsibility (its end, the next cycle's start, the item's end; NULL while open)
    and ``long_open`` (open, or active longer than ``LONG_DAYS``), so the month's stock is the
    cycles with ``started <= cut-off < active_until``; and its latest completion deadline with
    the day it was set (``completion_due``, ``completion_changed``), which is the one in force
    at any cut-off from that day on.  Each completion row also gets ``replaced`` (the day the
    next one replaced it: in force on ``changed <= cut-off < replaced``) and its cycle's lead,
    start, end and final reply, so the month's completion figures need no join.
    """
    item, number, district, day = p.item, p.item.number, p.item.district, rows.day
    cycles = p.cycles
    latest = {r.cycle: r for r in p.completions}  # rows are in order: the last one wins
    latest_reply = {r.cycle: r for r in p.reply_dues}
    for k, c in enumerate(cycles):
        ends = [d for d in (c.ended, item.ended) if d is not None]
        ends.extend(x.started for x in cycles[k + 1 :])
        until: date | None = min(ends) if ends else None
        long_open = until is None or (until - c.started).days > LONG_DAYS
        last, reply = latest.get(c.cycle), latest_reply.get(c.cycle)
        rows.m_cycles.append(
            (number, c.cycle, district, c.lead, int(c.assigned), day(c.started),
             day(reply.due if reply else c.reply_due), day(c.first_reply), day(c.final_reply),
             day(c.ended), day(until), int(long_open), day(last.due if last else None),
             day(last.changed if last else None), day(reply.changed if reply else c.started))
        )  # fmt: skip
    for r in p.completions:
        c = cycles[r.cycle - 1]
        rows.m_completions.append(
            (number, r.cycle, r.order, district, day(r.changed), day(r.due),
             day(r.replaced), c.lead, day(c.started), day(c.ended), day(c.final_reply),
             int(r.kept))
        )  # fmt: skip
    replies = p.reply_dues
    for k, d in enumerate(replies):
        c = cycles[d.cycle - 1]
        after = replies[k + 1] if k + 1 < len(replies) else None
        replaced = after.changed if after and after.cycle == d.cycle else None
        rows.m_reply_dues.append(
            (number, d.cycle, d.order, district, day(d.changed), day(d.due), day(replaced),
             c.lead, day(c.started), day(c.ended), day(c.first_reply))
        )  # fmt: skip
    for v in p.visits:
        rows.m_visits.append(
            (number, v.order, district, v.lead, day(v.visited), int(v.resolved),
             v.satisfaction.value, int(v.reached), day(v.superseded))
        )  # fmt: skip


def co_metric_rows(rows: Rows, history: Sequence[e.Event]) -> None:
    """Add the item's co-handling rows (``appeal_core.cohandling.co_rows``) to ``rows``, each
    with ``replaced``: the day the next row of its cycle and department replaced it."""
    found, day = co_rows(history), rows.day
    for k, r in enumerate(found):
        after = next((x for x in found[k + 1 :] if (x.cycle, x.department) ==
                      (r.cycle, r.department)), None)  # fmt: skip
        rows.m_co_dues.append(
            (r.number, r.cycle, r.department, r.order, r.district, day(r.changed), day(r.due),
             day(after.changed if after else None), day(r.started), day(r.ended),
             day(r.reported))
        )  # fmt: skip


def build_rows(
    last_seq: int,
    last_hash: str,
    items: Iterable[Staged],
    dialect: Dialect = SQLITE,
    seal: Seal | None = None,
) -> tuple[Rows, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """All rows for ``items`` at once: ``(rows, event rows, new item rows)`` (tests, benchmarks);
    personal values in clear unless ``seal`` is given."""
    rows = Rows(list(items), last_seq, last_hash, dialect.day, seal)
    new_appeals = list(rows.new_appeals())
    return rows, list(rows.events()), new_appeals


#: What ``VerifyReport.what`` names, in the words printed to a clerk.
VERIFY_KINDS = {
    "edited": "被修改",
    "removed": "被删除",
    "reordered": "被调换顺序",
    "state": "当前状态与事件日志不符",
    "projection": "统计数据与事件日志不符",
    "truncated": "检查点之后的事件被删除",
    "diverged": "与检查点不符",
}


@attrs.frozen
class VerifyReport:
    """The result of checking the log: ok, event rows checked, and the first problem if any.

    ``what`` is one of ``VERIFY_KINDS``: ``"edited"``, ``"removed"`` or ``"reordered"`` (a row
    of the hash chain; ``first_bad`` is its global sequence), ``"state"`` (an item's stored
    state is not the fold of its events), ``"projection"`` (a row the reports read is not its
    recomputation), ``"truncated"`` or ``"diverged"`` (the log no longer holds what a
    checkpoint recorded).  ``number`` is the item concerned (when it can still be told),
    ``detail`` says what differs, ``items`` how many items' states were checked.
    """

    ok: bool
    count: int
    first_bad: int | None = None
    number: str | None = None
    what: str | None = None
    detail: str | None = attrs.field(default=None, eq=False)
    items: int = attrs.field(default=0, eq=False)

    @property
    def label(self) -> str:
        """``what`` in Chinese (``""`` when all is well)."""
        return VERIFY_KINDS.get(self.what or "", "")

    def __str__(self) -> str:
        if self.ok:
            checked = f"；{self.items} 件事项的当前状态和统计数据与事件相符" if self.items else ""
            return f"事件日志完整：共 {self.count} 条，哈希链无误{checked}"
        item = f"（事项 {self.number}）" if self.number else ""
        detail = f"：{self.detail}" if self.detail else ""
        if self.what in ("edited", "removed", "reordered"):
            return f"事件日志第 {self.first_bad} 条{item}{self.label}；此前 {self.count} 条无误"
        if self.what in ("state", "projection"):
            whose = f"事项 {self.number} 的" if self.number else ""
            table = "当前状态表" if self.what == "state" else "统计数据表"
            return (
                f"{whose}{self.label}{detail}。哈希链完整（共 {self.count} 条），"
                f"{table}被直接改动过（或由规则不同的旧版本写入）；据此办理或统计都不可信"
            )
        if self.what == "truncated":
            return (
                f"事件日志第 {self.first_bad} 条（检查点所记的最后一条）已不存在：检查点之后有事件"
                f"被删除、链头被回退{detail}；现存 {self.count} 条"
            )
        return f"事件日志{self.label}{detail}"


def check_chain(rows: Iterable[Sequence[Any]], head: tuple[int, str], exists: Any) -> VerifyReport:
    """Walk event rows in global order and report the first edited, removed or reordered one.

    ``exists(hash)`` tells whether some stored row has that hash (asked only on a break).
    A removed row's item is left unknown here; the store fills it in.
    """
    prev_seq, prev_hash, prev_number, count = 0, GENESIS, None, 0
    for seq, number, version, type_, at, body, stored_prev, stored_hash in rows:
        if stored_prev != prev_hash:
            if seq != prev_seq + 1:
                return VerifyReport(False, count, prev_seq + 1, None, "removed")
            if exists(stored_prev):
                return VerifyReport(False, count, seq, number, "reordered")
            # the row before was rewritten together with its own hash
            return VerifyReport(False, count - 1, prev_seq, prev_number, "edited")
        if chain_hash(stored_prev, number, version, type_, at, body) != stored_hash:
            return VerifyReport(False, count, seq, number, "edited")
        prev_seq, prev_hash, prev_number = seq, stored_hash, number
        count += 1
    if head[0] > prev_seq:
        return VerifyReport(False, count, prev_seq + 1, None, "removed")
    if (prev_seq, prev_hash) != head:
        return VerifyReport(False, count - 1, prev_seq, prev_number, "edited")
    return VerifyReport(True, count)


def batched(cur: Any, dialect: Dialect, sql: str, size: int = 5000) -> Iterator[Any]:
    """Rows of ``sql`` (which must take a ``? `` lower key and end in ``ORDER BY key LIMIT ?``)."""
    key = -(2**62)
    while True:
        cur.execute(dialect.sql(sql), (key, size))
        chunk = cur.fetchall()
        yield from chunk
        if len(chunk) < size:
            return
        key = chunk[-1][0]
