"""The main job, end to end: sample files through the desk, day by day, into documents.

``run_demo`` builds a store from the sample files of every channel, plays the items through
two months (assignments, on-time and late replies, complex items with committed dates, an
extension, escalations, follow-ups with some re-handled), runs the sweep every day, and writes
the sheets, the summary list, both months' briefings and the audit check into a folder.
Deterministic; a store that already holds the district's items is reused, not replayed.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from appeal_adapters.channels import channel
from appeal_adapters.demo_month import MonthPlay, write_month
from appeal_adapters.documents import render
from appeal_adapters.plugins import AppealPlugins, load_plugins
from appeal_adapters.privacy import MASTER_ENV, MASTER_FILE_ENV, MasterKey, write_key_file
from appeal_adapters.reporting import briefing_options, report_json
from appeal_core import SHANGHAI, Actor, Appeal, Desk, MonthlyReport, Status
from appeal_core.intake import IntakeRecord, RejectedRow
from appeal_core.privacy import for_lead
from appeal_core.sweep import pending_deadline

DESK = Actor.desk("区服务企业办 顾科长")
LEADER = "分管副区长"
#: (keyword, category, complexity, lead, co-handlers), first match wins.
ROUTES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("消防验收", "审批", "statutory", "区住房和城乡建设局", ("区消防救援大队",)),
    ("不动产", "审批", "routine", "区行政审批局", ("区自然资源和规划局",)),
    ("环评", "环保", "complex", "区生态环境局", ("区行政审批局",)),
    ("异味", "环保", "routine", "区生态环境局", ()),
    ("用地", "用地", "complex", "区自然资源和规划局", ("区发展和改革委员会",)),
    ("收储", "用地", "complex", "区自然资源和规划局", ()),
    ("入学", "用工", "routine", "区教育体育局", ()),
    ("招", "用工", "routine", "区人力资源和社会保障局", ()),
    ("贷", "融资", "routine", "区地方金融监督管理局", ()),
    ("电", "用电", "routine", "国网海门供电公司", ()),
    ("道路", "物流", "routine", "区交通运输局", ()),
    ("通行", "物流", "routine", "区交通运输局", ()),
    ("码头", "物流", "complex", "区交通运输局", ("海门港新区管委会",)),
    ("补贴", "政策", "routine", "区工业和信息化局", ("区财政局",)),
    ("奖励", "政策", "routine", "区工业和信息化局", ("区财政局",)),
    ("税", "政策", "routine", "区税务局", ()),
)
FALLBACK = ("其他", "routine", "区市场监督管理局", ())
SAMPLES = (
    ("app_export.json", "app"),
    ("hotline_12345.csv", "hotline"),
    ("summary_三厂街道.xlsx", "summary_list"),
    ("summary_常乐镇.csv", "summary_list"),
    ("visits.csv", "visit"),
    ("visits.json", "visit"),
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant of ``day`` in Asia/Shanghai."""
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def route(text: str) -> tuple[str, str, str, tuple[str, ...]]:
    """Category, complexity, lead and co-handlers for a problem text, by keyword."""
    for keyword, category, complexity, lead, co in ROUTES:
        if keyword in text:
            return category, complexity, lead, co
    return FALLBACK


def read_samples(
    data: Path, plugins: AppealPlugins
) -> dict[date, list[tuple[str, IntakeRecord | RejectedRow]]]:
    """Every sample row by the day it reached the desk (its reported date, else the first day)."""
    rows: list[tuple[str, IntakeRecord | RejectedRow]] = []
    for name, channel_name in SAMPLES:
        parser = channel(channel_name, plugins)
        with (data / name).open("rb") as handle:
            rows.extend((name, row) for row in parser.parse(handle, filename=name))
    days = [
        r.reported_at.astimezone(SHANGHAI).date()
        for _, r in rows
        if isinstance(r, IntakeRecord) and r.reported_at
    ]
    first = min(days)
    by_day: dict[date, list[tuple[str, IntakeRecord | RejectedRow]]] = {}
    for name, row in rows:
        reported = row.reported_at if isinstance(row, IntakeRecord) else None
        day = reported.astimezone(SHANGHAI).date() if reported else first
        by_day.setdefault(day, []).append((name, row))
    return by_day


