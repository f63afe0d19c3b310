"""The desk's month from the shell: pause and resume, the escalation's proposal and deputy,
visits, the sweep's supervision notices, the digest (printed, written and sent), the meeting
from a minutes file, its tasks, the co-handling section; errors as one line and an exit code."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from appeal_adapters import hookimpl
from appeal_adapters.cli import cli

_names = itertools.count()
LEAD = "区交通运输局"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'month.db'}"
    runner = CliRunner()

    def invoke(*args: str, acting: str = "desk", code: int = 0) -> str:
        result = runner.invoke(cli, ["--db", db, "--as", acting, *args], catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def item(run, day: str, firm: str, content: str, co: str = "区公安局") -> str:  # type: ignore[no-untyped-def]
    out = run("--json", "register", "--enterprise", firm, "--content", content, "--channel",
              "app", "--on", day)  # fmt: skip
    n = str(json.loads(out)["number"])
    run("verify", n, "--on", day)
    run("classify", n, "--category", "交通", "--complexity", "routine", "--on", day)
    run("assign", n, "--lead", LEAD, "--co", co, "--on", day)
    return n


def test_the_clock_stops_and_runs_again(run) -> None:  # type: ignore[no-untyped-def]
    n = item(run, "2026-11-02", "甲公司", "园区停车位不足")
    out = run("pause", n, "--reason", "materials", "--document", "补正通知1号", "--until",
              "2026-11-10", "--on", "2026-11-03")  # fmt: skip
    assert "已暂停计时" in out and "答复期限 2026-11-12" in out
    shown = run("show", n)
    assert "暂停计时：等待企业补充材料（补正通知1号）" in shown and "协办：区公安局" in shown
    out = run("resume", n, "--day", "2026-11-06", "--on", "2026-11-06")
    assert "答复期限 2026-11-10" in out  # 11-04, 11-05, 11-06 stood still: 11-05 + 3
    run("resume", n, "--on", "2026-11-06", code=4)  # not paused: a lifecycle error
    run("request-pause", n, "--reason", "publicity", "--document", "公示", "--until",
        "2026-11-20", "--on", "2026-11-09", acting=f"department:{LEAD}")  # fmt: skip
    assert "已批准暂停计时" in run("approve-pause", n, "--on", "2026-11-09")
    run("pause", n, "--reason", "nonsense", "--document", "x", "--until", "2026-11-20", code=2)


def test_the_escalation_its_deputy_and_a_visit(run) -> None:  # type: ignore[no-untyped-def]
    n = item(run, "2026-11-02", "乙公司", "园区道路破损")
    run("escalate", n, "--leader", "李副区长", "--reason", "资金不足", "--on", "2026-11-03", code=2)
    run("escalate", n, "--leader", "李副区长", "--reason", "资金不足", "--proposal",
        "建议财政安排专项资金", "--on", "2026-11-03")  # fmt: skip
    run("resolve", n, "--text", "同意", "--on", "2026-11-04", acting="leader:王副区长", code=5)
    run("deputy", n, "--name", "王副区长", "--reason", "外出", "--on", "2026-11-04")
    run("leader-meeting", n, "--held", "2026-11-05", "--chair", "王副区长", "--attendee", LEAD,
        "--attendee", "区财政局", "--outcome", "列入修缮计划", "--on", "2026-11-05")  # fmt: skip
    run("site-visit", n, "--visited", "2026-11-05", "--participant", "张科长", "--findings",
        "路基沉陷", "--on", "2026-11-05", acting="department:区公安局")  # fmt: skip
    assert "已协调解决" in run("resolve", n, "--text", "按会议意见办理", "--on", "2026-11-06",
                                acting="leader:王副区长")  # fmt: skip
    shown = run("show", n)
    assert "初步建议方案：建议财政安排专项资金" in shown and "代理领导：王副区长" in shown
    assert "领导办会：2026-11-05 王副区长主持：列入修缮计划" in shown
    assert "登门：2026-11-05 区公安局（张科长）：路基沉陷" in shown


class Inbox:
    sent: ClassVar[list[object]] = []

    @hookimpl
    def appeal_notify(self, notice: object) -> None:
        self.sent.append(notice)


def test_the_month_from_the_shell(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    first = item(run, "2026-11-02", "甲公司", "园区停车位不足，员工停车难")
    second = item(run, "2026-11-02", "乙公司", "厂区周边停车位紧张")
    assert "[协办逾期督办] 区公安局" in run("sweep", "--on", "2026-11-04")
    listed = run("notices", "list")
    assert "督办〔2026〕1号  2026-11-04  督办  区公安局  2 项" in listed
    out = run("notices", "print", "--on", "2026-11-04", "--out", "n.docx")
    assert "已写出 n.docx" in out and (tmp_path / "n.docx").stat().st_size > 0
    run("notices", "print", "99", "--out", "x.docx", code=2)

    digest = run("digest", "--on", "2026-11-03", "--docx", "d.docx", "--html", "d.html")
    assert "区服务企业办每日汇总 2026年11月3日（星期二）" in digest
    assert "其中海企通APP线上受理2件" in digest
    assert (tmp_path / "d.docx").exists() and (tmp_path / "d.html").exists()
    data = json.loads(run("--json", "digest", "--on", "2026-11-03"))
    assert data["received"][0] == ["app", 2]

    agenda = run("meeting", "agenda", "--month", "2026-11", "--docx", "a.docx")
    assert "【多家企业反映的共性问题】1 个" in agenda and "停车位" in agenda
    minutes = tmp_path / "m.toml"
    minutes.write_text(f'held_on = 2026-11-27\nattendees = ["{LEAD}", "区公安局"]\n'
                       f'[[decisions]]\ntext = "统筹解决停车问题"\nowner = "{LEAD}"\n'
                       f'due = 2026-12-04\nitems = ["{first}", "{second}"]\n',
                       encoding="utf-8")  # fmt: skip
    out = run("meeting", "record", "m.toml", "--docx", "min.docx", "--on", "2026-11-27")
    assert "已记录会商会议 HM-2026-H01：议定事项 1 项，任务 HM-2026-H01-1" in out
    assert "HM-2026-H01  2026-11-27" in run("meeting", "list")
    assert "HM-2026-H01-1  区交通运输局  2026-12-04  办理中" in run(
        "meeting", "show", "HM-2026-H01"
    )
    run("task", "report", "HM-2026-H01-1", "--text", "已完成", "--on", "2026-12-03", code=5)
    run("task", "report", "HM-2026-H01-1", "--text", "已划定停车区", "--on", "2026-12-03",
        acting=f"department:{LEAD}")  # fmt: skip
    run("task", "return", "HM-2026-H01-1", "--reason", "未附照片", "--on", "2026-12-04")
    run("task", "report", "HM-2026-H01-1", "--text", "已补照片", "--on", "2026-12-04",
        acting=f"department:{LEAD}")  # fmt: skip
    assert "已确认完成" in run("task", "confirm", "HM-2026-H01-1", "--on", "2026-12-07")
    assert "共 0 项" in run("task", "list")
    run("task", "confirm", "HM-2026-H09-1", code=6)
    run("meeting", "show", "HM-2026-H09", code=6)
    bad = tmp_path / "bad.toml"
    bad.write_text('held_on = 2026-11-27\n[[decisions]]\ntext = "x"\nowner = "y"\n', "utf-8")
    assert "decisions[1].due" in run("meeting", "record", "bad.toml", code=3)

    section = run("cohandling", "--month", "2026-11")
    assert "区公安局  2 / 0 / 0.0% / 2" in section

    from appeal_adapters import plugins as plugin_module

    real = plugin_module.load_plugins
    monkeypatch.setattr("appeal_adapters.cli.session.load_plugins",
                        lambda: real(entry_points=False, extra=[Inbox()]))  # fmt: skip
    out = run("digest", "--on", "2026-11-04", "--send")
    assert "已发送至区服务企业办（hmmfb@126.com）" in out
    (notice,) = Inbox.sent
    assert notice.kind == "digest" and notice.to == "hmmfb@126.com"  # type: ignore[attr-defined]
