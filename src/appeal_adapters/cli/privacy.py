"""Personal data from the command line: access and erasure requests, the retention step,
confidentiality, and the master key (docs/privacy.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from appeal_adapters import serialization as ser
from appeal_adapters.cli.app import cli, on_option
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session, instant, today
from appeal_adapters.privacy import MASTER_ENV, MASTER_FILE_ENV, MasterKey, write_key_file
from appeal_core.desk_base import require_desk
from appeal_core.journal import ContactErased, MasterKeyRotated
from appeal_core.privacy import ERASED, PERSONAL_FIELDS, privacy_stream
from appeal_core.retention import ErasureRule, PersonalRecord, ended_on


@cli.group("privacy", help="个人信息：查询、删除、保存期限、保密与主密钥。Personal data.")
def privacy() -> None:
    """Personal-data commands."""


def _erasure(event: ContactErased) -> dict[str, Any]:
    return {
        "contact": event.contact,
        "at": event.at.isoformat(),
        "by": str(event.by),
        "rule": event.rule,
        "rule_label": ErasureRule(event.rule).label,
        "reason": event.reason,
        "numbers": list(event.numbers),
        "forced": event.forced,
    }


def _record(record: PersonalRecord) -> dict[str, Any]:
    first = record.items[0].enterprise
    return {
        "contact": record.contact,
        "held": {f: getattr(first, f) for f in PERSONAL_FIELDS if getattr(first, f)},
        "confidential": any(s.enterprise.confidential for s in record.items),
        "kept_until": record.kept_until.isoformat() if record.kept_until else None,
        "erased": _erasure(record.erased) if record.erased else None,
        "items": [ser.state_to_dict(s) for s in record.items],
    }


def _lines(record: PersonalRecord) -> list[str]:
    first = record.items[0].enterprise
    held = "，".join(
        f"{label}：{getattr(first, f)}"
        for f, label in (("contact", "姓名"), ("phone", "电话"), ("extension", "分机"))
        if f in PERSONAL_FIELDS and getattr(first, f)
    )
    if record.erased:
        keep = f"已于 {record.erased.at:%Y-%m-%d} 删除（{ErasureRule(record.erased.rule).label}）"
    elif record.kept_until:
        keep = f"保存至 {record.kept_until}（其后自动删除）"
    else:
        keep = "尚有在办事项，办结后按保存期限计算"
    lines = [f"联系人 {record.contact}：{held or ERASED}；{keep}"]
    for state in record.items:
        notes = "；".join(f"{k}：{v}" for k, v in state.notes if k in state.personal_notes)
        end = ended_on(state)
        lines.append(
            f"  {state.number}  {state.registered_at:%Y-%m-%d}  {state.channel.label}  "
            f"{state.status.label}{f'（{end} 结束）' if end else ''}  {state.enterprise.name}"
            f"{'  保密' if state.enterprise.confidential else ''}"
        )
        lines.append(f"    问题：{state.content}")
        if notes:
            lines.append(f"    个人信息备注：{notes}")
    return lines


@privacy.command(
    "export",
    help="查询所存某人的个人信息（答复本人查阅请求）。List what is held about a person.",
)
@click.option("--phone", default=None, help="电话号码（查出所有使用该号码的联系人）")
@click.option("--contact", default=None, help="联系人编号，如 HM-2026-0042-C")
@pass_session
def export(session: Session, phone: str | None, contact: str | None) -> None:
    records = session.desk.personal_data(contact=contact, phone=phone)
    if session.as_json:
        session.say("", [_record(r) for r in records])
        return
    if not records:
        session.say("未查到该联系人的个人信息（或已删除）")
        return
    session.say("\n".join(line for r in records for line in _lines(r)))


@privacy.command(
    "erase",
    help="应本人要求删除其个人信息（销毁其密钥）。Erase a person's data on request.",
)
@click.option("--contact", required=True, help="联系人编号（见 appeal privacy export）")
@click.option("--reason", required=True, help="删除理由，如 本人 2026-12-01 来信要求删除")
@click.option("--force", is_flag=True, help="仍有在办事项时也删除（须说明理由）")
@on_option
@pass_session
def erase(session: Session, contact: str, reason: str, force: bool, on: date | None) -> None:
    event = session.desk.erase_contact(
        contact, reason=reason, force=force, at=instant(on), by=session.actor
    )
    session.say(
        f"联系人 {event.contact} 的个人信息已删除（事项 {'、'.join(event.numbers)}），"
        "事项、办理记录和统计数据不变",
        _erasure(event),
    )


@privacy.command(
    "sweep",
    help="按保存期限删除到期联系人的个人信息（每日督办也会执行）。Retention step.",
)
@on_option
@pass_session
def sweep(session: Session, on: date | None) -> None:
    day = on or today()
    run = session.desk.retention_sweep(day, at=instant(on), by=session.actor)
    months, forgotten = session.desk.policy.retention_months, run.forgotten
    quarantined = len(forgotten.entries) if forgotten else 0
    session.say(
        f"保存期限 {months} 个月：删除 {len(run.erased)} 位联系人的个人信息"
        + "".join(f"\n  {x.contact}（{'、'.join(x.numbers)}）" for x in run.erased)
        + (f"\n隔离区 {quarantined} 行已处理满期限，原始内容已删除" if quarantined else ""),
        {"erased": [_erasure(x) for x in run.erased],
         "quarantine": list(forgotten.entries) if forgotten else []},
    )  # fmt: skip


@privacy.command("erasures", help="列出已删除的联系人。List the erasures recorded.")
@pass_session
def erasures(session: Session) -> None:
    found = session.reader.erasures()
    session.say(
        "\n".join(
            f"{x.at:%Y-%m-%d}  {x.contact}  {ErasureRule(x.rule).label}  {x.reason}"
            f"  （{'、'.join(x.numbers)}）"
            for x in found
        )
        or "尚无删除记录",
        [_erasure(x) for x in found],
    )


@privacy.command(
    "confidential",
    help="记录联系人要求保密（对主办部门也打码），或解除。Mark the contact confidential.",
)
@click.argument("number")
@click.option("--lift", is_flag=True, help="解除保密（须说明理由）")
@click.option("--reason", default="", help="理由")
@on_option
@pass_session
def confidential(session: Session, number: str, lift: bool, reason: str, on: date | None) -> None:
    item = session.desk.set_confidential(
        number, confidential=not lift, reason=reason, at=session.when(number, on),
        by=session.actor,
    )  # fmt: skip
    session.say(f"{number} 联系人{'已解除保密' if lift else '已设为保密'}", {"number": number,
                "confidential": item.enterprise.confidential})  # fmt: skip


@privacy.command(
    "keygen",
    help="生成新的主密钥（32 字节随机数的 base64）。Make a new master key.",
)
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False),
    default=None,
    help="写入该文件（仅本人可读；已存在则拒绝），而不是打印",
)
def keygen(path: str | None) -> None:
    if path is None:
        click.echo(MasterKey.generate().text)
        return
    key = write_key_file(path)
    click.echo(
        f"主密钥已写入 {Path(path).resolve()}（校验值 {key.check}）。请设置 "
        f"{MASTER_FILE_ENV}={Path(path).resolve()}，并另行妥善备份：丢失则个人信息无法恢复，"
        "切勿与数据库放在一起"
    )


@privacy.command(
    "rotate-key",
    help=f"轮换主密钥：用新密钥重新包裹所有联系人密钥（旧密钥取自 {MASTER_ENV}）。",
)
@click.option(
    "--new-key-file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="新主密钥文件（appeal privacy keygen --file 生成）",
)
@pass_session
def rotate_key(session: Session, new_key_file: str) -> None:
    new = MasterKey.from_file(new_key_file)
    store = session.desk.store
    rotate = getattr(store, "rotate_master_key", None)
    old = getattr(store, "master_check", None)
    if rotate is None or old is None:
        raise click.UsageError("该存储不使用主密钥（内存存储，或由外部密钥服务保管密钥）")
    require_desk(session.actor, "轮换主密钥")
    at, by, stream = instant(None), session.actor, privacy_stream(session.district)
    count = rotate(
        new,
        lambda keys: (MasterKeyRotated(stream=stream, at=at, by=by, old_check=old,
                                       new_check=new.check, keys=keys),),
    )  # fmt: skip
    session.say(
        f"已用新主密钥（校验值 {new.check}）重新包裹 {count} 把密钥。请立即把 {MASTER_ENV} 或 "
        f"{MASTER_FILE_ENV} 改为新密钥；旧密钥已不能打开该存储",
        {"keys": count, "old_check": old, "new_check": new.check},
    )
