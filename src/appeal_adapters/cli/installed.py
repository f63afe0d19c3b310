"""What this installation offers: the channels the desk accepts and the document formats."""

from __future__ import annotations

import click

from appeal_adapters.channels.intake import channels as parsers
from appeal_adapters.channels.intake import known_channels
from appeal_adapters.cli.app import cli
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session
from appeal_adapters.config import load_policy
from appeal_adapters.documents.formats import formats as installed_formats
from appeal_adapters.documents.formats import media_type
from appeal_core import Policy


@cli.command(
    "channels",
    help="列出可登记的问题来源（内置五种、规则文件 [channels] 与插件登记的）及读取它们的文件格式。"
    " List the channels the desk accepts.",
)
@pass_session
def channels(session: Session) -> None:
    policy = load_policy(session.policy_file) if session.policy_file else Policy()
    known = known_channels(session.plugins, policy.channels)
    readers = parsers(session.plugins).values()
    rows = [
        {
            "channel": str(name),
            "label": policy.channel_label(name) if name in policy.channels else known.label(name),
            "built_in": name.built_in,
            "parsers": [p.name for p in readers if p.channel == name],
        }
        for name in known
    ]
    if session.as_json:
        session.say("", {"channels": rows, "parsers": [
            {"name": p.name, "formats": list(p.formats), "channel": p.channel,
             "description": p.description} for p in readers]})  # fmt: skip
        return
    for row in rows:
        names = [p.name for p in readers if p.channel == row["channel"]]
        by = f"（插件读取：{'、'.join(names)}）" if names else ""
        click.echo(f"{row['channel']:<14}{row['label']}{by}")


@cli.command(
    "formats",
    help="列出已安装的文书格式（内置与插件的），供 --format 选用。List the document formats.",
)
@click.option("--kind", default=None, help="只列出此类文书（sheet、summary_list、briefing ...）")
@pass_session
def formats(session: Session, kind: str | None) -> None:
    found = installed_formats(session.plugins, (kind,) if kind else ())
    rows = [{"format": r.name, "kind": r.kind, "media_type": media_type(r.name),
             "description": (r.fn.__doc__ or "").strip().splitlines()[0] if r.fn.__doc__ else ""}
            for r in found]  # fmt: skip
    if session.as_json:
        session.say("", {"formats": rows})
        return
    for row in rows:
        click.echo(f"{row['kind']:<14}{row['format']:<22}{row['description']}")
