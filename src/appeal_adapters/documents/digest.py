"""The daily digest (每日汇总) as text for the terminal and the notifier, .docx and HTML.

One content for all three (``sections``): what came in, what is due today and on the next
working day, what went overdue, what awaits a follow-up visit, and the open escalations,
pauses and meeting tasks.  Enterprise phones never appear; texts are clipped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from appeal_adapters.documents.briefing_html import BODY, HEADING
from appeal_adapters.documents.common import clean, cn_date
from appeal_adapters.documents.office import clip, close, document, head, heading, para, table
from appeal_adapters.documents.word import save
from appeal_core.appeal import Channel
from appeal_core.digest import Digest, DigestLine
from appeal_core.policy import Policy
from appeal_core.supervision_notice import leader_title

WEEKDAYS = "一二三四五六日"
HEAD = ("编号", "企业及问题 / 任务", "责任单位", "事项", "日期")
WIDTHS = (27, 63, 28, 22, 16)
Section = tuple[str, Sequence[DigestLine], str]


def day_label(digest: Digest) -> str:
    """``2026年12月2日（星期三）``."""
    return f"{cn_date(digest.on)}（星期{WEEKDAYS[digest.on.weekday()]}）"


def intake_sentence(digest: Digest, policy: Policy | None = None) -> str:
    """New items: the app's and the 12345 hotline's counts first, as the seed names them."""
    period = (f"{digest.since.isoformat()} 至 {digest.until.isoformat()}"
              if digest.since != digest.until else digest.since.isoformat())  # fmt: skip
    label = (policy or Policy()).channel_label
    app, hotline = Channel.APP, Channel.HOTLINE
    others = "、".join(f"{label(ch)}{n}件" for ch, n in digest.received
                      if n and ch not in (app, hotline))  # fmt: skip
    return (
        f"{period}，共收到企业诉求{digest.received_total}件，其中{label(app)}"
        f"线上受理{digest.count(app)}件、{label(hotline)}{digest.count(hotline)}件"
        + (f"，{others}" if others else "")
        + "。"
    )


def sections(digest: Digest, policy: Policy | None = None) -> list[Section]:
    """(heading, lines, what to say when empty), in print order."""
    nxt = digest.next_day.isoformat()
    leader = leader_title(policy or Policy())
    return [
        (f"新收诉求（{len(digest.received_items)}件）", digest.received_items, "无。"),
        (f"今日到期（{len(digest.due_today)}项）", digest.due_today, "无。"),
        (f"下一工作日（{nxt}）到期（{len(digest.due_next)}项）", digest.due_next, "无。"),
        (f"新增逾期（{len(digest.went_overdue)}项，目前逾期共{digest.overdue}项）",
         digest.went_overdue, "无新增逾期。"),
        (f"待回访（{len(digest.awaiting_visit)}件）", digest.awaiting_visit, "无。"),
        (f"报{leader}尚未协调解决（{len(digest.escalations)}件）", digest.escalations, "无。"),
        (f"暂停计时（{len(digest.paused)}件）", digest.paused, "无。"),
        (f"会商会议交办任务未完成（{len(digest.tasks)}项）", digest.tasks, "无。"),
    ]  # fmt: skip


def _row(line: DigestLine) -> tuple[str, str, str, str, str]:
    what = line.what + (f"（{line.note}）" if line.note else "")
    return (line.number, clip(line.subject, 50), line.who or "—", what,
            line.due.isoformat() if line.due else "—")  # fmt: skip


def digest_text(digest: Digest, *, policy: Policy | None = None) -> str:
    """The digest as plain text (the terminal, the notifier's message)."""
    identity = (policy or Policy()).identity
    out = [f"{identity.desk}每日汇总 {day_label(digest)}", intake_sentence(digest, policy)]
    for k, (title, lines, empty) in enumerate(sections(digest, policy), start=1):
        out.append(f"{k}. {title}" + ("" if lines else f"：{empty}"))
        for line in lines:
            number, subject, who, what, due = _row(line)
            out.append(f"   {number}  {subject}  {who}  {what}  {due}")
    return "\n".join(out) + "\n"


def render_digest_text(subject: Digest, *, policy: Policy | None = None, **_: Any) -> bytes:
    """``digest.txt``: the text, UTF-8."""
    return digest_text(subject, policy=policy).encode("utf-8")


def render_digest_docx(subject: Digest, *, policy: Policy | None = None, **_: Any) -> bytes:
    """``digest.docx``: the digest in the office's style."""
    identity = (policy or Policy()).identity
    doc = document("每日汇总")
    title = "民企诉求直通车每日汇总"
    head(doc, identity.office, title, aside=day_label(subject))
    para(doc, intake_sentence(subject, policy))
    for k, (name, lines, empty) in enumerate(sections(subject, policy), start=1):
        heading(doc, f"{k}. {name}")
        if lines:
            table(doc, HEAD, [_row(x) for x in lines], WIDTHS)
        else:
            para(doc, empty)
    close(doc, identity.desk, subject.on)
    return save(doc, title=f"{title} {subject.on.isoformat()}", author=clean(identity.office),
                created=subject.on)  # fmt: skip


CSS = f"""body{{font-family:{BODY};font-size:14pt;max-width:180mm;margin:2em auto;line-height:1.5}}
h1{{font-family:{HEADING};font-size:18pt;text-align:center;margin:.3em 0}}
.office{{color:#c00000;text-align:center;font-size:16pt;border-bottom:2px solid #c00000}}
h2{{font-family:{HEADING};font-size:14pt;font-weight:normal;margin:1em 0 .3em}}
table{{border-collapse:collapse;font-size:10.5pt;width:100%}}
td,th{{border:1px solid #333;padding:.15em .3em;vertical-align:top}}
th{{font-family:{HEADING};font-weight:normal}}
@page{{size:A4;margin:37mm 26mm 35mm 28mm}}
@media print{{body{{max-width:none;margin:0}}thead{{display:table-header-group}}
tr{{break-inside:avoid}}h2{{break-after:avoid}}}}"""


def render_digest_html(subject: Digest, *, policy: Policy | None = None, **_: Any) -> bytes:
    """``digest.html``: one self-contained page with a print stylesheet."""
    e = html.escape
    identity = (policy or Policy()).identity
    title = f"民企诉求直通车每日汇总 {day_label(subject)}"
    parts = [f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
             f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
             f'<p class="office">{e(clean(identity.office))}</p><h1>{e(title)}</h1>'
             f"<p>{e(intake_sentence(subject, policy))}</p>"]  # fmt: skip
    head_row = "".join(f"<th>{e(h)}</th>" for h in HEAD)
    for k, (name, lines, empty) in enumerate(sections(subject, policy), start=1):
        parts.append(f"<h2>{k}. {e(name)}</h2>")
        if not lines:
            parts.append(f"<p>{e(empty)}</p>")
            continue
        body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in _row(x)) + "</tr>"
                       for x in lines)  # fmt: skip
        parts.append(f"<table><thead><tr>{head_row}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")
