"""The status page ``GET /`` for the desk and leaders: this month's ranked table with its chart
(inline SVG drawn here), the overdue and stock lists, and the sweep's notices of today.

One self-contained HTML page: inline CSS and SVG, no script, no font or image to fetch, so it
works offline on a government intranet.  Signed in by ``Authorization: Bearer`` or once by
``/?token=…``, which sets an HttpOnly cookie and redirects to ``/`` (docs/http.md).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from appeal_adapters.http.auth import COOKIE, authenticate
from appeal_adapters.http.errors import problem
from appeal_adapters.http.handlers import now
from appeal_adapters.http.service import Service
from appeal_core import Desk, Role, ValidationError
from appeal_core.events import Noticed
from appeal_core.explain import FIGURES
from appeal_core.metrics import MonthlyReport
from appeal_core.supervision import supervision_list

e = html.escape
CSS = """body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;
margin:1.5em auto;max-width:1180px;color:#222}h1{font-size:1.5em}h2{font-size:1.15em;
border-bottom:2px solid #1f4e79;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{border:1px solid #999;padding:.25em .5em;text-align:center}th{background:#dde6f0}
td.l{text-align:left}.muted{color:#666}svg{display:block;margin:.5em 0}"""
CHART_WIDTH, BAR, GAP, LABEL = 1100, 22, 8, 260


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def chart(report: MonthlyReport) -> str:
    """The ranked departments' scores as horizontal bars, an inline SVG."""
    standings = report.standings()
    places = standings.ranked
    if not places:
        return '<p class="muted">本月尚无可排名的部门。</p>'
    top = max(float(p.points) for p in places) or 1.0
    height = len(places) * (BAR + GAP) + GAP + 24
    span = CHART_WIDTH - LABEL - 80
    parts = [
        f'<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" '
        f'height="{height}" role="img" aria-label="本月各部门综合得分">',
        f'<rect width="{CHART_WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for k, place in enumerate(places):
        y = GAP + k * (BAR + GAP)
        width = max(2.0, float(place.points) / top * span)
        name = e(place.figures.department)
        parts += [
            f'<text x="{LABEL - 8}" y="{y + BAR * 0.72}" text-anchor="end" font-size="14">'
            f"{place.rank}. {name}</text>",
            f'<rect class="bar" x="{LABEL}" y="{y}" width="{width:.1f}" height="{BAR}" '
            f'fill="#1f4e79"/>',
            f'<text x="{LABEL + width + 6:.1f}" y="{y + BAR * 0.72}" font-size="13">'
            f"{place.points}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)


def ranking_table(report: MonthlyReport) -> str:
    """The month's ranked table: rank, department, the counts and rates, the score."""
    standings = report.standings()
    rates = ("response_rate", "on_time_completion_rate", "completion_rate", "satisfaction_rate")
    heads = ("名次", "部门", FIGURES["assigned"][0], *(FIGURES[r][0] for r in rates), "得分")
    rows = []
    for place in standings.ranked:
        f = place.figures
        cells = (place.rank, f.department, f.assigned, _pct(f.response_rate),
                 _pct(f.on_time_completion_rate), _pct(f.completion_rate),
                 _pct(f.satisfaction_rate), place.points)  # fmt: skip
        rows.append("<tr>" + "".join(_cell(c, k == 1) for k, c in enumerate(cells)) + "</tr>")
    for f in (*standings.too_few, *standings.unscored):
        left_out = '<td colspan="5" class="muted">样本不足或无可评分事项，不参加排名</td>'
        rows.append(f'<tr><td>—</td><td class="l">{e(f.department)}</td><td>{f.assigned}</td>'
                    f"{left_out}</tr>")  # fmt: skip
    head = "".join(f"<th>{h}</th>" for h in heads)
    return (
        f'<table id="ranking"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _cell(value: Any, left: bool) -> str:
    return f'<td class="l">{e(str(value))}</td>' if left else f"<td>{e(str(value))}</td>"


def _list(rows: Sequence[tuple[str, ...]], heads: tuple[str, ...], ident: str) -> str:
    if not rows:
        return f'<p id="{ident}" class="muted">无</p>'
    head = "".join(f"<th>{h}</th>" for h in heads)
    body = "".join(
        "<tr>" + "".join(_cell(c, k > 0) for k, c in enumerate(r)) + "</tr>" for r in rows
    )
    return f'<table id="{ident}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def todays_notices(desk: Desk, today: date) -> list[tuple[str, ...]]:
    """The notices the sweep recorded today: item, to whom, what."""
    found: list[tuple[str, ...]] = []
    for item in desk.store.states(desk.district):
        if item.updated_at.date() < today:
            continue
        for event in desk.store.events(item.number):
            if isinstance(event, Noticed) and event.at.date() == today:
                found.append((item.number, event.target, event.message))
    return found


def render(desk: Desk, today: date, month: tuple[int, int] | None = None) -> str:
    """The whole page for ``today``: this month's, or an earlier ``month``'s as it ended (the
    first days of a month have little to rank: the page links the month before)."""
    year, mon = month or (today.year, today.month)
    ended = date(year + mon // 12, mon % 12 + 1, 1) - timedelta(days=1)
    as_of = min(today, ended)
    report = desk.report(year, mon)
    supervised = supervision_list(  # as of today (or the month's end), not its later cut-off
        desk.store, desk.district, year, mon, desk.calendar, as_of
    )
    overdue = [
        (s.number, s.enterprise, s.lead, str(s.due or ""), f"{s.workdays_late} 个工作日")
        for s in supervised
        if s.overdue
    ]
    stock = [
        (s.number, s.enterprise, s.lead, str(s.due or "")) for s in supervised if not s.overdue
    ]
    office = e(desk.policy.identity.office)
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{office}：诉求办理情况</title><style>{CSS}</style></head><body>
<h1>{office}：{year}年{mon}月诉求办理情况</h1>
<p class="muted">截至 {as_of.isoformat()}；统计口径见月度通报。{_months(today, (year, mon))}</p>
<h2>{"本月" if as_of == today else f"{mon}月"}部门排名</h2>{chart(report)}{ranking_table(report)}
<h2>逾期未办结（{len(overdue)}）</h2>
{_list(overdue, ("编号", "企业", "主办部门", "期限", "逾期"), "overdue")}
<h2>存量事项（{len(stock)}）</h2>{_list(stock, ("编号", "企业", "主办部门", "期限"), "stock")}
<h2>今日跟踪督办</h2>{_list(todays_notices(desk, today), ("编号", "对象", "内容"), "sweep")}
</body></html>"""


def _months(today: date, shown: tuple[int, int]) -> str:
    """Links to the month before the one shown, and back to this month."""
    year, mon = shown
    before = (year - 1, 12) if mon == 1 else (year, mon - 1)
    links = [f'<a href="/?month={before[0]:04d}-{before[1]:02d}">上月</a>']
    if shown != (today.year, today.month):
        links.append('<a href="/">本月</a>')
    return "　" + "　".join(links)


def month_asked(text: str | None, today: date) -> tuple[int, int] | None:
    """``?month=YYYY-MM`` (this month or an earlier one); ``ValidationError`` otherwise."""
    if not text:
        return None
    year, _, mon = text.partition("-")
    if not (len(year) == 4 and year.isdigit() and len(mon) == 2 and mon.isdigit()):
        raise ValidationError("month", text[:20], "应为 YYYY-MM，如 2026-11")
    asked = (int(year), int(mon))
    if not 1 <= asked[1] <= 12 or not (2000, 1) <= asked <= (today.year, today.month):
        raise ValidationError("month", text, f"应为 2000-01 至 {today:%Y-%m} 之间的月份")
    return asked


def routes(service: Service) -> list[BaseRoute]:
    """``GET /``: the page for the desk and leaders."""

    async def index(request: Request) -> Response:
        token = request.query_params.get("token")
        if token:  # sign in once: the token goes into a cookie, out of the address bar
            try:
                month = month_asked(request.query_params.get("month"), now().date())
            except ValidationError:
                month = None
            target = f"/?month={month[0]:04d}-{month[1]:02d}" if month else "/"
            answer = RedirectResponse(target, status_code=303)
            answer.set_cookie(COOKIE, token, httponly=True, samesite="strict")
            return answer
        desk: Desk = service.desk
        headers, cookies = dict(request.headers), dict(request.cookies)
        try:
            actor = await service.run_plain(
                lambda: authenticate(desk, service.plugins, headers, cookies)
            )
            if actor.role is Role.DEPARTMENT:
                return _message(403, "状态页供区服务企业办和区分管领导使用。")
            today = now().date()
            month = month_asked(request.query_params.get("month"), today)
            page = await service.run_plain(lambda: render(desk, today, month))
        except Exception as exc:
            status, body = problem(exc)
            return _message(status, body["error"]["message"])
        return HTMLResponse(page)

    return [Route("/", index, methods=["GET"])]


def _message(status: int, text: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{status}</title>'
        f"<style>{CSS}</style></head><body><h1>{status}</h1><p>{e(text)}</p></body></html>",
        status,
    )