class Play:
    """The desk's and the departments' behaviour over the demo months, seeded."""

    def __init__(self, desk: Desk, rng: random.Random) -> None:
        self.desk, self.rng = desk, rng
        self.late: set[str] = set()
        self.extended = False
        self.month = MonthPlay(desk, rng)

    def take_in(self, day: date, rows: list[tuple[str, IntakeRecord | RejectedRow]]) -> None:
        """Register the day's rows; merge confirmed duplicates; verify, classify and assign."""
        for source in sorted({name for name, _ in rows}):
            batch = [row for name, row in rows if name == source]
            report = self.desk.intake(batch, source=source, at=at(day, 9), by=DESK)
            flagged = dict(report.flagged)
            for number in report.registered:
                self.desk.verify(number, note="已电话联系企业核实", at=at(day, 9, 30), by=DESK)
                if number in flagged and self.rng.random() < 0.7:
                    self.desk.merge(number, into=flagged[number][0], at=at(day, 9, 40), by=DESK)
                    continue
                for other in flagged.get(number, ()):
                    self.desk.dismiss_duplicate(number, of=other, at=at(day, 9, 40), by=DESK)
                self.assign(number, day)

    def assign(self, number: str, day: date) -> None:
        """Classify by keyword and hand to the lead department (some will be late)."""
        category, complexity, lead, co = route(self.desk.get(number).content)
        self.desk.classify(
            number, category=category, complexity=complexity, at=at(day, 9, 50), by=DESK
        )
        self.desk.assign(number, lead=lead, co=co, at=at(day, 10), by=DESK)
        if self.rng.random() < 0.12:
            self.late.add(number)

    def work(self, day: date) -> None:
        """One working day of the departments and the desk on every open item, and of the
        month: the consultation meeting and its tasks."""
        for item in list(self.desk.store.states(self.desk.district)):
            if item.status.is_open and item.assignment is not None:
                version = item.version
                self.month.clock(item, day)
                if item.status in (Status.ASSIGNED, Status.PRELIMINARY_REPLIED):
                    self.month.co_handlers(item, day)
                if self.desk.store.state(item.number).version != version:
                    item = self.desk.get(item.number)
                if not self.month.holds(item):
                    self.step(item, day)
        self.month.meeting(day)
        self.month.tasks(day)

    def step(self, item: Appeal, day: date) -> None:
        n, rng, desk = item.number, self.rng, self.desk
        lead = Actor.of_department(item.assignment.lead if item.assignment else "", "经办人")
        pending = pending_deadline(item)
        if item.escalation is not None and item.escalation.is_open and rng.random() < 0.3:
            self.month.leader(item, day, LEADER)
            return
        match item.status:
            case Status.ASSIGNED if pending is not None:
                slack = 3 if n in self.late else 0
                if day < pending[1].due - timedelta(days=rng.randint(0, 3)) + timedelta(days=slack):
                    return
                if item.assignment and item.assignment.co and not item.co_reports:
                    co = Actor.of_department(item.assignment.co[0], "经办人")
                    desk.report_to_lead(n, text="协办部门意见已报主办部门", at=at(day, 10), by=co)
                if item.complexity is not None and item.complexity.needs_preliminary:
                    self.month.visit(item, day)
                    committed = day + timedelta(days=rng.randint(8, 20))
                    desk.reply(
                        n,
                        text="已受理并开展调查核实，将于承诺时间内办结",
                        preliminary=True,
                        committed_due=committed,
                        at=at(day, 15),
                        by=lead,
                    )
                elif item.transfers == 0 and rng.random() < 0.04:
                    desk.send_back(n, reason="该事项不属于本部门职责", at=at(day, 15), by=lead)
                else:
                    desk.reply(
                        n,
                        text="已协调解决，办理结果已告知企业",
                        contact="经办人",
                        at=at(day, 15),
                        by=lead,
                    )
            case Status.PRELIMINARY_REPLIED if pending is not None:
                if not self.extended and rng.random() < 0.2:
                    self.extended = True
                    desk.extend(
                        n,
                        new_due=pending[1].due + timedelta(days=14),
                        reason="需第三方检测报告",
                        at=at(day, 11),
                        by=DESK,
                    )
                elif item.escalation is None and rng.random() < 0.05:
                    desk.escalate(
                        n,
                        leader=LEADER,
                        reason="涉及多个部门，部门层面一时难以协调",
                        proposal="建议由区领导牵头，主办部门会同相关部门限期办结",
                        at=at(day, 11),
                        by=DESK,
                    )
                elif day >= pending[1].due - timedelta(days=rng.randint(0, 5)):
                    desk.reply(n, text="已办结，办理结果已告知企业", at=at(day, 15), by=lead)
            case Status.RETURNED:
                desk.assign(n, lead="区发展和改革委员会", at=at(day, 10), by=DESK)
            case Status.REPLIED if (
                item.final_reply and (day - item.final_reply.at.date()).days >= 2
            ):
                ok = rng.random() < 0.85
                desk.follow_up(
                    n,
                    satisfaction="satisfied"
                    if ok
                    else rng.choice(["unsatisfied", "basically_satisfied"]),
                    resolved=ok,
                    notes="" if ok else "企业反映问题尚未解决",
                    at=at(day, 16),
                    by=DESK,
                )
            case Status.FOLLOWED_UP:
                last = item.last_follow_up
                if item.escalation is not None and item.escalation.is_open:
                    return
                if last and last.resolved:
                    desk.close(n, at=at(day, 17), by=DESK)
                elif item.reopenings == 0:
                    desk.reopen(
                        n, reason="回访企业反映问题未解决，重新交办", at=at(day, 9), by=DESK
                    )
                else:
                    desk.characterize(
                        n,
                        reason="涉及规划调整，现阶段政策上无法解决，已向企业解释",
                        at=at(day, 16),
                        by=DESK,
                    )
            case Status.CHARACTERIZED:
                desk.close(n, note="已定性", at=at(day, 17), by=DESK)


