"""The monthly briefing (高质量服务企业工作简报) as .docx and self-contained HTML.

Enterprise contacts and phones never appear; any phone number inside a text is masked.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs

from appeal_adapters.documents import charts
from appeal_adapters.documents.common import clean, cn_date, mask_phones_in, percent
from appeal_adapters.documents.sheet import (
    add_text,
    new_document,
    no_split,
    set_fonts,
    set_widths,
)
from appeal_core.appeal import Appeal
from appeal_core.identity import Identity
from appeal_core.metrics import DepartmentFigures, MonthlyReport, month_bounds
from appeal_core.policy import Policy

DEPT_COLUMNS = ("排名", "部门", "交办", "应答复", "按期答复", "响应率", "应办结", "按期办结",
                "回访", "解决", "完成率", "满意度", "逾期未办", "存量", "得分")  # fmt: skip
ITEM_COLUMNS = ("序号", "事项编号", "企业名称", "主办部门", "期限", "逾期天数")
WIDTHS_MM = {15: [7, 21, *[8] * 3, 14, *[8] * 4, 14, 14, 8, 8, 14], 6: [10, 30, 44, 34, 22, 16]}
RATES = (("响应率", "response_rate"), ("完成率", "completion_rate"),
         ("满意度", "satisfaction_rate"))  # fmt: skip


@attrs.frozen
class Block:
    """One piece of the briefing: kind is title, subtitle, heading, text, table or image."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    png: bytes = b""


def safe(value: object) -> str:
    """Printable text with any phone number in it masked."""
    return mask_phones_in(clean(value))


def score(d: DepartmentFigures, weights: Sequence[float]) -> str:
    """The score on a 100-point scale, or ``—``."""
    s = d.score(weights)
    return "—" if s is None else f"{s * 100:.1f}"


def change(now: float | None, before: float | None) -> str:
    """Month-on-month change in percentage points: ``↑5.0个百分点``, ``持平`` or ``—``."""
    if now is None or before is None:
        return "—"
    d = (now - before) * 100
    if abs(d) < 0.05:
        return "持平"
    return f"{'↑' if d > 0 else '↓'}{abs(d):.1f}个百分点"


def _dept_row(rank: str, d: DepartmentFigures, weights: Sequence[float]) -> tuple[str, ...]:
    counts = (d.assigned, d.reply_due, d.replied_on_time)
    done = (d.completion_due, d.completed_on_time, d.visited, d.resolved)
    return (rank, safe(d.department), *map(str, counts), percent(d.response_rate),
            *map(str, done), percent(d.completion_rate), percent(d.satisfaction_rate),
            str(d.overdue_open), str(d.stock), score(d, weights))  # fmt: skip


def _totals(r: MonthlyReport, previous: MonthlyReport | None, identity: Identity) -> str:
    t = r.total
    received = sum(c.received for c in r.channels)
    by_channel = "、".join(
        f"{identity.channel_label(c.channel)}{c.received}件" for c in r.channels if c.received
    )
    text = (
        f"本月共受理企业诉求{received}件{f'（{by_channel}）' if by_channel else ''}，"
        f"已交办或答复{sum(c.assigned_or_answered for c in r.channels)}件，"
        f"已答复{sum(c.answered for c in r.channels)}件。各部门本月承办{t.assigned}件；"
        f"应答复{t.reply_due}件，按期答复{t.replied_on_time}件，响应率{percent(t.response_rate)}；"
        f"回访{t.visited}件，解决{t.resolved}件，完成率{percent(t.completion_rate)}；"
        f"企业满意度{percent(t.satisfaction_rate)}。"
    )
    if previous is not None:
        p = previous.total
        text += "与上月相比：" + "，".join(
            f"{name}{change(getattr(t, attr), getattr(p, attr))}" for name, attr in RATES
        ) + "。"  # fmt: skip
    return text


