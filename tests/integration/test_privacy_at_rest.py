"""Nothing personal in clear in the database: the raw bytes of a SQLite file (and its WAL) and
every table of a PostgreSQL schema are searched for a registered contact's name and phone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from appeal_adapters import open_store
from appeal_adapters.storage.sqlite import SQLiteStore
from appeal_core import Actor, Enterprise
from appeal_core import commands as c
from appeal_core.appeal import Channel
from appeal_core.intake import RejectedRow
from appeal_core.testing.store_contract import START, make_desk
from tests.integration.conftest import raw

NAME, PHONE, TOWN_PHONE, CLERK = "欧阳慕青", "13912345678", "0513-82117788", "诸葛填表"
FIRM = Enterprise(name="海门示例精工有限公司", contact=NAME, phone=PHONE, address="示例路 8 号")
DESK = Actor.desk("窗口")


def _secrets() -> Iterator[bytes]:
    """Every way the personal values could sit in a file: UTF-8, and the digits alone."""
    for text in (NAME, PHONE, PHONE[:-1], CLERK, TOWN_PHONE, "82117788"):
        yield text.encode("utf-8")
        yield text.encode("utf-16-le")


def _fill(url: str) -> None:
    """Register, through the desk, an item with the contact and a town's list with the
    filler's name and number, then work both a little (states written, events appended)."""
    store = open_store(url)
    desk = make_desk(store)
    first = desk.register(enterprise=FIRM, content="厂区门前道路破损，影响物流", channel="app",
                          at=START, by=DESK)  # fmt: skip
    notes = (("填表单位", "某镇"), ("填报人", CLERK), ("联系电话", TOWN_PHONE))
    listed = c.Register(enterprise=FIRM, content="用电增容", channel=Channel.GRASSROOTS,
                        notes=notes)  # fmt: skip
    second = desk.execute(listed, at=START + timedelta(hours=1), by=DESK)
    for number in (first.number, second.number):
        desk.verify(number, at=START + timedelta(hours=2), by=DESK, note="已电话核实")
    bad = RejectedRow(channel=Channel.HOTLINE, row=3, field="phone", value=PHONE[:-1],
                      reason="手机号码应为11位", raw=(("来电人", CLERK), ("电话", TOWN_PHONE)),
                      source_id="H-3")  # fmt: skip
    (entry,) = desk.intake([bad], source="12345.csv", at=START, by=DESK).quarantined
    assert store.quarantine_entry(entry).raw[0] == ("来电人", CLERK)
    assert desk.get(first.number).enterprise.phone == PHONE  # the desk reads it in clear
    assert dict(desk.get(second.number).notes)["填报人"] == CLERK
    store.close()


def test_no_personal_value_in_the_sqlite_file_or_its_wal(tmp_path: Path) -> None:
    path = tmp_path / "appeals.db"
    url = f"sqlite:///{path}"
    _fill(url)
    store = SQLiteStore(str(path))  # kept open: its WAL stays beside the file
    desk = make_desk(store)
    desk.classify(
        "HM-2026-0001",
        category="道路",
        complexity="routine",
        at=START + timedelta(hours=3),
        by=DESK,
    )
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("appeals.db")}
    assert files.get("appeals.db-wal"), files.keys()
    for name, content in files.items():
        for secret in _secrets():
            assert secret not in content, (name, secret.decode("utf-8", "replace"))
    assert b"HM-2026-0001-C" in files["appeals.db"] + files["appeals.db-wal"]  # the pseudonym is
    store.close()


@pytest.mark.postgres
def test_no_personal_value_in_any_postgres_table(postgres_url: str) -> None:
    _fill(postgres_url)
    dumped = b""
    with raw(postgres_url) as (conn, _):
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            ).fetchall()
        ]
        assert {"events", "appeals", "contacts", "key_master"} <= set(tables)
        cur = conn.cursor()
        for table in tables:
            with cur.copy(f"COPY (SELECT * FROM {table}) TO STDOUT") as copy:
                for block in copy:
                    dumped += bytes(block)
    assert b"HM-2026-0001-C" in dumped
    for secret in _secrets():
        assert secret not in dumped, secret.decode("utf-8", "replace")
