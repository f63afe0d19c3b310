"""The command line on hostile input: one-line Chinese errors, readers that never wait, the
audit in Chinese with checkpoints, a corrupt page as a storage error, no control characters."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from appeal_adapters.cli import cli
from appeal_adapters.storage.sqlite import SQLiteStore
from appeal_core.testing.machine import DESK
from appeal_core.testing.store_contract import START, make_desk, register, walk_every_event


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def one_error_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("错误："), repr(err)
    return err


def test_an_unknown_channel_is_refused_naming_the_known_ones() -> None:
    """Which channels exist is the district's (policy, plugins): the desk refuses, exit 3."""
    code, out, err = invoke("--db", "memory://usage", "register", "--enterprise", "x",
                            "--content", "y", "--channel", "fax")  # fmt: skip
    assert code == 3 and out == ""
    assert err.startswith("错误：") and err.count("\n") == 1
    assert "未知的问题来源，应为以下之一：app（海企通APP）、hotline（12345热线转交）" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["assign", "HM-2026-0001"], "缺少选项 --lead"),
        (["assign"], "缺少参数 NUMBER"),
        (["--nope", "list"], "没有选项 --nope"),
        (["frob"], "没有命令 frob"),
        (["verify", "a", "b"], "多余的参数：b"),
        (["intake", "no-such-file.csv", "--channel", "app"], "no-such-file.csv 不存在"),
        (["quarantine", "show", "x"], "ENTRY_ID 的值无效：x 不是整数"),
        (["assign", "N", "--lead"], "选项 --lead 需要一个值"),
    ],
)  # fmt: skip
def test_usage_errors_are_one_chinese_line_with_a_hint(args: list[str], words: str) -> None:
    code, out, err = invoke("--db", "memory://usage", *args)
    assert code == 2 and out == ""
    assert words in one_error_line(err) and "--help 查看用法" in err
    assert "Usage" not in err and "Error" not in err


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    path = tmp_path / "appeals.db"
    store = SQLiteStore(str(path))
    walk_every_event(make_desk(store))
    store.close()
    yield f"sqlite:///{path}?busy_timeout=500", path


def _rows(path: Path, text: str, *params: object) -> None:
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute(text, params)


def test_audit_verify_speaks_chinese_throughout(filled: tuple[str, Path]) -> None:
    url, path = filled
    code, out, _ = invoke("--db", url, "audit", "verify")
    assert code == 0 and "哈希链无误" in out and "件事项的当前状态和统计数据与事件相符" in out
    _rows(path, "DELETE FROM events WHERE seq = 9")
    code, out, _ = invoke("--db", url, "audit", "verify")
    assert code == 11 and "被删除" in out and "removed" not in out and "被removed" not in out
    _rows(path, "UPDATE events SET body = replace(body, '核实', '核查') WHERE seq = 2")
    code, out, _ = invoke("--db", url, "audit", "verify")
    assert code == 11 and "被修改" in out and "edited" not in out
    data = json.loads(invoke("--db", url, "--json", "audit", "verify")[1])
    assert data["what"] == "edited" and data["what_label"] == "被修改"
    assert data["message"].startswith("事件日志第 2 条")


def test_a_forged_lead_fails_the_audit_and_refuses_the_forger(filled: tuple[str, Path]) -> None:
    url, path = filled
    with sqlite3.connect(path) as conn:
        number, lead = conn.execute(
            "SELECT number, lead FROM appeals WHERE lead IS NOT NULL"
        ).fetchone()
    forger = "区伪造局"
    _rows(
        path,
        "UPDATE appeals SET lead = ?, state = replace(state, ?, ?) WHERE number = ?",
        forger, f'"lead":"{lead}"', f'"lead":"{forger}"', number,
    )  # fmt: skip
    code, out, _ = invoke("--db", url, "audit", "verify")
    assert code == 11 and number in out and "当前状态与事件日志不符" in out
    code, _, err = invoke(
        "--db", url, "--as", f"department:{forger}", "reply", number, "--text", "伪造",
    )  # fmt: skip
    assert code == 9 and "当前状态与其事件日志不符" in one_error_line(err)