def play(desk: Desk, data: Path, plugins: AppealPlugins, *, days_after: int = 21) -> date:
    """Play every sample day and ``days_after`` more; returns the last day played."""
    rng = random.Random(20201116)
    by_day = read_samples(data, plugins)
    actors = Play(desk, rng)
    day, last = min(by_day), max(by_day) + timedelta(days=days_after)
    while day <= last:
        desk.sweep(day, at=at(day, 8), by=DESK)
        if day in by_day:
            actors.take_in(day, by_day[day])
        if desk.calendar.is_workday(day):
            actors.work(day)
        day += timedelta(days=1)
    for entry in desk.store.quarantined(desk.district)[:2]:
        desk.dismiss_quarantined(entry.id, note="演示：重复提交的测试行", at=at(last, 18), by=DESK)
    return last


def write_outputs(
    desk: Desk, plugins: AppealPlugins, out: Path, months: list[tuple[int, int]]
) -> list[MonthlyReport]:
    """Sheets, summary list, briefings, figures, the month's documents (digests, supervision
    notices, agenda, minutes, co-handling) and the audit check into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    items = list(desk.store.states(desk.district))
    assigned = [i for i in items if i.assignment is not None]
    policy = desk.policy
    sheets = render(plugins, "sheet.docx", [for_lead(i) for i in assigned[:10]], policy=policy)
    (out / "交办单.docx").write_bytes(sheets)
    options = {"unit": policy.identity.desk, "filler": "顾科长", "phone": policy.identity.phone,
               "handling": True, "policy": policy}  # fmt: skip
    (out / "汇总清单.xlsx").write_bytes(render(plugins, "summary_list.xlsx", items, **options))
    (out / "汇总清单.csv").write_bytes(render(plugins, "summary_list.csv", items, **options))
    reports = []
    for year, month in months:
        report = desk.report(year, month)
        opts = briefing_options(desk, year, month, None)
        (out / f"简报-{year}-{month:02d}.docx").write_bytes(
            render(plugins, "briefing.docx", report, **opts)
        )
        (out / f"简报-{year}-{month:02d}.html").write_bytes(
            render(plugins, "briefing.html", report, **opts)
        )
        (out / f"月度数据-{year}-{month:02d}.json").write_text(
            json.dumps(report_json(report), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        reports.append(report)
    last = max(i.updated_at for i in items).astimezone(SHANGHAI).date() if items else None
    if last is not None:
        write_month(desk, plugins, out, months, last)
    verify = getattr(desk.store, "verify", None)
    result = verify() if verify else None
    text = (
        f"事件日志哈希链校验：{'通过' if result.ok else '异常'}，共 {result.count} 条记录"
        if result
        else "内存存储：无哈希链"
    )
    (out / "审计校验.txt").write_text(text + "\n", encoding="utf-8")
    return reports


#: Where the demo keeps the development master key it makes when none is given.
DEMO_KEY = Path(".appeal") / "demo-master.key"


def demo_key(echo: Callable[[str], None] = print, path: Path = DEMO_KEY) -> None:
    """Without ``APPEAL_MASTER_KEY`` (or ``APPEAL_MASTER_KEY_FILE``), make a development master
    key in ``path`` (or reuse it) and use it for this process, saying so: a demo encrypts its
    contacts like a real desk, and a real desk sets its own key (docs/privacy.md)."""
    if MasterKey.from_env() is not None:
        return
    if path.exists():
        echo(f"演示：使用开发用主密钥 {path}")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_key_file(path)
        echo(
            f"演示：未设置 {MASTER_ENV}，已生成开发用主密钥 {path}（仅供演示）。"
            f"之后用 appeal 命令查看演示数据前，请先 export {MASTER_FILE_ENV}={path}；"
            "正式使用请按 docs/privacy.md 设置自己的主密钥"
        )
    os.environ[MASTER_FILE_ENV] = str(path.resolve())


def run_demo(
    out: Path,
    *,
    db: str = "sqlite:///appeals.db",
    data: Path | None = None,
    echo: Callable[[str], None] = print,
) -> list[MonthlyReport]:
    """The whole demo; returns the months' reports (also written into ``out``)."""
    plugins = load_plugins()
    data = data or Path(__file__).resolve().parents[2] / "examples" / "data"
    if not db.startswith("memory:"):
        demo_key(echo)
    store = plugins.open_store(db)
    try:
        from appeal_adapters.config import plugin_notices

        desk = Desk(store, district="HM", notices=plugin_notices(plugins))
        count = len(store.numbers("HM"))
        if count:
            echo(f"存储 {db} 已有 {count} 件事项，直接使用（删除该文件可重新演示）")
        else:
            last = play(desk, data, plugins)
            echo(f"演示数据已登记并办理至 {last}：共 {len(store.numbers('HM'))} 件")
        first = min(i.registered_at for i in store.states("HM")).astimezone(SHANGHAI).date()
        months = [(first.year, first.month)]
        nxt = (first.year + first.month // 12, first.month % 12 + 1)
        months.append(nxt)
        return write_outputs(desk, plugins, out, months)
    finally:
        store.close()
