"""The figures from the command line: the month's report, any number explained, the year.

``appeal report --month M`` prints the month (or writes the briefing, the JSON, the appendix);
``appeal report --month M explain --department D --figure F`` lists the items behind a number;
``appeal report --year Y`` is the annual assessment.  A format is built only when asked for:
``--json`` reads the month's counts and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from appeal_adapters.cli.app import cli
from appeal_adapters.cli.items import pass_session
from appeal_adapters.cli.session import Session
from appeal_adapters.documents.formats import Document, choose
from appeal_adapters.reporting import (
    DEFAULT_FIGURES,
    annual_document,
    annual_json,
    explanation_json,
    month_document,
    report_json,
)
from appeal_core import MonthlyReport, ValidationError
from appeal_core.annual import AnnualReport
from appeal_core.explain import FIGURES, Explanation
from appeal_core.metrics import DISTRICT_TOTAL, month_bounds
from appeal_core.ranking import points


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
    """The month's per-department table, ranked, with the district total (CJK-aligned), the
    period, the definitions it was computed under and whether it is sealed."""
    from rich.console import Console
    from rich.table import Table

    late = figures.metrics_rules.split_late
    table = Table(title=f"{figures.year}年{figures.month}月 各部门办理情况（按综合得分排名）")
    columns = [
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
        *(["逾期办理"] if late else []),
        "逾期未办",
        "存量",
        "得分",
    ]
    for name in columns:
        table.add_column(name, justify="left" if name == "主办部门" else "right")
    ranks = {p.figures.department: str(p.rank) for p in figures.standings().ranked}
    for d in [*figures.ranking(), figures.total]:
        p = points(d.score(figures.weights))
        rank = "" if d is figures.total else ranks.get(d.department, "—")
        table.add_row(
            rank,
            d.department,
            str(d.assigned),
            str(d.reply_due),
            str(d.replied_on_time),
            _percent(d.response_rate),
            str(d.visited),
            str(d.resolved),
            _percent(d.completion_rate),
            _percent(d.satisfaction_rate),
            *([str(d.completed_late)] if late else []),
            str(d.overdue_open),
            str(d.stock),
            "—" if p is None else str(p),
        )
    console = Console(width=170)
    console.print(table)
    s = figures.standings()
    if s.too_few:
        names = "、".join(d.department for d in s.too_few)
        console.print(f"样本不足（应答复、回访均不足{figures.rules.min_items}件，不排名）：{names}")
    console.print(
        f"红榜：{'、'.join(p.figures.department for p in s.red) or '无'}；"
        f"黑榜：{'、'.join(p.figures.department for p in s.black) or '无'}"
    )
    console.print(f"统计期间：{figures.first} 至 {figures.last}", soft_wrap=True)
    console.print(figures.metrics_rules.describe(), soft_wrap=True)
    if figures.seal is not None:
        console.print(
            f"已封存：{figures.seal.at:%Y-%m-%d %H:%M} {figures.seal.by}，"
            f"摘要 {figures.seal.digest[:16]}…"
        )


def print_explanation(x: Explanation) -> None:
    """An explained figure: the value, then one row per item."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=170)
    value = (
        f"{x.numerator:g}/{x.denominator:g} = {_percent(x.value)}"
        if x.denominator is not None
        else f"{x.numerator:g}"
    )
    sealed = "（已封存，不含封存后的更正）" if x.sealed else ""
    console.print(f"{x.department} {x.year}年{x.month}月 {x.label}：{value}{sealed}")
    table = Table(show_lines=False)
    for name in ("事项编号", "主办部门", "分子", "分母", "依据", "相关事件"):
        table.add_column(name, justify="right" if name in ("分子", "分母") else "left")
    for line in x.lines:
        counted = "" if line.counted else "（不计）"
        table.add_row(
            line.number,
            line.department,
            f"{line.numerator:g}",
            f"{line.denominator:g}" if x.denominator is not None else "",
            line.reason + counted,
            "；".join(line.events),
        )
    if x.lines:
        console.print(table)
    console.print(f"统计期间：{x.first} 至 {x.last}", soft_wrap=True)
    console.print(x.rules.describe(), soft_wrap=True)


