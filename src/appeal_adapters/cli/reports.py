"""Reports and documents from the command line: report, sheet, export, audit, demo."""

from __future__ import annotations

import json
from pathlib import Path

import click

from appeal_adapters.cli.app import cli
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session
from appeal_adapters.documents import render
from appeal_adapters.reporting import (
    briefing_options,
    parse_status,
    report_json,
    select_items,
)
from appeal_core import MonthlyReport, ValidationError
from appeal_core.metrics import month_bounds


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month), or a ValidationError naming the option."""
    try:
        year, month = (int(part) for part in text.split("-"))
        month_bounds(year, month)
    except ValueError:
        raise ValidationError("--month", text, "月份应写作 YYYY-MM，如 2026-11") from None
    return year, month


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def print_figures(figures: MonthlyReport) -> None:
    """The month's per-department table, ranked, with the district total (CJK-aligned)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{figures.year}年{figures.month}月 各部门办理情况（按综合得分排名）")
    for name in (
        "名次",
        "主办部门",
        "交办",
        "应答复",
        "按时答复",
        "响应率",
        "回访",
        "解决",
        "完成率",
        "满意度",
        "逾期",
        "存量",
        "得分",
    ):
        table.add_column(name, justify="left" if name == "主办部门" else "right")
    for i, d in enumerate([*figures.ranking(), figures.total], 1):
        score = d.score(figures.weights)
        table.add_row(
            "" if d is figures.total else str(i), d.department, str(d.assigned), str(d.reply_due),
            str(d.replied_on_time), _percent(d.response_rate), str(d.visited), str(d.resolved),
            _percent(d.completion_rate), _percent(d.satisfaction_rate), str(d.overdue_open),
            str(d.stock), "—" if score is None else f"{score * 100:.1f}",
        )  # fmt: skip
    Console(width=160).print(table)


@cli.command("report", help="月度通报：各部门完成率、满意度等。Monthly figures per department.")
@click.option("--month", required=True, metavar="YYYY-MM", help="月份")
@click.option("--docx", type=click.Path(dir_okay=False), default=None, help="写出简报 .docx")
@click.option("--html", type=click.Path(dir_okay=False), default=None, help="写出简报 .html")
@click.option("--issue", default=None, help="简报期数（默认：该月在年内的序号，如 11 月为第11期）")
@pass_session
def report(
    session: Session, month: str, docx: str | None, html: str | None, issue: str | None
) -> None:
    year, mon = parse_month(month)
    figures = session.desk.report(year, mon)
    options = briefing_options(session.desk, year, mon, issue)
    for path, name in ((docx, "briefing.docx"), (html, "briefing.html")):
        if path:
            Path(path).write_bytes(render(session.plugins, name, figures, **options))
    if session.as_json:
        click.echo(json.dumps(report_json(figures), ensure_ascii=False, indent=2))
        return
    print_figures(figures)
    for path in (docx, html):
        if path:
            click.echo(f"已写出 {path}")


@cli.command("sheet", help="打印交办单（附件1）。Write assignment sheets as .docx.")
@click.argument("numbers", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出 .docx 文件")
@pass_session
def sheet(session: Session, numbers: tuple[str, ...], out: str) -> None:
    items = [session.desk.get(n) for n in numbers]
    Path(out).write_bytes(render(session.plugins, "sheet.docx", items, policy=session.desk.policy))
    session.say(f"已写出 {len(items)} 份交办单：{out}", {"file": out, "numbers": list(numbers)})


@cli.command("export", help="导出汇总清单（附件2）。Export the summary list.")
@click.option("--xlsx", type=click.Path(dir_okay=False), default=None, help="输出 .xlsx")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None, help="输出 .csv")
@click.option("--handling", is_flag=True, help="加上办理情况列（状态、主办部门、期限、答复、回访）")
@click.option("--month", default=None, metavar="YYYY-MM", help="只导出该月登记的事项")
@click.option("--department", default="", help="只导出该部门主办或协办的事项")
@click.option("--unit", default="", help="填表单位；同时只导出该单位上报的事项（基层上报）")
@click.option("--status", default=None, help="只导出该状态的事项（如 assigned 或 已交办）")
@click.option("--person", default="", help="填报人")
@click.option("--phone", default="", help="联系电话（填报人的）")
@click.option("--unmasked", is_flag=True, help="企业联系电话不打码（默认打码，如 138****5678）")
@pass_session
def export(
    session: Session,
    xlsx: str | None,
    csv_path: str | None,
    handling: bool,
    month: str | None,
    department: str,
    unit: str,
    status: str | None,
    person: str,
    phone: str,
    unmasked: bool,
) -> None:
    if not xlsx and not csv_path:
        raise click.UsageError("请给出 --xlsx 或 --csv")
    items = select_items(
        session.desk.store.states(session.district),
        month=parse_month(month) if month else None,
        department=department.strip(),
        unit=unit.strip(),
        status=parse_status(status.strip()) if status else None,
    )
    options = {"handling": handling, "unit": unit, "filler": person, "phone": phone,
               "policy": session.desk.policy, "mask_phones": not unmasked}  # fmt: skip
    for path, name in ((xlsx, "summary_list.xlsx"), (csv_path, "summary_list.csv")):
        if path:
            Path(path).write_bytes(render(session.plugins, name, items, **options))
    session.say(f"已导出 {len(items)} 件事项", {"items": len(items), "xlsx": xlsx, "csv": csv_path})


@cli.group("audit", help="审计：事件日志的哈希链校验。The audit trail.")
def audit() -> None:
    """Audit commands."""


@audit.command("verify", help="校验事件日志是否被改动、删除或调换顺序。Verify the hash chain.")
@pass_session
def audit_verify(session: Session) -> None:
    check = getattr(session.desk.store, "verify", None)
    if check is None:
        session.say(
            "该存储没有哈希链（内存存储），无需校验", {"ok": True, "count": 0, "chained": False}
        )
        return
    result = check()
    data = {
        "ok": result.ok,
        "count": result.count,
        "first_bad": result.first_bad,
        "number": result.number,
        "what": result.what,
    }
    if result.ok:
        session.say(f"事件日志完整：{result.count} 条记录，哈希链校验通过", data)
        return
    session.say(
        f"事件日志异常：第 {result.first_bad} 条（事项 {result.number}）被{result.what}", data
    )
    raise SystemExit(11)


@cli.command("demo", help="演示：样例文件办理两个月，生成全部文书与月度数据。Run the demo.")
@click.option(
    "--out",
    default="demo-output",
    show_default=True,
    type=click.Path(file_okay=False),
    help="输出文件夹",
)
@click.option(
    "--data",
    default=None,
    type=click.Path(exists=True, file_okay=False),
    help="样例文件夹（默认 examples/data）",
)
@pass_session
def demo(session: Session, out: str, data: str | None) -> None:
    from appeal_adapters.demo import run_demo

    reports = run_demo(Path(out), db=session.db, data=Path(data) if data else None, echo=click.echo)
    for figures in reports:
        click.echo("")
        print_figures(figures)
    click.echo(f"\n文书已写入 {out}/：交办单、汇总清单、各月简报（docx、html）、月度数据、审计校验")
