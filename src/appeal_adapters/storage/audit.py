"""The audit beyond the hash chain: the tables a command or a report reads, checked against the
events they are folded from.

The hash chain proves the event log; the current-state table (``appeals``) and the report rows
(``m_cycles``, ``m_completions``, ``m_visits``, ``counters``) are written beside it in the same
transaction, so they must always equal their recomputation from the events.  ``check_items``
walks every item in batches and reports the first that differs; ``load_checked`` reads one
item for a command and refuses a state that is not the fold of its events.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import takewhile
from typing import Any

import attrs

from appeal_adapters import serialization as ser
from appeal_adapters.storage import sql
from appeal_core.appeal import Appeal
from appeal_core.errors import AppealError, AppealNotFound
from appeal_core.events import Event
from appeal_core.history import fold
from appeal_core.projection import project

#: Items checked per round trip (their events and report rows are read together).
ITEM_BATCH = 500
#: The ``appeals`` columns compared with their recomputation (from ``enterprise_key`` on they
#: serve intake's look-ups only and may have been filled by older rules).
CHECKED_COLUMNS = sql.APPEAL_COLUMNS[: sql.APPEAL_COLUMNS.index("enterprise_key")]
#: Each report table the writer fills (``Rows.metric_tables``), its columns, and how many
#: leading columns key a row (``number``, then ``cycle``, ``department`` and/or ``ord``).
METRICS = tuple(
    (
        table,
        columns,
        len(list(takewhile({"number", "cycle", "department", "ord"}.__contains__, columns))),
    )
    for table, columns, _ in sql.Rows((), 0, sql.GENESIS).metric_tables()
)
#: One statement, so one snapshot: the stored row (key 0) then the events, oldest first.
CHECKED = """SELECT 0, version, state FROM appeals WHERE number = ?
    UNION ALL SELECT version, version, body FROM events WHERE number = ?
    ORDER BY 1"""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def state_difference(stored: Appeal, folded: Appeal) -> str:
    """The first field in which ``stored`` differs from ``folded``, in a clerk's words."""
    for field in attrs.fields(Appeal):
        mine, theirs = getattr(stored, field.name), getattr(folded, field.name)
        if mine != theirs:
            return f"state.{field.name} 表中为 {_short(mine)}，按事件应为 {_short(theirs)}"
    return "状态 JSON 与事件不符"


def _state_text(state: Appeal) -> str:
    """The ``state`` column the writer stores for ``state`` (``appeal_values``'s)."""
    return ser.dumps_state(ser.state_to_dict(state)) if state.version > 1 else sql.JUST_REGISTERED


def _state_problem(text: str, first: str | None, folded: Appeal, expected: str) -> str | None:
    """Why the stored ``state`` column is not ``folded`` (None when it is); ``expected`` is
    the column as the writer stores ``folded``."""
    if text == expected:
        return None
    try:  # written by an older version, the JSON may differ and still say the same
        stored = sql.state_of(text, first)
    except AppealError as exc:
        return f"state 无法读取：{exc}"
    return None if stored == folded else state_difference(stored, folded)


def load_checked(cur: Any, dialect: sql.Dialect, number: str) -> tuple[Appeal, tuple[Event, ...]]:
    """The item's state and events, read in one statement; ``StateMismatch`` unless the
    stored state is the fold of the events (``AppealNotFound`` when there is no such item)."""
    cur.execute(dialect.sql(CHECKED), (number, number))
    rows = cur.fetchall()
    if not rows or number.startswith("@"):  # no item, or a journal stream's key
        raise AppealNotFound(number)
    if rows[0][0] != 0:
        raise sql.StateMismatch(number, f"有 {len(rows)} 条事件，当前状态表中却没有该事项")
    _, version, text = rows[0]
    bodies = [body for _, _, body in rows[1:]]
    if len(bodies) != version:
        raise sql.StateMismatch(number, f"状态版本为 {version}，事件日志有 {len(bodies)} 条")
    events = tuple(ser.event_from_dict(ser.loads(body)) for body in bodies)
    try:
        folded = fold(events)
    except AppealError as exc:
        raise sql.StateMismatch(number, f"事件无法折叠为状态：{exc}") from exc
    problem = _state_problem(text, bodies[0] if bodies else None, folded, _state_text(folded))
    if problem is not None:
        raise sql.StateMismatch(number, problem)
    return folded, events


def _expected(events: Sequence[Event], folded: Appeal, day: sql.DayValue) -> tuple[Any, ...]:
    """The ``appeals`` values and report rows the writer would store for this history."""
    rows = sql.Rows((), 0, sql.GENESIS, day)
    if len(events) == 1:  # just registered: no report rows, no metrics dates (as ``Rows``)
        return sql.appeal_values(folded, None, day), rows
    projection = project(events)
    sql.metric_rows(rows, projection)
    sql.co_metric_rows(rows, events)
    return sql.appeal_values(folded, projection.item, day), rows


def _rows_problem(
    table: str, columns: Sequence[str], key: int, stored: list[Any], wanted: list[Any]
) -> str:
    """Where ``stored`` (rows of ``table``) first differs from ``wanted``; "" when equal."""
    stored, wanted = sorted(stored, key=lambda r: r[:key]), sorted(wanted, key=lambda r: r[:key])
    for mine, theirs in zip(stored, wanted, strict=False):
        if tuple(mine) != tuple(theirs):
            name, a, b = next(
                (c, x, y) for c, x, y in zip(columns, mine, theirs, strict=True) if x != y
            )
            where = "、".join(str(v) for v in theirs[1:key]) or ""
            return f"{table} 第 {where} 行 {name} 表中为 {_short(a)}，按事件应为 {_short(b)}"
    if len(stored) != len(wanted):
        return f"{table} 有 {len(stored)} 行，按事件应为 {len(wanted)} 行"
    return ""


