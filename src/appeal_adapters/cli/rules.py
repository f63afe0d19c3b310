"""The month's rules from the command line: seal a month, the department registry, the dated
definitions (口径).  Each is kept in the store, so every process that opens it sees it."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import click

from appeal_adapters.cli.app import cli, on_option
from appeal_adapters.cli.figures import parse_month
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session, instant
from appeal_adapters.config import load_departments
from appeal_adapters.reporting import rules_json
from appeal_core.definitions import MetricsRules, first_of
from appeal_core.errors import ValidationError


@cli.group("month", help="月度数据封存与校验。Seal a published month, verify a sealed one.")
def month() -> None:
    """Month commands."""


@month.command("close", help="封存某月数据：记录各部门数据及其摘要，此后该月数据不再变化。")
@click.argument("month_text", metavar="YYYY-MM")
@on_option
@pass_session
def month_close(session: Session, month_text: str, on: date | None) -> None:
    year, mon = parse_month(month_text)
    sealed = session.desk.close_month(year, mon, at=instant(on), by=session.actor)
    seal = sealed.seal
    assert seal is not None
    session.say(
        f"{year}年{mon}月数据已封存（{sealed.first} 至 {sealed.last}，{len(sealed.departments)} "
        f"个部门），摘要 {seal.digest}",
        {
            "month": month_text,
            "digest": seal.digest,
            "at": seal.at.isoformat(),
            "first": sealed.first.isoformat(),
            "last": sealed.last.isoformat(),
        },
    )


@month.command("list", help="已封存的月份。List the sealed months.")
@pass_session
def month_list(session: Session) -> None:
    seals = session.reader.sealed_months()
    data = [
        {
            "month": f"{s.year}-{s.month:02d}",
            "first": s.first.isoformat(),
            "last": s.last.isoformat(),
            "at": s.at.isoformat(),
            "by": str(s.by),
            "digest": s.digest,
        }
        for s in seals
    ]
    lines = [
        f"{d['month']}  {d['first']} 至 {d['last']}  {d['at'][:16]}  {d['by']}  {d['digest'][:16]}…"
        for d in data
    ]
    session.say("\n".join(lines) or "尚无封存的月份", {"sealed": data})


@month.command("verify", help="用事件日志（不含更正）重算已封存月份，核对摘要。Verify a seal.")
@click.argument("month_text", metavar="YYYY-MM")
@pass_session
def month_verify(session: Session, month_text: str) -> None:
    v = session.reader.verify_month(*parse_month(month_text))
    data = attrs.asdict(v)
    if v.ok:
        session.say(f"{month_text} 重算一致，摘要 {v.sealed}", data)
        return
    session.say(
        f"{month_text} 重算与封存不一致：" + "；".join(v.differences or ("摘要不同",)), data
    )
    raise SystemExit(11)


@cli.group("departments", help="部门名录：正式名称、简称、顺序、别名。The department registry.")
def departments() -> None:
    """Registry commands."""


@departments.command("load", help="载入部门名录（TOML，格式见 docs/metrics.md）。Load it.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--order",
    type=click.Choice(["official", "pinyin", "strokes"]),
    default=None,
    help="排列顺序：名录顺序、拼音或笔画（默认按文件中的 order，缺省为名录顺序）",
)
@on_option
@pass_session
def departments_load(session: Session, path: str, order: str | None, on: date | None) -> None:
    entries = load_departments(path, order)
    registry = session.desk.load_departments(
        entries, at=instant(on), by=session.actor, source=Path(path).name
    )
    session.say(
        f"已载入部门名录：{len(registry.entries)} 个部门",
        {"departments": [attrs.asdict(e) for e in registry.entries]},
    )


@departments.command("list", help="现行部门名录。The registry in force.")
@pass_session
def departments_list(session: Session) -> None:
    registry = session.reader.departments()
    lines = [
        f"{e.order:>3}  {e.name}"
        + (f"（简称：{e.short}）" if e.short else "")
        + (f"  别名：{'、'.join(e.aliases)}" if e.aliases else "")
        for e in registry.entries
    ]
    session.say(
        "\n".join(lines) or "尚未载入部门名录（交办时不核对部门名称）",
        {"departments": [attrs.asdict(e) for e in registry.entries]},
    )


@cli.group("rules", help="统计口径：查看、变更（自某月起生效）。The figures' definitions.")
def rules() -> None:
    """Definition commands."""


@rules.command("show", help="某月采用的统计口径（默认本月）。The definitions of a month.")
@click.option("--month", "month_text", default=None, metavar="YYYY-MM", help="月份")
@pass_session
def rules_show(session: Session, month_text: str | None) -> None:
    from appeal_adapters.cli.session import today

    year, mon = parse_month(month_text) if month_text else (today().year, today().month)
    found = session.reader.rules_for(year, mon)
    session.say(f"{year}年{mon}月 {found.describe()}", rules_json(found))


@rules.command("list", help="统计口径的变更记录。Every stored amendment.")
@pass_session
def rules_list(session: Session) -> None:
    found = session.reader.rule_amendments()
    data = [
        {
            "effective": a.effective.isoformat()[:7],
            "at": a.at.isoformat(),
            "by": str(a.by),
            "reason": a.reason,
            "source": a.source,
            **rules_json(a.rules),
        }
        for a in found
    ]
    lines = [
        f"自 {d['effective']} 起（{d['at'][:10]} {d['by']}：{d['reason']}）{d['description']}"
        for d in data
    ]
    session.say(
        "\n".join(lines) or "未变更过统计口径（采用办理规则文件中的口径）", {"amendments": data}
    )


def _value(key: str, text: str) -> Any:
    fields = {f.name: f for f in attrs.fields(MetricsRules)}
    if key not in fields:
        raise ValidationError("--set", key, "可设置：" + "、".join(fields))
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        raise ValidationError("--set", f"{key}={text}", "值应写作 true、false、数字") from None


@rules.command("amend", help="变更统计口径，自某月起生效（已封存月份不变）。Amend them.")
@click.option("--from", "effective", required=True, metavar="YYYY-MM", help="自该月起生效")
@click.option("--reason", required=True, help="变更理由（如依据的文件）")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="取办理规则 TOML 文件 [metrics] 表中的口径设置",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="单项设置，如 valid_visits_only=true、basically_satisfied_weight=0.9",
)
@on_option
@pass_session
def rules_amend(
    session: Session,
    effective: str,
    reason: str,
    path: str | None,
    sets: tuple[str, ...],
    on: date | None,
) -> None:
    start = first_of(effective, "--from")
    changes: dict[str, Any] = {}
    if path:
        with Path(path).open("rb") as handle:
            table = tomllib.load(handle).get("metrics", {})
        names = {f.name for f in attrs.fields(MetricsRules)}
        changes.update({k: v for k, v in table.items() if k in names})
    for item in sets:
        key, _, text = item.partition("=")
        changes[key.strip()] = _value(key.strip(), text.strip())
    if not changes:
        raise click.UsageError("请用 --file 或 --set 给出要变更的口径")
    current = session.desk.rules_for(start.year, start.month)
    new = attrs.evolve(current, **changes)
    event = session.desk.amend_rules(
        new,
        effective=start,
        at=instant(on),
        by=session.actor,
        reason=reason,
        source=Path(path).name if path else "",
    )
    session.say(
        f"统计口径自 {start.isoformat()[:7]} 起：{new.describe()}",
        {"effective": event.effective.isoformat()[:7], **rules_json(new)},
    )