def print_annual(a: AnnualReport) -> None:
    """The annual assessment table."""
    from rich.console import Console
    from rich.table import Table

    rule = "全年合计计分" if a.rule == "summed" else "月度得分平均"
    table = Table(title=f"{a.year}年度 各部门服务企业情况（{rule}）")
    for name in (
        "名次",
        "部门",
        "应答复",
        "按时答复",
        "响应率",
        "回访",
        "解决",
        "完成率",
        "满意度",
        "年度得分",
        "红榜月份",
        "黑榜月份",
        "说明",
    ):
        table.add_column(name, justify="left" if name in ("部门", "说明") else "right")
    for line in a.lines:
        d, p = line.figures, points(line.score)
        table.add_row(
            str(line.rank or "—"),
            d.department,
            str(d.reply_due),
            str(d.replied_on_time),
            _percent(d.response_rate),
            str(d.visited),
            str(d.resolved),
            _percent(d.completion_rate),
            _percent(d.satisfaction_rate),
            "—" if p is None else str(p),
            "、".join(map(str, line.red)) or "—",
            "、".join(map(str, line.black)) or "—",
            line.standing,
        )
    console = Console(width=170)
    console.print(table)
    if a.provisional:
        months = "、".join(f"{m}月" for m in a.provisional)
        console.print(f"注：{months}尚未封存，按当前数据计算，可能变化。")


@cli.group(
    "report",
    invoke_without_command=True,
    help="月度通报（--month）或年度考核（--year）；explain 子命令说明任一数字的构成。"
    "Monthly figures, the annual assessment, and any number explained.",
)
@click.option("--month", default=None, metavar="YYYY-MM", help="月份")
@click.option("--year", type=int, default=None, help="年度考核的年份")
@click.option(
    "--docx",
    type=click.Path(dir_okay=False),
    default=None,
    help="写出简报（月）或年度考核表（年）.docx",
)
@click.option("--html", type=click.Path(dir_okay=False), default=None, help="写出简报 .html")
@click.option(
    "--xlsx",
    type=click.Path(dir_okay=False),
    default=None,
    help="写出简报附表：各部门各项指标的逐件明细（月），或年度考核表（年）.xlsx",
)
@click.option("--issue", default=None, help="简报期数（默认：该月在年内的序号，如 11 月为第11期）")
@click.option(
    "--format",
    "names",
    multiple=True,
    metavar="NAME",
    help="按名称写出文书，可用任一已安装的格式（appeal formats 列出；如 briefing.docx、"
    "explain.xlsx、annual.xlsx 或插件的格式），可重复 / write the named format.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="--format 只给一个时的输出文件（默认：briefing-YYYY-MM.docx 等，写在当前文件夹）",
)
@click.pass_context
def report(
    ctx: click.Context,
    month: str | None,
    year: int | None,
    docx: str | None,
    html: str | None,
    xlsx: str | None,
    issue: str | None,
    names: tuple[str, ...],
    out: str | None,
) -> None:
    session = ctx.find_object(Session)
    assert session is not None
    if (month is None) == (year is None):
        raise click.UsageError("请给出 --month YYYY-MM 或 --year YYYY（二选一）")
    if ctx.invoked_subcommand is not None:
        if month is None:
            raise click.UsageError("explain 需要 --month YYYY-MM")
        return
    if out and len(names) != 1:
        raise click.UsageError("--out 只能与一个 --format 同用")
    if year is not None:
        if html:
            raise click.UsageError("年度考核表可写出 --docx 或 --xlsx")
        wanted = _wanted(names, out, ("annual.docx", docx), ("annual.xlsx", xlsx))
        _annual(session, year, wanted)
    else:
        assert month is not None
        wanted = _wanted(
            names, out, ("briefing.docx", docx), ("briefing.html", html), ("explain.xlsx", xlsx)
        )
        _month(session, *parse_month(month), wanted, issue)


