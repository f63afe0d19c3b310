"""The command line: the desk's daily work, JSON for scripts, one-line errors with exit codes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from appeal_adapters.cli import cli

_names = itertools.count()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    db = f"memory://cli-{next(_names)}"
    runner = CliRunner()

    def invoke(*args: str, acting: str = "desk", code: int = 0) -> str:
        result = runner.invoke(cli, ["--db", db, "--as", acting, *args], catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def _registered(run) -> str:  # type: ignore[no-untyped-def]
    out = run(
        "--json",
        "register",
        "--enterprise",
        "海门某机械有限公司",
        "--content",
        "厂房消防验收迟迟未办",
        "--channel",
        "app",
        "--phone",
        "13812345678",
        "--on",
        "2024-09-27",
    )
    return str(json.loads(out)["number"])


def test_a_routine_item_from_registration_to_closing(run) -> None:  # type: ignore[no-untyped-def]
    n = _registered(run)
    assert n == "HM-2024-0001"
    assert "已核实" in run("verify", n, "--on", "2024-09-27")
    run("classify", n, "--category", "消防", "--complexity", "routine", "--on", "2024-09-30")
    out = run(
        "assign", n, "--lead", "区市场监督管理局", "--co", "区应急管理局", "--on", "2024-09-30"
    )
    assert "答复期限 2024-10-10" in out
    run(
        "reply",
        n,
        "--text",
        "已安排验收",
        "--on",
        "2024-10-08",
        acting="department:区市场监督管理局",
    )
    run("follow-up", n, "--satisfied", "--resolved", "--on", "2024-10-09")
    assert "已销号" in run("close", n, "--on", "2024-10-09")
    shown = run("show", n)
    assert "国庆节假期" in shown and "Closed" in shown
    history = json.loads(run("--json", "show", n))["history"]
    assert [e["type"] for e in history][-1] == "Closed"
    assert "共 1 件" in run("list", "--status", "closed")


def test_errors_are_one_line_with_documented_exit_codes(run) -> None:  # type: ignore[no-untyped-def]
    n = _registered(run)
    out = run("close", n, "--on", "2024-09-27", code=4)
    assert out.count("\n") == 1 and out.startswith("错误：") and "不能销号" in out
    assert "无权" in run("verify", n, acting="department:区市场监督管理局", code=5)
    assert "HM-2024-9999" in run("verify", "HM-2024-9999", code=6)
    assert "企业名称不能为空" in run(
        "register", "--enterprise", " ", "--content", "x", "--channel", "app", code=3
    )
    usage = run("follow-up", n, code=2)  # click's usage errors too: one line, with the hint
    assert usage.count("\n") == 1 and usage.startswith("错误：") and "--help" in usage


def test_sweep_report_and_documents(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    n = _registered(run)
    run("verify", n, "--on", "2024-11-04")
    run("classify", n, "--category", "消防", "--complexity", "routine", "--on", "2024-11-04")
    run("assign", n, "--lead", "区市场监督管理局", "--on", "2024-11-04")
    assert "逾期督办" in run("sweep", "--on", "2024-11-08")
    assert "0 条通知" in run("sweep", "--on", "2024-11-08")
    figures = json.loads(run("--json", "report", "--month", "2024-11"))
    (dept,) = figures["departments"]
    assert dept["reply_due"] == 1 and dept["replied_on_time"] == 0 and dept["response_rate"] == 0
    assert dept["completion_rate"] is None  # nothing visited: no value, never 0%
    run("report", "--month", "2024-11", "--docx", "b.docx", "--html", "b.html")
    run("sheet", n, "--out", "s.docx")
    run("export", "--xlsx", "list.xlsx", "--csv", "list.csv", "--handling")
    for name in ("b.docx", "b.html", "s.docx", "list.xlsx", "list.csv"):
        assert (tmp_path / name).stat().st_size > 0
    assert "无需校验" in run("audit", "verify")
    assert "2024-10-10" in run("calendar", "explain", "2024-09-30", "3")
    assert "月份应写作" in run("report", "--month", "2024/11", code=3)


def test_every_command_has_help() -> None:
    runner = CliRunner()
    names = list(cli.commands)
    assert {
        "init",
        "intake",
        "quarantine",
        "sweep",
        "report",
        "sheet",
        "export",
        "audit",
        "calendar",
    } <= set(names)
    for name in names:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, name


def test_intake_and_the_quarantine_from_the_shell(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export = tmp_path / "app.json"
    export.write_text(
        json.dumps({"records": [
            {"id": "A1", "submitted_at": "2026-11-16", "content": "用电报装慢",
             "enterprise": {"name": "海门甲公司"}, "contact": {"phone": "13812345678"}},
            {"id": "A2", "submitted_at": "2026-11-16", "content": "融资难",
             "enterprise": {"name": "海门乙公司"}, "contact": {"phone": "1381234567"}},
        ]}, ensure_ascii=False),
        encoding="utf-8",
    )  # fmt: skip
    assert "登记 1 件" in run("intake", str(export), "--channel", "app", "--on", "2026-11-16")
    assert "已存在 1 件" in run("intake", str(export), "--channel", "app", "--on", "2026-11-16")
    (entry,) = json.loads(run("--json", "quarantine", "list"))
    assert entry["field"] and "1381234567" in entry["value"]
    assert "11位" in run("quarantine", "fix", str(entry["id"]), code=3)
    assert "可以登记" in run("quarantine", "fix", str(entry["id"]), "--phone", "13812345679")
    out = run(
        "quarantine", "admit", str(entry["id"]), "--phone", "13812345679", "--on", "2026-11-16"
    )
    assert "HM-2026-0002" in out
    assert "共 0 行" in run("quarantine", "list")
    shown = run("quarantine", "show", str(entry["id"]))
    assert "处理：已登记为 HM-2026-0002（2026-11-16 " in shown
    (settled,) = json.loads(run("--json", "quarantine", "list", "--all"))
    assert settled["settled_at"].startswith("2026-11-16T") and settled["settled_by"]


def test_intake_with_a_mapping_says_where_each_quarantined_row_came_from(
    run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    export = tmp_path / "导出.csv"
    export.write_bytes(
        "受理单号,时间,被反映单位,来电详情\r\nB-1,2026-11-16 09:30,海门甲公司,用电增容\r\n"
        'B-2,2026-11-16 10:00,海门乙公司,"多行\r\n内容"\r\nB-3,2026-11-16 11:00,无,融资难\r\n'
        .encode("gbk")
    )  # fmt: skip
    refused = run("intake", str(export), "--channel", "hotline", code=9)
    assert "找到的表头：受理单号、时间、被反映单位、来电详情" in refused and "--map" in refused
    (tmp_path / "map.toml").write_text(
        'source_id = "受理单号"\nreported_at = "时间"\nenterprise = "被反映单位"\n', "utf-8"
    )
    (tmp_path / "policy.toml").write_text('[mapping.hotline]\ncontent = "来电详情"\n', "utf-8")
    out = run("--policy", str(tmp_path / "policy.toml"), "intake", str(export), "--channel",
              "hotline", "--map", str(tmp_path / "map.toml"))  # fmt: skip
    assert "登记 2 件" in out and "隔离 1 行" in out
    assert "读取：CSV（gb18030），共 4 行、16 个单元格" in out
    assert "隔离 #1 第5行（第4条记录）「被反映单位」'无'：「无」是占位符" in out
    assert "第5行（第4条记录）" in run("quarantine", "list")


def test_export_filters_and_masks_phones_by_default(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from appeal_adapters.documents import read_summary_list

    n = _registered(run)  # registered 2024-09-27
    run("verify", n, "--on", "2024-11-04")
    run("classify", n, "--category", "消防", "--complexity", "routine", "--on", "2024-11-04")
    run("assign", n, "--lead", "区市场监督管理局", "--on", "2024-11-04")
    other = _registered(run)
    assert "已导出 2 件" in run("export", "--csv", "all.csv")
    _, rows = read_summary_list(tmp_path / "all.csv")
    assert {r["联系电话"] for r in rows} == {"138****5678"}  # masked unless asked
    run("export", "--csv", "open.csv", "--unmasked")
    assert {r["联系电话"] for r in read_summary_list(tmp_path / "open.csv")[1]} == {"13812345678"}
    assert "已导出 1 件" in run("export", "--csv", "d.csv", "--department", "区市场监督管理局")
    assert read_summary_list(tmp_path / "d.csv")[1][0]["编号"] == n
    assert "已导出 1 件" in run("export", "--csv", "s.csv", "--status", "已登记")
    assert read_summary_list(tmp_path / "s.csv")[1][0]["编号"] == other
    assert "已导出 1 件" in run("export", "--csv", "s2.csv", "--status", "assigned")
    assert "已导出 2 件" in run("export", "--csv", "m.csv", "--month", "2024-09")
    assert "已导出 0 件" in run("export", "--csv", "m.csv", "--month", "2024-10")
    assert "已导出 0 件" in run("export", "--csv", "u.csv", "--unit", "常乐镇")
    assert "未知的状态" in run("export", "--csv", "x.csv", "--status", "done", code=3)
