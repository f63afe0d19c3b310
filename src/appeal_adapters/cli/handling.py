"""Commands on how an item is handled: the stopped clock (挂起), the leader's deputy and
meeting, visits on site (登门).  docs/cli.md, docs/deadlines.md."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click

from appeal_adapters.cli.app import DATE
from appeal_adapters.cli.items import _act, _done
from appeal_adapters.cli.session import Session
from appeal_core.pause import PauseReason

REASONS = click.Choice([r.value for r in PauseReason])
REASON_HELP = (
    "materials 等待企业补充材料 / publicity 公示 / hearing 听证 / appraisal 鉴定检测 / "
    "joint_meeting 会商会办"
)


def _pause_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        (
            click.option("--reason", type=REASONS, required=True, help=REASON_HELP),
            click.option("--document", required=True, help="依据的文书，如 补正材料通知书编号"),
            click.option("--until", type=DATE, required=True, help="预计恢复计时的日期"),
            click.option("--since", type=DATE, default=None, help="暂停计时的起始日（默认办理日）"),
            click.option("--note", default="", help="说明"),
        )
    ):
        func = option(func)
    return func


@_act("pause", "暂停计时（挂起）：期限按暂停的工作日顺延。Stop the item's clock.")
@_pause_options
def pause(
    session: Session,
    number: str,
    on: date | None,
    reason: str,
    document: str,
    until: date,
    since: date | None,
    note: str,
) -> None:
    item = session.desk.pause(
        number,
        reason=reason,
        until=until,
        document=document,
        since=since,
        note=note,
        at=session.when(number, on),
        by=session.actor,
    )
    _done(session, item, "已暂停计时")


@_act("request-pause", "主办部门申请暂停计时（待区服务企业办批准）。Ask to stop the clock.")
@_pause_options
def request_pause(
    session: Session,
    number: str,
    on: date | None,
    reason: str,
    document: str,
    until: date,
    since: date | None,
    note: str,
) -> None:
    item = session.desk.request_pause(
        number,
        reason=reason,
        until=until,
        document=document,
        since=since,
        note=note,
        at=session.when(number, on),
        by=session.actor,
    )
    _done(session, item, "已申请暂停计时")


@_act("approve-pause", "批准主办部门的暂停计时申请。Approve the lead's request.")
@click.option("--note", default="", help="审批意见")
def approve_pause(session: Session, number: str, on: date | None, note: str) -> None:
    item = session.desk.approve_pause(
        number, note=note, at=session.when(number, on), by=session.actor
    )
    _done(session, item, "已批准暂停计时")


@_act("decline-pause", "不予暂停计时（说明理由）。Decline the lead's request.")
@click.option("--reason", required=True, help="不予批准的理由")
def decline_pause(session: Session, number: str, on: date | None, reason: str) -> None:
    item = session.desk.decline_pause(
        number, reason=reason, at=session.when(number, on), by=session.actor
    )
    _done(session, item, "不予暂停计时")


@_act("resume", "恢复计时：期限顺延暂停的工作日数。Let the clock run again.")
@click.option("--day", "day", type=DATE, default=None, help="恢复计时的日期（默认办理日）")
@click.option("--note", default="", help="说明，如 材料已补齐")
def resume(session: Session, number: str, on: date | None, day: date | None, note: str) -> None:
    item = session.desk.resume(
        number, on=day, note=note, at=session.when(number, on), by=session.actor
    )
    _done(session, item, "已恢复计时")


@_act("deputy", "指定代理领导协调解决报送事项。Designate a deputy leader.")
@click.option("--name", "deputy", required=True, help="代理领导姓名")
@click.option("--reason", required=True, help="理由，如 分管领导外出")
def deputy(session: Session, number: str, on: date | None, deputy: str, reason: str) -> None:
    item = session.desk.designate_deputy(
        number, deputy=deputy, reason=reason, at=session.when(number, on), by=session.actor
    )
    _done(session, item, f"已指定{deputy}为代理领导")


@_act("leader-meeting", "记录区领导牵头办会及结果。Record the leader's meeting.")
@click.option("--held", type=DATE, required=True, help="办会日期")
@click.option("--chair", required=True, help="主持的领导")
@click.option("--attendee", "attendees", multiple=True, required=True, help="参会部门（可多次）")
@click.option("--outcome", required=True, help="会议结果")
def leader_meeting(
    session: Session,
    number: str,
    on: date | None,
    held: date,
    chair: str,
    attendees: tuple[str, ...],
    outcome: str,
) -> None:
    item = session.desk.record_leader_meeting(
        number,
        held_on=held,
        chair=chair,
        attendees=attendees,
        outcome=outcome,
        at=session.when(number, on),
        by=session.actor,
    )
    _done(session, item, "已记录领导办会")


@_act("site-visit", "主办或协办部门登门研究解决。Record a visit to the enterprise.")
@click.option("--visited", type=DATE, required=True, help="登门日期")
@click.option(
    "--participant", "participants", multiple=True, required=True, help="参加人员（可多次）"
)
@click.option("--findings", required=True, help="现场研究情况")
def site_visit(
    session: Session,
    number: str,
    on: date | None,
    visited: date,
    participants: tuple[str, ...],
    findings: str,
) -> None:
    item = session.desk.record_site_visit(
        number,
        visited_on=visited,
        participants=participants,
        findings=findings,
        at=session.when(number, on),
        by=session.actor,
    )
    _done(session, item, "已记录登门情况")
