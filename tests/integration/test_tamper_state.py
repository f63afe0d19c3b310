"""The state table is evidence too: rows edited beside an intact chain are found, no command
decides on them, and a checkpoint kept outside shows events deleted with the head moved back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from appeal_adapters import open_store
from appeal_adapters.storage import sql
from appeal_adapters.storage.checkpoint import CheckpointError, read_checkpoint, write_checkpoint
from appeal_adapters.storage.sqlstore import SqlStore
from appeal_core import Actor
from appeal_core.testing.machine import DESK
from appeal_core.testing.store_contract import START, make_desk, register
from appeal_core.testing.strategies import DEPARTMENTS
from tests.integration.conftest import raw

LEAD, OTHER = DEPARTMENTS[0], DEPARTMENTS[1]


def _store(url: str) -> tuple[SqlStore, str, str]:
    """A store with two items assigned to LEAD (one replied and visited), both numbers."""
    store = open_store(url)
    assert isinstance(store, SqlStore)
    desk = make_desk(store)
    numbers = []
    for k in range(2):
        at = START + timedelta(hours=k)
        n = register(desk, at).number
        desk.verify(n, at=at, by=DESK)
        desk.classify(n, category="用地", complexity="routine", at=at, by=DESK)
        desk.assign(n, lead=LEAD, at=at, by=DESK)
        numbers.append(n)
    later = START + timedelta(days=1)
    desk.reply(numbers[1], text="已办", at=later, by=Actor.of_department(LEAD))
    desk.follow_up(numbers[1], satisfaction="unsatisfied", resolved=False, at=later, by=DESK)
    report = store.verify()
    assert report.ok and report.items == 2, report
    return store, numbers[0], numbers[1]


def _run(url: str, text: str, *params: Any) -> None:
    with raw(url) as (conn, marker):
        conn.execute(text.replace("?", marker), params)


def _forge_lead(url: str, number: str) -> None:
    """One UPDATE moving the item to OTHER, state JSON and column alike (the issue's case)."""
    _run(
        url,
        "UPDATE appeals SET lead = ?, state = replace(state, ?, ?) WHERE number = ?",
        OTHER, f'"lead":"{LEAD}"', f'"lead":"{OTHER}"', number,
    )  # fmt: skip


def test_a_forged_lead_is_found_and_no_command_decides_on_it(sql_url: str) -> None:
    store, n, _ = _store(sql_url)
    _forge_lead(sql_url, n)
    report = store.verify()
    assert (report.ok, report.what, report.number) == (False, "state", n), report
    assert "lead" in (report.detail or "") and OTHER in (report.detail or "")
    assert "当前状态与事件日志不符" in str(report) and "哈希链完整" in str(report)
    desk = make_desk(store)
    with pytest.raises(sql.StateMismatch, match=n):  # the forger's department may not reply
        desk.reply(
            n, text="伪造的答复", at=START + timedelta(days=1), by=Actor.of_department(OTHER)
        )
    with pytest.raises(sql.StateMismatch):
        desk.get(n)
    assert store.events(n)[-1].by == DESK  # the log itself is untouched and still readable
    store.close()


@pytest.mark.parametrize(
    ("statement", "what", "words"),
    [
        ("UPDATE appeals SET version = version - 1 WHERE number = ?", "state", "状态版本"),
        ("UPDATE appeals SET reply_due = NULL WHERE number = ?", "state", "reply_due"),
        ("UPDATE appeals SET status = 'closed', is_open = 0 WHERE number = ?", "state", "status"),
        ("UPDATE m_visits SET satisfaction = 'satisfied', resolved = 1 WHERE number = ?",
         "projection", "m_visits"),
        ("UPDATE m_cycles SET first_reply = reply_due WHERE number = ?", "projection",
         "first_reply"),
        ("DELETE FROM m_cycles WHERE number = ?", "projection", "m_cycles"),
        ("UPDATE appeals SET state = replace(state, '已办', '伪造') WHERE number = ?", "state",
         "state.final_reply"),
    ],
)  # fmt: skip
def test_edited_state_and_report_rows_are_found(
    sql_url: str, statement: str, what: str, words: str
) -> None:
    store, _, n = _store(sql_url)
    _run(sql_url, statement, n)
    report = store.verify()
    assert (report.ok, report.what, report.number) == (False, what, n), report
    assert words in (report.detail or ""), report.detail
    assert report.label in str(report)
    assert store.verify(items=False).ok  # the chain alone cannot see it
    store.close()


def test_a_stale_version_is_refused_before_any_decision(sql_url: str) -> None:
    store, n, _ = _store(sql_url)
    _run(sql_url, "UPDATE appeals SET version = version + 1 WHERE number = ?", n)
    with pytest.raises(sql.StateMismatch, match="状态版本为 5，事件日志有 4 条"):
        make_desk(store).reassign(n, lead=OTHER, reason="x", at=START + timedelta(days=1), by=DESK)
    store.close()


@pytest.mark.parametrize(
    ("statement", "what"),
    [
        ("DELETE FROM appeals WHERE number = ?", "state"),
        ("INSERT INTO m_visits SELECT 'HM-2026-9999', ord, district, lead, visited, resolved,"
         " satisfaction, reached, superseded FROM m_visits WHERE number = ?", "projection"),
        ("UPDATE counters SET last_seq = last_seq - 1 WHERE 1 = 1 OR district = ?", "projection"),
    ],
)  # fmt: skip
def test_rows_belonging_to_no_item_and_counters_are_checked(
    sql_url: str, statement: str, what: str
) -> None:
    store, _, n = _store(sql_url)
    _run(sql_url, statement, n)
    report = store.verify()
    assert (report.ok, report.what) == (False, what), report
    store.close()


def test_journal_streams_have_no_state_row_and_verify_stays_ok(sql_url: str) -> None:
    from appeal_core.journal import stream_key
    from appeal_core.testing.store_contract import _notice_loaded

    store, _, _ = _store(sql_url)
    stream = stream_key("HM", "calendar")
    with store.unit_of_work() as uow:
        uow.append_journal(stream, 0, (_notice_loaded(stream, 2027),))
    assert store.verify().ok
    store.close()


def _delete_last_item(url: str, number: str) -> None:
    """What a careful forger does: remove the last item whole and move the head back, so the
    chain, the states, the report rows and the counters all still agree."""
    with raw(url) as (conn, m):
        seq = conn.execute(f"SELECT seq FROM events WHERE number = {m}", (number,)).fetchone()[0]
        prev = conn.execute(f"SELECT hash FROM events WHERE seq = {m}", (seq - 1,)).fetchone()[0]
        conn.execute(f"DELETE FROM events WHERE number = {m}", (number,))
        conn.execute(f"DELETE FROM appeals WHERE number = {m}", (number,))
        conn.execute("UPDATE counters SET last_seq = last_seq - 1")
        conn.execute(f"UPDATE chain_head SET last_seq = {m}, last_hash = {m}", (seq - 1, prev))


def test_a_checkpoint_finds_deleted_last_events_with_the_head_moved_back(
    sql_url: str, tmp_path: Path
) -> None:
    store, _, _ = _store(sql_url)
    last = register(make_desk(store), START + timedelta(days=2), "最后一件").number
    checkpoint = store.checkpoint()
    assert checkpoint.count == checkpoint.last_seq and checkpoint.first_hash
    write_checkpoint(checkpoint, tmp_path / "head.json")
    kept = read_checkpoint(tmp_path / "head.json")
    assert kept == checkpoint and store.verify(against=kept).ok
    _delete_last_item(sql_url, last)
    assert store.verify().ok  # the documented limit: the chain alone cannot tell
    report = store.verify(against=kept)
    assert (report.ok, report.what, report.first_bad) == (False, "truncated", kept.last_seq)
    assert "检查点之后有事件被删除、链头被回退" in str(report)
    store.close()


def test_a_checkpoint_of_another_store_or_a_rewritten_row_diverges(
    sql_url: str, tmp_path: Path
) -> None:
    store, _, _ = _store(sql_url)
    checkpoint = store.checkpoint()
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    assert isinstance(other, SqlStore)
    register(make_desk(other), START + timedelta(minutes=5))
    report = other.verify(against=checkpoint)
    assert (report.ok, report.what, report.first_bad) == (False, "diverged", 1), report
    other.close()
    _run(sql_url, "UPDATE events SET hash = ? WHERE seq = ?", "0" * 64, checkpoint.last_seq)
    _run(sql_url, "UPDATE chain_head SET last_hash = ?", "0" * 64)
    report = store.verify(against=checkpoint)
    assert not report.ok and report.what in ("edited", "diverged"), report
    store.close()


def test_checkpoint_files_are_signed_and_checked(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert isinstance(store, SqlStore)
    register(make_desk(store), START)
    path = tmp_path / "head.json"
    write_checkpoint(store.checkpoint(key=b"desk secret"), path)
    assert read_checkpoint(path, b"desk secret").signature.startswith("hmac-sha256:")
    with pytest.raises(CheckpointError, match="签名不符"):
        read_checkpoint(path, b"wrong")
    with pytest.raises(CheckpointError, match="已签名"):
        read_checkpoint(path)
    forged = path.read_text(encoding="utf-8").replace('"count": 1', '"count": 0')
    path.write_text(forged, encoding="utf-8")
    with pytest.raises(CheckpointError, match="签名不符"):
        read_checkpoint(path, b"desk secret")
    write_checkpoint(store.checkpoint(), path)
    with pytest.raises(CheckpointError, match="没有签名"):
        read_checkpoint(path, b"desk secret")
    for text, words in (("{", "JSON"), ('{"format": "x"}', "不是 appeal 的检查点"),
                        ('{"format": "appeal-checkpoint/1"}', "缺少字段")):  # fmt: skip
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CheckpointError, match=words):
            read_checkpoint(path)
    store.close()


def test_a_read_only_store_reads_verifies_and_refuses_to_write(sql_url: str) -> None:
    from appeal_adapters.storage.sql import ReadOnlyStore, SchemaTooOld

    # nothing there yet: a reader creates nothing (SQLite: no file; PostgreSQL: no tables)
    with pytest.raises(sql.StorageError, match="appeal init") as refused:
        open_store(sql_url, read_only=True)
    assert sql_url.startswith("sqlite") or isinstance(refused.value, SchemaTooOld)
    writer, n, _ = _store(sql_url)
    reader = open_store(sql_url, read_only=True)
    assert isinstance(reader, SqlStore) and reader.read_only
    assert reader.state(n) == writer.state(n) and reader.verify().ok
    assert reader.checkpoint().count == writer.checkpoint().count
    with pytest.raises(ReadOnlyStore), reader.unit_of_work():
        pass
    with pytest.raises(ReadOnlyStore):
        make_desk(reader).verify(n, at=START, by=DESK)
    reader.close()
    writer.close()


def test_a_forged_item_does_not_stop_the_sweep_for_the_others(sql_url: str) -> None:
    """The sweep records every other item's notices and tells the desk which it could not."""
    from datetime import date

    from appeal_core import ActionKind

    store, forged, other = _store(sql_url)
    desk = make_desk(store)
    desk.reopen(other, reason="回访未解决", at=START + timedelta(days=1, hours=1), by=DESK)
    _forge_lead(sql_url, forged)
    day = START.date() + timedelta(days=10)
    actions = desk.sweep(day, at=START + timedelta(days=10), by=DESK)
    recorded = [e for e in store.events(other) if getattr(e, "kind", "") == "supervise"]
    assert recorded, "the other item's supervision was recorded"
    (note,) = [a for a in actions if a.kind is ActionKind.UNRECORDED]
    assert forged not in {a.number for a in actions}  # only what was recorded is returned
    assert note.numbers == (forged,) and "appeal audit verify" in note.message
    assert isinstance(day, date)
    store.close()
