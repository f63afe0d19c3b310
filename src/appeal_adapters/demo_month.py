"""The demo's month-level work: co-handlers reporting to their own deadlines, a stopped clock
(the desk's, and one the lead asked for), site visits, the leader's meeting before settling,
the monthly consultation meeting with tasks followed to done, and the documents of it all
(digests, supervision notices, agenda, minutes, the co-handling section).

``MonthPlay`` acts during ``demo.play``; ``write_month`` writes from the store alone, so a
reused store gives the same documents.
"""

from __future__ import annotations

import json
import random
import zlib
from datetime import date, datetime, time, timedelta
from pathlib import Path

from appeal_adapters.documents import render
from appeal_adapters.documents.digest import digest_text
from appeal_adapters.plugins import AppealPlugins
from appeal_core import SHANGHAI, Actor, Appeal, Desk, Status
from appeal_core.journal import Decision
from appeal_core.tasks import TaskStatus

DESK = Actor.desk("区服务企业办 顾科长")
#: The consultation meeting of November.
MEETING_DAY = date(2026, 11, 26)
#: The demo writes the digests of the last five working days.
DIGEST_DAYS = 5


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant of ``day`` in Asia/Shanghai."""
    return datetime.combine(day, time(hour, minute), SHANGHAI)


class MonthPlay:
    """What the demo's desk and departments do besides answering items, seeded."""

    def __init__(self, desk: Desk, rng: random.Random) -> None:
        self.desk, self.rng = desk, rng
        self.paused: dict[str, date] = {}  # item -> the day its clock runs again
        self.stopped = self.asked = False

    def holds(self, item: Appeal) -> bool:
        """True while the demo keeps the item's clock stopped (its lead waits)."""
        return item.number in self.paused

    def co_handlers(self, item: Appeal, day: date) -> None:
        """Co-handlers report to the lead, most on their own deadline, one in five late."""
        for co in item.co_dues:
            if co.due is None or co.reported_at is not None:
                continue
            late = zlib.crc32(f"{item.number}{co.department}".encode()) % 5 == 0
            if day >= co.due.due + timedelta(days=4 if late else 0) or self.rng.random() < 0.05:
                who = Actor.of_department(co.department, "经办人")
                self.desk.report_to_lead(item.number, text=f"{co.department}协办意见已报主办部门",
                                         at=at(day, 10, 30), by=who)  # fmt: skip

    def clock(self, item: Appeal, day: date) -> None:
        """Stop one item's clock for the enterprise's materials, let the lead ask for another
        (公示, approved), and let them run again when the day comes."""
        n = item.number
        if n in self.paused and day >= self.paused[n]:
            del self.paused[n]
            self.desk.resume(n, at=at(day, 9, 15), by=DESK, note="企业已补齐材料")
            return
        if day.month != 11 or item.status is not Status.ASSIGNED or item.pause is not None:
            return
        due = item.reply_due.due if item.reply_due else day
        if day >= due:
            return
        if not self.stopped and not item.co_dues:
            self.stopped = True
            self.paused[n] = day + timedelta(days=6)
            self.desk.pause(n, reason="materials", until=day + timedelta(days=7),
                            document="补正材料通知书〔2026〕第8号", at=at(day, 9, 10), by=DESK,
                            note="企业需补充环评批复")  # fmt: skip
        elif not self.asked and item.co_dues and day.day >= 10:
            self.asked = True
            lead = Actor.of_department(item.lead or "", "经办人")
            self.desk.request_pause(n, reason="publicity", until=day + timedelta(days=5),
                                    document="规划许可批前公示公告", at=at(day, 9, 10),
                                    by=lead)  # fmt: skip
            self.desk.approve_pause(n, at=at(day, 9, 20), by=DESK, note="公示期间暂停计时")
            self.paused[n] = day + timedelta(days=7)

    def visit(self, item: Appeal, day: date) -> None:
        """The lead of some complex items goes to the enterprise before its preliminary reply."""
        if item.site_visits or item.complexity is None or not item.complexity.needs_preliminary:
            return
        if zlib.crc32(item.number.encode()) % 3:  # one complex item in three
            return
        lead = Actor.of_department(item.lead or "", "经办人")
        self.desk.record_site_visit(item.number, visited_on=day, participants=("科室负责人",
                                    "企业负责人"), findings="现场查看，听取企业意见，研究办理方案",
                                    at=at(day, 14), by=lead)  # fmt: skip

    def leader(self, item: Appeal, day: date, leader: str) -> bool:
        """The leader meets on an escalated item before settling it; True once settled."""
        escalation = item.escalation
        if escalation is None or not escalation.is_open:
            return False
        if not escalation.meetings:
            self.desk.record_leader_meeting(
                item.number, held_on=day, chair=leader,
                attendees=(item.lead or "", *(item.assignment.co if item.assignment else ())),
                outcome="明确由主办部门牵头、相关部门配合，月内办结", at=at(day, 14), by=DESK,
            )  # fmt: skip
            return False
        self.desk.resolve(item.number, resolution="区领导牵头会办，明确由主办部门限期办结",
                          at=at(day, 15), by=Actor.leader(leader))  # fmt: skip
        return True

    def meeting(self, day: date) -> None:
        """The November consultation meeting: the agenda's matters become tasks."""
        if day != MEETING_DAY:
            return
        agenda = self.desk.meeting_agenda(day.year, day.month)
        decisions = [
            Decision(text=f"牵头研究解决“{r.name}”共性问题，形成统一办理意见",
                     owner=r.departments[0] if r.departments else "区工业和信息化局",
                     due=day + timedelta(days=7), items=r.numbers[:5])
            for r in agenda.recurring[:2]
        ]  # fmt: skip
        for entry in (*agenda.escalations, *agenda.supervised, *agenda.transfers)[:2]:
            decisions.append(
                Decision(
                    text="限期办结并书面报告办理结果",
                    owner=entry.lead,
                    due=day + timedelta(days=5),
                    items=(entry.number,),
                )
            )
        if len(decisions) < 2:
            decisions.append(
                Decision(
                    text="梳理本部门存量事项，逐件明确办结时限",
                    owner="区市场监督管理局",
                    due=day + timedelta(days=10),
                )
            )
        attendees = (*dict.fromkeys(d.owner for d in decisions), "区工业和信息化局")
        self.desk.record_meeting(held_on=day, attendees=attendees, decisions=decisions,
                                 chair="区服务企业办主任", items=agenda.numbers[:20],
                                 summary="会议通报了11月直通车运行情况，研究了部门层面难以"
                                 "协调解决的事项和多家企业反映的共性问题。",
                                 at=at(day, 16), by=DESK)  # fmt: skip

    def tasks(self, day: date) -> None:
        """Owners report their tasks (the first one late and returned once); the desk
        confirms reported tasks the next working day."""
        for k, task in enumerate(self.desk.tasks()):
            if task.status is TaskStatus.REPORTED and task.reported_at is not None:
                if task.reported_at.date() < day:
                    if k == 0 and task.returns == 0:
                        self.desk.return_task(task.id, reason="未附办理结果材料",
                                              at=at(day, 11), by=DESK)  # fmt: skip
                    else:
                        self.desk.confirm_task(task.id, at=at(day, 11), by=DESK, note="核实无误")
            elif task.status is TaskStatus.OPEN:
                ready = task.due + timedelta(days=1 if k == 0 else -1)
                if day >= ready:
                    owner = Actor.of_department(task.owner, "经办人")
                    self.desk.report_task(task.id, text="已按会议要求办理，材料已报送",
                                          at=at(day, 15), by=owner)  # fmt: skip


