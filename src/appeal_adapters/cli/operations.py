"""The desk's daily operations: init, intake, the quarantine and the sweep."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import attrs
import click

from appeal_adapters.channels.readmit import corrected_record
from appeal_adapters.channels.tabular import Census
from appeal_adapters.cli.app import cli, on_option
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session, instant, today
from appeal_adapters.documents.common import phone_line
from appeal_core.intake import IntakeRecord, Reexport


@cli.command("init", help="建立或升级存储，并显示日历覆盖范围。Create or upgrade the store.")
@pass_session
def init(session: Session) -> None:
    first, last = session.desk.calendar.coverage  # type: ignore[attr-defined]
    count = len(session.desk.store.numbers(session.district))
    soon = (last - today()).days < 92  # the next year's notice is usually out by December
    hint = (
        f"；{last.year + 1} 年的节假日安排尚未载入，通知发布后请运行 appeal calendar load"
        if soon
        else ""
    )
    session.say(
        f"存储 {session.db} 已就绪：{session.district} 共 {count} 件；"
        f"工作日历覆盖 {first} 至 {last}{hint}",
        {
            "db": session.db,
            "district": session.district,
            "items": count,
            "calendar": [first.isoformat(), last.isoformat()],
        },
    )


@cli.command("intake", help="从渠道文件登记事项，问题行进入隔离区。Import a channel's file.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--channel", required=True, help="渠道：app、hotline、summary_list、visit 或插件提供的名称"
)
@click.option(
    "--map",
    "mapping",
    type=click.Path(exists=True, dir_okay=False),
    help='表头映射文件（TOML：字段 = "表头"），见 docs/channels.md',
)
@on_option
@pass_session
def intake(session: Session, file: str, channel: str, mapping: str | None, on: date | None) -> None:
    from rich.progress import Progress

    from appeal_adapters.channels import import_file, load_map

    headers: dict[str, Any] = {}
    if session.policy_file:
        headers.update(load_map(session.policy_file, channel))
    if mapping:
        headers.update(load_map(mapping, channel))
    with Progress(disable=session.as_json, transient=True) as progress:
        task = progress.add_task("登记中", total=None)
        report = import_file(
            session.desk,
            file,
            channel=channel,
            plugins=session.plugins,
            at=instant(on),
            by=session.actor,
            progress=lambda done: progress.update(task, completed=done),
            options={"headers": headers} if headers else None,
        )
    where = [_quarantined(session, entry_id) for entry_id in report.quarantined[:SHOWN]]
    census = report.census
    read = _census_line(census) if census is not None else ""
    lines = [
        f"{Path(file).name}：登记 {len(report.registered)} 件，已存在 {len(report.repeated)} 件，"
        f"隔离 {len(report.quarantined)} 行，疑似重复 {len(report.flagged)} 件",
        *([read] if read else []),
        *(f"  {s}" for s in (census.skipped if census else [])),
        *(f"  隔离 {w['text']}" for w in where),
    ]
    if len(report.quarantined) > SHOWN:
        lines.append(f"  ……另有 {len(report.quarantined) - SHOWN} 行")
    if report.quarantined:
        lines.append("（用 appeal quarantine list 查看隔离行，quarantine admit 更正后登记）")
    if report.assumed:
        lines.append(f"登记的事项中 {len(report.assumed)} 件含推定值，待复核（appeal review list）")
    if report.reexported:
        lines.append(f"文件中重复导出 {len(report.reexported)} 行，未重复登记：")
        lines += [f"  {_reexport(r)}" for r in report.reexported[:SHOWN]]
        if len(report.reexported) > SHOWN:
            lines.append(f"  ……另有 {len(report.reexported) - SHOWN} 行（--json 可列出全部）")
    session.say(
        "\n".join(lines),
        {
            "registered": report.registered,
            "repeated": report.repeated,
            "quarantined": report.quarantined,
            "flagged": report.flagged,
            "known": report.known,
            "read": attrs.asdict(census) if census is not None else None,
            "quarantined_rows": where,
            "assumed": report.assumed,
            "reexported": [attrs.asdict(r) for r in report.reexported],
        },
    )


SHOWN = 20  # quarantined rows listed after an intake


def _census_line(census: Census) -> str:
    sheets = "、".join(f"「{s}」" for s in census.sheets)
    kind = {"csv": f"CSV（{census.encoding}）", "json": "JSON"}.get(census.kind, census.kind)
    return (
        f"读取：{kind}{'，工作表 ' + sheets if sheets else ''}，"
        f"共 {census.rows:,} 行、{census.cells:,} 个单元格"
        if census.kind != "json"
        else f"读取：JSON，共 {census.rows:,} 条记录"
    )


def _quarantined(session: Session, entry_id: int) -> dict[str, Any]:
    from appeal_adapters.channels import location

    e = session.desk.store.quarantine_entry(entry_id)
    place = location(e.raw, e.row)
    return {
        "id": e.id,
        "where": place,
        "field": e.field,
        "value": e.value,
        "reason": e.reason,
        "text": f"#{e.id} {place}「{e.field}」{e.value!r}：{e.reason}",
    }


def _reexport(r: Reexport) -> str:
    became = r.number or f"隔离行 #{r.entry}"
    return f"第{r.row}行同第{r.earlier_row}行（编号 {r.source_id}，{became}）"


@cli.group("quarantine", help="隔离区：格式有误的行。Rows a channel could not accept.")
def quarantine() -> None:
    """Quarantine commands."""


@quarantine.command("list", help="列出待处理的隔离行。List open quarantined rows.")
@click.option("--all", "include_settled", is_flag=True, help="包括已处理的")
@pass_session
def quarantine_list(session: Session, include_settled: bool) -> None:
    entries = session.reader.store.quarantined(session.district, include_settled=include_settled)
    if session.as_json:
        session.say("", [_entry(e) for e in entries])
        return
    from appeal_adapters.channels import location

    for e in entries:
        where = f"{e.source} {location(e.raw, e.row)}"
        session.say(
            f"#{e.id} {e.status} {e.channel.value} {where} 「{e.field}」{e.value!r}：{e.reason}"
        )
    session.say(f"共 {len(entries)} 行")


def _entry(e: Any) -> dict[str, Any]:
    return {
        "id": e.id,
        "status": e.status,
        "channel": e.channel.value,
        "source": e.source,
        "row": e.row,
        "field": e.field,
        "value": e.value,
        "reason": e.reason,
        "raw": dict(e.raw),
        "number": e.number,
        "note": e.note,
        "settled_at": e.settled_at.isoformat() if e.settled_at else None,
        "settled_by": e.settled_by,
    }


@quarantine.command("show", help="查看隔离行的原始内容。Show a quarantined row.")
@click.argument("entry_id", type=int)
@pass_session
def quarantine_show(session: Session, entry_id: int) -> None:
    e = session.reader.store.quarantine_entry(entry_id)
    lines = [f"#{e.id} {e.channel.value} {e.source} 第{e.row}行：{e.reason}"]
    lines += [f"  {k}：{v}" for k, v in e.raw]
    if e.settled_at is not None:
        done = {"admitted": f"已登记为 {e.number}", "dismissed": "不予登记"}.get(e.status, e.status)
        when = e.settled_at.strftime("%Y-%m-%d %H:%M")
        lines.append(f"  处理：{done}（{when}，{e.settled_by}）：{e.note}")
    session.say("\n".join(lines), _entry(e))


def _corrections(func: Any) -> Any:
    """The options that correct a quarantined row (unset ones keep the row's own value)."""
    for name, text in reversed((
        ("--enterprise", "企业名称"), ("--content", "问题内容"), ("--code", "统一社会信用代码"),
        ("--contact", "企业联系人"), ("--phone", "联系电话"), ("--address", "企业地址"),
        ("--reported-at", "反映时间"), ("--source-id", "编号"),
    )):  # fmt: skip
        func = click.option(name, default=None, help=f"{text}（默认取原始行）")(func)
    return click.option("--code-override", default="", help="校验位不符仍按原样登记的理由")(func)


def _corrected(session: Session, entry: Any, fixed: dict[str, Any]) -> IntakeRecord:
    """The quarantined row read again by its channel, as at import, with the corrections."""
    given = {k: v for k, v in fixed.items() if v is not None}
    return corrected_record(entry, given, plugins=session.plugins, policy=session.reader.policy)


@quarantine.command(
    "fix", help="检查更正后的隔离行（不登记）。Check a corrected row without registering."
)
@click.argument("entry_id", type=int)
@_corrections
@pass_session
def quarantine_fix(session: Session, /, entry_id: int, **fixed: Any) -> None:
    record = _corrected(session, session.reader.store.quarantine_entry(entry_id), fixed)
    firm = record.enterprise
    session.say(
        f"隔离行 #{entry_id} 更正后可以登记：{firm.name}，"
        f"{phone_line(firm.phone, firm.extension) or '无电话'}，"
        f"{record.content[:30]}（用 appeal quarantine admit {entry_id} 加同样的选项登记）"
        + "".join(
            f"\n  假定：{a.reason}（{a.original} → {a.assumed}）" for a in record.assumptions
        ),
        {
            "ok": True,
            "enterprise": firm.name,
            "phone": firm.phone,
            "content": record.content,
            "assumptions": [attrs.asdict(a) for a in record.assumptions],
        },
    )


@quarantine.command("admit", help="更正后登记隔离行。Correct a quarantined row and register it.")
@click.argument("entry_id", type=int)
@_corrections
@on_option
@pass_session
def quarantine_admit(session: Session, /, entry_id: int, on: date | None, **fixed: Any) -> None:
    record = _corrected(session, session.desk.store.quarantine_entry(entry_id), fixed)
    item = session.desk.admit(entry_id, record, at=instant(on), by=session.actor)
    session.say(f"隔离行 #{entry_id} 已更正并登记为 {item.number}", {"number": item.number})


@quarantine.command("dismiss", help="不予登记（须说明理由）。Settle a row without registering it.")
@click.argument("entry_id", type=int)
@click.option("--note", required=True, help="理由")
@on_option
@pass_session
def quarantine_dismiss(session: Session, entry_id: int, note: str, on: date | None) -> None:
    session.desk.dismiss_quarantined(entry_id, note=note, at=instant(on), by=session.actor)
    session.say(f"隔离行 #{entry_id} 已处理：{note}")


@cli.command("sweep", help="每日跟踪督办：提醒、督办、二次督办、报领导建议。Run the daily sweep.")
@on_option
@pass_session
def sweep(session: Session, on: date | None) -> None:
    day = on or today()
    actions = session.desk.sweep(day, at=instant(on), by=session.actor)
    if session.as_json:
        session.say(
            "",
            [
                {
                    "kind": a.kind.value,
                    "number": a.number,
                    "target": a.target,
                    "message": a.message,
                    "due": a.due,
                }
                for a in actions
            ],
        )
        return
    for a in actions:
        session.say(f"[{a.kind.label}] {a.target}：{a.message}")
    session.say(f"{day} 督办完成：{len(actions)} 条通知")
