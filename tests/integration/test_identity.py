"""Any district: under another county's policy every document and message carries its own
identity and rules (examples/policies/qinghe-county.toml), and 海门 appears nowhere."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from appeal_adapters import load_plugins
from appeal_adapters.cli import cli
from appeal_adapters.config import load_policy
from appeal_adapters.documents import render
from appeal_core import (
    SHANGHAI,
    Actor,
    Desk,
    Enterprise,
    LifecycleError,
    MemoryStore,
    PermissionDenied,
)

ROOT = Path(__file__).resolve().parents[2]
POLICY_FILE = ROOT / "examples" / "policies" / "qinghe-county.toml"
HAIMEN = re.compile("海门|海企通|0513|82111701|hmmfb|行政中心1231")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02}:00").replace(tzinfo=SHANGHAI)


def texts_of(data: bytes) -> str:
    """Every text part of a .docx/.xlsx (all XML, headers, footers, properties), or the text."""
    if data[:2] != b"PK":
        return data.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # openpyxl writes CJK as &#28165; references
        return html.unescape("\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()))


@pytest.fixture(scope="module")
def county() -> tuple[Desk, list[str]]:
    policy = load_policy(POLICY_FILE)
    desk = Desk(MemoryStore(), district="QH", policy=policy)
    clerk, bureau = Actor.desk("小李"), Actor.of_department("县市场监督管理局")
    firm = Enterprise(name="清河某羊绒制品有限公司", contact="王经理", phone="13912345678")
    numbers = []
    for k, day in enumerate(("2026-11-02", "2026-11-03", "2026-11-09")):
        item = desk.register(enterprise=firm, content=f"问题{k}：用电增容手续", channel="app",
                             at=at(day), by=clerk)  # fmt: skip
        desk.verify(item.number, at=at(day), by=clerk)
        desk.classify(item.number, category="用电", complexity="routine", at=at(day), by=clerk)
        desk.assign(item.number, lead="县市场监督管理局", at=at(day, 11), by=clerk)
        numbers.append(item.number)
    desk.reply(numbers[0], text="已办理", at=at("2026-11-05"), by=bureau)
    desk.follow_up(numbers[0], satisfaction="satisfied", resolved=True, at=at("2026-11-10"),
                   by=clerk)  # fmt: skip
    return desk, numbers


def test_the_policy_file_carries_a_whole_identity(county: tuple[Desk, list[str]]) -> None:
    desk, numbers = county
    identity = desk.policy.identity
    assert identity.area_code == "0319" and identity.desk == "县企业服务中心"
    assert numbers[0] == "QH2026-00001"
    assert desk.get(numbers[1]).reply_due is not None
    assert desk.get(numbers[1]).reply_due.due == date(2026, 11, 10)  # 5 working days


def test_every_document_under_another_district_carries_its_identity(
    county: tuple[Desk, list[str]],
) -> None:
    desk, numbers = county
    plugins = load_plugins(entry_points=False)
    items = [desk.get(n) for n in numbers]
    report, previous = desk.report(2026, 11), desk.report(2026, 10)
    month = {"issue": 7, "previous": previous, "items": items, "policy": desk.policy}
    outputs = {
        "sheet.docx": render(plugins, "sheet.docx", items, policy=desk.policy),
        "summary_list.xlsx": render(
            plugins,
            "summary_list.xlsx",
            items,
            policy=desk.policy,
            handling=True,
            unit="县企业服务中心",
        ),
        "summary_list.csv": render(plugins, "summary_list.csv", items, policy=desk.policy),
        "briefing.docx": render(plugins, "briefing.docx", report, **month),
        "briefing.html": render(plugins, "briefing.html", report, **month),
    }
    for name, data in outputs.items():
        text = texts_of(data)
        assert not HAIMEN.search(text), (name, HAIMEN.search(text))
        assert "3个工作日" not in text, name
    sheet = texts_of(outputs["sheet.docx"])
    assert "清河县优化营商环境工作领导小组办公室" in sheet
    assert "5个工作日内给予答复" in sheet and "5个工作日内向企业作出初步答复" in sheet
    assert "县企业服务中心地址：县政务服务中心三楼305室" in sheet
    assert "（此栏由" in sheet and ">县企业服务中心<" in sheet  # the label breaks between words
    assert "清河企服通APP" in sheet  # the channel as this county names it
    listing = texts_of(outputs["summary_list.csv"])
    assert listing.startswith("清河县优化营商环境工作领导小组办公室企业问题诉求汇总清单")
    assert "qhqyfw@example.cn" in listing
    briefing = texts_of(outputs["briefing.html"])
    assert "清河县优化营商环境工作简报" in briefing


def test_messages_quote_the_district_and_its_numbers(county: tuple[Desk, list[str]]) -> None:
    desk, numbers = county
    bureau = Actor.of_department("县市场监督管理局")
    with pytest.raises(LifecycleError) as refused:
        desk.reply(numbers[1], text="初步", preliminary=True, committed_due=date(2026, 12, 1),
                   at=at("2026-11-06"), by=bureau)  # fmt: skip
    assert "5个工作日内直接答复" in str(refused.value) and "县企业服务中心" in str(refused.value)
    with pytest.raises(PermissionDenied, match="只有县企业服务中心可以"):
        desk.verify(numbers[2], at=at("2026-11-10"), by=bureau)
    actions = desk.sweep(date(2026, 11, 30), at=at("2026-11-30", 8), by=Actor.desk())
    assert actions and not any(HAIMEN.search(a.message + a.target) for a in actions)


def test_the_command_line_takes_the_policy_file(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--db", f"sqlite:///{tmp_path / 'qh.db'}", "--policy", str(POLICY_FILE),
            "--district", "QH"]  # fmt: skip

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*base, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    number = json.loads(
        run(
            "--json",
            "register",
            "--enterprise",
            "清河某公司",
            "--content",
            "道路破损",
            "--channel",
            "app",
            "--on",
            "2026-11-02",
        )
    )["number"]
    run("verify", number, "--on", "2026-11-02")
    run("classify", number, "--category", "物流", "--complexity", "routine", "--on", "2026-11-02")
    assert "答复期限 2026-11-09" in run("assign", number, "--lead", "县交通运输局", "--on",
                                       "2026-11-02")  # fmt: skip
    run("sheet", number, "--out", str(tmp_path / "s.docx"))
    run("export", "--xlsx", str(tmp_path / "l.xlsx"))
    run("report", "--month", "2026-11", "--html", str(tmp_path / "b.html"), "--issue", "3")
    for name in ("s.docx", "l.xlsx", "b.html"):
        text = texts_of((tmp_path / name).read_bytes())
        assert not HAIMEN.search(text) and "清河县" in text, name
