"""The ``appeal`` command group: global options, error handling, and the subcommands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click

from appeal_adapters.cli.session import Session, run_guarded
from appeal_core.fields import parse_date


class GuardedGroup(click.Group):
    """A group whose commands report library errors as one line with an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        return run_guarded(lambda: super(GuardedGroup, self).invoke(ctx))


class DateParam(click.ParamType):  # type: ignore[type-arg]
    """A date as clerks type it: 2026-11-16, 2026/11/16 or 2026年11月16日."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(value, param.name if param and param.name else "date")
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateParam()


def on_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--on DATE``: the day the action is recorded (default today, Asia/Shanghai)."""
    return click.option(
        "--on",
        type=DATE,
        default=None,
        help="办理日期（默认今天）。Day of the action, default today in Asia/Shanghai.",
    )(func)


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="APPEAL_DB",
    default="sqlite:///appeals.db",
    show_default=True,
    help="存储地址 / store URL: sqlite:///file.db, postgresql://..., memory://",
)
@click.option(
    "--district",
    envvar="APPEAL_DISTRICT",
    default="HM",
    show_default=True,
    help="区县代码，用于事项编号 / district code in item numbers.",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False),
    envvar="APPEAL_POLICY",
    help="办理规则 TOML 文件 / the district's policy file.",
)
@click.option(
    "--as",
    "acting",
    default="desk",
    show_default=True,
    metavar="ROLE[:DEPARTMENT]",
    help="以何身份办理：desk、department:部门名称、leader:姓名 / who is acting.",
)
@click.option(
    "--outside",
    type=click.Choice(["raise", "weekdays"]),
    envvar="APPEAL_OUTSIDE",
    default="weekdays",
    show_default=True,
    help="日历缺少某年安排时：暂按周一至周五计算（期限标为暂定，默认），或报错拒绝办理"
    " / beyond the calendar's years: provisional Mon–Fri deadlines, or refuse.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="输出 JSON，供脚本使用 / JSON output for scripts."
)
@click.pass_context
def cli(
    ctx: click.Context,
    db: str,
    district: str,
    policy_file: str | None,
    acting: str,
    outside: str,
    as_json: bool,
) -> None:
    """民营企业诉求直通车：登记、交办、答复、回访、销号与月度通报。

    The enterprise appeal direct line: register, assign, answer, follow up, close off and report.
    """
    session = Session(
        db=db,
        district=district,
        policy_file=policy_file,
        acting=acting,
        as_json=as_json,
        outside=outside,
    )
    ctx.obj = session
    ctx.call_on_close(session.close)


def main() -> None:
    """Console entry point."""
    cli(prog_name="appeal")