def write_month(desk: Desk, plugins: AppealPlugins, out: Path, months: list[tuple[int, int]],
                last: date) -> None:  # fmt: skip
    """The month's documents into ``out``: the last five working days' digests as text (and the
    last one as .docx/.html), the supervision notices of the last week, the meetings' minutes,
    the agenda as things stand, the co-handling sections."""
    policy = desk.policy
    days: list[date] = []
    day = last
    while len(days) < DIGEST_DAYS:  # the last week's working days, oldest first
        if desk.calendar.is_workday(day):
            days.insert(0, day)
        day -= timedelta(days=1)
    texts = [digest_text(desk.digest(d), policy=policy) for d in days]
    final = days[-1]
    (out / "每日汇总.txt").write_text("\n".join(texts), encoding="utf-8")
    digest = desk.digest(final)
    for name, suffix in (("digest.docx", "docx"), ("digest.html", "html")):
        path = out / f"每日汇总-{final.isoformat()}.{suffix}"
        path.write_bytes(render(plugins, name, digest, policy=policy))
    notices = [n for n in desk.supervision_notices() if n.day > last - timedelta(days=7)]
    if notices:
        (out / "督办通知单.docx").write_bytes(
            render(plugins, "notice.docx", notices, policy=policy)
        )
    tasks = desk.tasks()
    for held in desk.meetings():
        (out / f"会商会议纪要-{held.id}.docx").write_bytes(
            render(plugins, "minutes.docx", held, policy=policy, tasks=tasks))  # fmt: skip
    agenda = desk.meeting_agenda(last.year, last.month)  # the next meeting's, as things stand
    (out / f"会商会议议题-{last:%Y-%m}.docx").write_bytes(
        render(plugins, "agenda.docx", agenda, policy=policy))  # fmt: skip
    for year, month in months:
        section = desk.co_handling(year, month)
        rows = [{"department": f.department, "reports_due": f.reports_due, "on_time": f.on_time,
                 "on_time_rate": f.on_time_rate, "overdue_open": f.overdue_open}
                for f in (*section.departments, section.total)]  # fmt: skip
        (out / f"协办情况-{year}-{month:02d}.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")  # fmt: skip
