"""Tamper evidence: rows edited, removed or reordered behind the library's back are found."""

from __future__ import annotations

from typing import Any

import pytest

from appeal_adapters import open_store
from appeal_adapters.storage import sql
from appeal_adapters.storage.sqlstore import SqlStore
from appeal_core.testing.store_contract import make_desk, walk_every_event
from tests.integration.conftest import raw


def _filled(url: str) -> tuple[SqlStore, list[tuple[int, str]]]:
    store = open_store(url)
    assert isinstance(store, SqlStore)
    walk_every_event(make_desk(store))
    with raw(url) as (conn, _):
        rows = conn.execute("SELECT seq, number FROM events ORDER BY seq").fetchall()
    report = store.verify()
    assert report == sql.VerifyReport(True, len(rows)), report
    return store, [(int(s), n) for s, n in rows]


def _run(url: str, *statements: tuple[str, tuple[Any, ...]]) -> None:
    with raw(url) as (conn, marker):
        for text, params in statements:
            conn.execute(text.replace("?", marker), params)


def test_hash_text_is_the_canonical_json_of_the_row() -> None:
    from appeal_adapters.serialization import dumps

    body = dumps({"type": "Verified", "note": "已核实", "n": 1})
    content = {"at": "2026-11-02T09:00:00+08:00", "body": {"type": "Verified", "note": "已核实",
               "n": 1}, "number": "HM-2026-0001", "type": "Verified", "version": 2}  # fmt: skip
    import hashlib

    expected = hashlib.sha256((sql.GENESIS + dumps(content)).encode()).hexdigest()
    got = sql.chain_hash(sql.GENESIS, "HM-2026-0001", 2, "Verified", content["at"], body)
    assert got == expected


def test_an_edited_row_is_found(sql_url: str) -> None:
    store, rows = _filled(sql_url)
    seq, number = rows[7]
    _run(sql_url, ("UPDATE events SET body = replace(body, '核实', '核查') WHERE seq = ?", (seq,)))
    _run(sql_url, ("UPDATE events SET body = body || ' ' WHERE seq = ?", (seq,)))
    assert store.verify() == sql.VerifyReport(False, 7, seq, number, "edited")
    store.close()


def test_an_edited_row_with_a_recomputed_hash_is_found(sql_url: str) -> None:
    store, rows = _filled(sql_url)
    seq, number = rows[10]
    with raw(sql_url) as (conn, m):
        row = conn.execute(
            f"SELECT number, version, type, at, body, prev_hash FROM events WHERE seq = {m}", (seq,)
        ).fetchone()
        body = row[4].replace('"2026-', '"2025-', 1)
        assert body != row[4]
        forged = sql.chain_hash(row[5], row[0], row[1], row[2], row[3], body)
        conn.execute(
            f"UPDATE events SET body = {m}, hash = {m} WHERE seq = {m}", (body, forged, seq)
        )
    assert store.verify() == sql.VerifyReport(False, 10, seq, number, "edited")
    store.close()


def test_a_removed_row_is_found(sql_url: str) -> None:
    store, rows = _filled(sql_url)
    seq, number = rows[12]
    _run(sql_url, ("DELETE FROM events WHERE seq = ?", (seq,)))
    assert store.verify() == sql.VerifyReport(False, 12, seq, number, "removed")
    store.close()


def test_a_removed_last_row_is_found(sql_url: str) -> None:
    store, rows = _filled(sql_url)
    seq, number = rows[-1]
    _run(sql_url, ("DELETE FROM events WHERE seq = ?", (seq,)))
    assert store.verify() == sql.VerifyReport(False, len(rows) - 1, seq, number, "removed")
    store.close()


@pytest.mark.parametrize("gap", [1, 5])
def test_reordered_rows_are_found(sql_url: str, gap: int) -> None:
    store, rows = _filled(sql_url)
    (first, _), (second, number) = rows[4], rows[4 + gap]
    _run(
        sql_url,
        ("UPDATE events SET seq = ? WHERE seq = ?", (-1, first)),
        ("UPDATE events SET seq = ? WHERE seq = ?", (first, second)),
        ("UPDATE events SET seq = ? WHERE seq = ?", (second, -1)),
    )
    assert store.verify() == sql.VerifyReport(False, 4, first, number, "reordered")
    store.close()


def test_the_report_reads_in_chinese(sql_url: str) -> None:
    store, rows = _filled(sql_url)
    assert "哈希链无误" in str(store.verify())
    _run(sql_url, ("DELETE FROM events WHERE seq = ?", (rows[3][0],)))
    assert "被删除" in str(store.verify()) and rows[3][1] in str(store.verify())
    store.close()


def test_an_edited_journal_row_is_found(sql_url: str) -> None:
    """Journal streams (rules, notices) are rows of the same chain: an edit is found."""
    from appeal_core.journal import stream_key
    from appeal_core.testing.store_contract import _notice_loaded

    store, rows = _filled(sql_url)
    stream = stream_key("HM", "calendar")
    with store.unit_of_work() as uow:
        uow.append_journal(stream, 0, (_notice_loaded(stream, 2027),))
    assert store.verify().ok
    seq = len(rows) + 1
    _run(sql_url, ("UPDATE events SET body = replace(body, '2027', '2028') WHERE seq = ?", (seq,)))
    assert store.verify() == sql.VerifyReport(False, len(rows), seq, stream, "edited")
    store.close()