def _item_problem(
    columns: Sequence[Any],
    events: Sequence[Event],
    first: str | None,
    metrics: dict[str, list[tuple[Any, ...]]],
    day: sql.DayValue,
) -> tuple[str, str] | None:
    """``(what, detail)`` when the item's stored rows are not their recomputation."""
    version = columns[CHECKED_COLUMNS.index("version") - 2]
    if len(events) != version:
        return "state", f"状态版本为 {version}，事件日志有 {len(events)} 条"
    try:
        folded = fold(events)
    except AppealError as exc:
        return "state", f"事件无法折叠为状态：{exc}"
    values, rows = _expected(events, folded, day)
    for name, mine, theirs in zip(CHECKED_COLUMNS[2:], columns, values, strict=False):
        if name == "state":
            problem = _state_problem(mine, first, folded, theirs)
            if problem is not None:
                return "state", problem
        elif mine != theirs:
            return "state", f"appeals.{name} 表中为 {_short(mine)}，按事件应为 {_short(theirs)}"
    for (table, columns, key), (_, _, wanted) in zip(METRICS, rows.metric_tables(), strict=True):
        problem = _rows_problem(table, columns, key, metrics[table], wanted)
        if problem:
            return "projection", problem
    return None


def _appeal_batches(cur: Any, dialect: sql.Dialect, size: int) -> Iterator[list[Any]]:
    text = (
        f"SELECT {', '.join(CHECKED_COLUMNS)} FROM appeals WHERE created_seq > ?"
        " ORDER BY created_seq LIMIT ?"
    )
    key = -(2**62)
    while True:
        cur.execute(dialect.sql(text), (key, size))
        chunk = cur.fetchall()
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        key = chunk[-1][0]


def check_items(
    cur: Any, dialect: sql.Dialect, count: int, batch: int = ITEM_BATCH
) -> sql.VerifyReport:
    """Every item's ``appeals`` row and report rows against the fold and projection of its
    events, ``batch`` items at a time (memory stays bounded); then rows and counters that
    belong to no item.  ``count`` is the chain's row count, carried into the report."""
    items = 0
    for chunk in _appeal_batches(cur, dialect, batch):
        numbers = [row[1] for row in chunk]
        marks = ", ".join("?" * len(numbers))
        text = f"SELECT number, body FROM events WHERE number IN ({marks}) ORDER BY number, version"
        cur.execute(dialect.sql(text), numbers)
        bodies: dict[str, list[str]] = {}
        for number, body in cur.fetchall():
            bodies.setdefault(number, []).append(body)
        metrics: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
        for table, columns, _ in METRICS:
            cur.execute(
                dialect.sql(f"SELECT {', '.join(columns)} FROM {table} WHERE number IN ({marks})"),
                numbers,
            )
            found = metrics[table] = {}
            for row in cur.fetchall():
                found.setdefault(row[0], []).append(tuple(row))
        for row in chunk:
            number = row[1]
            texts = bodies.get(number, [])
            events = [ser.event_from_dict(ser.loads(body)) for body in texts]
            item_metrics = {table: metrics[table].get(number, []) for table, _, _ in METRICS}
            problem = _item_problem(
                row[2:], events, texts[0] if texts else None, item_metrics, dialect.day
            )
            if problem is not None:
                return sql.VerifyReport(False, count, None, number, *problem, items=items)
            items += 1
    stray = _stray(cur, dialect)
    if stray is not None:
        return sql.VerifyReport(False, count, None, *stray, items=items)
    return sql.VerifyReport(True, count, items=items)


def _stray(cur: Any, dialect: sql.Dialect) -> tuple[str | None, str, str] | None:
    """``(number, what, detail)`` of a row belonging to no item, or a numbering counter
    that disagrees with the items registered."""
    cur.execute(
        "SELECT e.number FROM events e WHERE e.version = 1 AND substr(e.number, 1, 1) <> '@'"
        " AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.number = e.number) LIMIT 1"
    )
    row = cur.fetchone()
    if row is not None:
        return row[0], "state", "事件日志中有该事项，当前状态表中却没有（行被删除）"
    for table, _, _ in METRICS:
        cur.execute(
            f"SELECT x.number FROM {table} x"
            " WHERE NOT EXISTS (SELECT 1 FROM appeals a WHERE a.number = x.number) LIMIT 1"
        )
        row = cur.fetchone()
        if row is not None:
            return row[0], "projection", f"{table} 中有该编号的行，却没有这个事项"
    cur.execute("SELECT district, year, max(seq), count(*) FROM appeals GROUP BY district, year")
    registered = {(d, int(y)): (int(m), int(n)) for d, y, m, n in cur.fetchall()}
    cur.execute("SELECT district, year, last_seq FROM counters")
    counters = {(d, int(y)): int(last) for d, y, last in cur.fetchall()}
    for district, year in sorted({*registered, *counters}):
        top, n = registered.get((district, year), (0, 0))
        last = counters.get((district, year), 0)
        if last != top or n != top:
            return (
                None,
                "projection",
                (
                    f"编号计数器 counters（{district} {year} 年）为 {last}，"
                    f"已登记 {n} 件、最大序号 {top}（编号应连续且计数器等于最大序号）"
                ),
            )
    return None