def _lists(r: MonthlyReport, top_n: int) -> list[Block]:
    ranked = [d for d in r.ranking() if d.score(r.weights) is not None]
    bottom = min(top_n, len(ranked) // 2)
    red = ranked[: min(top_n, len(ranked) - bottom)]
    black = ranked[::-1][:bottom]

    def names(ds: list[DepartmentFigures]) -> str:
        return "、".join(f"{safe(d.department)}（{score(d, r.weights)}分）" for d in ds) or "（无）"

    return [Block("text", "红榜：" + names(red)), Block("text", "黑榜：" + names(black))]


def _mom(r: MonthlyReport, previous: MonthlyReport) -> Block:
    before = {d.department: d for d in previous.departments}
    rows: list[tuple[str, ...]] = [("部门", "响应率", "环比", "完成率", "环比", "满意度", "环比")]
    for d in [*r.ranking(), r.total]:
        p = previous.total if d is r.total else before.get(d.department)
        cells: list[str] = [safe(d.department)]
        for _, attr in RATES:
            now = getattr(d, attr)
            cells += [percent(now), change(now, getattr(p, attr) if p else None)]
        rows.append(tuple(cells))
    return Block("table", rows=tuple(rows))


def due_of(item: Appeal) -> date | None:
    """The deadline an open item is chased on: its reply, else its completion."""
    if item.final_reply is None and item.preliminary_reply is None and item.reply_due:
        return item.reply_due.due
    if item.final_reply is None and item.completion_due:
        return item.completion_due.due
    return None


def _supervision(items: Sequence[Appeal], on: date) -> Block:
    rows: list[tuple[int, tuple[str, ...]]] = []
    for item in items:
        if not item.status.is_open:
            continue
        due = due_of(item)
        late = (on - due).days if due and due < on else 0
        cells = (safe(item.number), safe(item.enterprise.name), safe(item.lead or "未交办"),
                 cn_date(due, "—"), str(late) if late else "未逾期")  # fmt: skip
        rows.append((late, cells))
    rows.sort(key=lambda x: (-x[0], x[1][0]))
    body = tuple((str(i), *cells) for i, (_, cells) in enumerate(rows, start=1))
    return Block("table", rows=(ITEM_COLUMNS, *body)) if body else Block("text", "（无）")


def blocks(
    report: MonthlyReport,
    *,
    issue: int | str | None = None,
    previous: MonthlyReport | None = None,
    items: Sequence[Appeal] = (),
    on: date | None = None,
    top_n: int = 3,
    policy: Policy | None = None,
    with_charts: bool = True,
) -> list[Block]:
    """The briefing's content, shared by the .docx and the HTML writers.

    Its title and issuing body come from ``policy`` (Haimen's by default).
    """
    identity = (policy or Policy()).identity
    title, office = identity.briefing_title, identity.issuer
    on = on or month_bounds(report.year, report.month)[1]
    ranked = report.ranking()
    table = [DEPT_COLUMNS, *(_dept_row(str(i), d, report.weights) for i, d in enumerate(ranked, 1))]
    table.append(_dept_row("", report.total, report.weights))
    out = [
        Block("title", clean(title)),
        Block("subtitle", f"第{clean(issue) if issue is not None else '____'}期"),
        Block("subtitle", f"{clean(office)}　　{report.year}年{report.month}月"),
        Block("heading", "总体情况"),
        Block("text", _totals(report, previous, identity)),
        Block("heading", "各部门办理情况（按综合得分排名）"),
        Block("table", rows=tuple(table)),
        Block("text", "注：无应办事项的比率记为“—”，不计为0%或100%。"),
        Block("heading", "红黑榜"),
        *_lists(report, top_n),
    ]
    if previous is not None:
        out += [Block("heading", f"环比变化（与{previous.year}年{previous.month}月相比）"),
                _mom(report, previous)]  # fmt: skip
    out += [Block("heading", "逾期及存量事项督办清单"), _supervision(items, on)]
    if with_charts:
        labels = [safe(d.department) for d in ranked]
        series = {name: [getattr(d, attr) for d in ranked] for name, attr in RATES}
        png, why = charts.bar_chart("各部门响应率、完成率、满意度（%）", labels, series)
        out.append(Block("heading", "各部门办理情况图表"))
        out.append(Block("image", rows=(), png=png) if png else Block("text", f"（{why}）"))
    return _number_headings(out)


def _number_headings(out: list[Block]) -> list[Block]:
    numerals, n = "一二三四五六七八九", 0
    fixed = []
    for b in out:
        if b.kind == "heading":
            b = attrs.evolve(b, text=f"{numerals[n]}、{b.text.split('、', 1)[-1]}")
            n += 1
        fixed.append(b)
    return fixed


def render_briefing(subject: MonthlyReport, **options: Any) -> bytes:
    """The briefing as .docx bytes (options: issue, previous, items, on, top_n, title...)."""
    doc = new_document("工作简报", size_pt=12)
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    for b in blocks(subject, **options):
        if b.kind == "title":
            p = add_text(doc, b.text, align="center", size=22, font="方正小标宋简体")
            p.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
        elif b.kind in ("subtitle", "text"):
            add_text(doc, b.text, align="center" if b.kind == "subtitle" else "justify")
        elif b.kind == "heading":
            p = add_text(doc, b.text, font="黑体", size=14)
            p.paragraph_format.space_before = Pt(8)
        elif b.kind == "image":
            doc.add_picture(io.BytesIO(b.png), width=Mm(156))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            t = doc.add_table(rows=len(b.rows), cols=len(b.rows[0]))
            t.style = "Table Grid"
            set_widths(t, WIDTHS_MM.get(len(b.rows[0]), [156 / len(b.rows[0])] * len(b.rows[0])))
            for row in t.rows:
                no_split(row)
            for r, row in enumerate(b.rows):
                for c, text in enumerate(row):
                    p = add_text(t.cell(r, c), text, size=8 if len(row) > 8 else 10, first=True)
                    if r == 0:
                        set_fonts(p.runs[0]._element, "黑体")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


CSS = """body{font-family:"仿宋_GB2312","FangSong","Noto Serif CJK SC",serif;max-width:60em;
margin:2em auto;line-height:1.6}h1{color:#c00000;text-align:center;font-family:"方正小标宋简体",
"SimHei","Noto Sans CJK SC",sans-serif}.sub{text-align:center}h2{font-family:"黑体","SimHei",
sans-serif;font-size:1.1em}table{border-collapse:collapse;font-size:.85em}td,th{border:1px
solid #333;padding:.2em .4em;text-align:center}img{max-width:100%}"""


def render_briefing_html(subject: MonthlyReport, **options: Any) -> bytes:
    """The briefing as one self-contained HTML page (charts as base64 data URIs)."""
    e = html.escape
    title = f"{subject.year}年{subject.month}月"
    parts = [f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
             f"<title>{e(clean((options.get('policy') or Policy()).identity.briefing_title))}"
             f" {title}</title>"
             f"<style>{CSS}</style></head><body>"]  # fmt: skip
    for b in blocks(subject, **options):
        if b.kind == "title":
            parts.append(f"<h1>{e(b.text)}</h1>")
        elif b.kind == "subtitle":
            parts.append(f'<p class="sub">{e(b.text)}</p>')
        elif b.kind == "heading":
            parts.append(f"<h2>{e(b.text)}</h2>")
        elif b.kind == "text":
            parts.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "image":
            data = base64.b64encode(b.png).decode("ascii")
            parts.append(f'<p><img alt="各部门比率图表" src="data:image/png;base64,{data}"></p>')
        else:
            head = "".join(f"<th>{e(c)}</th>" for c in b.rows[0])
            body = "".join(
                "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in b.rows[1:]
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")
