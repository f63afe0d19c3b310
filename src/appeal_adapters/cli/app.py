"""The ``appeal`` command group: global options, error handling, and the subcommands."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import click

from appeal_adapters.cli.session import Session, fail, run_guarded
from appeal_core.fields import parse_date

#: click's own messages for a bad value, in Chinese (``{0}``... are the groups matched).
_VALUE_MESSAGES = (
    (re.compile(r"^(?:Path|File|Directory) '(.*)' does not exist\.?$"), "{0} 不存在"),
    (re.compile(r"^(?:Path|File) '(.*)' is a directory\.?$"), "{0} 是文件夹，应为文件"),
    (re.compile(r"^(?:Path|Directory) '(.*)' is a file\.?$"), "{0} 是文件，应为文件夹"),
    (re.compile(r"^'?(.*?)'? is not a valid integer(?: range)?\.?$"), "{0} 不是整数"),
    (re.compile(r"^'?(.*?)'? is not a valid float(?: range)?\.?$"), "{0} 不是数字"),
)
_USAGE_MESSAGES = (
    (re.compile(r"^No such command '(.*)'\.?$"), "没有命令 {0}"),
    (re.compile(r"^Got unexpected extra arguments? \((.*)\)$"), "多余的参数：{0}"),
    (re.compile(r"^Missing command\.?$"), "缺少命令"),
    (
        re.compile(r"^Option '(.*)' requires (?:an argument|\d+ arguments)\.?$"),
        "选项 {0} 需要一个值",
    ),
    (re.compile(r"^Option '(.*)' does not take a value\.?$"), "选项 {0} 不带值"),
)


def _translated(text: str, table: Sequence[tuple[re.Pattern[str], str]]) -> str:
    for pattern, words in table:
        match = pattern.match(text.strip())
        if match:
            return words.format(*match.groups())
    return text


def usage_message(exc: click.UsageError) -> str:
    """A click usage error in one Chinese line, with where to find the command's help."""
    ctx = exc.ctx
    if isinstance(exc, click.NoSuchOption):
        text = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            text += f"，是否想用 {'、'.join(sorted(exc.possibilities))}"
    elif isinstance(exc, click.MissingParameter):
        kind = "参数" if isinstance(exc.param, click.Argument) else "选项"
        hint = exc.param.get_error_hint(ctx) if exc.param is not None and ctx else ""
        text = f"缺少{kind} {hint.replace(chr(39), '')}".rstrip()
    elif isinstance(exc, click.BadParameter):
        given = exc.param_hint
        hint = given if isinstance(given, str) else " / ".join(given or ())
        if exc.param is not None and ctx is not None:
            hint = exc.param.get_error_hint(ctx)
        value = _translated(exc.message, _VALUE_MESSAGES)
        hint = hint.replace("'", "")
        text = f"{hint} 的值无效：{value}" if hint else f"值无效：{value}"
    else:
        text = _translated(exc.format_message(), _USAGE_MESSAGES)
    where = ctx.command_path if ctx is not None else "appeal"
    return f"{text}（用 {where} --help 查看用法）"


class GuardedGroup(click.Group):
    """A group whose commands report every error, click's usage errors included, as one line
    starting ``错误：`` with a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        def session() -> Session | None:  # set by ``cli`` once the group's options are read
            return ctx.obj if isinstance(ctx.obj, Session) else None

        return run_guarded(lambda: super(GuardedGroup, self).invoke(ctx), session)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """click's ``main``; in standalone mode its errors become one ``错误：`` line."""
        run = super().main
        if not standalone_mode:  # a caller handling click's exceptions itself
            return run(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = run(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()  # ``appeal`` alone: the help, as click shows it
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            fail(usage_message(exc), exc.exit_code)
        except click.FileError as exc:
            fail(f"无法打开文件 {exc.ui_filename}：{exc.message}", 9)
        except click.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            fail("已取消", 1)
        sys.exit(code if isinstance(code, int) else 0)


class Choice(click.Choice):  # type: ignore[type-arg]
    """``click.Choice`` whose refusal lists the accepted values in Chinese."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(
                f"{value!r} 不可用，应为以下之一：{'、'.join(map(str, self.choices))}", param, ctx
            )


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
    type=Choice(["raise", "weekdays"]),
    envvar="APPEAL_OUTSIDE",
    default="weekdays",
    show_default=True,
    help="日历缺少某年安排时：暂按周一至周五计算（期限标为暂定，默认），或报错拒绝办理"
    " / beyond the calendar's years: provisional Mon–Fri deadlines, or refuse.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="输出 JSON，供脚本使用 / JSON output for scripts."
)
@click.option(
    "--correction",
    default=None,
    metavar="REASON",
    help="作为更正办理（日期在已封存月份内的操作须说明理由，由区服务企业办记录）"
    " / record the command as a correction of a sealed month, with the reason.",
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
    correction: str | None,
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
        correction=correction,
    )
    ctx.obj = session
    ctx.call_on_close(session.close)


#: The group's options a command also accepts after its name: (option, Session field, kind).
GLOBAL_OPTIONS: tuple[tuple[str, str, Any], ...] = (
    ("--db", "db", None),
    ("--district", "district", None),
    ("--policy", "policy_file", click.Path(exists=True, dir_okay=False)),
    ("--as", "acting", None),
    ("--outside", "outside", Choice(["raise", "weekdays"])),
    ("--json", "as_json", bool),
    ("--correction", "correction", None),
)


def _setter(field: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, _: click.Parameter, value: Any) -> None:
        session = ctx.find_object(Session)
        if session is not None and value not in (None, False):
            setattr(session, field, value)  # after the command's name: it wins

    return store


def share_global_options(group: click.Group, helps: dict[str, str | None] | None = None) -> None:
    """Let every command under ``group`` accept the group's options after its own name too
    (``appeal report --month 2026-11 --json``); given there, they win over those before."""
    if helps is None:
        helps = {o.opts[0]: o.help for o in group.params if isinstance(o, click.Option)}
    for command in group.commands.values():
        taken = {opt for p in command.params for opt in getattr(p, "opts", ())}
        for flag, field, kind in GLOBAL_OPTIONS:
            if flag in taken:
                continue
            extra: dict[str, Any] = (
                {"is_flag": True, "default": False} if kind is bool else {"type": kind}
            )
            command.params.append(
                click.Option(
                    [flag, f"global_{field}"],
                    expose_value=False,
                    callback=_setter(field),
                    metavar="ROLE[:DEPARTMENT]" if flag == "--as" else None,
                    help=f"（全局选项）{helps.get(flag) or ''}",
                    **extra,
                )
            )
        if isinstance(command, click.Group):
            share_global_options(command, helps)


def main() -> None:
    """Console entry point."""
    cli(prog_name="appeal")
