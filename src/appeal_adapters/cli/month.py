"""The desk's month from the command line: the daily digest, the supervision notices, the
consultation meeting (agenda, minutes) and its tasks, the co-handling section.
docs/month.md walks through them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs
import click

from appeal_adapters.cli.app import DATE, cli, on_option
from appeal_adapters.cli.figures import parse_month
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session, instant, today
from appeal_adapters.documents import render
from appeal_adapters.documents.digest import digest_text
from appeal_adapters.minutes import read_minutes
from appeal_adapters.notify import HookSender, Notice
from appeal_core import SHANGHAI
from appeal_core.agenda import Agenda
from appeal_core.supervision_notice import leader_title, notice_text
from appeal_core.tasks import Task


def _write(session: Session, name: str, subject: Any, path: str | None, **options: Any) -> None:
    if path:
        options.setdefault("policy", session.desk.policy)
        Path(path).write_bytes(render(session.plugins, name, subject, **options))
        if not session.as_json:
            click.echo(f"已写出 {path}")


def _plain(value: Any) -> Any:
    """A domain value as JSON-ready data (attrs classes, dates, enums)."""
    if attrs.has(type(value)):
        return {k: _plain(v) for k, v in attrs.asdict(value, recurse=False).items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value.value if hasattr(value, "value") and not isinstance(value, str) else value


# -- the daily digest ---------------------------------------------------------------------


@cli.command("digest", help="每日汇总：新收诉求、今明到期、新增逾期、待回访等。The daily digest.")
@click.option("--on", type=DATE, default=None, help="汇总日期（默认今天）")
@click.option("--docx", type=click.Path(dir_okay=False), default=None, help="写出 .docx")
@click.option("--html", type=click.Path(dir_okay=False), default=None, help="写出 .html")
@click.option("--send", is_flag=True, help="经 appeal_notify 插件发送到区服务企业办的邮箱")
@pass_session
def digest(session: Session, on: date | None, docx: str | None, html: str | None,
           send: bool) -> None:  # fmt: skip
    day = on or today()
    found = session.desk.digest(day)
    text = digest_text(found, policy=session.desk.policy)
    _write(session, "digest.docx", found, docx)
    _write(session, "digest.html", found, html)
    if send:
        _send_digest(session, day, text)
    session.say(text.rstrip("\n"), _plain(found))


def _send_digest(session: Session, day: date, text: str) -> None:
    identity = session.desk.policy.identity
    notice = Notice(number=f"@{session.district}:digest", kind="digest", key=f"digest:{day}",
                    target=identity.desk, message=text, at=datetime.now(SHANGHAI),
                    to=identity.email)  # fmt: skip
    sender = HookSender(session.plugins)
    if not sender.plugins.hook.appeal_notify.get_hookimpls():
        click.echo("提示：没有安装 appeal_notify 插件，每日汇总未发送", err=True)
        return
    sender(notice)
    if not session.as_json:
        click.echo(f"已发送至{identity.desk}（{identity.email}）")


# -- supervision notices ------------------------------------------------------------------


@cli.group("notices", help="督办通知单：每日督办按部门编号出单。Supervision notices.")
def notices() -> None:
    """Supervision notice commands."""


@notices.command("list", help="列出督办通知单（可按日期）。List supervision notices.")
@click.option("--on", type=DATE, default=None, help="督办日期")
@pass_session
def notices_list(session: Session, on: date | None) -> None:
    found = session.desk.supervision_notices(on)
    if session.as_json:
        session.say("", [_plain(n) for n in found])
        return
    for n in found:
        level = "二次督办" if n.second_level else "督办"
        cc = f"，抄送{'、'.join(n.cc)}" if n.cc else ""
        session.say(f"{n.code}  {n.day}  {level}  {n.target}  {len(n.lines)} 项  "
                    f"发送 {n.send_at:%Y-%m-%d %H:%M}{cc}")  # fmt: skip
    session.say(f"共 {len(found)} 份")


@notices.command("print", help="打印督办通知单 .docx（某日全部，或按编号）。Print notices.")
@click.argument("codes", nargs=-1)
@click.option("--on", type=DATE, default=None, help="督办日期（默认今天）")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出 .docx")
@pass_session
def notices_print(session: Session, codes: tuple[str, ...], on: date | None, out: str) -> None:
    every = session.desk.supervision_notices()
    if codes:
        found = [n for n in every if n.code in codes or str(n.seq) in codes]
        missing = [c for c in codes if not any(c in (n.code, str(n.seq)) for n in found)]
        if missing:
            raise click.UsageError(f"没有这些督办通知单：{'、'.join(missing)}")
    else:
        day = on or today()
        found = [n for n in every if n.day == day]
    if not found:
        session.say("没有督办通知单可打印", {"file": None, "count": 0})
        return
    _write(session, "notice.docx", found, out)
    if session.as_json:
        session.say("", {"file": out, "count": len(found)})
    else:
        for n in found:
            click.echo(notice_text(n) + "\n")


# -- the consultation meeting -------------------------------------------------------------


@cli.group("meeting", help="会商会议：议题、纪要。The monthly consultation meeting.")
def meeting() -> None:
    """Meeting commands."""


def _agenda_lines(agenda: Agenda, leader: str) -> list[str]:
    lines = [f"{agenda.year}年{agenda.month}月会商会议议题"]
    sections = ((f"报{leader}后当月未协调解决", agenda.escalations),
                ("多次退回或改派", agenda.transfers),
                ("二次督办后仍逾期", agenda.supervised),
                ("本月定性、提请复核", agenda.characterized))  # fmt: skip
    for name, entries in sections:
        lines.append(f"【{name}】{len(entries)} 件")
        lines += [f"  {e.number}  {e.enterprise}  {e.lead or '—'}  {e.why}" for e in entries]
    lines.append(f"【多家企业反映的共性问题】{len(agenda.recurring)} 个")
    lines += [f"  {r.name}（{r.category or '未分类'}）：{len(r.enterprises)} 家企业，"
              f"{'、'.join(r.numbers)}" for r in agenda.recurring]  # fmt: skip
    lines.append(f"【往次会议任务未完成】{len(agenda.tasks)} 项")
    lines += [f"  {t.id}  {t.owner}  {t.due}  {t.status.label}  {t.text}" for t in agenda.tasks]
    return lines


@meeting.command("agenda", help="本月会商会议议题。What the month's meeting should take up.")
@click.option("--month", required=True, metavar="YYYY-MM", help="月份")
@click.option("--held", type=DATE, default=None, help="会议日期（印在议题上）")
@click.option("--docx", type=click.Path(dir_okay=False), default=None, help="写出 .docx")
@pass_session
def meeting_agenda(session: Session, month: str, held: date | None, docx: str | None) -> None:
    year, mon = parse_month(month)
    agenda = session.desk.meeting_agenda(year, mon)
    _write(session, "agenda.docx", agenda, docx, held_on=held)
    leader = leader_title(session.desk.policy)
    session.say("\n".join(_agenda_lines(agenda, leader)), _plain(agenda))


@meeting.command("record", help="记录会议纪要（TOML 文件），议定事项成为督办任务。Record minutes.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--docx", type=click.Path(dir_okay=False), default=None, help="写出纪要 .docx")
@on_option
@pass_session
def meeting_record(session: Session, file: str, docx: str | None, on: date | None) -> None:
    minutes = read_minutes(file)
    held = session.desk.record_meeting(
        held_on=minutes.held_on, attendees=minutes.attendees, decisions=minutes.decisions,
        chair=minutes.chair, items=minutes.items, summary=minutes.summary, at=instant(on),
        by=session.actor,
    )  # fmt: skip
    _write(session, "minutes.docx", held, docx, tasks=session.desk.tasks())
    session.say(f"已记录会商会议 {held.id}：议定事项 {len(held.decisions)} 项，"
                f"任务 {'、'.join(held.tasks) or '无'}", _plain(held))  # fmt: skip


@meeting.command("list", help="列出会商会议。List the meetings.")
@pass_session
def meeting_list(session: Session) -> None:
    found = session.desk.meetings()
    if session.as_json:
        session.say("", [_plain(m) for m in found])
        return
    for m in found:
        session.say(
            f"{m.id}  {m.held_on}  参会 {len(m.attendees)} 个部门  议定 {len(m.decisions)} 项"
        )
    session.say(f"共 {len(found)} 次")


@meeting.command("show", help="查看会议纪要（可写出 .docx）。Show a meeting's minutes.")
@click.argument("meeting_id")
@click.option("--docx", type=click.Path(dir_okay=False), default=None, help="写出纪要 .docx")
@pass_session
def meeting_show(session: Session, meeting_id: str, docx: str | None) -> None:
    held = session.desk.meeting(meeting_id)
    tasks = {t.id: t for t in session.desk.tasks()}
    _write(session, "minutes.docx", held, docx, tasks=tuple(tasks.values()))
    lines = [f"{held.id}  {held.held_on}  主持：{held.chair or '—'}",
             f"参会：{'、'.join(held.attendees)}"]  # fmt: skip
    for task_id, d in zip(held.tasks, held.decisions, strict=True):
        state = tasks.get(task_id)
        lines.append(f"  {task_id}  {d.owner}  {d.due}  {state.status.label if state else ''}  "
                     f"{d.text}")  # fmt: skip
    session.say("\n".join(lines), _plain(held))


# -- the meeting's tasks ------------------------------------------------------------------


@cli.group("task", help="会商会议交办任务：报告完成、确认、退回。The meeting's tasks.")
def task() -> None:
    """Task commands."""


def _task_line(t: Task) -> str:
    return f"{t.id}  {t.status.label:<7}  {t.owner}  {t.due}  {t.text}"


@task.command("list", help="列出任务（默认未完成的）。List tasks.")
@click.option("--all", "every", is_flag=True, help="包括已完成的")
@pass_session
def task_list(session: Session, every: bool) -> None:
    found = [t for t in session.desk.tasks() if every or t.is_open]
    if session.as_json:
        session.say("", [_plain(t) for t in found])
        return
    for t in found:
        session.say(_task_line(t))
    session.say(f"共 {len(found)} 项")


@task.command("report", help="责任部门报告任务完成。The owner reports the task done.")
@click.argument("task_id")
@click.option("--text", required=True, help="完成情况")
@on_option
@pass_session
def task_report(session: Session, task_id: str, text: str, on: date | None) -> None:
    t = session.desk.report_task(task_id, text=text, at=instant(on), by=session.actor)
    session.say(f"{t.id} 已报告完成，待{session.desk.policy.identity.desk}确认", _plain(t))


@task.command("confirm", help="确认任务完成。The desk confirms the task done.")
@click.argument("task_id")
@click.option("--note", default="", help="确认意见")
@on_option
@pass_session
def task_confirm(session: Session, task_id: str, note: str, on: date | None) -> None:
    t = session.desk.confirm_task(task_id, note=note, at=instant(on), by=session.actor)
    session.say(f"{t.id} 已确认完成", _plain(t))


@task.command("return", help="退回任务报告（说明理由），继续督办。Return a task's report.")
@click.argument("task_id")
@click.option("--reason", required=True, help="退回理由")
@on_option
@pass_session
def task_return(session: Session, task_id: str, reason: str, on: date | None) -> None:
    t = session.desk.return_task(task_id, reason=reason, at=instant(on), by=session.actor)
    session.say(f"{t.id} 已退回：{reason}", _plain(t))


# -- the co-handling section --------------------------------------------------------------


@cli.command("cohandling", help="协办情况：各协办部门应报送与按时报送。Co-handlers' reports.")
@click.option("--month", required=True, metavar="YYYY-MM", help="月份")
@pass_session
def cohandling(session: Session, month: str) -> None:
    year, mon = parse_month(month)
    report = session.desk.co_handling(year, mon)
    if session.as_json:
        session.say("", _plain(report))
        return
    session.say(f"{year}年{mon}月 协办情况（应报送 / 按时报送 / 按时率 / 月末逾期未报）")
    for f in (*report.departments, report.total):
        rate = "—" if f.on_time_rate is None else f"{f.on_time_rate:.1%}"
        session.say(f"  {f.department}  {f.reports_due} / {f.on_time} / {rate} / {f.overdue_open}")
