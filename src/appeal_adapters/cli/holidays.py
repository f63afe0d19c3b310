"""The work calendar from the command line: explain a deadline, load a year's notice into the
store, see what it moves, and re-date the items it lists (docs/calendar.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from appeal_adapters.cli.app import DATE, cli, on_option
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session, instant
from appeal_adapters.config import load_notice
from appeal_core.deadlines import workday_deadline
from appeal_core.holidays import in_force
from appeal_core.redating import Moved


@cli.group("calendar", help="工作日历：期限说明、载入节假日通知、重新计算期限。The work calendar.")
def calendar() -> None:
    """Calendar commands."""


@calendar.command("explain", help="DATE 之后第 N 个工作日，并说明跳过的休息日。Explain a deadline.")
@click.argument("start", type=DATE)
@click.argument("n", type=int)
@pass_session
def calendar_explain(session: Session, start: date, n: int) -> None:
    deadline = workday_deadline(session.reader.calendar, start, n, "explain", "期限")
    session.say(
        deadline.explanation,
        {
            "start": start.isoformat(),
            "workdays": n,
            "due": deadline.due.isoformat(),
            "provisional": deadline.provisional,
            "explanation": deadline.explanation,
        },
    )


def _moved(moved: tuple[Moved, ...]) -> list[dict[str, Any]]:
    return [
        {
            "number": m.number,
            "department": m.department,
            "deadline": m.what,
            "old_due": m.old.due.isoformat(),
            "old_provisional": m.old.provisional,
            "new_due": m.new.due.isoformat(),
            "new_provisional": m.new.provisional,
        }
        for m in moved
    ]


def _say_impact(session: Session, moved: tuple[Moved, ...], head: str) -> None:
    if session.as_json:
        session.say("", {"message": head, "moved": _moved(moved)})
        return
    session.say(head)
    for m in moved:
        session.say(f"  {m}")
    if moved:
        count = len({m.number for m in moved})
        session.say(f"共 {count} 件事项的期限将改变；核对后运行 appeal calendar apply 重新计算")
    else:
        session.say("没有事项的期限需要重新计算")


@calendar.command(
    "load",
    help="把一年的节假日安排（TOML）载入存储，并列出受影响的事项。Load a year's holiday notice.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="载入本地临时安排（不是国务院办公厅通知原文）")
@click.option("--reason", default="", help="强制载入的原因（--force 时必填）")
@on_option
@pass_session
def calendar_load(session: Session, file: str, force: bool, reason: str, on: date | None) -> None:
    notice = load_notice(file)
    moved = session.desk.load_notice(
        notice,
        at=instant(on),
        by=session.actor,
        source=Path(file).name,
        force=force,
        reason=reason,
    )
    mark = "（本地临时安排，期限均为暂定）" if force else ""
    head = (
        f"已载入 {notice.year} 年节假日安排{mark}：{notice.document_number or notice.title}，"
        f"{len(notice.holidays)} 个放假时段，{len(notice.makeup_workdays)} 个调休上班日"
    )
    _say_impact(session, moved, head)


@calendar.command("list", help="列出已载入存储的节假日安排。List the loaded holiday notices.")
@pass_session
def calendar_list(session: Session) -> None:
    loads = session.reader.notices()
    current = {id(e) for e in in_force(loads).values()}
    rows: list[dict[str, Any]] = [
        {
            "year": e.notice.year,
            "title": e.notice.title,
            "document_number": e.notice.document_number,
            "loaded_at": e.at.isoformat(),
            "loaded_by": str(e.by),
            "source": e.source,
            "provisional": e.provisional,
            "reason": e.reason,
            "in_force": id(e) in current,
        }
        for e in loads
    ]
    if session.as_json:
        session.say("", {"coverage": _coverage(session), "notices": rows})
        return
    for r in rows:
        state = "现行" if r["in_force"] else "已被更正"
        mark = f"【本地临时安排：{r['reason']}】" if r["provisional"] else ""
        session.say(
            f"{r['year']} 年  {state}  {r['document_number'] or '—'}  {r['title']}{mark}  "
            f"{r['loaded_at'][:16]} {r['loaded_by']} 载入（{r['source'] or '—'}）"
        )
    first, last = _coverage(session)
    session.say(f"共 {len(rows)} 次载入；工作日历覆盖 {first} 至 {last}")


def _coverage(session: Session) -> tuple[str, str]:
    first, last = session.reader.calendar.coverage  # type: ignore[attr-defined]
    return first.isoformat(), last.isoformat()


@calendar.command(
    "impact", help="列出日历变化后需要重新计算期限的事项。What the calendar in force moves."
)
@pass_session
def calendar_impact(session: Session) -> None:
    _say_impact(session, session.desk.calendar_impact(), "按现行工作日历重新计算期限：")


@calendar.command(
    "apply", help="按现行工作日历重新计算期限（逐件记录）。Re-date the items the impact lists."
)
@click.argument("numbers", nargs=-1)
@click.option("--reason", default="", help="理由（默认写明所依据的通知文号）")
@on_option
@pass_session
def calendar_apply(
    session: Session, numbers: tuple[str, ...], reason: str, on: date | None
) -> None:
    done = session.desk.redate(
        list(numbers) or None, at=instant(on), by=session.actor, reason=reason
    )
    count = len({m.number for m in done})
    if session.as_json:
        session.say("", {"redated": count, "moved": _moved(done)})
        return
    for m in done:
        session.say(f"  {m}")
    session.say(f"已重新计算 {count} 件事项的期限")
