"""The main job, scripted: one month of appeals walked through the desk, summarised in Chinese.

Run with ``make demo``.  Deterministic: the same output every run.
"""

from __future__ import annotations

import random
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from appeal_core import SHANGHAI, Actor, Appeal, Channel, Desk, Enterprise, MemoryStore, Status
from appeal_core.testing.strategies import DEPARTMENTS

MONTH_START = date(2026, 11, 2)
CLERK = Actor.desk("区服务企业办 陈晓")
LEADER = Actor.leader("分管副区长")
PROBLEMS = [
    ("用地", "complex", "新厂房用地指标迟迟未落实，影响扩产项目开工"),
    ("用工", "routine", "急需招聘数控技工30名，希望人社部门协助对接职业院校"),
    ("融资", "routine", "申请应急转贷资金，材料已提交两周未有回音"),
    ("环保", "complex", "环评批复时间较长，希望加快审批进度"),
    ("政策", "routine", "高新技术企业奖励资金何时兑现"),
    ("审批", "statutory", "食品生产许可证延续申请，请明确办理时限"),
    ("物流", "routine", "厂区门口道路破损，货车进出困难"),
]
FIRMS = [
    ("南通海门东方机械有限公司", "91320684MA1MABCD1D"),
    ("海门市江海纺织有限公司", ""),
    ("南通三和电子科技有限公司", ""),
    ("海门临江新材料股份有限公司", ""),
    ("江苏海润食品有限公司", ""),
]


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def firm(i: int) -> Enterprise:
    name, _ = FIRMS[i % len(FIRMS)]
    return Enterprise(name=name, contact="王经理", phone=f"1381234{5600 + i:04d}")


def walk_month(desk: Desk, rng: random.Random) -> list[str]:
    """Register, assign and handle items day by day through one month."""
    numbers: list[str] = []
    day = MONTH_START
    while day.month == MONTH_START.month:
        if desk.calendar.is_workday(day):
            for _ in range(rng.randint(1, 3)):
                numbers.append(intake(desk, rng, day, len(numbers)))
            for number in numbers:
                handle(desk, rng, desk.get(number), day)
        day += timedelta(days=1)
    return numbers


def intake(desk: Desk, rng: random.Random, day: date, i: int) -> str:
    category, complexity, text = rng.choice(PROBLEMS)
    channel = rng.choice(list(Channel))
    item = desk.register(enterprise=firm(i), content=text, channel=channel, at=at(day, 9), by=CLERK)
    desk.verify(item.number, at=at(day, 10), by=CLERK, note="已电话核实")
    desk.classify(item.number, category=category, complexity=complexity, at=at(day, 10), by=CLERK)
    lead = rng.choice(DEPARTMENTS)
    co = [d for d in DEPARTMENTS if d != lead][: rng.randint(0, 1)]
    desk.assign(item.number, lead=lead, co=co, at=at(day, 11), by=CLERK)
    return item.number


def handle(desk: Desk, rng: random.Random, item: Appeal, day: date) -> None:
    """One day's progress on an item, as departments and the desk really behave."""
    if item.assignment is None or item.status in (Status.CLOSED, Status.CHARACTERIZED):
        return
    lead = Actor.of_department(item.assignment.lead, "经办人")
    n, now = item.number, at(day, 15)
    due = item.reply_due.due if item.reply_due else day
    if item.status is Status.ASSIGNED and day >= due - timedelta(days=rng.randint(0, 4)):
        if rng.random() < 0.08:
            return  # some departments are late: the sweep (issue 5) will press them
        if item.complexity and item.complexity.needs_preliminary and item.preliminary_reply is None:
            committed = day + timedelta(days=rng.randint(10, 25))
            desk.reply(
                n,
                text="已受理，正在调查核实",
                preliminary=True,
                committed_due=committed,
                at=now,
                by=lead,
            )
        else:
            desk.reply(n, text="已协调解决，结果已告知企业", at=now, by=lead, contact="经办人")
    elif item.status is Status.PRELIMINARY_REPLIED and item.completion_due:
        if day >= item.completion_due.due - timedelta(days=2):
            desk.reply(n, text="已办结", at=now, by=lead)
        elif rng.random() < 0.03 and item.escalation is None:
            desk.escalate(
                n, leader="分管副区长", reason="涉及多个部门，部门层面难以协调", at=now, by=CLERK
            )
    elif item.status is Status.REPLIED:
        resolved = rng.random() < 0.85
        desk.follow_up(
            n,
            satisfaction="satisfied" if resolved else "unsatisfied",
            resolved=resolved,
            at=at(day, 16),
            by=CLERK,
        )
    elif item.status is Status.FOLLOWED_UP:
        if item.escalation is not None and item.escalation.is_open:
            desk.resolve(n, resolution="区领导牵头会办，已明确解决方案", at=now, by=LEADER)
        elif item.last_follow_up and item.last_follow_up.resolved:
            desk.close(n, at=at(day, 17), by=CLERK)
        else:
            desk.reopen(n, reason="企业反映问题未解决，重新办理", at=now, by=CLERK)


def summary(desk: Desk, numbers: list[str]) -> str:
    """The month in a few readable Chinese lines."""
    items = [desk.get(n) for n in numbers]
    lines = [f"海门区民营企业诉求直通车 {MONTH_START:%Y年%m月} 运行情况", ""]
    lines.append(f"共受理企业诉求 {len(items)} 件（百分之百受理），按来源：")
    for channel, count in Counter(i.channel for i in items).most_common():
        lines.append(f"  {channel.label:<16} {count:>3} 件")
    lines.append("办理状态：")
    for status, count in sorted(Counter(i.status for i in items).items()):
        lines.append(f"  {status.label:<6} {count:>3} 件")
    per_dept: dict[str, Counter[str]] = defaultdict(Counter)
    for i in items:
        if i.lead:
            per_dept[i.lead]["交办"] += 1
            replied = i.final_reply or i.preliminary_reply
            first_due = i.reply_due.due if i.reply_due else None
            if replied and first_due and replied.at.date() <= first_due:
                per_dept[i.lead]["按时答复"] += 1
    lines.append("各主办部门：")
    for dept, c in sorted(per_dept.items()):
        lines.append(f"  {dept:<12} 交办 {c['交办']:>3} 件，按时答复 {c['按时答复']:>3} 件")
    sample = next(i for i in items if i.reply_due)
    lines += ["", f"期限说明示例（{sample.number}）：", f"  {sample.reply_due.explanation}"]
    return "\n".join(lines)


def main() -> int:
    desk = Desk(MemoryStore(), district="HM")
    numbers = walk_month(desk, random.Random(20261102))
    print(summary(desk, numbers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
