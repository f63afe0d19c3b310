"""The SQLite store: URLs, pragmas, schema migrations, bulk ingest, waiting writers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from appeal_adapters import load_plugins, open_store
from appeal_adapters.storage import sql
from appeal_adapters.storage.sqlite import SQLiteStore
from appeal_core.errors import ConcurrencyConflict
from appeal_core.memory import MemoryStore
from appeal_core.testing.store_contract import START, make_desk, register, walk_every_event


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


def test_opening_an_older_file_upgrades_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = SQLiteStore(str(path), schema_version=1)
    numbers = walk_every_event(make_desk(old))
    before = [old.events(n) for n in numbers]
    old.close()
    assert _version(path) == 1
    assert _indexes(path) == set()
    store = SQLiteStore(str(path))
    assert _version(path) == sql.LATEST
    assert {"appeals_overdue", "activity_month"} <= _indexes(path)
    assert [store.events(n) for n in numbers] == before
    assert store.verify().ok
    assert register(make_desk(store), START).seq == len(numbers) + 1
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


def test_bulk_register_in_one_transaction(sqlite_url: str) -> None:
    memory = MemoryStore()
    numbers = walk_every_event(make_desk(memory))
    items = [(memory.events(n), memory.state(n)) for n in numbers]
    store = open_store(sqlite_url)
    assert isinstance(store, SQLiteStore)
    assert store.bulk_register(items) == len(items)
    assert store.numbers() == memory.numbers()
    assert [store.events(n) for n in numbers] == [memory.events(n) for n in numbers]
    assert list(store.states()) == list(memory.states())
    assert register(make_desk(store), START).seq == len(numbers) + 1
    assert store.verify().ok
    store.close()


def test_bulk_register_refuses_gaps_and_duplicates(sqlite_url: str) -> None:
    memory = MemoryStore()
    numbers = walk_every_event(make_desk(memory))
    items = [(memory.events(n), memory.state(n)) for n in numbers]
    store = open_store(sqlite_url)
    assert isinstance(store, SQLiteStore)
    with pytest.raises(sql.NumberingError, match="缺号或重号"):
        store.bulk_register(items[1:])  # starts at 2
    assert store.numbers() == ()
    store.bulk_register(items)
    with pytest.raises((sql.NumberingError, ConcurrencyConflict)):
        store.bulk_register(items[:1])
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
