"""Issue 17: files that lose rows without a word, or never finish.

Each hostile file ends as a full import, quarantined rows, or a refusal with nothing written,
in bounded time and memory (the memory cases run in a child process that reports its peak).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from appeal_adapters import load_plugins
from appeal_adapters.channels import UnreadableFile, import_file
from appeal_core import SHANGHAI, Actor, Desk, MemoryStore
from tests import hostile

PLUGINS = load_plugins(entry_points=False)
AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
CLERK = Actor.desk("小王")
ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, name: str, data: bytes, channel: str) -> tuple[Desk, object]:
    path = tmp_path / name
    path.write_bytes(data)
    desk = Desk(MemoryStore(), district="HM")
    return desk, import_file(desk, path, channel=channel, at=AT, by=CLERK, plugins=PLUGINS)


def refused(tmp_path: Path, name: str, data: bytes, channel: str, match: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    desk = Desk(MemoryStore(), district="HM")
    started = time.perf_counter()
    with pytest.raises(UnreadableFile, match=match):
        import_file(desk, path, channel=channel, at=AT, by=CLERK, plugins=PLUGINS)
    assert time.perf_counter() - started < 30  # seconds, not the tens of minutes reported
    assert not desk.store.numbers() and not desk.store.quarantined(include_settled=True)


@pytest.mark.parametrize("declared", ["A1:I2", "A1:A1", "A1:G61", "B3:C4"])
def test_an_understated_dimension_loses_no_row_and_no_column(tmp_path: Path, declared: str) -> None:
    data = hostile.dimension(hostile.xlsx(hostile.table("hotline", 60)), declared)
    desk, report = run(tmp_path, "h.xlsx", data, "hotline")
    assert len(report.registered) == 60  # type: ignore[attr-defined]
    assert report.census.rows == 61 and report.census.cells == 9 + 60 * 8  # type: ignore[attr-defined]
    item = desk.get(report.registered[0])  # type: ignore[attr-defined]
    assert item.enterprise.credit_code == hostile.code(1)  # column I, past G


def test_a_huge_declared_sheet_with_a_far_cell_is_refused_in_seconds(tmp_path: Path) -> None:
    data = hostile.far_cell(hostile.xlsx(hostile.table("hotline", 5)), "XFD1048576")
    assert len(data) < 20_000
    refused(tmp_path, "far.xlsx", data, "hotline", "XFD 列.*超过 1024 列上限")


def test_a_lone_cell_in_the_last_row_costs_nothing_and_is_quarantined(tmp_path: Path) -> None:
    data = hostile.far_cell(hostile.xlsx(hostile.table("hotline", 5)), "A1048576", "NT-X")
    started = time.perf_counter()
    desk, report = run(tmp_path, "last.xlsx", data, "hotline")
    assert time.perf_counter() - started < 10
    assert len(report.registered) == 5 and len(report.quarantined) == 1  # type: ignore[attr-defined]
    (entry,) = desk.store.quarantined()
    assert entry.row == 1048576 and entry.field == "企业名称"


def test_a_zip_bomb_is_refused_by_its_sizes(tmp_path: Path) -> None:
    data = hostile.zip_bomb(hostile.xlsx(hostile.table("hotline", 5)))
    assert len(data) < 2_000_000
    refused(tmp_path, "bomb.xlsx", data, "hotline", "压缩炸弹")


def test_a_deeply_nested_record_is_quarantined_alone_every_time(tmp_path: Path) -> None:
    data = hostile.app_records(2000, deep_at=(1001,), depth=600)
    desk, report = run(tmp_path, "app.json", data, "app")
    assert len(report.registered) == 1999 and len(report.quarantined) == 1  # type: ignore[attr-defined]
    (entry,) = desk.store.quarantined()
    assert entry.row == 1001 and "嵌套" in entry.reason
    again = import_file(desk, tmp_path / "app.json", channel="app", at=AT, by=CLERK)
    assert len(again.repeated) == 1999 and len(again.known) == 1


def test_nesting_too_deep_for_the_json_parser_is_quarantined_alone(tmp_path: Path) -> None:
    data = hostile.app_records(50, deep_at=(7, 30), depth=100_000)
    desk, report = run(tmp_path, "app.json", data, "app")
    assert len(report.registered) == 48 and len(report.quarantined) == 2  # type: ignore[attr-defined]
    assert [e.row for e in desk.store.quarantined()] == [7, 30]


def test_a_csv_mixing_gbk_and_utf8_is_refused_with_the_lines(tmp_path: Path) -> None:
    rows = hostile.table("hotline", 30)
    data = hostile.mixed_encodings(rows, utf8_lines=(12, 20))
    refused(tmp_path, "mixed.csv", data, "hotline", "第 12、20 行是 UTF-8.*GBK")


def test_a_mixed_csv_is_refused_even_when_utf8_comes_first(tmp_path: Path) -> None:
    rows = hostile.table("summary_list", 20)
    utf8 = tuple(range(1, 10))
    refused(
        tmp_path, "mixed.csv", hostile.mixed_encodings(rows, utf8), "summary_list", "编码不一致"
    )


def test_a_file_without_line_breaks_is_refused_after_a_bounded_read(tmp_path: Path) -> None:
    refused(tmp_path, "long.csv", b"a" * (3 << 20), "hotline", "第 1 行超过 1,048,576 字节")


def test_dev_zero_is_refused(tmp_path: Path) -> None:
    desk = Desk(MemoryStore(), district="HM")
    for channel in ("hotline", "summary_list", "visit", "app"):
        with pytest.raises(UnreadableFile):
            import_file(desk, "/dev/zero", channel=channel, at=AT, by=CLERK, plugins=PLUGINS)
    assert not desk.store.numbers()


CHILD = """
import io, json, sys, time
from appeal_adapters.channels import UnreadableFile, channel

