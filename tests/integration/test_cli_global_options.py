"""The group's options (--json, --db, --district, --policy, --as, --outside, --correction) work
before the command's name and after it, with the same effect; given twice, the later wins."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from appeal_adapters.cli import cli

Run = Callable[..., "tuple[int, str]"]
REGISTER = ("register", "--enterprise", "海门某机械有限公司", "--content", "厂房消防验收迟迟未办",
            "--channel", "app", "--on", "2026-11-16")  # fmt: skip


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    monkeypatch.chdir(tmp_path)
    for name in ("APPEAL_DB", "APPEAL_DISTRICT", "APPEAL_POLICY", "APPEAL_OUTSIDE"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args))
        return result.exit_code, result.output

    return invoke


def _placed(where: str, options: tuple[str, ...], command: tuple[str, ...]) -> tuple[str, ...]:
    return (*options, *command) if where == "before" else (*command, *options)


@pytest.mark.parametrize("where", ["before", "after"])
def test_json_db_and_district(run: Run, tmp_path: Path, where: str) -> None:
    db = f"sqlite:///{tmp_path / 'desk.db'}"
    options = ("--json", "--db", db, "--district", "CY")
    code, out = run(*_placed(where, options, REGISTER))
    assert code == 0, out
    assert json.loads(out)["number"] == "CY-2026-0001"
    assert (tmp_path / "desk.db").exists() and not (tmp_path / "appeals.db").exists()
    code, out = run(*_placed(where, ("--json", "--db", db, "--district", "CY"), ("list",)))
    assert code == 0, out
    assert [row["number"] for row in json.loads(out)] == ["CY-2026-0001"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_policy_file(run: Run, tmp_path: Path, where: str) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[numbering]\nnumber_format = "{district}{year}-{seq:05d}"\n'
                      '[channels]\nminiapp = "企业小程序"\n', encoding="utf-8")  # fmt: skip
    command = tuple(c if c != "app" else "miniapp" for c in REGISTER)
    code, out = run(*_placed(where, ("--json", "--policy", str(policy)), command))
    assert code == 0, out
    assert json.loads(out)["number"] == "HM2026-00001"


@pytest.mark.parametrize("where", ["before", "after"])
def test_acting_as(run: Run, where: str) -> None:
    assert run(*REGISTER)[0] == 0
    code, out = run(*_placed(where, ("--as", "department:区住建局"), ("verify", "HM-2026-0001")))
    assert code == 5, out  # only the desk verifies: refused as the department
    assert "区住建局" in out


@pytest.mark.parametrize("where", ["before", "after"])
def test_outside_the_calendar(run: Run, where: str) -> None:
    later = tuple(c if c != "2026-11-16" else "2042-03-02" for c in REGISTER)
    assert run(*later)[0] == 0
    for step in (("verify", "HM-2042-0001", "--on", "2042-03-02"),
                 ("classify", "HM-2042-0001", "--category", "消防", "--complexity", "routine",
                  "--on", "2042-03-02")):  # fmt: skip
        assert run(*step)[0] == 0
    assign = ("assign", "HM-2042-0001", "--lead", "区住建局", "--on", "2042-03-02")
    code, out = run(*_placed(where, ("--outside", "raise"), assign))
    assert code == 8, out  # no calendar for 2042: refused rather than a provisional deadline
    assert run(*_placed(where, ("--outside", "weekdays"), assign))[0] == 0


@pytest.mark.parametrize("where", ["before", "after"])
def test_correction_reason(run: Run, where: str) -> None:
    code, out = run(*_placed(where, ("--correction", "补录"), REGISTER))
    assert code == 0, out
    assert (
        run(*_placed(where, ("--correction", "补录", "--json"), ("show", "HM-2026-0001")))[0] == 0
    )


def test_after_the_command_wins(run: Run, tmp_path: Path) -> None:
    code, out = run("--district", "HM", *REGISTER, "--district", "CY", "--json")
    assert code == 0, out
    assert json.loads(out)["number"] == "CY-2026-0001"


def test_a_nested_command_takes_them_too(run: Run) -> None:
    assert run(*REGISTER)[0] == 0
    code, out = run("report", "--month", "2026-11", "explain", "--figure", "response_rate",
                    "--json")  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["figure"] == "response_rate"


def test_a_bad_value_after_the_command_is_refused_as_before(run: Run) -> None:
    code, out = run(*REGISTER, "--outside", "never")
    assert code == 2 and "--outside" in out and "raise、weekdays" in out


def test_every_commands_help_lists_them_once(run: Run) -> None:
    for args in (("verify", "--help"), ("notify", "deliver", "--help"),
                 ("report", "--month", "2026-11", "explain", "--help")):  # fmt: skip
        code, out = run(*args)
        assert code == 0 and out.count("（全局选项）") == 7, out