def _wanted(
    names: tuple[str, ...], out: str | None, *given: tuple[str, str | None]
) -> list[tuple[str, str | None]]:
    """(format, path or None for the default name): the shorthand options, then --format."""
    return [(n, p) for n, p in given if p] + [(n, out) for n in names]


def write(document: Document, path: str | None) -> str:
    """Write ``document`` to ``path`` (default: its own file name here); the path written."""
    target = path or document.filename
    Path(target).write_bytes(document.content)
    return target


def _month(
    session: Session, year: int, mon: int, wanted: list[tuple[str, str | None]], issue: str | None
) -> None:
    desk = session.reader
    figures = desk.report(year, mon)
    written = [
        write(month_document(desk, session.plugins, name, year, mon, issue=issue,
                             figures=figures), path)
        for name, path in wanted
    ]  # fmt: skip
    if session.as_json:
        corrections = desk.corrections(year, mon)
        data = report_json(figures, corrections)
        click.echo(json.dumps(data | ({"files": written} if written else {}),
                              ensure_ascii=False, indent=2))  # fmt: skip
        return
    print_figures(figures)
    for path in written:
        click.echo(f"已写出 {path}")


def _annual(session: Session, year: int, wanted: list[tuple[str, str | None]]) -> None:
    desk = session.reader
    written = [write(annual_document(desk, session.plugins, n, year), p) for n, p in wanted]
    if session.as_json:
        data = annual_json(desk.annual(year))
        click.echo(json.dumps(data | ({"files": written} if written else {}),
                              ensure_ascii=False, indent=2))  # fmt: skip
        return
    print_annual(desk.annual(year))
    for path in written:
        click.echo(f"已写出 {path}")


@report.command(
    "explain",
    help="说明某部门某月某项指标由哪些事项构成（逐件列出分子、分母及依据）。"
    "List the items behind a figure.",
)
@click.option(
    "--department",
    default=DISTRICT_TOTAL,
    show_default=True,
    help="部门（名称、简称或别名；默认全区合计）",
)
@click.option(
    "--figure",
    type=click.Choice(list(FIGURES)),
    default=None,
    help="指标（默认：各项比率及逾期办理、逾期未办）",
)
@click.option("--xlsx", type=click.Path(dir_okay=False), default=None, help="写出明细 .xlsx")
@click.option(
    "--format",
    "name",
    default=None,
    metavar="NAME",
    help="明细另用此格式写出（explain 类，appeal formats 列出），与 --out 同用",
)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="--format 的输出文件")
@click.pass_context
@pass_session
def explain(
    session: Session,
    ctx: click.Context,
    department: str,
    figure: str | None,
    xlsx: str | None,
    name: str | None,
    out: str | None,
) -> None:
    parent = ctx.parent
    assert parent is not None
    year, mon = parse_month(parent.params["month"])
    desk = session.reader
    figures = (figure,) if figure else DEFAULT_FIGURES
    if bool(name) != bool(out):
        raise click.UsageError("--format 与 --out 应同时给出")
    found = [desk.explain(year, mon, department, f) for f in figures]
    for path, fmt in ((xlsx, "explain.xlsx"), (out, name)):
        if path and fmt:
            renderer = choose(session.plugins, fmt, ("explain",))
            Path(path).write_bytes(renderer.render(found, options={"policy": desk.policy}))
    if session.as_json:
        data = [explanation_json(x) for x in found]
        click.echo(json.dumps(data[0] if figure else data, ensure_ascii=False, indent=2))
        return
    for x in found:
        print_explanation(x)
    for path in (xlsx, out):
        if path:
            click.echo(f"已写出 {path}")
