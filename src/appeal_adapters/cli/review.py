"""The review queue from the shell: values registered under an assumption, to confirm or correct."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from appeal_adapters.cli.app import cli, on_option
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session, instant
from appeal_core.review import FIELDS, ReviewEntry, current, field_named, label

FIELD_HELP = "字段：" + "、".join(f"{f}（{name}）" for f, name in FIELDS.items()) + "，或其中文名"


@cli.group(
    "review", help="复核：按推定登记的值，待确认或更正。Values registered under an assumption."
)
def review() -> None:
    """Review queue commands."""


def _entry(q: ReviewEntry) -> dict[str, Any]:
    a = q.assumption
    return {
        "number": q.number, "status": q.status.value, "channel": q.channel.value,
        "enterprise": q.enterprise, "registered_at": q.registered_at.isoformat(),
        "field": a.field, "label": q.label, "original": a.original, "assumed": a.assumed,
        "reason": a.reason,
    }  # fmt: skip


@review.command("list", help="列出待复核的推定值（按登记顺序）。List values awaiting review.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="最多列出多少件事项")
@click.option("--after", default=None, metavar="NUMBER", help="从该事项之后开始（翻页）")
@pass_session
def review_list(session: Session, limit: int | None, after: str | None) -> None:
    entries = session.desk.review_queue(after=after, limit=limit)
    if session.as_json:
        session.say("", [_entry(q) for q in entries])
        return
    for q in entries:
        a = q.assumption
        session.say(
            f"{q.number}  {q.status.label}  {q.enterprise}\n"
            f"    {q.label}（{a.field}）：原文 {a.original!r} → 按 {a.assumed!r} 登记；{a.reason}"
        )
    items = len(dict.fromkeys(q.number for q in entries))
    session.say(f"共 {items} 件事项、{len(entries)} 项推定待复核")


@review.command("confirm", help="确认推定无误（不指定字段则确认该事项全部推定）。Confirm.")
@click.argument("number")
@click.option("--field", default="", help=FIELD_HELP)
@click.option("--note", default="", help="复核说明，如 已电话核实")
@on_option
@pass_session
def review_confirm(session: Session, number: str, field: str, note: str, on: date | None) -> None:
    item = session.desk.confirm(number, field=field, note=note, at=instant(on), by=session.actor)
    left = "、".join(a.field for a in item.assumptions)
    session.say(
        f"{number} 推定已确认" + (f"；仍待复核：{left}" if left else "；已无待复核的推定"),
        {"number": number, "pending": [a.field for a in item.assumptions]},
    )


@review.command("correct", help="更正推定值：事项改用正确的值。Correct an assumed value.")
@click.argument("number")
@click.option("--field", required=True, help=FIELD_HELP)
@click.option("--value", required=True, help='正确的值（清空填 ""）')
@click.option("--note", default="", help="更正说明，如 企业来电更正")
@on_option
@pass_session
def review_correct(
    session: Session, number: str, field: str, value: str, note: str, on: date | None
) -> None:
    item = session.desk.correct(
        number, field=field, value=value, note=note, at=instant(on), by=session.actor
    )
    name = field_named(field)
    now = current(item, name)
    session.say(
        f"{number} 的{label(name)}已更正为 {now!r}",
        {"number": number, "field": name, "value": now,
         "pending": [a.field for a in item.assumptions]},
    )  # fmt: skip
