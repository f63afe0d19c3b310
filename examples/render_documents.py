"""Render the printed documents for a few items: python examples/render_documents.py [folder]."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from appeal_adapters import load_plugins
from appeal_adapters.documents import render
from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore


def at(day: str, hour: int = 10) -> datetime:
    """Noon-ish of a day in Asia/Shanghai."""
    return datetime.fromisoformat(f"{day}T{hour:02}:00").replace(tzinfo=SHANGHAI)


def build() -> Desk:
    """Three items of November 2024: answered and visited, answered late, still open."""
    desk = Desk(MemoryStore(), district="HM")
    clerk = Actor.desk("小王")
    market = Actor.of_department("区市场监督管理局", "张科长")
    firms = [
        Enterprise(name="海门某某机械有限公司", address="海门区人民路1号", contact="陈经理",
                   phone="13812345678"),
        Enterprise(name="海门某某纺织有限公司", address="三星镇工业园", contact="李女士",
                   phone="0513-82111234"),
        Enterprise(name="海门某某食品有限公司", address="临江新区", contact="王总", phone=""),
    ]  # fmt: skip
    problems = ["厂房消防验收迟迟未办，影响投产。", "用工招聘困难，希望组织专场招聘会。",
                "食品生产许可证延续办理咨询。"]  # fmt: skip
    leads = ["区市场监督管理局", "区人力资源和社会保障局", "区市场监督管理局"]
    numbers = []
    for firm, problem, lead in zip(firms, problems, leads, strict=True):
        n = desk.register(
            enterprise=firm, content=problem, channel="app", at=at("2024-11-04", 9), by=clerk
        ).number
        desk.verify(n, at=at("2024-11-04"), by=clerk)
        desk.classify(n, category="其他", complexity="routine", at=at("2024-11-04"), by=clerk)
        desk.assign(n, lead=lead, co=["区住房和城乡建设局"] if n.endswith("1") else [],
                    at=at("2024-11-04", 11), by=clerk)  # fmt: skip
        numbers.append(n)
    desk.reply(numbers[0], text="已安排11月6日现场验收。", at=at("2024-11-06"), by=market,
               contact="张科长", phone="0513-82110001")  # fmt: skip
    desk.follow_up(numbers[0], satisfaction="satisfied", resolved=True, at=at("2024-11-08"),
                   by=clerk, notes="企业表示感谢")  # fmt: skip
    hr = Actor.of_department("区人力资源和社会保障局")
    desk.reply(numbers[1], text="已纳入12月专场招聘会。", at=at("2024-11-12"), by=hr)
    desk.follow_up(numbers[1], satisfaction="unsatisfied", resolved=False, at=at("2024-11-14"),
                   by=clerk)  # fmt: skip
    return desk


def main(folder: Path) -> None:
    """Write sheet.docx, summary_list.xlsx/.csv and briefing.docx/.html into ``folder``."""
    desk = build()
    plugins = load_plugins(entry_points=False)
    items = [desk.get(n) for n in desk.store.numbers()]
    report = desk.report(2024, 11)
    folder.mkdir(parents=True, exist_ok=True)
    header = {"unit": "区服务企业办", "filler": "小王", "phone": "82111701"}
    previous, stock = desk.report(2024, 10), desk.supervision_list(2024, 11)
    month = {"issue": 11, "supervision": stock, "previous": previous}
    outputs = {
        "sheet.docx": render(plugins, "sheet.docx", items[0]),
        "sheets.docx": render(plugins, "sheet.docx", items),
        "summary_list.xlsx": render(plugins, "summary_list.xlsx", items, **header),
        "summary_list.csv": render(plugins, "summary_list.csv", items, handling=True, **header),
        "briefing.docx": render(plugins, "briefing.docx", report, **month),
        "briefing.html": render(plugins, "briefing.html", report, **month),
    }
    for name, data in outputs.items():
        (folder / name).write_bytes(data)
        print(folder / name, len(data))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo-output"))
