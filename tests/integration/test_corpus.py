"""Issue 13: files made the way towns and vendors make them, each row's outcome as expected.

The corpus and its expectations are in tests/data/ (README.md says how each file was made;
``make_corpus.py`` writes them, ``expected.json`` holds each row's outcome, written by hand).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from appeal_adapters import load_plugins
from appeal_adapters.channels import channel, import_file, location
from appeal_core import SHANGHAI, Actor, Desk, MemoryStore
from appeal_core.intake import IntakeRecord, RejectedRow

DATA = Path(__file__).resolve().parents[1] / "data"
EXPECTED: dict[str, Any] = json.loads((DATA / "expected.json").read_text("utf-8"))
PLUGINS = load_plugins(entry_points=False)
AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)


def key(row: IntakeRecord | RejectedRow, several: bool) -> str:
    sheet = dict(row.notes).get("工作表", "") if isinstance(row, IntakeRecord) else dict(
        row.raw).get("@工作表", "")  # fmt: skip
    return f"{sheet}!{row.row}" if several else str(row.row)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_row_comes_out_as_a_clerk_expects(name: str) -> None:
    spec = EXPECTED[name]
    several = any("!" in k for k in spec["rows"])
    rows = channel(spec["channel"], PLUGINS).parse((DATA / name).read_bytes(), filename=name)
    got = {key(r, several): r for r in rows}
    assert sorted(got) == sorted(spec["rows"]), name
    for where, want in spec["rows"].items():
        row = got[where]
        if want["outcome"] == "quarantined":
            assert isinstance(row, RejectedRow), (where, row)
            assert row.field == want["field"] and want["reason"] in row.reason, (where, row)
            if "where" in want:
                assert location(row.raw, row.row) == want["where"]
            continue
        assert isinstance(row, IntakeRecord), (where, row)
        firm = row.enterprise
        seen = {"source_id": row.source_id, "enterprise": firm.name, "phone": firm.phone,
                "extension": firm.extension, "contact": firm.contact,
                "credit_code": firm.credit_code, "address": firm.address,
                "reported_at": row.reported_at.isoformat() if row.reported_at else None}  # fmt: skip
        for field, value in want.items():
            if field in seen:
                assert seen[field] == value, (where, field, row)
        assert sorted(a.field for a in row.assumptions) == sorted(want.get("assumed", [])), (
            where, row.assumptions)  # fmt: skip
        for note, value in {**spec.get("notes", {}), **want.get("notes", {})}.items():
            assert dict(row.notes).get(note) == value, (where, note, row.notes)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_row_is_registered_or_quarantined(name: str, tmp_path: Path) -> None:
    spec = EXPECTED[name]
    desk = Desk(MemoryStore(), district="HM")
    report = import_file(desk, DATA / name, channel=spec["channel"], at=AT,
                         by=Actor.desk("小王"), plugins=PLUGINS)  # fmt: skip
    outcomes = [w["outcome"] for w in spec["rows"].values()]
    assert len(report.registered) == outcomes.count("registered")
    assert len(report.quarantined) == outcomes.count("quarantined")
    assert report.census is not None and report.census.rows > 0
    for sheet in spec.get("skipped_sheets", []):
        assert any(sheet in s for s in report.census.skipped)
    for entry in desk.store.quarantined():
        readmitted = channel(spec["channel"], PLUGINS).rebuild(entry.raw, row=entry.row)
        assert isinstance(readmitted, RejectedRow) and readmitted.reason == entry.reason


@pytest.mark.parametrize("name", ["附件2_三星镇_手填.xlsx", "12345_厂商导出_GBK.csv"])
def test_an_admitted_row_is_the_item_a_clean_row_would_be(name: str, tmp_path: Path) -> None:
    """The quarantined row, corrected and admitted, equals the same row imported clean."""
    spec = EXPECTED[name]
    chan = channel(spec["channel"], PLUGINS)
    desk = Desk(MemoryStore(), district="HM")
    import_file(desk, DATA / name, channel=spec["channel"], at=AT, by=Actor.desk("小王"),
                plugins=PLUGINS)  # fmt: skip
    entry = desk.store.quarantined()[0]
    fix = {"content": "厂区门前道路积水，影响货车进出"} if name.endswith("xlsx") else {
        "enterprise": "海门广源五金有限公司"}  # fmt: skip
    admitted = desk.admit(entry.id, chan.rebuild(entry.raw, row=entry.row, corrections=fix),
                          at=AT, by=Actor.desk("小王"))  # type: ignore[arg-type]  # fmt: skip

    clean = tmp_path / name  # the same file with the clerk's correction typed in it
    if name.endswith("xlsx"):
        import openpyxl

        book = openpyxl.load_workbook(DATA / name)
        book.active[f"C{entry.row}"] = fix["content"]
        book.save(clean)
    else:
        clean.write_bytes((DATA / name).read_bytes().replace("不详".encode("gbk"),
                                                              fix["enterprise"].encode("gbk")))  # fmt: skip
    other = Desk(MemoryStore(), district="HM")
    import_file(other, clean, channel=spec["channel"], at=AT, by=Actor.desk("小王"),
                plugins=PLUGINS)  # fmt: skip
    (twin,) = [other.get(n) for n in other.store.numbers() if other.get(n).source_id ==
               admitted.source_id]  # fmt: skip
    for field in ("content", "channel", "source_id", "reported_at", "notes", "personal_notes"):
        assert getattr(admitted, field) == getattr(twin, field), field
    # the contact's pseudonym is named after the item that first met them: another number here
    unnamed = [attrs.evolve(s.enterprise, contact_id="") for s in (admitted, twin)]
    assert unnamed[0] == unnamed[1]
