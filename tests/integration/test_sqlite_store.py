"""The SQLite store: URLs, pragmas, schema migrations, bulk ingest, waiting writers."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from appeal_adapters import load_plugins, open_store
from appeal_adapters import serialization as ser
from appeal_adapters.storage import sql
from appeal_adapters.storage.sqlite import SQLiteStore
from appeal_adapters.storage.sqlstore import SqlStore
from appeal_core import events as e
from appeal_core.appeal import Channel
from appeal_core.duplicates import enterprise_key, signature
from appeal_core.errors import ConcurrencyConflict
from appeal_core.history import fold
from appeal_core.memory import MemoryStore
from appeal_core.metrics import monthly_report, report_from_counts
from appeal_core.policy import Policy
from appeal_core.testing.machine import DESK
from appeal_core.testing.store_contract import (
    ACME,
    START,
    make_desk,
    register,
    walk_every_event,
)


def test_wal_journal_and_full_sync_by_default(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    assert isinstance(store, SQLiteStore)
    assert store.pragma("journal_mode") == "wal"
    assert store.pragma("synchronous") == 2  # FULL
    assert store.pragma("busy_timeout") > 0
    store.close()


def test_url_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    open_store("sqlite:///relative.db").close()
    assert (tmp_path / "relative.db").exists()
    absolute = tmp_path / "sub" / "abs.db"
    absolute.parent.mkdir()
    open_store(f"sqlite:///{absolute}").close()  # sqlite:////abs/path
    assert absolute.exists()
    memory = open_store("sqlite:///:memory:")
    assert register(make_desk(memory), START).seq == 1
    memory.close()
    relaxed = open_store("sqlite:///relaxed.db?synchronous=NORMAL&busy_timeout=500")
    assert isinstance(relaxed, SQLiteStore)
    assert relaxed.pragma("synchronous") == 1
    assert relaxed.pragma("busy_timeout") == 500
    relaxed.close()
    for bad in ("sqlite://x.db", "sqlite:///", "sqlite:///x.db?fsync=1"):
        with pytest.raises(sql.BadStoreURL, match="存储地址"):
            open_store(bad)
    assert {"memory", "sqlite", "postgresql", "postgres"} <= set(load_plugins().store_schemes())


def _version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT version FROM schema_version").fetchone()[0])


def _indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
    return {r[0] for r in rows if not r[0].startswith("sqlite_")}


def test_schema_version_table_holds_the_latest(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    SQLiteStore(str(path)).close()
    assert _version(path) == sql.LATEST
    assert "appeals_overdue" in _indexes(path)


#: Event types that came with schema 8 (the stopped clock, the leader's meeting and deputy,
#: visits on site): an older file holds none.
SCHEMA_8_EVENTS = (e.PauseRequested, e.PauseDeclined, e.Paused, e.Resumed, e.DeputyDesignated,
                   e.LeaderMeetingHeld, e.SiteVisited)  # fmt: skip


def as_written_before_privacy(events: Sequence[e.Event]) -> tuple[e.Event, ...]:
    """Events as the code before schema 11 wrote them: no contact ids, no personal-note labels."""
    first, *rest = events
    assert isinstance(first, e.Registered)
    firm = attrs.evolve(first.enterprise, contact_id="")
    return (attrs.evolve(first, enterprise=firm, personal_notes=()), *rest)


def old_items() -> tuple[MemoryStore, list[tuple[Any, Any]]]:
    """Items as an older version stored them: every event type, source ids (one repeated, as
    an old file may hold), items of two enterprises.  Their events are as this version writes
    them (contact ids given); ``write_old_schema`` writes them as the old code did."""
    memory = MemoryStore()
    desk = make_desk(memory)
    walk_every_event(desk)
    for source in ("H-1", "H-2"):
        desk.register(enterprise=ACME, content=f"来电{source}", channel=Channel.HOTLINE,
                      at=START, by=DESK, source_id=source)  # fmt: skip
    items = []
    newer = (
        e.Redated,
        *SCHEMA_8_EVENTS,
        e.ConfidentialitySet,
    )  # no older file holds events of later versions
    for n in memory.numbers():
        history = tuple(ev for ev in memory.events(n) if not isinstance(ev, newer))
        items.append((history, fold(history)))
    first, *rest = items[-1][0]
    assert isinstance(first, e.Registered)
    twice = attrs.evolve(first, source_id="H-1")  # the last one repeats H-1
    items[-1] = ((twice, *rest), fold((twice, *rest)))
    return memory, items


def write_old_schema(cur: Any, dialect: sql.Dialect, items: list[Any], version: int = 2) -> None:
    """Build a schema-``version`` database holding ``items`` (rows as the old code wrote)."""
    sql.migrate(cur, dialect, "old", target=version)
    items = [(old, fold(old)) for old in (as_written_before_privacy(ev) for ev, _ in items)]
    staged = [sql.Staged(s.number, 0, None, list(ev), s) for ev, s in items]
    rows, event_rows, new_rows = sql.build_rows(0, sql.GENESIS, staged)  # in clear
    newer = {"assigned_or_answered", "answered", "enterprise_key", "source_id",  # schemas 3, 5
             "review_pending", "credit_code", "phone_key", "grams",  # schema 10
             "contact_id", "ended_on"}  # schema 11  # fmt: skip
    if version >= 5:
        newer -= {"assigned_or_answered", "answered"}
    if version >= 3:
        newer -= {"enterprise_key", "source_id"}
    if version >= 10:
        newer -= {"review_pending", "credit_code", "phone_key", "grams"}
    old_columns = [c for c in sql.APPEAL_COLUMNS if c not in newer]

    def insert(table: str, columns: Sequence[str], values: list[Any]) -> None:
        marks = ", ".join("?" * len(columns))
        text = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        cur.executemany(dialect.sql(text), values)

    insert("events", sql.EVENT_COLUMNS, event_rows)
    state_at = sql.APPEAL_COLUMNS.index("state")
    full = {s.number: ser.dumps_state(ser.state_to_dict(s)) for _, s in items}  # never ''
    appeals = [(*r[:state_at], full[r[1]], *r[state_at + 1 :]) for r in new_rows]
    keep = [sql.APPEAL_COLUMNS.index(c) for c in old_columns]
    insert("appeals", old_columns, [[r[k] for k in keep] for r in appeals])
    if version >= 8:  # the report rows as schema 8 has them (earlier ones are filled on upgrade)
        for table, columns, values in rows.metric_tables():
            if values:
                insert(table, columns, values)
    last: dict[tuple[str, int], int] = {}
    for _, s in items:
        last[(s.district, s.year)] = max(last.get((s.district, s.year), 0), s.seq)
    insert("counters", ("district", "year", "last_seq"), [(*k, v) for k, v in last.items()])
    cur.execute(dialect.sql("UPDATE chain_head SET last_seq = ?, last_hash = ? WHERE id = 1"),
                (rows.last_seq, rows.last_hash))  # fmt: skip


def check_upgraded(store: SqlStore, memory: MemoryStore, items: list[Any]) -> None:
    """An upgraded store: same events, chain intact, new columns and metrics rows filled."""
    numbers = tuple(s.number for _, s in items)
    assert store.numbers() == numbers
    assert [store.events(n) for n in numbers] == [ev for ev, _ in items]
    assert store.verify().ok
    with store.unit_of_work() as uow:
        assert uow.find_source("HM", "hotline", "H-1") == numbers[-2]  # the earliest keeps it
        assert uow.find_source("HM", "hotline", "H-2") is None
        found = uow.open_items_of("HM", enterprise_key(ACME), START.date())
        acme = [
            s.number
            for _, s in items
            if s.status.is_open and enterprise_key(s.enterprise) == enterprise_key(ACME)
        ]
        assert [s.number for s in found] == acme
        by_phone = uow.duplicate_candidates("HM", {"phone:13800000000"}, START.date())  # schema 10
        assert sorted(c.number for c in by_phone) == sorted(s.number for s in found)
        assert {c.signature for c in by_phone} == {
            signature(s.enterprise, s.content) for s in found
        }
    histories = [ev for ev, _ in items]
    for month in (11, 12):
        want = monthly_report(histories, year=2026, month=month, policy=Policy())
        per_dept, channels = store.month_counts(2026, month)
        assert report_from_counts(per_dept, channels, year=2026, month=month,
                                  policy=Policy()) == want  # fmt: skip
    assert register(make_desk(store), START).seq == len(numbers) + 1
    assert store.quarantined() == ()


def test_opening_an_older_file_upgrades_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    memory, items = old_items()
    conn = sqlite3.connect(path, isolation_level=None)
    cur = conn.cursor()
    cur.execute("BEGIN")
    write_old_schema(cur, sql.SQLITE, items)
    cur.execute("COMMIT")
    conn.close()
    assert _version(path) == 2
    assert "activity_month" in _indexes(path)
    store = SQLiteStore(str(path))
    assert _version(path) == sql.LATEST
    indexes = _indexes(path)
    assert {"appeals_overdue", "appeals_source", "appeals_enterprise", "quarantine_open",
            "m_cycles_started", "m_completions_due", "appeals_review", "appeals_code",
            "appeals_phone"} <= indexes  # fmt: skip
    assert "activity_month" not in indexes
    check_upgraded(store, memory, items)
    store.close()


def test_opening_a_newer_file_refuses_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    SQLiteStore(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(sql.SchemaTooNew) as caught:
        open_store(f"sqlite:///{path}")
    message = str(caught.value)
    assert "99" in message and str(sql.LATEST) in message and "升级" in message
    assert (caught.value.found, caught.value.supported) == (99, sql.LATEST)
    assert _version(path) == 99


def walked(url: str) -> tuple[MemoryStore, list[tuple[Any, Any]], SQLiteStore]:
    """Items through every kind of event (in memory), and an empty SQLite store at ``url``."""
    memory = MemoryStore()
    numbers = walk_every_event(make_desk(memory))
    store = open_store(url)
    assert isinstance(store, SQLiteStore)
    return memory, [(memory.events(n), memory.state(n)) for n in numbers], store


def test_bulk_register_in_one_transaction(sqlite_url: str) -> None:
    memory, items, store = walked(sqlite_url)
    numbers = memory.numbers()
    assert store.bulk_register(items) == len(items)
    assert store.numbers() == numbers
    assert [store.events(n) for n in numbers] == [memory.events(n) for n in numbers]
    assert list(store.states()) == list(memory.states())
    assert register(make_desk(store), START).seq == len(numbers) + 1
    assert store.verify().ok
    store.close()


def test_a_just_registered_item_stores_no_state_json_until_it_changes(sqlite_url: str) -> None:
    """Its state is folded from the registration event; the first change writes it out."""
    store = open_store(sqlite_url)
    assert isinstance(store, SQLiteStore)
    desk = make_desk(store)
    first = register(desk, START)
    raw = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    query = "SELECT state FROM appeals WHERE number = ?"
    assert raw.execute(query, (first.number,)).fetchone() == ("",)
    assert store.state(first.number) == fold(store.events(first.number))
    assert list(store.states()) == [store.state(first.number)]
    desk.verify(first.number, at=START, by=DESK, note="已电话核实")
    stored = ser.loads(raw.execute(query, (first.number,)).fetchone()[0])
    contact = store.state(first.number).enterprise.contact_id
    assert stored["enterprise"]["phone"]["c"] == contact  # sealed for the contact
    stored["enterprise"].update(contact=ACME.contact, phone=ACME.phone)
    assert ser.state_from_dict(stored) == store.state(first.number)
    raw.close()
    store.close()


def test_bulk_register_pauses_the_collector_and_restores_it(sqlite_url: str) -> None:
    _, items, store = walked(sqlite_url)
    seen: list[bool] = []
    store.bulk_register((seen.append(gc.isenabled()), item)[1] for item in items[:1])
    assert seen == [False] and gc.isenabled()
    with pytest.raises(sql.NumberingError):
        store.bulk_register(items[2:])  # a gap: refused, and the collector is back on
    assert gc.isenabled()
    gc.disable()
    try:
        store.bulk_register(items[1:2])
        assert not gc.isenabled()  # left off when the caller had it off
    finally:
        gc.enable()
    store.close()


def test_bulk_register_refuses_gaps_and_duplicates(sqlite_url: str) -> None:
    memory, items, store = walked(sqlite_url)
    with pytest.raises(sql.NumberingError, match="缺号或重号"):
        store.bulk_register(items[1:])  # starts at 2
    assert store.numbers() == ()
    store.bulk_register(items)
    with pytest.raises((sql.NumberingError, ConcurrencyConflict)):
        store.bulk_register(items[:1])
    assert store.numbers() == memory.numbers()
    store.close()


def test_bulk_register_checks_each_item_as_it_writes_and_keeps_nothing_of_a_bad_batch(
    sqlite_url: str,
) -> None:
    memory, items, store = walked(sqlite_url)
    last_events, last_state = items[-1]
    short = [*items[:-1], (last_events[:-1], last_state)]  # one event missing from the last
    with pytest.raises(sql.NumberingError, match=f"{last_state.number}.*状态版本"):
        store.bulk_register(short)
    unregistered = [*items[:-1], (last_events[1:], last_state)]
    with pytest.raises(sql.NumberingError, match="登记事件"):
        store.bulk_register(unregistered)
    assert store.numbers() == () and store.verify().ok
    store.bulk_register(items)  # the counters were left as they were
    assert store.numbers() == memory.numbers()
    store.close()


def test_a_waiting_writer_gets_a_typed_error_not_sqlite_busy(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    store = SQLiteStore(str(path), busy_timeout_ms=100)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sql.StoreBusy, match="100 毫秒"):
            register(make_desk(store), START)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert register(make_desk(store), START).seq == 1
    store.close()


def test_a_file_that_cannot_be_opened_gets_a_reason_a_clerk_can_act_on(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "appeals.db"
    with pytest.raises(sql.StorageError, match=r"所在目录 .*no-such-folder 不存在"):
        open_store(f"sqlite:///{missing}")
    assert not missing.parent.exists()
    other = tmp_path / "notes.db"
    other.write_text("这不是数据库，而是一份说明" * 100, encoding="utf-8")
    with pytest.raises(sql.StorageError, match=r"notes\.db：该文件不是 SQLite 数据库"):
        open_store(f"sqlite:///{other}")
    assert other.read_text(encoding="utf-8").startswith("这不是数据库")  # left as it was


def test_duplicate_candidates_survive_their_cache_filling_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decoded candidates are bounded: a lookup that overfills the cache starts it again
    and still returns every candidate (a 1,000,000-row import found this)."""
    from appeal_adapters.storage import sqlstore

    monkeypatch.setattr(sqlstore, "CANDIDATES_KEPT", 5)
    store = SQLiteStore(str(tmp_path / "a.db"))
    desk = make_desk(store)
    other_phone = attrs.evolve(ACME, phone="13900000009")
    numbers = [desk.register(enterprise=ACME if k < 4 else other_phone, content=f"第{k}件",
                             channel=Channel.APP, at=START, by=DESK).number
               for k in range(8)]  # fmt: skip
    with store.unit_of_work() as uow:
        late = uow.duplicate_candidates("HM", {"phone:13900000009"}, START.date())
        assert sorted(c.number for c in late) == numbers[4:]  # the last four are kept
        every = uow.duplicate_candidates("HM", {enterprise_key(ACME)}, START.date())
        assert sorted(c.number for c in every) == numbers
        assert len(store._candidates) <= 8
    store.close()


