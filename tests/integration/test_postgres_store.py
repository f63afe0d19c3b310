"""The PostgreSQL store: URLs, migrations, COPY ingest, conflicts found at commit, lazy import."""

from __future__ import annotations

import sys

import pytest

from appeal_adapters import open_store
from appeal_adapters.errors import MissingExtra
from appeal_adapters.storage import sql
from appeal_adapters.storage.postgres import PostgresStore, redact
from appeal_core import events as e
from appeal_core.errors import ConcurrencyConflict
from appeal_core.history import evolve
from appeal_core.memory import MemoryStore
from appeal_core.testing.machine import DESK
from appeal_core.testing.store_contract import START, make_desk, register, walk_every_event
from tests.integration.conftest import raw
from tests.integration.test_sqlite_store import check_upgraded, old_items, write_old_schema

pytestmark = pytest.mark.postgres


def test_missing_psycopg_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingExtra, match=r"pip install 'appeal\[postgres\]'"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_redact_hides_the_password() -> None:
    assert redact("postgresql://u:secret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"


def test_both_schemes_open(postgres_url: str) -> None:
    for url in (postgres_url, postgres_url.replace("postgresql://", "postgres://", 1)):
        store = open_store(url)
        assert isinstance(store, PostgresStore)
        register(make_desk(store), START)
        store.close()
    store = open_store(postgres_url)
    assert [s.seq for s in store.states()] == [1, 2]
    store.close()


def test_an_older_schema_is_upgraded_and_a_newer_refused(postgres_url: str) -> None:
    import psycopg

    memory, items = old_items()
    with psycopg.connect(postgres_url) as conn, conn.transaction(), conn.cursor() as cur:
        write_old_schema(cur, sql.POSTGRES, items)
    store = PostgresStore(postgres_url)
    with raw(postgres_url) as (conn, _):
        assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == sql.LATEST
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes").fetchall()}
        assert {"appeals_overdue", "appeals_source", "m_cycles_started"} <= indexes
        check_upgraded(store, memory, items)
        store.close()
        conn.execute("UPDATE schema_version SET version = 42")
    with pytest.raises(sql.SchemaTooNew, match="42") as caught:
        open_store(postgres_url)
    assert str(sql.LATEST) in str(caught.value)


def test_bulk_register_through_copy(postgres_url: str) -> None:
    memory = MemoryStore()
    numbers = walk_every_event(make_desk(memory))
    store = PostgresStore(postgres_url)
    items = [(memory.events(n), memory.state(n)) for n in numbers]
    bad = [*items[:-1], (items[-1][0][:-1], items[-1][1])]  # the last item is short of an event
    with pytest.raises(sql.NumberingError, match="状态版本"):
        store.bulk_register(bad)  # found while its rows stream in: the COPY is rolled back
    assert store.numbers() == () and store.verify().ok
    assert store.bulk_register(iter(items)) == len(numbers)
    assert [store.events(n) for n in numbers] == [memory.events(n) for n in numbers]
    assert list(store.states()) == list(memory.states())
    assert store.verify().ok
    with pytest.raises(sql.NumberingError):
        store.bulk_register([(memory.events(numbers[0]), memory.state(numbers[0]))])
    assert register(make_desk(store), START).seq == len(numbers) + 1
    store.close()


def test_a_write_committed_meanwhile_is_a_conflict_at_commit(postgres_url: str) -> None:
    first, second = PostgresStore(postgres_url), PostgresStore(postgres_url)
    state = register(make_desk(first), START)
    mine = e.Verified(number=state.number, at=START, by=DESK, note="慢的一方")
    with pytest.raises(ConcurrencyConflict) as caught, first.unit_of_work() as uow:
        uow.append(state.number, state.version, (mine,), evolve(state, mine))
        make_desk(second).verify(state.number, at=START, by=DESK, note="快的一方")
    assert (caught.value.expected, caught.value.actual) == (1, 2)
    assert [getattr(x, "note", None) for x in first.events(state.number)][-1] == "快的一方"
    assert first.verify().ok
    first.close()
    second.close()
