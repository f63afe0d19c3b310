"""The year end from the shell: a notice loaded in one folder is in force in another and in
Python, on SQLite and PostgreSQL; the sweep of 31 December works without a 2027 notice."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from appeal_adapters.cli import cli
from appeal_adapters.config import open_desk
from appeal_core import Desk
from tests.unit.test_year_end import NOTICE_2027

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shell(sql_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``appeal --db URL ...`` from a folder of the test's temporary directory."""
    runner = CliRunner()

    def invoke(*args: str, folder: str = "a", code: int = 0) -> str:
        where = tmp_path / folder
        where.mkdir(exist_ok=True)
        old = Path.cwd()
        os.chdir(where)
        try:
            result = runner.invoke(cli, ["--db", sql_url, *args], catch_exceptions=False)
        finally:
            os.chdir(old)
        assert result.exit_code == code, result.output
        return result.output

    invoke.url = sql_url  # type: ignore[attr-defined]
    return invoke


def notice_toml() -> str:
    """The test notice as a TOML file as docs/calendar.md describes it."""
    n = NOTICE_2027
    lines = [f"year = {n.year}", f'title = "{n.title}"', f'document_number = "{n.document_number}"']
    lines.append("makeup_workdays = [" + ", ".join(d.isoformat() for d in n.makeup_workdays) + "]")
    for p in n.holidays:
        lines += [
            "",
            "[[holidays]]",
            f'name = "{p.name}"',
            f"first = {p.first}",
            f"last = {p.last}",
        ]
    return "\n".join(lines) + "\n"


def _notice_file(tmp_path: Path) -> Path:
    path = tmp_path / "2027.toml"
    path.write_text(notice_toml(), encoding="utf-8")
    return path


def _assign(shell, day: str) -> str:  # type: ignore[no-untyped-def]
    out = shell("--json", "register", "--enterprise", "测试公司", "--content", "道路", "--channel",
                "app", "--on", day)  # fmt: skip
    number = str(json.loads(out)["number"])
    shell("verify", number, "--on", day)
    shell("classify", number, "--category", "物流", "--complexity", "routine", "--on", day)
    shell("assign", number, "--lead", "区交通运输局", "--on", day)
    return number


def test_the_year_end_from_the_shell(shell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    early, late = _assign(shell, "2026-12-24"), _assign(shell, "2026-12-29")
    listed = shell("list", "--provisional")
    assert late in listed and early not in listed and "2027-01-01（暂定）" in listed
    out = shell("sweep", "--on", "2026-12-31")
    assert "[日历待补]" in out and "缺少 2027 年的节假日安排" in out and late in out
    assert "2 条通知" in out or "3 条通知" in out
    assert "督办完成：0 条通知" in shell("sweep", "--on", "2026-12-31")  # once per day
    report = json.loads(shell("--json", "report", "--month", "2026-12"))
    assert report["total"]["stock"] == 2
    # the template is refused; a real notice loaded in folder a is seen from folder b
    template = ROOT / "examples" / "calendar" / "2027.example.toml"
    shell("calendar", "load", str(template), "--on", "2026-12-31", code=3)
    out = shell("calendar", "load", str(_notice_file(tmp_path)), "--on", "2026-12-31")
    assert "国办发明电〔2026〕9号" in out and f"{late} 区交通运输局 答复期限" in out
    assert "appeal calendar apply" in out
    listing = shell("calendar", "list", folder="b")
    assert (
        "2027 年  现行  国办发明电〔2026〕9号" in listing and "2004-01-01 至 2027-12-31" in listing
    )
    assert late in shell("calendar", "impact", folder="b")
    # and from Python, with the library's own opener and with a plain Desk on the store
    desk = open_desk(shell.url)
    assert [e.notice.year for e in desk.notices()] == [2027]
    plain = Desk(desk.store)
    assert plain.calendar.covers(NOTICE_2027.holidays[0].first)  # type: ignore[attr-defined]
    desk.store.close()
    done = shell("calendar", "apply", "--on", "2026-12-31", folder="b")
    assert f"{late} 区交通运输局 答复期限 2027-01-01（暂定） → 2027-01-04" in done
    assert "已重新计算 1 件事项的期限" in done
    assert late not in shell("list", "--provisional")
    assert "2027-01-04" in shell("show", late) and "Redated" in shell("show", late)
    assert "没有事项的期限需要重新计算" in shell("calendar", "impact")


def test_forcing_a_local_arrangement_needs_a_reason_and_stays_marked(  # type: ignore[no-untyped-def]
    shell, tmp_path: Path
) -> None:
    template = ROOT / "examples" / "calendar" / "2027.example.toml"
    err = shell("calendar", "load", str(template), "--force", code=3)
    assert err.startswith("错误：") and "原因" in err
    out = shell("calendar", "load", str(template), "--force", "--reason", "县里临时安排")
    assert "本地临时安排" in out
    data = json.loads(shell("--json", "calendar", "list"))
    assert data["notices"][0]["provisional"] and data["notices"][0]["reason"] == "县里临时安排"
    assert "【本地临时安排：县里临时安排】" in shell("calendar", "list")
    explain = shell("calendar", "explain", "2026-12-29", "3")
    assert "本地临时" in explain


def test_notices_in_the_old_working_folder_are_named_not_silently_ignored(  # type: ignore[no-untyped-def]
    shell, tmp_path: Path
) -> None:
    old = tmp_path / "a" / ".appeal" / "calendar"
    old.mkdir(parents=True)
    (old / "2027.toml").write_text(notice_toml(), encoding="utf-8")
    assert "appeal calendar load .appeal/calendar/2027.toml" in shell("init")
