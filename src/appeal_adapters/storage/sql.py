"""What the SQL stores share: schema and migrations, row layout, the hash chain and its check.

SQLite and PostgreSQL run the same statements; a ``Dialect`` fills in the few type names and
the parameter marker that differ.  Every event row is chained to the row before it (global
order) by ``hash = sha256(prev_hash + canonical JSON of number, version, type, at, body)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any

import attrs

from appeal_adapters import serialization as ser
from appeal_adapters.errors import AdapterError
from appeal_core import events as e
from appeal_core.appeal import Appeal
from appeal_core.timeutil import local_date

GENESIS = "0" * 64
_NEW_LEAD = (e.Assigned, e.Reassigned)
#: Event types that feed the monthly report's ``activity`` table.
ACTIVITY_TYPES = ("Assigned", "Reassigned", "FollowedUp")


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


class NumberingError(StorageError, ValueError):
    """Bulk-registered items would leave a gap or a duplicate in the item numbers."""


class BadStoreURL(StorageError, ValueError):
    """The store URL cannot be understood."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(f"存储地址 {url!r} 无效：{reason}")


@attrs.frozen
class Dialect:
    """The few words in which SQLite and PostgreSQL differ for this schema."""

    name: str
    bigint: str  # the global sequence column type (SQLite: INTEGER makes it the rowid)
    date: str
    for_update: str  # row lock suffix; SQLite's BEGIN IMMEDIATE already holds the write lock
    param: str

    def sql(self, text: str) -> str:
        """``text`` with its ``?`` markers turned into this driver's parameter marker."""
        return text if self.param == "?" else text.replace("?", self.param)

    def schema(self, text: str) -> str:
        """Schema text with this dialect's type names."""
        return text.format(bigint=self.bigint, date=self.date)


SQLITE = Dialect("sqlite", bigint="INTEGER", date="TEXT", for_update="", param="?")
POSTGRES = Dialect("postgresql", bigint="BIGINT", date="DATE", for_update=" FOR UPDATE", param="%s")

#: (version, what it does, statements).  Never edit a released step; append a new one.
MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
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
)
LATEST = MIGRATIONS[-1][0]

EVENT_COLUMNS = ("seq", "number", "version", "type", "at", "body", "prev_hash", "hash")
APPEAL_COLUMNS = (
    "created_seq", "number", "district", "year", "seq", "version", "status", "lead", "channel",
    "registered_on", "assigned_on", "reply_due", "completion_due", "first_reply_on",
    "final_reply_on", "escalation_due", "is_open", "overdue_from", "state",
)  # fmt: skip
ACTIVITY_COLUMNS = ("event_seq", "day", "kind", "district", "lead", "resolved", "satisfied")


def migrate(cur: Any, dialect: Dialect, where: str, target: int = LATEST) -> int:
    """Bring the schema to ``target`` inside the caller's write transaction; the old version.

    Raises ``SchemaTooNew`` (and changes nothing) when the database is newer than this code.
    """
    cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    cur.execute("SELECT max(version) FROM schema_version")
    found = cur.fetchone()[0] or 0
    if found > LATEST:
        raise SchemaTooNew(where, found, LATEST)
    for version, _, statements in MIGRATIONS:
        if found < version <= target:
            for statement in statements:
                cur.execute(dialect.schema(statement))
    if target > found:
        cur.execute("DELETE FROM schema_version")
        cur.execute(dialect.sql("INSERT INTO schema_version (version) VALUES (?)"), (target,))
    return int(found)


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
    """One item's events waiting in a unit of work, after its stored version ``base``."""

    number: str
    base: int
    prior_lead: str | None
    events: list[e.Event]
    state: Appeal


