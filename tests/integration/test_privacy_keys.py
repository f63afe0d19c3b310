"""The master key and the contacts' keys on the SQL stores: missing, wrong, rotated; the audit
without any key; erasure destroying the key; a store written in clear converted in place."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from appeal_adapters import open_store
from appeal_adapters.privacy import (
    MASTER_ENV,
    MASTER_FILE_ENV,
    MasterKey,
    MasterKeyInvalid,
    MasterKeyMismatch,
    MasterKeyMissing,
    write_key_file,
)
from appeal_adapters.storage import checkpoint as cp
from appeal_adapters.storage import sql
from appeal_adapters.storage.sqlite import SQLiteStore
from appeal_adapters.storage.sqlstore import SqlStore
from appeal_core.journal import MasterKeyRotated
from appeal_core.privacy import ERASED, privacy_stream
from appeal_core.testing.privacy_contract import closed, registered
from appeal_core.testing.store_contract import ACME, START, make_desk
from tests.conftest import TEST_MASTER_KEY
from tests.integration.conftest import raw
from tests.integration.test_sqlite_store import old_items, write_old_schema

DESK_ACTOR = __import__("appeal_core").Actor.desk("窗口")


def _filled(url: str) -> tuple[SqlStore, str]:
    store = open_store(url)
    assert isinstance(store, SqlStore)
    number = registered(make_desk(store), ACME, START)
    return store, number


def test_a_store_with_encrypted_data_needs_the_master_key(
    sql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, number = _filled(sql_url)
    store.close()
    monkeypatch.delenv(MASTER_ENV)
    with pytest.raises(MasterKeyMissing, match=MASTER_ENV) as caught:
        open_store(sql_url)
    assert MASTER_FILE_ENV in str(caught.value) and "appeal privacy keygen" in str(caught.value)
    reader = open_store(sql_url, read_only=True)  # the audit needs no key
    assert isinstance(reader, SqlStore)
    report = reader.verify()
    assert report.ok and report.items == 1, report
    with pytest.raises(MasterKeyMissing):
        reader.state(number)  # but reading personal values does
    reader.close()
    monkeypatch.setenv(MASTER_ENV, MasterKey.generate().text)
    with pytest.raises(MasterKeyMismatch, match="校验值不符"):
        open_store(sql_url)
    monkeypatch.setenv(MASTER_ENV, "not base64!")
    with pytest.raises(MasterKeyInvalid, match=MASTER_ENV):
        open_store(sql_url)


def test_the_key_from_a_file(sql_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "master.key"
    key = write_key_file(path)
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    with pytest.raises(Exception, match="已存在"):
        write_key_file(path)
    monkeypatch.delenv(MASTER_ENV)
    monkeypatch.setenv(MASTER_FILE_ENV, str(path))
    store, number = _filled(sql_url)
    assert store.master_check == key.check
    assert store.state(number).enterprise.phone == ACME.phone
    store.close()


def test_a_fresh_store_opens_without_a_key_and_refuses_to_store_personal_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MASTER_ENV)
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    store = open_store(url)
    desk = make_desk(store)
    with pytest.raises(MasterKeyMissing):
        registered(desk, ACME, START)
    assert store.numbers() == ()  # nothing half-written, no number taken
    nobody = desk.register(enterprise=ACME.__class__(name="无联系人示例公司"), content="道路",
                           channel="app", at=START, by=DESK_ACTOR)  # fmt: skip
    assert nobody.seq == 1  # an item with nothing personal needs no key
    store.close()


def test_rotating_the_master_key(sql_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store, number = _filled(sql_url)
    desk = make_desk(store)
    old = MasterKey.parse(TEST_MASTER_KEY)
    new = MasterKey.generate()
    event = MasterKeyRotated(stream=privacy_stream("HM"), at=START, by=DESK_ACTOR,
                             old_check=old.check, new_check=new.check, keys=2)  # fmt: skip
    assert store.rotate_master_key(new, lambda keys: (attrs.evolve(event, keys=keys),)) == 2
    assert store.journal(privacy_stream("HM")) == (event,)
    assert store.state(number).enterprise.phone == ACME.phone
    store.close()
    with pytest.raises(MasterKeyMismatch):
        open_store(sql_url)  # the old key no longer opens it
    monkeypatch.setenv(MASTER_ENV, new.text)
    store = open_store(sql_url)
    assert store.state(number).enterprise.phone == ACME.phone
    again = registered(make_desk(store), ACME, START + timedelta(hours=1), "用电")
    assert store.state(again).enterprise.contact_id == f"{number}-C"  # blind indexes unchanged
    assert isinstance(store, SqlStore) and store.verify().ok
    assert desk  # the desk of the old key is not used again
    store.close()


def _key_row(url: str, contact: str) -> tuple[Any, ...]:
    with raw(url) as (conn, mark):
        return tuple(
            conn.execute(
                f"SELECT wrapped, erased_at FROM contacts WHERE contact_id = {mark}", (contact,)
            ).fetchone()
        )


def test_erasure_destroys_the_key_and_the_chain_still_verifies(sql_url: str) -> None:
    store, number = _filled(sql_url)
    desk = make_desk(store)
    contact = store.state(number).enterprise.contact_id
    closed(desk, number, START + timedelta(hours=1))
    head = store.checkpoint(at=START)
    old, destroyed = _key_row(sql_url, contact)
    assert old and destroyed == ""
    desk.erase_contact(
        contact, reason="本人来信要求删除", at=START + timedelta(days=1), by=DESK_ACTOR
    )
    wrapped, destroyed = _key_row(sql_url, contact)
    assert wrapped is None and destroyed
    if sql_url.startswith("sqlite:///"):  # no copy of the wrapped key left in the file or WAL
        path = Path(sql_url.removeprefix("sqlite:///"))
        files = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert bytes(old) not in files
    with raw(sql_url) as (conn, mark):
        found = conn.execute(
            f"SELECT phone_blind, person_blind, erased_at FROM contacts WHERE contact_id = {mark}",
            (contact,),
        ).fetchone()
    assert tuple(found[:2]) == ("", "") and found[2]
    assert store.state(number).enterprise.phone == ERASED
    report = store.verify(against=head)
    assert report.ok, report  # the ciphertext stayed: every hash is as it was
    store.close()


def _content(path: Path) -> list[Any]:
    with sqlite3.connect(path) as conn:
        return [
            conn.execute(query).fetchall()
            for query in (
                "SELECT version FROM schema_version",
                "SELECT * FROM events ORDER BY seq",
                "SELECT * FROM appeals ORDER BY created_seq",
                "SELECT * FROM chain_head",
            )
        ]


def test_a_store_in_clear_is_converted_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "schema8.db"
    items = old_items()[1][:-1]  # the last one repeats a source id, which schema 3 on refuses
    conn = sqlite3.connect(path, isolation_level=None)
    cur = conn.cursor()
    cur.execute("BEGIN")
    write_old_schema(cur, sql.SQLITE, items, version=sql.SEALED_FROM - 1)
    cur.execute(
        'INSERT INTO quarantine (district, channel, source, "row", field, value, reason, raw,'
        " source_id, at, status, number, note) VALUES ('HM', 'hotline', '12345.csv', 3, 'phone',"
        " '1370000000', '手机号码应为11位', ?, 'H-9', '2026-11-02T09:00:00+08:00', 'open', '', '')",
        ('[["来电人","赵六"],["电话","1370000000"]]',),
    )
    cur.execute("COMMIT")
    old_head = conn.execute("SELECT last_seq, last_hash FROM chain_head").fetchone()
    conn.close()
    assert ACME.phone.encode() in path.read_bytes() and b"1370000000" in path.read_bytes()
    before = _content(path)
    old_checkpoint = cp.Checkpoint(store="old", first_hash="", last_seq=old_head[0],
                                   last_hash=old_head[1], count=old_head[0], at=START)  # fmt: skip
    monkeypatch.delenv(MASTER_ENV)
    with pytest.raises(MasterKeyMissing):
        SQLiteStore(str(path))
    assert _content(path) == before  # refused: nothing changed
    monkeypatch.setenv(MASTER_ENV, TEST_MASTER_KEY)
    store = SQLiteStore(str(path))
    numbers = tuple(s.number for _, s in items)
    assert [store.events(n) for n in numbers] == [ev for ev, _ in items]
    assert list(store.states()) == [s for _, s in items]
    assert store.verify().ok
    with sqlite3.connect(path) as check:
        rewrite = check.execute(
            "SELECT schema_version, old_seq, old_hash, new_hash, items FROM chain_rewrites"
        ).fetchall()
        head = check.execute("SELECT last_seq, last_hash FROM chain_head").fetchone()
    assert rewrite == [(sql.SEALED_FROM, old_head[0], old_head[1], head[1], len(items))]
    report = store.verify(against=old_checkpoint)
    assert not report.ok and "重新取检查点" in str(report), report
    (entry,) = store.quarantined()
    assert entry.raw == (("来电人", "赵六"), ("电话", "1370000000")) and entry.value == "1370000000"
    store.close()
    check_wal = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("schema8"))
    for secret in (ACME.phone, "1370000000", "赵六"):
        assert secret.encode() not in check_wal, f"{secret} left in clear after the conversion"


def test_a_store_written_by_the_code_before_is_converted(tmp_path: Path) -> None:
    """``tests/data/store-schema8.db``, written by main's code at schema 8 (tests/data/README)."""
    path = tmp_path / "store.db"
    path.write_bytes((Path(__file__).parents[1] / "data" / "store-schema8.db").read_bytes())
    with sqlite3.connect(path) as conn:
        before = {
            n: b for n, b in conn.execute("SELECT number, count(*) FROM events GROUP BY number")
        }
    store = SQLiteStore(str(path))
    assert store.verify().ok
    numbers = store.numbers()
    assert {n: len(store.events(n)) for n in numbers} == {
        n: c for n, c in before.items() if n[0] != "@"
    }
    hotline, listed = (store.state(n) for n in numbers[-2:])
    assert (hotline.enterprise.contact, hotline.enterprise.phone) == ("欧阳慕青", "13912345678")
    assert hotline.enterprise.contact_id == listed.enterprise.contact_id == f"{hotline.number}-C"
    assert listed.personal_notes == ("填报人", "联系电话") and listed.enterprise.confidential
    assert dict(listed.notes)["填报人"] == "诸葛填表"
    (entry,) = store.quarantined()
    assert entry.raw == (("来电人", "诸葛填表"), ("电话", "1391234567"))
    desk = make_desk(store)
    again = desk.register(enterprise=hotline.enterprise.__class__(name="另一公司", contact="欧阳慕青",
                          phone="13912345678"), content="再次反映", channel="app",
                          at=START + timedelta(days=50), by=DESK_ACTOR)  # fmt: skip
    assert again.enterprise.contact_id == hotline.enterprise.contact_id  # recognised
    store.close()
    files = b"".join(p.read_bytes() for p in tmp_path.glob("store.db*"))
    for secret in (
        "欧阳慕青",
        "13912345678",
        "诸葛填表",
        "0513-82117788",
        "82117788",
        "1391234567",
    ):
        assert secret.encode() not in files, secret


