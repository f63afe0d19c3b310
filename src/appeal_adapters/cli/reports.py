"""Documents from the command line: sheet, export, demo (figures: figures.py; audit: audit.py)."""

from __future__ import annotations

from pathlib import Path

import click

from appeal_adapters.cli.app import cli
from appeal_adapters.cli.figures import parse_month, print_figures
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session
from appeal_adapters.documents import render
from appeal_adapters.documents.formats import choose
from appeal_adapters.reporting import parse_status, select_items
from appeal_core.privacy import for_lead


@cli.command("sheet", help="打印交办单（附件1）。Write assignment sheets as .docx.")
@click.argument("numbers", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出文件")
@click.option(
    "--format",
    "name",
    default="sheet.docx",
    show_default=True,
    metavar="NAME",
    help="交办单格式（appeal formats 列出，含插件的格式）",
)
@pass_session
def sheet(session: Session, numbers: tuple[str, ...], out: str, name: str) -> None:
    reader = session.reader
    items = [for_lead(reader.get(n)) for n in numbers]  # the sheet goes to the lead department
    renderer = choose(session.plugins, name, ("sheet",))
    Path(out).write_bytes(renderer.render(items, options={"policy": reader.policy}))
    session.say(f"已写出 {len(items)} 份交办单：{out}", {"file": out, "numbers": list(numbers)})


@cli.command("export", help="导出汇总清单（附件2）。Export the summary list.")
@click.option("--xlsx", type=click.Path(dir_okay=False), default=None, help="输出 .xlsx")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None, help="输出 .csv")
@click.option(
    "--format",
    "name",
    default=None,
    metavar="NAME",
    help="另用此格式写出（汇总清单类，appeal formats 列出，如插件的 summary.md），与 --out 同用",
)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="--format 的输出文件")
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
    name: str | None,
    out: str | None,
    handling: bool,
    month: str | None,
    department: str,
    unit: str,
    status: str | None,
    person: str,
    phone: str,
    unmasked: bool,
) -> None:
    if not xlsx and not csv_path and not name:
        raise click.UsageError("请给出 --xlsx、--csv 或 --format NAME --out 文件")
    if bool(name) != bool(out):
        raise click.UsageError("--format 与 --out 应同时给出")
    chosen = choose(session.plugins, name, ("summary_list",)) if name else None
    items = select_items(
        session.reader.store.states(session.district),
        month=parse_month(month) if month else None,
        department=department.strip(),
        unit=unit.strip(),
        status=parse_status(status.strip()) if status else None,
    )
    options = {"handling": handling, "unit": unit, "filler": person, "phone": phone,
               "policy": session.reader.policy, "mask_phones": not unmasked}  # fmt: skip
    for path, fmt in ((xlsx, "summary_list.xlsx"), (csv_path, "summary_list.csv")):
        if path:
            Path(path).write_bytes(render(session.plugins, fmt, items, **options))
    if chosen is not None and out:
        Path(out).write_bytes(chosen.render(items, options=options))
    session.say(
        f"已导出 {len(items)} 件事项",
        {"items": len(items), "xlsx": xlsx, "csv": csv_path, "out": out, "format": name},
    )


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
    click.echo(
        f"\n文书已写入 {out}/：交办单、汇总清单、各月简报（docx、html）、月度数据、每日汇总、"
        "督办通知单、会商会议纪要与议题、协办情况、审计校验"
    )