def test_kept_duplicate_candidates_follow_their_items(tmp_path: Path) -> None:
    """A candidate kept from an earlier lookup is read again when its item changed (a
    corrected phone: a new version) or its phone was erased (no event), also when another
    store on the same file made the change; nothing read inside a rolled-back transaction is
    reused for the item that later takes its place."""
    from appeal_core.enterprise import Enterprise
    from appeal_core.events import Registered
    from appeal_core.history import start
    from appeal_core.intake import Assumption
    from appeal_core.privacy import contact_of

    path = str(tmp_path / "a.db")
    reader, writer = SQLiteStore(path), SQLiteStore(path)
    desk = make_desk(writer)
    firm = Enterprise(name="南通恒丰机械有限公司", phone="0513-82118899")
    guess = Assumption(field="enterprise.phone", original="51382118899",
                       assumed="0513-82118899", reason="表格数值丢失了开头的 0")  # fmt: skip
    number = desk.register(enterprise=firm, content="用电增容慢", channel=Channel.HOTLINE,
                           at=START, by=DESK, assumptions=[guess]).number  # fmt: skip
    asked = {enterprise_key(firm), "phone:82118899"}

    def phones(store: SqlStore, keys: set[str]) -> list[str]:
        with store.unit_of_work() as uow:
            found = uow.duplicate_candidates("HM", keys, START.date())
        return [c.signature.phone for c in found]

    assert phones(reader, asked) == ["82118899"]
    assert phones(reader, {enterprise_key(firm)})[0].startswith("#")  # not asked: apart
    assert phones(reader, asked) == ["82118899"]
    desk.correct(number, field="enterprise.phone", value="0513-82119999", at=START, by=DESK)
    moved = phones(reader, asked)
    assert len(moved) == 1 and moved[0].startswith("#")  # another number now
    assert phones(reader, {enterprise_key(firm), "phone:82119999"}) == ["82119999"]
    contact = contact_of(writer.state(number))
    desk.erase_contact(contact, reason="本人要求", at=START, by=DESK, force=True)
    assert phones(reader, asked) == [""]  # erased by the other store: no phone to link by

    other = Enterprise(name="海门示例纺织有限公司", phone="13912345678")
    with pytest.raises(RuntimeError), reader.unit_of_work() as uow:
        seq = uow.reserve_seqs("HM", 2026, 1)
        event = Registered(number=f"HM-2026-{seq:04d}", at=START, by=DESK, district="HM",
                           year=2026, seq=seq, enterprise=firm, content="用地",
                           channel=Channel.HOTLINE)  # fmt: skip
        uow.register_many([(event, start(event), signature(firm, "用地"))])
        assert len(uow.duplicate_candidates("HM", asked, START.date())) == 2
        raise RuntimeError("rolled back")
    later = make_desk(reader).register(enterprise=other, content="招工难", channel=Channel.APP,
                                       at=START, by=DESK)  # fmt: skip
    assert later.number == f"HM-2026-{seq:04d}"  # the same number and row seq as the lost one
    with reader.unit_of_work() as uow:
        found = uow.duplicate_candidates("HM", {enterprise_key(other)}, START.date())
    assert [c.signature.grams for c in found] == [signature(other, "招工难").grams]
    assert [c.signature.name for c in found] == [enterprise_key(other)]
    reader.close()
    writer.close()