@attrs.define
class Rows:
    """The rows one transaction writes, and where the chain stands after them."""

    events: list[tuple[Any, ...]] = attrs.Factory(list)
    new_appeals: list[tuple[Any, ...]] = attrs.Factory(list)
    changed_appeals: list[tuple[Any, ...]] = attrs.Factory(list)
    activity: list[tuple[Any, ...]] = attrs.Factory(list)
    last_seq: int = 0
    last_hash: str = GENESIS


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def appeal_values(state: Appeal) -> tuple[Any, ...]:
    """The current-state columns after ``created_seq`` and ``number`` (see ``APPEAL_COLUMNS``).

    ``overdue_from`` is the earliest deadline still unmet (reply due without any reply yet,
    completion due without a final reply) of an open item: it is overdue from the next day.
    """
    status = state.status
    head = (state.district, state.year, state.seq, state.version, status.value, state.lead,
            state.channel.value, local_date(state.registered_at).isoformat())  # fmt: skip
    text = ser.dumps(ser.state_to_dict(state))
    if state.assignment is None and state.escalation is None:  # not yet assigned: no dates
        return (*head, None, None, None, None, None, None, int(status.is_open), None, text)
    first_reply = [r.at for r in (state.preliminary_reply, state.final_reply) if r is not None]
    reply_due = state.reply_due.due if state.reply_due else None
    completion_due = state.completion_due.due if state.completion_due else None
    pending = [
        due
        for due, met in ((reply_due, first_reply), (completion_due, state.final_reply))
        if due is not None and not met
    ]
    escalation = state.escalation
    is_open = status.is_open
    return (
        *head,
        _iso(local_date(state.assignment.assigned_at) if state.assignment else None),
        _iso(reply_due),
        _iso(completion_due),
        _iso(local_date(min(first_reply)) if first_reply else None),
        _iso(local_date(state.final_reply.at) if state.final_reply else None),
        _iso(escalation.due.due if escalation is not None and escalation.is_open else None),
        int(is_open),
        _iso(min(pending)) if pending and is_open else None,
        text,
    )


def build_rows(last_seq: int, last_hash: str, items: Iterable[Staged]) -> Rows:
    """Event, state and activity rows for ``items``, chained after ``(last_seq, last_hash)``."""
    rows = Rows()
    events_append, event_to_dict, dumps = rows.events.append, ser.event_to_dict, ser.dumps
    for item in items:
        lead, number, version = item.prior_lead, item.number, item.base
        created = last_seq + 1
        for event in item.events:
            last_seq += 1
            version += 1
            data = event_to_dict(event)
            type_, at = data["type"], data["at"]
            body = dumps(data)
            digest = chain_hash(last_hash, number, version, type_, at, body)
            events_append((last_seq, number, version, type_, at, body, last_hash, digest))
            last_hash = digest
            if isinstance(event, _NEW_LEAD):
                lead = event.lead
            if type_ in ACTIVITY_TYPES:
                follow = event.follow_up if isinstance(event, e.FollowedUp) else None
                rows.activity.append(
                    (
                        last_seq,
                        local_date(event.at).isoformat(),
                        type_,
                        item.state.district,
                        lead or "",
                        int(bool(follow and follow.resolved)),
                        int(bool(follow and follow.satisfied)),
                    )
                )
        values = appeal_values(item.state)
        if item.base == 0:
            rows.new_appeals.append((created, number, *values))
        else:
            rows.changed_appeals.append((*values, number))
    rows.last_seq, rows.last_hash = last_seq, last_hash
    return rows


@attrs.frozen
class VerifyReport:
    """The result of checking the hash chain: ok, rows checked, and the first bad row if any.

    ``what`` is ``"edited"``, ``"removed"`` or ``"reordered"``; ``first_bad`` is the global
    sequence of that row and ``number`` its item (when it can still be told).
    """

    ok: bool
    count: int
    first_bad: int | None = None
    number: str | None = None
    what: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"事件日志完整：共 {self.count} 条，哈希链无误"
        kind = {"edited": "被修改", "removed": "被删除", "reordered": "被调换顺序"}[self.what or ""]
        item = f"（事项 {self.number}）" if self.number else ""
        return f"事件日志第 {self.first_bad} 条{item}{kind}；此前 {self.count} 条无误"


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
