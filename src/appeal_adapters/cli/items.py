"""Commands on single items: register, verify, classify, assign, reply ... close, show, list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click

from appeal_adapters import serialization as ser
from appeal_adapters.cli.app import DATE, Choice, cli, on_option
from appeal_adapters.cli.session import Session, instant, today
from appeal_core import Appeal, Channel, Complexity, Enterprise, RedLine, Status
from appeal_core.privacy import visible, visible_events
from appeal_core.review import label
from appeal_core.sweep import pending_deadline

pass_session = click.make_pass_decorator(Session)


def _done(session: Session, item: Appeal, what: str) -> None:
    due = pending_deadline(item)
    tail = f"，{due[0]}期限 {due[1]}" if due else ""
    shown = visible(item, session.actor)  # personal values only for who may read them
    session.say(f"{item.number} {what}（{item.status.label}{tail}）", ser.state_to_dict(shown))


def _act(name: str, help_text: str) -> Callable[[Callable[..., Any]], Any]:
    """A command on one item: NUMBER argument, --on, and the session."""

    def wrap(func: Callable[..., Any]) -> Any:
        return cli.command(name, help=help_text)(
            click.argument("number")(on_option(pass_session(func)))
        )

    return wrap


@cli.command("register", help="登记新事项。Register a problem an enterprise reported.")
@click.option("--enterprise", required=True, help="企业名称")
@click.option("--content", required=True, help="企业反映主要问题")
@click.option(
    "--channel",
    required=True,
    metavar="NAME",
    help=f"问题来源：{'、'.join(Channel)}，或插件、规则文件登记的渠道（appeal channels 列出）",
)
@click.option("--code", default="", help="统一社会信用代码")
@click.option("--address", default="", help="企业地址")
@click.option("--contact", default="", help="企业联系人")
@click.option("--phone", default="", help="联系电话")
@click.option("--confidential", is_flag=True, help="联系人要求保密（对主办部门也打码）")
@on_option
@pass_session
def register(
    session: Session,
    enterprise: str,
    content: str,
    channel: str,
    code: str,
    address: str,
    contact: str,
    phone: str,
    confidential: bool,
    on: date | None,
) -> None:
    firm = Enterprise(
        name=enterprise, credit_code=code, address=address, contact=contact, phone=phone,
        confidential=confidential,
    )  # fmt: skip
    item = session.desk.register(
        enterprise=firm, content=content, channel=channel, at=instant(on), by=session.actor
    )
    _done(session, item, "已登记")


@_act("verify", "核实：已与企业联系确认问题。Record that the desk confirmed the problem.")
@click.option("--note", default="", help="核实情况")
def verify(session: Session, number: str, on: date | None, note: str) -> None:
    _done(
        session,
        session.desk.verify(number, note=note, at=session.when(number, on), by=session.actor),
        "已核实",
    )


@_act("classify", "分类：问题类别与复杂程度。Set category and complexity.")
@click.option("--category", required=True, help="问题类别，如 用地、用工、融资")
@click.option(
    "--complexity",
    type=Choice([c.value for c in Complexity]),
    required=True,
    help="routine 常规 / complex 复杂 / statutory 法定时限",
)
def classify(
    session: Session, number: str, on: date | None, category: str, complexity: str
) -> None:
    item = session.desk.classify(
        number,
        category=category,
        complexity=complexity,
        at=session.when(number, on),
        by=session.actor,
    )
    _done(session, item, "已分类")


@_act("assign", "交办主办部门（可加协办部门）。Assign to a lead department.")
@click.option("--lead", required=True, help="主办部门")
@click.option("--co", multiple=True, help="协办部门（可多次）")
def assign(session: Session, number: str, on: date | None, lead: str, co: tuple[str, ...]) -> None:
    _done(
        session,
        session.desk.assign(
            number, lead=lead, co=co, at=session.when(number, on), by=session.actor
        ),
        f"已交办{lead}",
    )


@_act("send-back", "主办部门退回（非本部门职责）。The lead department returns the item.")
@click.option("--reason", required=True, help="退回理由")
def send_back(session: Session, number: str, on: date | None, reason: str) -> None:
    _done(
        session,
        session.desk.send_back(
            number, reason=reason, at=session.when(number, on), by=session.actor
        ),
        "已退回",
    )


@_act("reassign", "改派主办部门。Move the item to another lead department.")
@click.option("--lead", required=True, help="新的主办部门")
@click.option("--co", multiple=True, help="协办部门（可多次）")
@click.option("--reason", required=True, help="改派理由")
def reassign(
    session: Session, number: str, on: date | None, lead: str, co: tuple[str, ...], reason: str
) -> None:
    item = session.desk.reassign(
        number, lead=lead, co=co, reason=reason, at=session.when(number, on), by=session.actor
    )
    _done(session, item, f"已改派{lead}")


@_act("report-to-lead", "协办部门向主办部门报送办理情况。A co-handler reports to the lead.")
@click.option("--text", required=True, help="协办情况")
def report_to_lead(session: Session, number: str, on: date | None, text: str) -> None:
    _done(
        session,
        session.desk.report_to_lead(
            number, text=text, at=session.when(number, on), by=session.actor
        ),
        "已报送协办情况",
    )


@_act("reply", "主办部门答复（或初步答复并承诺办结时间）。The lead department replies.")
@click.option("--text", required=True, help="答复内容")
@click.option("--preliminary", is_flag=True, help="初步答复（复杂或法定时限事项）")
@click.option("--committed", type=DATE, default=None, help="承诺办结日期（初步答复时必填）")
@click.option("--contact", default="", help="主办部门联系人")
@click.option("--phone", default="", help="主办部门联系电话")
def reply(
    session: Session,
    number: str,
    on: date | None,
    text: str,
    preliminary: bool,
    committed: date | None,
    contact: str,
    phone: str,
) -> None:
    item = session.desk.reply(
        number,
        text=text,
        preliminary=preliminary,
        committed_due=committed,
        contact=contact,
        phone=phone,
        at=session.when(number, on),
        by=session.actor,
    )
    _done(session, item, "已初步答复" if preliminary else "已答复")


@_act("extend", "批准延期（办结期限）。Approve a later completion deadline.")
@click.option("--to", "new_due", type=DATE, required=True, help="新的办结期限")
@click.option("--reason", required=True, help="延期理由")
def extend(session: Session, number: str, on: date | None, new_due: date, reason: str) -> None:
    _done(
        session,
        session.desk.extend(
            number, new_due=new_due, reason=reason, at=session.when(number, on), by=session.actor
        ),
        "已延期",
    )


@_act("escalate", "报区分管领导牵头办会（附主办部门初步建议方案）。Take the item to the leader.")
@click.option("--leader", required=True, help="区分管领导")
@click.option("--reason", required=True, help="报送理由")
@click.option("--proposal", required=True, help="主办部门的初步建议方案")
def escalate(
    session: Session, number: str, on: date | None, leader: str, reason: str, proposal: str
) -> None:
    item = session.desk.escalate(
        number,
        leader=leader,
        reason=reason,
        proposal=proposal,
        at=session.when(number, on),
        by=session.actor,
    )
    _done(session, item, "已报区分管领导")


@_act("resolve", "区分管领导协调解决。The district leader settles an escalated item.")
@click.option("--text", "resolution", required=True, help="协调结果")
def resolve(session: Session, number: str, on: date | None, resolution: str) -> None:
    _done(
        session,
        session.desk.resolve(
            number, resolution=resolution, at=session.when(number, on), by=session.actor
        ),
        "已协调解决",
    )


@_act("follow-up", "回访：是否满意、是否解决。Record the follow-up visit.")
@click.option("--satisfied", "satisfaction", flag_value="satisfied", help="满意")
@click.option(
    "--basically-satisfied", "satisfaction", flag_value="basically_satisfied", help="基本满意"
)
@click.option("--unsatisfied", "satisfaction", flag_value="unsatisfied", help="不满意")
@click.option("--resolved/--unresolved", default=None, help="问题是否解决")
@click.option("--unreached", is_flag=True, help="未联系上企业（无效回访，之后须再次回访）")
@click.option("--notes", default="", help="其他说明")
@click.option("--visited", type=DATE, default=None, help="回访日期（默认办理日期）")
def follow_up(
    session: Session,
    number: str,
    on: date | None,
    satisfaction: str | None,
    resolved: bool | None,
    unreached: bool,
    notes: str,
    visited: date | None,
) -> None:
    if unreached and (satisfaction is not None or resolved):
        raise click.UsageError("未联系上企业（--unreached）时不填满意度和 --resolved")
    if not unreached and (satisfaction is None or resolved is None):
        raise click.UsageError(
            "请注明 --satisfied/--basically-satisfied/--unsatisfied 和 --resolved/--unresolved"
            "（未联系上企业时用 --unreached）"
        )
    item = session.desk.follow_up(
        number,
        satisfaction=satisfaction,
        resolved=resolved,
        notes=notes,
        visited_on=visited,
        at=session.when(number, on),
        by=session.actor,
        reached=not unreached,
    )
    _done(session, item, "已回访")


@_act("reopen", "重新交办（回访未解决）。Send the item back for re-handling.")
@click.option("--reason", required=True, help="重新交办理由")
def reopen(session: Session, number: str, on: date | None, reason: str) -> None:
    _done(
        session,
        session.desk.reopen(number, reason=reason, at=session.when(number, on), by=session.actor),
        "已重新交办",
    )


@_act("characterize", "定性：无法解决，说明理由。Conclude that it cannot be solved.")
@click.option("--reason", required=True, help="定性理由")
@click.option(
    "--red-line", type=Choice([r.value for r in RedLine]), default=None, help="涉及的政策底线"
)
def characterize(
    session: Session, number: str, on: date | None, reason: str, red_line: str | None
) -> None:
    item = session.desk.characterize(
        number, reason=reason, red_line=red_line, at=session.when(number, on), by=session.actor
    )
    _done(session, item, "已定性")


@_act("close", "销号。Close the item off in the register.")
@click.option("--note", default="", help="销号说明")
def close(session: Session, number: str, on: date | None, note: str) -> None:
    _done(
        session,
        session.desk.close(number, note=note, at=session.when(number, on), by=session.actor),
        "已销号",
    )


@_act("merge", "合并重复事项到主事项。Merge a duplicate into the primary item.")
@click.option("--into", required=True, help="主事项编号")
def merge(session: Session, number: str, on: date | None, into: str) -> None:
    item = session.desk.merge(number, into=into, at=session.when(number, on), by=session.actor)
    _done(session, item, f"已并入 {number}")


@_act("dismiss-duplicate", "排除疑似重复。Reject a possible-duplicate flag.")
@click.option("--of", "of", required=True, help="被标记为疑似重复的事项编号")
def dismiss_duplicate(session: Session, number: str, on: date | None, of: str) -> None:
    _done(
        session,
        session.desk.dismiss_duplicate(
            number, of=of, at=session.when(number, on), by=session.actor
        ),
        f"已排除与 {of} 重复",
    )


@cli.command("show", help="查看事项：状态、期限及说明、全部办理记录。Show an item and its history.")
@click.argument("number")
@pass_session
def show(session: Session, number: str) -> None:
    item = session.reader.get(number)
    history = visible_events(session.reader.history(number), item, session.actor)
    item = visible(item, session.actor)  # personal values only for who may read them
    if session.as_json:
        session.say(
            "",
            {"state": ser.state_to_dict(item), "history": [ser.event_to_dict(e) for e in history]},
        )
        return
    firm = item.enterprise
    lines = [
        f"{item.number}  {item.status.label}  {item.channel.label}",
        f"企业：{firm.name}",
        f"问题：{item.content}",
    ]
    if firm.contact or firm.phone:
        secret = "（保密）" if firm.confidential else ""
        lines.append(f"联系人：{firm.contact} {firm.phone}{secret}  {firm.contact_id}".rstrip())
    if item.assignment:
        co = f"；协办：{'、'.join(item.assignment.co)}" if item.assignment.co else ""
        lines.append(f"主办：{item.assignment.lead}{co}")
    for deadline in dict.fromkeys(d for d in (item.reply_due, item.completion_due) if d):
        lines.append(f"期限：{deadline}  {deadline.explanation}")
    if item.pause is not None:
        lines.append(f"暂停计时：{item.pause.label}")
    for part in item.co_dues:
        done = f"已于 {part.reported_at:%Y-%m-%d} 报送" if part.reported_at else "未报送"
        due = part.due or "待主办部门承诺办结时间后确定"
        lines.append(f"协办：{part.department}  报送期限 {due}  {done}")
    for visit in item.site_visits:
        who = "、".join(visit.participants)
        lines.append(f"登门：{visit.visited_on} {visit.department}（{who}）：{visit.findings}")
    if item.escalation:
        esc = item.escalation
        lines.append(f"报送：{esc.leader}，{esc.due.explanation}")
        lines.append(f"初步建议方案：{esc.proposal or '—'}")
        lines += [f"领导办会：{m.held_on} {m.chair}主持：{m.outcome}" for m in esc.meetings]
        if esc.deputies:
            lines.append(f"代理领导：{'、'.join(esc.deputies)}")
    if item.possible_duplicates:
        lines.append(f"疑似重复：{'、'.join(item.possible_duplicates)}")
    for a in item.assumptions:
        lines.append(
            f"待复核：{label(a.field)} 原文 {a.original!r} 按 {a.assumed!r} 登记（{a.reason}）"
        )
    lines.append("办理记录：")
    for event in history:
        lines.append(f"  {event.at:%Y-%m-%d %H:%M}  {type(event).__name__:<20} {event.by}")
    session.say("\n".join(lines))


@cli.command("list", help="列出事项（可按状态、部门、逾期、月份筛选）。List items.")
@click.option("--status", type=Choice([s.value for s in Status]), default=None, help="状态")
@click.option("--department", default=None, help="主办部门")
@click.option("--overdue", is_flag=True, help="只列逾期未答复的事项")
@click.option("--month", default=None, metavar="YYYY-MM", help="登记月份")
@click.option("--provisional", is_flag=True, help="只列期限为暂定的在办事项（待载入节假日安排）")
@pass_session
def list_items(
    session: Session,
    status: str | None,
    department: str | None,
    overdue: bool,
    month: str | None,
    provisional: bool,
) -> None:
    now = today()
    rows = []
    reader = session.reader
    found = reader.provisional() if provisional else reader.store.states(session.district)
    for item in found:
        pending = pending_deadline(item)
        if status and item.status.value != status:
            continue
        if department and item.lead != department:
            continue
        if overdue and not (pending and pending[1].due < now):
            continue
        if month and f"{item.registered_at:%Y-%m}" != month:
            continue
        rows.append((item, pending))
    if session.as_json:
        session.say("", [ser.state_to_dict(visible(i, session.actor)) for i, _ in rows])
        return
    for item, pending in rows:
        due = f"{pending[0]}期限 {pending[1]}" if pending else ""
        lead = item.lead or "—"
        session.say(
            f"{item.number}  {item.status.label:<5}  {lead:<12}  {due:<22}  {item.enterprise.name}"
        )
    session.say(f"共 {len(rows)} 件")
