"""``appeal serve``: the HTTP service (docs/http.md) on uvicorn, with the notice delivery in
the background when asked (``--deliver-every``)."""

from __future__ import annotations

import click

from appeal_adapters.cli.app import cli
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.notify import make_outbox
from appeal_adapters.cli.session import Session
from appeal_adapters.errors import MissingExtra


@cli.command("serve", help="运行 HTTP 服务（/api/v1、Open311、状态页）。Serve the HTTP API.")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8080, show_default=True, type=int, help="端口")
@click.option(
    "--deliver-every",
    type=float,
    default=None,
    help="每隔多少秒投递一次通知（需 --notify-config；默认不投递，用 cron 运行 notify deliver）",
)
@click.option(
    "--notify-config",
    type=click.Path(exists=True, dir_okay=False),
    envvar="APPEAL_NOTIFY",
    default=None,
    help="发送器设置（TOML，见 docs/notifications.md）",
)
@click.option("--outbox", default=None, type=click.Path(dir_okay=False), help="发件箱文件")
@pass_session
def serve(
    session: Session,
    host: str,
    port: int,
    deliver_every: float | None,
    notify_config: str | None,
    outbox: str | None,
) -> None:
    try:
        import uvicorn

        from appeal_adapters.http.app import create_app
    except ImportError as exc:
        raise MissingExtra("HTTP 服务", "http", exc.name or "starlette") from exc
    box = make_outbox(session, notify_config, outbox) if deliver_every else None
    app = create_app(session.desk, plugins=session.plugins, outbox=box, deliver_every=deliver_every)
    click.echo(f"appeal 服务：http://{host}:{port}/ （Ctrl+C 停止）", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
