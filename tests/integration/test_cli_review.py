"""The review queue and the intake report from the command line."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from appeal_adapters import open_store
from appeal_adapters.cli import cli
from appeal_core import SHANGHAI, Actor, Assumption, Desk, Enterprise

_names = itertools.count()
AT = datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
PHONE = Assumption(field="enterprise.phone", original="82118899", assumed="0513-82118899",
                   reason="固定电话未写区号，按本区区号 0513 补全")  # fmt: skip
DAY = Assumption(field="reported_at", original="2026/11/15", assumed="2026-11-15 00:00",
                 reason="来电时间只有日期，按当日 0 时登记")  # fmt: skip


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    db = f"memory://cli-review-{next(_names)}"
    runner = CliRunner()

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    invoke.db = db  # type: ignore[attr-defined]
    return invoke


def _guessed(db: str) -> list[str]:
    desk = Desk(open_store(db))
    firm = Enterprise(name="南通恒丰机械有限公司", phone="0513-82118899")
    return [
        desk.register(enterprise=firm, content=text, channel="hotline", at=AT, by=Actor.desk(),
                      reported_at=datetime(2026, 11, 15, tzinfo=SHANGHAI),
                      assumptions=guesses).number
        for text, guesses in (("用电增容慢", (PHONE, DAY)), ("招工难", (PHONE,)))
    ]  # fmt: skip


def test_the_clerk_lists_confirms_and_corrects(run) -> None:  # type: ignore[no-untyped-def]
    first, second = _guessed(run.db)
    out = run("review", "list")
    assert f"{first}  已登记  南通恒丰机械有限公司" in out
    assert "联系电话（enterprise.phone）：原文 '82118899' → 按 '0513-82118899' 登记" in out
    assert "共 2 件事项、3 项推定待复核" in out
    paged = json.loads(run("--json", "review", "list", "--after", first, "--limit", "1"))
    assert [(q["number"], q["field"], q["label"]) for q in paged] == [
        (second, "enterprise.phone", "联系电话")
    ]
    out = run("review", "confirm", first, "--field", "联系电话", "--note", "已电话核实")
    assert out.strip() == f"{first} 推定已确认；仍待复核：reported_at"
    out = run("review", "correct", first, "--field", "reported_at", "--value", "2026-11-15 15:30")
    assert "反映时间已更正为 '2026-11-15T15:30:00+08:00'" in out
    assert "待复核" not in run("show", first)
    assert "待复核：联系电话" in run("show", second)
    bad = run("review", "correct", second, "--field", "联系电话", "--value", "0513-1", code=3)
    assert bad.startswith("错误：字段「enterprise.phone」的值 '0513-1' 不合格")
    assert "不能复核确认" in run("review", "confirm", first, code=4)
    run("review", "confirm", second)
    assert run("review", "list").strip() == "共 0 件事项、0 项推定待复核"


def test_intake_names_rows_exported_twice(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = ["工单编号,来电时间,企业名称,诉求内容",
            "NT-1,2026-11-15 09:30,南通恒丰机械有限公司,新厂房消防验收迟迟未安排",
            "NT-2,2026-11-15 10:00,海门金海纺织有限公司,用工缺口约50人",
            "NT-1,2026-11-15 09:30,南通恒丰机械有限公司,新厂房消防验收迟迟未安排"]  # fmt: skip
    (tmp_path / "h.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))
    out = run("intake", "h.csv", "--channel", "hotline", "--on", "2026-11-16")
    assert "登记 2 件，已存在 1 件" in out
    assert "文件中重复导出 1 行，未重复登记：\n  第4行同第2行（编号 NT-1，HM-2026-0001）" in out
    data = json.loads(run("--json", "intake", "h.csv", "--channel", "hotline"))
    assert data["repeated"] == ["HM-2026-0001", "HM-2026-0002", "HM-2026-0001"]
    assert data["reexported"] == [{"row": 4, "earlier_row": 2, "source_id": "NT-1",
                                   "number": "HM-2026-0001", "entry": None}]  # fmt: skip