def test_checkpoint_and_verify_against_it(filled: tuple[str, Path], tmp_path: Path) -> None:
    url, path = filled
    head = tmp_path / "head.json"
    env = {"APPEAL_CHECKPOINT_KEY": "desk secret"}
    code, out, _ = invoke("--db", url, "audit", "checkpoint", "--out", str(head), env=env)
    assert code == 0 and "已签名" in out and head.exists()
    code, out, _ = invoke("--db", url, "audit", "verify", "--against", str(head), env=env)
    assert code == 0 and "与检查点" in out
    code, _, err = invoke("--db", url, "audit", "verify", "--against", str(head))
    assert code == 9 and "APPEAL_CHECKPOINT_KEY" in one_error_line(err)
    with sqlite3.connect(path, isolation_level=None) as conn:  # the last event goes
        seq, prev = conn.execute(
            "SELECT seq, prev_hash FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        number = conn.execute("SELECT number FROM events WHERE seq = ?", (seq,)).fetchone()[0]
        conn.execute("DELETE FROM events WHERE seq = ?", (seq,))
        conn.execute("UPDATE chain_head SET last_seq = ?, last_hash = ?", (seq - 1, prev))
    code, out, _ = invoke("--db", url, "audit", "verify", "--against", str(head), env=env)
    assert code == 11 and "检查点之后有事件被删除" in out and f"第 {seq} 条" in out
    assert number  # (its state row now disagrees too; the checkpoint is reported first)


def _hold_write_lock(path: Path) -> subprocess.Popen[str]:
    """Another process in the middle of a write transaction (``BEGIN IMMEDIATE``)."""
    script = textwrap.dedent(f"""
        import sqlite3, sys, time
        conn = sqlite3.connect({str(path)!r}, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE counters SET last_seq = last_seq")
        print("locked", flush=True)
        sys.stdin.readline()
        conn.execute("ROLLBACK")
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def test_readers_never_wait_for_a_writer(filled: tuple[str, Path]) -> None:
    url, path = filled
    child = _hold_write_lock(path)
    try:
        for args in (
            ["list"],
            ["show", "HM-2026-0001"],
            ["report", "--month", "2026-11"],
            ["audit", "verify"],
            ["quarantine", "list"],
        ):
            code, _, err = invoke("--db", url, *args)
            assert code == 0, (args, err)
        with sqlite3.connect(path) as conn:
            count = conn.execute("SELECT count(*) FROM appeals").fetchone()[0]
        assert f"共 {count} 件" in invoke("--db", url, "list")[1]
        code, _, err = invoke("--db", url, "verify", "HM-2026-0003")  # a writer still waits
        assert code == 9 and "被其他写入者占用" in one_error_line(err)
    finally:
        child.communicate("\n", timeout=30)


def test_a_reader_refuses_a_missing_or_older_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    code, _, err = invoke("--db", f"sqlite:///{missing}", "list")
    assert code == 9 and "不存在" in one_error_line(err) and not missing.exists()
    old = tmp_path / "old.db"
    store = SQLiteStore(str(old), schema_version=4)
    store.close()
    code, _, err = invoke("--db", f"sqlite:///{old}", "list")
    assert code == 9 and "低于本程序" in one_error_line(err) and "appeal init" in err


def test_a_corrupt_page_is_a_storage_error(filled: tuple[str, Path]) -> None:
    url, path = filled
    store = SQLiteStore(str(path))
    desk = make_desk(store)
    for k in range(300):  # enough rows for the table to span pages
        register(desk, START + timedelta(minutes=k), "厂区道路破损" * 20)
    store.close()
    with sqlite3.connect(path) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'appeals'").fetchone()
    with path.open("r+b") as raw:
        raw.seek((root[0] - 1) * page)
        raw.write(b"\xff" * page)
    code, _, err = invoke("--db", url, "list")
    assert code == 9 and "已损坏" in one_error_line(err) and "DatabaseError" not in err


@pytest.mark.parametrize(
    "url",
    ["postgresql://appeal:s3cr%40t@127.0.0.1:1/appeal",
     "postgresql://appeal:s3cret@[::1:5432/appeal"],
)  # fmt: skip
def test_a_postgres_connection_error_is_one_line_without_the_password(url: str) -> None:
    pytest.importorskip("psycopg")
    code, _, err = invoke("--db", url, "list")
    assert code == 9 and "无法连接 PostgreSQL" in one_error_line(err)
    assert "s3cr" not in err and "***" in err


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    code, out, _ = invoke(
        "--db", url, "--as", "desk:小\x1b]0;pwned\x07王", "register",
        "--enterprise", "海门\x1b[2J某公司\x07", "--content", "厂区\x1b[31m道路\x1b[0m破损",
        "--channel", "app", "--contact", "张\x9b三", "--on", "2026-11-02",
    )  # fmt: skip
    assert code == 0, out
    for args in (["show", "HM-2026-0001"], ["list"], ["--json", "show", "HM-2026-0001"]):
        shown = invoke("--db", url, *args)[1]
        assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "海门某公司" in invoke("--db", url, "list")[1]
    desk_code, _, err = invoke("--db", url, "--as", "desk:" + "王" * 51, "verify", "HM-2026-0001")
    assert desk_code == 3 and "actor.name" in one_error_line(err)
    assert DESK.name is not None  # the shared actor of the fixtures stays valid


def test_a_change_between_reading_and_acting_exits_7_not_3(
    filled: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another clerk's command lands between this one taking its time and the desk reading the
    item (the window no desk can see): the command line tells it apart by the version it read."""
    from appeal_adapters.cli import session as session_module

    url, path = filled
    number = register(make_desk(store := SQLiteStore(str(path))), START).number
    store.close()
    taken = session_module.instant

    def slow_instant(on: object) -> object:
        moment = taken(None)
        other = SQLiteStore(str(path))  # the other clerk, a moment later, verifies first
        make_desk(other).verify(number, at=moment + timedelta(milliseconds=5), by=DESK)
        other.close()
        return moment

    monkeypatch.setattr(session_module, "instant", slow_instant)
    code, _, err = invoke("--db", url, "classify", number, "--category", "用地",
                          "--complexity", "routine")  # fmt: skip
    assert code == 7 and "已被他人修改" in one_error_line(err)
