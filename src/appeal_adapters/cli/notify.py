"""``appeal notify deliver``: send the notices the store recorded, once (for cron)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import click

from appeal_adapters.cli.app import DATE, cli
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session, instant
from appeal_adapters.notify.delivery import deliver_recorded
from appeal_adapters.notify.outbox import Outbox
from appeal_adapters.notify.settings import load_settings
from appeal_core import SHANGHAI, ValidationError


@cli.group("notify", help="通知投递。Deliver the notices the desk recorded.")
def notify() -> None:
    pass


def outbox_path(session: Session, given: str | None, configured: Path | None) -> Path:
    """``--outbox``, else the settings' ``outbox``, else beside a SQLite store."""
    if given:
        return Path(given)
    if configured is not None:
        return configured
    if session.db.startswith("sqlite:///"):
        return Path(session.db.removeprefix("sqlite:///") + ".outbox.jsonl")
    raise ValidationError(
        "--outbox", None, "非 SQLite 存储请用 --outbox 或设置文件的 outbox 指定发件箱文件"
    )


def make_outbox(session: Session, config: str | None, given: str | None) -> Outbox:
    """The outbox of the senders configured in ``config`` (``ValidationError`` when there are
    none), kept at ``outbox_path``: for ``notify deliver`` and ``serve --deliver-every``."""
    settings = load_settings(config, session.plugins)
    if not settings.senders:
        raise ValidationError(
            "--config", config, "没有配置任何发送器（smtp、webhook 或 appeal_notify 插件）"
        )
    path = outbox_path(session, given, settings.outbox)
    return Outbox(settings.senders, backoff=settings.backoff, path=path)


@notify.command(
    "deliver",
    help="投递一次：把存储中新记录的提醒、督办、公告与督办通知单交给配置的发送器（邮件、webhook、"
    "appeal_notify 插件），失败的按退避时间下次再试。供 cron 定时运行。"
    " Queue the notices recorded since the last run and deliver one round.",
)
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False),
    envvar="APPEAL_NOTIFY",
    default=None,
    help="发送器设置（TOML，见 docs/notifications.md）",
)
@click.option(
    "--outbox", default=None, type=click.Path(dir_okay=False), help="发件箱文件（JSON lines）"
)
@click.option(
    "--since",
    type=DATE,
    default=None,
    help="首次运行时，从该日起记录的通知才投递（默认当天；更早的视为已处理）",
)
@pass_session
def deliver(session: Session, config: str | None, outbox: str | None, since: date | None) -> None:
    box = make_outbox(session, config, outbox)
    path = box.path
    start = datetime.combine(since, time(), SHANGHAI) if since is not None else None
    run = deliver_recorded(
        session.reader.store, session.district, box, now=instant(None), since=start
    )
    r = run.report
    data = {
        "outbox": str(path), "queued": run.queued, "skipped": run.skipped,
        "sent": [{"notice": i, "sender": s} for i, s in r.sent],
        "failed": [{"notice": i, "sender": s, "error": e} for i, s, e in r.failed],
        "completed": len(r.completed), "pending": r.pending,
        "next_try": r.next_try.isoformat() if r.next_try else None,
    }  # fmt: skip
    if session.as_json:
        session.say("", data)
        return
    for ident, sender, error in r.failed:
        click.echo(f"发送失败：{ident} 经 {sender}：{error}", err=True)
    later = f"，下次 {r.next_try:%Y-%m-%d %H:%M}" if r.next_try else ""
    skipped = f"（首次运行，略过 {run.skipped} 条更早的通知）" if run.skipped else ""
    session.say(
        f"新登记 {run.queued} 条通知{skipped}；本轮发出 {len(r.sent)} 次，失败 {len(r.failed)} 次，"
        f"待发 {r.pending} 条{later}（发件箱 {path}）"
    )