@pytest.mark.postgres
def test_a_postgres_store_in_clear_is_converted_in_place(postgres_url: str) -> None:
    import psycopg

    from appeal_adapters.storage.postgres import PostgresStore

    items = old_items()[1][:-1]
    with psycopg.connect(postgres_url) as conn, conn.transaction(), conn.cursor() as cur:
        write_old_schema(cur, sql.POSTGRES, items, version=sql.SEALED_FROM - 1)
        old_head = cur.execute("SELECT last_seq, last_hash FROM chain_head").fetchone()
    store = PostgresStore(postgres_url)
    numbers = tuple(s.number for _, s in items)
    assert [store.events(n) for n in numbers] == [ev for ev, _ in items]
    assert list(store.states()) == [s for _, s in items]
    assert store.verify().ok
    store.close()
    dumped = b""
    with raw(postgres_url) as (conn, _):
        rewrite = conn.execute("SELECT old_seq, old_hash FROM chain_rewrites").fetchall()
        assert [tuple(r) for r in rewrite] == [tuple(old_head)]
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        cur = conn.cursor()
        for (table,) in tables:
            with cur.copy(f"COPY (SELECT * FROM {table}) TO STDOUT") as copy:
                for block in copy:
                    dumped += bytes(block)
    assert ACME.phone.encode() not in dumped and ACME.contact.encode() not in dumped
