"""The monthly briefing (高质量服务企业工作简报): its content, shared by the .docx and the HTML.

Enterprise contacts and phones never appear; any phone number inside a text is masked.  The
writers are ``briefing_docx`` and ``briefing_html``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

import attrs

from appeal_adapters.documents import charts
from appeal_adapters.documents.common import clean, cn_date, mask_phones_in, percent
from appeal_core.appeal import Appeal
from appeal_core.corrections import Change, CorrectionEffect
from appeal_core.metrics import DepartmentFigures, MonthlyReport
from appeal_core.policy import Policy
from appeal_core.ranking import Place, points
from appeal_core.supervision import Supervised

log = logging.getLogger("appeal.documents")

DEPT_COLUMNS = ("排名", "部门", "交办", "应答复", "按期\n答复", "响应率", "应办结", "按期\n办结",
                "回访", "解决", "完成率", "满意度", "逾期\n未办", "存量", "得分")  # fmt: skip
ITEM_COLUMNS = ("序号", "事项编号", "企业名称", "主办部门", "期限", "逾期\n工作日")
RATES = (("响应率", "response_rate"), ("完成率", "completion_rate"),
         ("满意度", "satisfaction_rate"))  # fmt: skip
DAYS_NOTE = "注：逾期工作日按办公室工作日历计，自期限次日起算至截止日（含）"


@attrs.frozen
class Block:
    """One piece of the briefing.

    kind: title, issue, issuer (the issuing line, ``text`` left and ``aside`` right), heading,
    text, note, table (``rows``; ``head`` heading rows; ``wide`` for a landscape page),
    image (``png``), distribution (``rows`` of label, addressees).
    """

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    png: bytes = b""
    aside: str = ""
    head: int = 1
    wide: bool = False


def safe(value: object) -> str:
    """Printable text with any phone number in it masked."""
    return mask_phones_in(clean(value))


def score(d: DepartmentFigures, weights: Sequence[float]) -> str:
    """The published score (×100, one decimal, half up), or ``—``."""
    p = points(d.score(weights))
    return "—" if p is None else str(p)


def change(now: float | None, before: float | None) -> str:
    """Month-on-month change in percentage points: ``↑5.0``, ``↓1.2``, ``持平`` or ``—``."""
    if now is None or before is None:
        return "—"
    d = (now - before) * 100
    if abs(d) < 0.05:
        return "持平"
    return f"{'↑' if d > 0 else '↓'}{abs(d):.1f}"


def _dept_row(
    rank: str, d: DepartmentFigures, weights: Sequence[float], late: bool = False
) -> tuple[str, ...]:
    counts = (d.assigned, d.reply_due, d.replied_on_time)
    done = (d.completion_due, d.completed_on_time, d.visited, d.resolved)
    return (rank, safe(d.department), *map(str, counts), percent(d.response_rate),
            *map(str, done), percent(d.completion_rate), percent(d.satisfaction_rate),
            *([str(d.completed_late)] if late else []), str(d.overdue_open), str(d.stock),
            score(d, weights))  # fmt: skip


def _totals(r: MonthlyReport, previous: MonthlyReport | None, policy: Policy) -> str:
    t = r.total
    received = sum(c.received for c in r.channels)
    by_channel = "、".join(
        f"{policy.channel_label(c.channel)}{c.received}件" for c in r.channels if c.received
    )
    text = (
        f"本月共受理企业诉求{received}件{f'（{by_channel}）' if by_channel else ''}，"
        f"已交办或答复{sum(c.assigned_or_answered for c in r.channels)}件，"
        f"已答复{sum(c.answered for c in r.channels)}件。各部门本月承办{t.assigned}件；"
        f"应答复{t.reply_due}件，按期答复{t.replied_on_time}件，响应率{percent(t.response_rate)}；"
        f"回访{t.visited}件，解决{t.resolved}件，完成率{percent(t.completion_rate)}；"
        f"企业满意度{percent(t.satisfaction_rate)}；月末存量{t.stock}件，其中逾期未办"
        f"{t.overdue_open}件。"
    )
    if _has_data(previous):
        assert previous is not None
        p = previous.total
        moves = [(name, change(getattr(t, attr), getattr(p, attr))) for name, attr in RATES]
        text += "与上月相比：" + "，".join(
            f"{name}{'持平' if c == '持平' else c + '个百分点' if c != '—' else '无可比数据'}"
            for name, c in moves
        ) + "。"  # fmt: skip
    return text


def _has_data(report: MonthlyReport | None) -> bool:
    """Whether a month has anything to compare with: a rate of the district with a value."""
    return report is not None and any(getattr(report.total, a) is not None for _, a in RATES)


def _ranked_table(r: MonthlyReport) -> list[Block]:
    s, late = r.standings(), r.metrics_rules.split_late
    rows = [_dept_row(str(p.rank), p.figures, r.weights, late) for p in s.ranked]
    rows += [_dept_row("—", d, r.weights, late) for d in (*s.too_few, *s.unscored)]
    rows.append(_dept_row("", r.total, r.weights, late))
    parts = "响应率、完成率、满意度" + (
        "、按时办结率" if len(r.weights) > 3 and r.weights[3] else ""
    )
    notes = [f"注：得分为{parts}的加权平均×100（保留一位小数）；无应办事项的比率记为"
             "“—”，不计为0%或100%。得分相同的按规定的部门顺序排列。"]  # fmt: skip
    if late:
        notes.append(
            "逾期办理为本月办结但晚于办结期限的事项，逾期未办为截止日仍未办结且已过期限的事项。"
        )
    if s.too_few:
        names = "、".join(safe(d.department) for d in s.too_few)
        notes.append(
            f"本月应答复、回访均不足{r.rules.min_items}件的部门不参与排名（样本不足）：{names}。"
        )
    if s.unscored:
        notes.append(
            "本月无可评分事项的部门：" + "、".join(safe(d.department) for d in s.unscored) + "。"
        )
    columns = (*DEPT_COLUMNS[:-3], "逾期\n办理", *DEPT_COLUMNS[-3:]) if late else DEPT_COLUMNS
    period = f"统计期间：{cn_date(r.first)}至{cn_date(r.last)}。{r.metrics_rules.describe()}。"
    notes.append(period)
    table = Block("table", rows=(columns, *rows), wide=True)
    return [table, Block("note", "".join(notes))]


def _lists(r: MonthlyReport, top_n: int | None) -> list[Block]:
    s = r.standings()
    red, black = s.red, s.black
    if top_n is not None:
        red, black = red[:top_n], black[:top_n]

    def names(places: Sequence[Place]) -> str:
        return "、".join(f"{safe(p.figures.department)}（{p.points}分）" for p in places)

    return [
        Block("text", "红榜：" + (names(red) or "本月无部门符合条件（须参与排名且得分高于0分）。")),
        Block("text", "黑榜：" + (names(black) or "本月无。")),
    ]


def _mom(r: MonthlyReport, previous: MonthlyReport) -> Block:
    before = {d.department: d for d in previous.departments}
    head = (("部门", "本月比率", "", "", "环比（百分点）", "", ""),
            ("", "响应率", "完成率", "满意度", "响应率", "完成率", "满意度"))  # fmt: skip
    rows: list[tuple[str, ...]] = []
    for d in [*r.ranking(), r.total]:
        p = previous.total if d is r.total else before.get(d.department)
        now = [getattr(d, attr) for _, attr in RATES]
        then = [getattr(p, attr) if p else None for _, attr in RATES]
        rows.append((safe(d.department), *map(percent, now), *map(change, now, then)))
    return Block("table", rows=(*head, *rows), head=2)


def _days(s: Supervised) -> str:
    if not s.overdue:
        return "未逾期"
    if s.workdays_late == 0 and not s.at_least:
        return "当日到期"
    return f"{'≥' if s.at_least else ''}{s.workdays_late}"


def _supervision(lines: Sequence[Supervised], on: date) -> list[Block]:
    if not lines:
        return [Block("text", f"截至{cn_date(on)}，无存量事项。")]
    body = tuple(
        (str(i), safe(s.number), safe(s.enterprise), safe(s.lead), cn_date(s.due, "—"), _days(s))
        for i, s in enumerate(lines, start=1)
    )
    late = sum(s.overdue for s in lines)
    text = f"截至{cn_date(on)}，存量事项{len(lines)}件，其中逾期未办{late}件（逾期的列前）。"
    note = DAYS_NOTE + ("；“≥”表示工作日历缺少部分年份的安排，按已知日期计。" if any(
        s.at_least for s in lines) else "。")  # fmt: skip
    return [Block("text", text), Block("table", rows=(ITEM_COLUMNS, *body)), Block("note", note)]


def _change(c: Change) -> str:
    bits = []
    for label, attr in RATES:
        before, after = getattr(c.before, attr), getattr(c.after, attr)
        if before != after:
            bits.append(f"{label}{percent(before)}→{percent(after)}")
    for label, attr in (("应答复", "reply_due"), ("按期答复", "replied_on_time"),
                        ("应办结", "completion_due"), ("按期办结", "completed_on_time"),
                        ("回访", "visited"), ("解决", "resolved"), ("逾期办理", "completed_late"),
                        ("逾期未办", "overdue_open"), ("存量", "stock")):  # fmt: skip
        before, after = getattr(c.before, attr), getattr(c.after, attr)
        if before != after:
            bits.append(f"{label}{before}→{after}")
    return f"{safe(c.department)}" + ("、".join(bits) if bits else "无变化")


def _corrections(effects: Sequence[CorrectionEffect]) -> list[Block]:
    """更正: each correction recorded this month, and what it changes in the sealed month."""
    out = []
    for k, e in enumerate(effects, 1):
        c = e.correction
        items = "、".join(f"{safe(i.number)}（{i.action}）" for i in c.items)
        changed = "；".join(_change(ch) for ch in e.changes) or "不影响各部门数据"
        text = (
            f"{k}. {cn_date(c.at)}，{safe(c.by)}补录日期为{cn_date(c.effective)}的办理事项："
            f"{items}，理由：{safe(c.reason)}。对{e.year}年{e.month}月（已封存）数据的影响："
            f"{changed}。"
        )
        out.append(Block("text", text))
    out.append(Block("note", "注：已封存月份的通报数据不变，更正及其影响在此列明。"))
    return out


def lines_from_states(items: Sequence[Appeal], on: date) -> list[Supervised]:
    """Supervision lines from items' *current* states (the older ``items=`` option): open items
    with a pending deadline, days late on the national calendar.  Prefer
    ``Desk.supervision_list``, which reads each item as it stood at the cut-off."""
    from appeal_core.calendar import china_calendar
    from appeal_core.supervision import workdays_late
    from appeal_core.sweep import pending_deadline

    calendar, found = china_calendar(), []
    for item in items:
        pending = pending_deadline(item) if item.status.is_open else None
        if item.assignment is None or pending is None:
            continue
        due = pending[1].due
        late, at_least = workdays_late(calendar, due, on)
        found.append(Supervised(number=item.number, enterprise=item.enterprise.name,
                                lead=item.assignment.lead, due=due, overdue=due <= on,
                                workdays_late=late, at_least=at_least))  # fmt: skip
    return sorted(found, key=lambda s: (not s.overdue, -s.workdays_late, s.due or date.max))


def blocks(
    report: MonthlyReport,
    *,
    issue: int | str | None = None,
    previous: MonthlyReport | None = None,
    supervision: Sequence[Supervised] = (),
    top_n: int | None = None,
    policy: Policy | None = None,
    with_charts: bool = True,
    items: Sequence[Appeal] = (),
    on: date | None = None,
    corrections: Sequence[CorrectionEffect] = (),
) -> list[Block]:
    """The briefing's content, shared by the .docx and the HTML writers.

    Title, issuer and distribution come from ``policy`` (Haimen's by default); ``issue`` is the
    issue number (``第____期`` to fill in by hand when None); ``supervision`` the month's stock
    at its cut-off (``Desk.supervision_list``); ``top_n`` shortens the red and black lists
    below the policy's ``red_black_size``.  A chart that cannot be drawn is logged, not printed.
    ``items`` (and ``on``, default the month's last day) is the older way to pass the list:
    current states, see ``lines_from_states``.  ``corrections`` (``Desk.corrections``) are
    listed as 更正 with their effect on the sealed months.
    """
    identity = (policy or Policy()).identity
    on = on or report.last
    if items and not supervision:
        supervision = lines_from_states(items, on)
    number = clean(issue) if issue is not None and clean(issue).strip() else "____"
    out = [
        Block("title", clean(identity.briefing_title)),
        Block("issue", f"第{number}期"),
        Block("issuer", clean(identity.issuer), aside=f"{report.year}年{report.month}月"),
        Block("heading", "总体情况"),
        Block("text", _totals(report, previous, policy or Policy())),
        Block("heading", "各部门办理情况（按综合得分排名）"),
        *_ranked_table(report),
        Block("heading", "红黑榜"),
        *_lists(report, top_n),
    ]
    if _has_data(previous):
        assert previous is not None
        out += [Block("heading", f"环比变化（与{previous.year}年{previous.month}月相比）"),
                _mom(report, previous)]  # fmt: skip
    out += [Block("heading", "逾期及存量事项督办清单"), *_supervision(supervision, on)]
    if corrections:
        out += [Block("heading", "更正"), *_corrections(corrections)]
    if with_charts:
        ranked = report.ranking()
        labels = [safe(d.department) for d in ranked]
        series = {name: [getattr(d, attr) for d in ranked] for name, attr in RATES}
        png, why = charts.bar_chart("各部门响应率、完成率、满意度（%）", labels, series)
        if png:
            out += [Block("heading", "各部门办理情况图表"), Block("image", png=png)]
        else:
            log.warning("简报 %s年%s月 未附图表：%s", report.year, report.month, why)
    if identity.distribution:
        out.append(Block("distribution", rows=tuple(
            (clean(label), clean(who)) for label, who in identity.distribution)))  # fmt: skip
    return _number_headings(out)


def _number_headings(out: list[Block]) -> list[Block]:
    numerals, n = "一二三四五六七八九十", 0
    fixed = []
    for b in out:
        if b.kind == "heading":
            b = attrs.evolve(b, text=f"{numerals[n]}、{b.text.split('、', 1)[-1]}")
            n += 1
        fixed.append(b)
    return fixed


def render_briefing(subject: MonthlyReport, **options: object) -> bytes:
    """The briefing as .docx bytes (``briefing_docx.briefing_docx``)."""
    from appeal_adapters.documents.briefing_docx import briefing_docx

    return briefing_docx(subject, **options)


def render_briefing_html(subject: MonthlyReport, **options: object) -> bytes:
    """The briefing as one self-contained HTML page (``briefing_html.briefing_html``)."""
    from appeal_adapters.documents.briefing_html import briefing_html

    return briefing_html(subject, **options)
