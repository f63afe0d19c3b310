"""The month's documents: agenda, minutes, digest and supervision notices, as a person reads
them (the .docx text and tables, the HTML, the page LibreOffice prints) and under another
district's identity."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime, time
from pathlib import Path

import pytest

from appeal_adapters import load_plugins
from appeal_adapters.config import load_policy
from appeal_adapters.documents import render, renderers
from appeal_adapters.documents.fonts import FONTCONFIG
from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore, Policy
from appeal_core.journal import Decision
from tests.integration.test_documents import docx_text
from tests.integration.test_identity import HAIMEN, POLICY_FILE, texts_of
from tests.integration.test_rendering_pdf import TOOLS, read_pages

pytest.importorskip("docx")
PLUGINS = load_plugins(entry_points=False)
CLERK = Actor.desk("顾科长")
ROADS = Actor.of_department("交通运输局")


def at(day: str, hour: int = 9) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), SHANGHAI)


def month(policy: Policy | None = None) -> Desk:
    """A November: parking problems of three firms, an escalation past its month-end, a
    pause, co-handlers, two days of supervision notices and a meeting with two tasks."""
    desk = Desk(MemoryStore(), policy=policy or Policy())
    numbers = []
    for k, (firm, text) in enumerate((("甲公司", "园区停车位不足，员工停车难"),
                                      ("乙公司", "厂区周边停车位紧张"),
                                      ("丙公司", "停车位少，员工上下班停车难"))):  # fmt: skip
        n = desk.register(enterprise=Enterprise(name=firm, phone="13812345678"), content=text,
                          channel="app" if k else "hotline", at=at("2026-11-02", 8),
                          by=CLERK).number  # fmt: skip
        desk.verify(n, at=at("2026-11-02"), by=CLERK)
        desk.classify(n, category="交通", complexity="routine", at=at("2026-11-02"), by=CLERK)
        desk.assign(n, lead=ROADS.department, co=["公安局"], at=at("2026-11-02", 10), by=CLERK)
        numbers.append(n)
    desk.escalate(numbers[0], leader="李副区长", reason="涉及规划", proposal="建议统筹规划停车场",
                  at=at("2026-11-03"), by=CLERK)  # fmt: skip
    desk.pause(numbers[1], reason="materials", until=date(2026, 11, 30), document="补正通知第1号",
               at=at("2026-11-04"), by=CLERK)  # fmt: skip
    for day in ("2026-11-06", "2026-11-11", "2026-12-01"):
        desk.sweep(date.fromisoformat(day), at=at(day, 8), by=CLERK)
    desk.record_meeting(
        held_on=date(2026, 11, 27), attendees=[ROADS.department, "公安局", "财政局"],
        chair="主任", items=numbers, summary="研究停车难共性问题",
        decisions=[Decision(text="统筹规划园区公共停车场", owner=ROADS.department,
                            due=date(2026, 12, 11), items=tuple(numbers)),
                   Decision(text="测算停车场建设资金", owner="财政局", due=date(2026, 12, 18))],
        at=at("2026-11-27", 16), by=CLERK,
    )  # fmt: skip
    return desk


def documents(desk: Desk) -> dict[str, bytes]:
    policy = desk.policy
    held = desk.meetings()[0]
    digest = desk.digest(date(2026, 12, 1))
    return {
        "agenda.docx": render(PLUGINS, "agenda.docx", desk.meeting_agenda(2026, 11),
                              policy=policy, held_on=held.held_on),
        "minutes.docx": render(PLUGINS, "minutes.docx", held, policy=policy, tasks=desk.tasks()),
        "digest.docx": render(PLUGINS, "digest.docx", digest, policy=policy),
        "digest.html": render(PLUGINS, "digest.html", digest, policy=policy),
        "digest.txt": render(PLUGINS, "digest.txt", digest, policy=policy),
        "notice.docx": render(PLUGINS, "notice.docx", desk.supervision_notices(), policy=policy),
    }  # fmt: skip


def test_the_month_renderers_are_registered() -> None:
    assert {"agenda.docx", "minutes.docx", "digest.docx", "digest.html", "digest.txt",
            "notice.docx"} <= set(renderers(PLUGINS))  # fmt: skip


def test_agenda_and_minutes_say_what_the_meeting_took_up_and_decided() -> None:
    desk = month()
    docs = documents(desk)
    body, cells, _ = docx_text(docs["agenda.docx"])
    assert "2026年11月民企诉求直通车会商会议议题" in body and "会议日期：2026年11月27日" in body
    assert "一、报区分管领导后当月未协调解决的事项（1件）" in body
    assert "五、多家企业反映的共性问题（1个）" in body
    assert any(row[0] == "1" and row[1].startswith("停车位") and row[3] == "3" for row in cells)
    assert "报李副区长协调，期限 2026-11-30" in "".join(c for row in cells for c in row)
    body, _, _ = docx_text(docs["minutes.docx"])
    assert "会议编号：HM-2026-H01" in body and "交通运输局、公安局、财政局参加会议" in body
    assert "1. 交通运输局负责：统筹规划园区公共停车场" in body
    assert "于2026年12月11日前完成并报区服务企业办" in body
    assert "任务编号：HM-2026-H01-2；当前状态：办理中" in body


def test_the_digest_reads_the_same_in_every_format_and_never_prints_a_phone() -> None:
    desk = month()
    docs = documents(desk)
    text = docs["digest.txt"].decode("utf-8")
    assert text.startswith("区服务企业办每日汇总 2026年12月1日（星期二）")
    assert "7. 暂停计时（1件）" in text and "补正" not in text.split("7.")[0]
    body, cells, _ = docx_text(docs["digest.docx"])
    assert "民企诉求直通车每日汇总" in body
    assert any(row[0] == "HM-2026-H01-1" for row in cells)  # the meeting's open tasks
    page = docs["digest.html"].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<thead>" in page and "@media print" in page
    for data in docs.values():
        assert "13812345678" not in texts_of(data)


def test_one_supervision_notice_a_page_with_number_level_and_copy() -> None:
    desk = month(Policy(department_leaders={"交通运输局": "王副区长"}))
    notices = desk.supervision_notices()
    second = [n for n in notices if n.second_level]
    assert second and second[0].cc[0] in ("李副区长", "王副区长")
    body, cells, _ = docx_text(documents(desk)["notice.docx"])
    for n in notices:
        assert f"编号：{n.code}" in body
    assert "抄送：" in body and "二次督办" in body
    assert sum(row[0] == "序号" for row in cells) == len(notices)


def test_every_month_document_carries_another_districts_identity() -> None:
    desk = month(load_policy(POLICY_FILE))
    for name, data in documents(desk).items():
        text = texts_of(data)
        assert not HAIMEN.search(text), (name, HAIMEN.search(text))
    docs = documents(desk)
    body, _, _ = docx_text(docs["notice.docx"])
    assert "清河县优化营商环境工作领导小组办公室" in body and "县企业服务中心" in body
    assert "报县分管领导尚未协调解决" in docs["digest.txt"].decode("utf-8")
    assert "抄送：县分管领导" in body or all(not n.cc for n in desk.supervision_notices())


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:  # type: ignore[type-arg]
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        if os.environ.get("APPEAL_CI_STRICT") == "1":
            pytest.fail(f"PDF 检查需要 {'、'.join(missing)}")
        pytest.skip(f"PDF 检查需要 {'、'.join(missing)}")
    home = tmp_path_factory.mktemp("lo-month")
    docs = {k: v for k, v in documents(month()).items() if k.endswith(".docx")}
    for name, data in docs.items():
        (home / name).write_bytes(data)
    fonts = home / "fonts.conf"
    fonts.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                     '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                     f"<include>{FONTCONFIG}</include></fontconfig>", encoding="utf-8")  # fmt: skip
    env = {**os.environ, "HOME": str(home), "FONTCONFIG_FILE": str(fonts)}
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{home}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(home), *(str(home / n) for n in docs)],
        check=True, timeout=300, capture_output=True, env=env,
    )  # fmt: skip
    return {name: read_pages((home / name).with_suffix(".pdf")) for name in docs}


def test_printed_notices_one_a_page_numbered_a4(printed: dict[str, list]) -> None:  # type: ignore[type-arg]
    pages = printed["notice.docx"]
    count = len(month().supervision_notices())
    assert len(pages) == count
    for i, page in enumerate(pages, start=1):
        assert (round(page.width), round(page.height)) == (595, 842)  # A4 portrait
        assert "督办通知单" in page.text and f"—{i}—" in page.text
        assert "请于" in page.text and "书面反馈" in page.text


def test_printed_agenda_minutes_and_digest_are_whole(printed: dict[str, list]) -> None:  # type: ignore[type-arg]
    agenda = "".join(p.text for p in printed["agenda.docx"])
    for heading in ("一、", "二、", "三、", "四、", "五、", "六、"):
        assert heading in agenda
    assert "停车位" in agenda and "区服务企业办" in agenda
    minutes = "".join(p.text for p in printed["minutes.docx"])
    assert "HM-2026-H01-1" in minutes and "HM-2026-H01-2" in minutes
    digest = printed["digest.docx"]
    assert all(f"—{i}—" in p.text for i, p in enumerate(digest, start=1))
    assert "8.会商会议交办任务未完成（2项）" in "".join(p.text for p in digest)


def test_minutes_toml_from_the_docs_is_read(tmp_path: Path) -> None:
    from appeal_adapters.minutes import read_minutes

    text = Path(__file__).resolve().parents[2].joinpath("docs", "month.md").read_text("utf-8")
    toml = text.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "m.toml").write_text(toml, encoding="utf-8")
    minutes = read_minutes(tmp_path / "m.toml")
    assert minutes.held_on == date(2026, 11, 27) and minutes.decisions[0].owner == "区交通运输局"
