"""The figures from the shell: explain, seal, corrections, the registry, definitions, the year."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from appeal_adapters.cli import cli
from appeal_adapters.cli.session import today
from tests.integration.test_cli import _names

MARKET = "区市场监督管理局"
REGISTRY = """order = "official"

[[department]]
name = "区市场监督管理局"
short = "市场监管局"
aliases = ["市监局"]

[[department]]
name = "区人力资源和社会保障局"
short = "人社局"
"""


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'figures.db'}"
    runner = CliRunner()

    def invoke(*args: str, acting: str = "desk", code: int = 0) -> str:
        result = runner.invoke(cli, ["--db", db, "--as", acting, *args], catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    assert _names  # the same runner conventions as test_cli
    return invoke


def assigned(run, day: str, lead: str = "市监局") -> str:  # type: ignore[no-untyped-def]
    out = run("--json", "register", "--enterprise", "海门某公司", "--content", "道路破损",
              "--channel", "app", "--on", day)  # fmt: skip
    number = str(json.loads(out)["number"])
    run("verify", number, "--on", day)
    run("classify", number, "--category", "交通", "--complexity", "routine", "--on", day)
    run("assign", number, "--lead", lead, "--on", day)
    return number


def test_registry_explain_seal_and_correction_from_the_shell(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "departments.toml").write_text(REGISTRY, encoding="utf-8")
    assert "2 个部门" in run("departments", "load", "departments.toml", "--on", "2026-10-01")
    assert "市场监管局" in run("departments", "list")
    n = assigned(run, "2026-10-23")  # due 10-28, by its alias
    shown = json.loads(run("--json", "show", n))
    assert MARKET in json.dumps(shown, ensure_ascii=False)
    other = run("--json", "register", "--enterprise", "海门乙公司", "--content", "用电",
                "--channel", "app", "--on", "2026-10-23")  # fmt: skip
    m = str(json.loads(other)["number"])
    run("verify", m, "--on", "2026-10-23")
    run("classify", m, "--category", "用电", "--complexity", "routine", "--on", "2026-10-23")
    refused = run("assign", m, "--lead", "区市场监督局", "--on", "2026-10-23", code=3)
    assert "是否是：区市场监督管理局" in refused
    # explain: the whole command, JSON and terminal
    x = json.loads(run("--json", "report", "--month", "2026-10", "explain", "--department",
                       "市监局", "--figure", "response_rate"))  # fmt: skip
    assert (x["department"], x["numerator"], x["denominator"]) == (MARKET, 0, 1)
    assert "第 3 个工作日为 2026-10-28" in x["lines"][0]["reason"]
    shown = run("report", "--month", "2026-10", "explain", "--department", MARKET)
    assert "响应率：0/1 = 0.0%" in shown and "统计口径" in shown
    # seal October; a reply dated in it is refused, then recorded as a correction
    assert "已封存" in run("month", "close", "2026-10", "--on", "2026-11-03")
    refused = run("reply", n, "--text", "已办", "--on", "2026-10-28", acting=f"department:{MARKET}",
                  code=3)  # fmt: skip
    assert "2026年10月的数据已封存" in refused
    run("--correction", "10月28日已电话答复，系统漏录", "reply", n, "--text", "已办", "--on",
        "2026-10-28", acting=f"department:{MARKET}")  # fmt: skip
    october = json.loads(run("--json", "report", "--month", "2026-10"))
    assert october["sealed"]["digest"] and october["departments"][0]["replied_on_time"] == 0
    assert "重算一致" in run("month", "verify", "2026-10")
    assert "2026-10" in run("month", "list")
    now = today().strftime("%Y-%m")  # a correction is recorded when it is made
    (corrected,) = json.loads(run("--json", "report", "--month", now))["corrections"]
    assert corrected["month"] == "2026-10" and corrected["reason"].startswith("10月28日")
    assert corrected["changes"][0]["after"]["response_rate"] == 1.0
    run("report", "--month", now, "--docx", "b.docx", "--html", "b.html", "--xlsx", "a.xlsx")
    html = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "更正" in html and "统计口径" in html and "补录日期为2026年10月28日" in html
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "a.xlsx").read_bytes()))
    assert book.sheetnames == ["汇总", "明细"]


def test_definitions_from_the_shell(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("init")
    assert "自然月" in run("rules", "show", "--month", "2026-11")
    out = run("rules", "amend", "--from", "2026-12", "--reason", "市考核办法", "--set",
              "valid_visits_only=true", "--set", "basically_satisfied_weight=0.9", "--on",
              "2026-11-20")  # fmt: skip
    assert "基本满意计0.9" in out
    assert "无效回访（未联系上企业）不计入" in run("rules", "show", "--month", "2026-12")
    assert "计入回访分母" in run("rules", "show", "--month", "2026-11")
    assert "市考核办法" in run("rules", "list")
    assert "可设置" in run("rules", "amend", "--from", "2027-01", "--reason", "x", "--set",
                          "speed=1", code=3)  # fmt: skip
    n = assigned(run, "2026-12-01", lead="区商务局")
    run("reply", n, "--text", "已办", "--on", "2026-12-02", acting="department:区商务局")
    run("follow-up", n, "--unreached", "--on", "2026-12-03")
    run("follow-up", n, "--satisfied", "--resolved", "--on", "2026-12-04")
    december = json.loads(run("--json", "report", "--month", "2026-12"))
    assert december["definitions"]["valid_visits_only"] is True
    assert december["departments"][0]["visited"] == 1  # the unreached visit left the rates
    assert "--unreached" in run("follow-up", n, "--unreached", "--satisfied", code=2)


def test_the_year_from_the_shell(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for day in ("2026-01-05", "2026-02-02", "2026-02-03", "2026-02-04"):
        assigned(run, day, lead="区商务局")
    data = json.loads(run("--json", "report", "--year", "2026"))
    (line,) = data["departments"]
    assert line["reply_due"] == 4 and line["response_rate"] == 0.0 and line["rank"] == 1
    assert data["provisional_months"] == list(range(1, 13))
    out = run("report", "--year", "2026", "--docx", "y.docx", "--xlsx", "y.xlsx")
    assert "年度" in out and (tmp_path / "y.docx").stat().st_size > 0
    assert "二选一" in run("report", code=2)