class Endless(io.RawIOBase):
    def __init__(self, byte, size):
        self.byte, self.size, self.pos = byte, size, 0
    def readable(self): return True
    def seekable(self): return True
    def seek(self, pos, whence=0):
        self.pos = pos if whence == 0 else self.pos + pos if whence == 1 else self.size + pos
        return self.pos
    def tell(self): return self.pos
    def readinto(self, buffer):
        n = max(0, min(len(buffer), self.size - self.pos))
        buffer[:n] = self.byte * n
        self.pos += n
        return n

name, byte, size = sys.argv[1], bytes([int(sys.argv[2])]), int(sys.argv[3])
started = time.perf_counter()
try:
    rows = sum(1 for _ in channel(name).parse(io.BufferedReader(Endless(byte, size)), filename="f"))
    outcome = f"rows {rows}"
except UnreadableFile as exc:
    outcome = "refused: " + exc.reason
# VmHWM: this process's own peak (ru_maxrss would include the parent's, kept across exec)
status = open("/proc/self/status").read()
peak = int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM"))) / 1024
print(json.dumps({"outcome": outcome, "peak_mb": peak, "seconds": time.perf_counter() - started}))
"""


@pytest.mark.parametrize(
    ("name", "byte", "size"),
    [
        ("hotline", ord("a"), 500 << 20),  # 500 MB without a line break
        ("summary_list", 0, 500 << 20),  # /dev/zero
        ("app", ord("["), 500 << 20),  # a JSON document too big to hold
        ("visit", ord("{"), 500 << 20),
    ],
)
def test_huge_inputs_are_refused_in_bounded_memory(name: str, byte: int, size: int) -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name, str(byte), str(size)],
        capture_output=True, text=True, timeout=120, check=True, cwd=ROOT,
    )  # fmt: skip
    result = json.loads(out.stdout)
    assert result["outcome"].startswith("refused"), result
    assert result["peak_mb"] < 300, result
