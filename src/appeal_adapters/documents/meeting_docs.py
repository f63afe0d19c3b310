"""The consultation meeting's agenda (会商会议议题) and minutes (会商会议纪要) as .docx."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from appeal_adapters.documents.common import clean, cn_date
from appeal_adapters.documents.office import (
    clip,
    close,
    document,
    head,
    heading,
    none_line,
    para,
    table,
)
from appeal_adapters.documents.word import save
from appeal_core.agenda import Agenda, AgendaItem
from appeal_core.meetings import Meeting
from appeal_core.policy import Policy
from appeal_core.supervision_notice import leader_title
from appeal_core.tasks import Task

ITEM_HEAD = ("序号", "事项编号", "企业及问题", "主办部门", "提请会商的原因")
ITEM_WIDTHS = (10, 27, 55, 26, 38)
NUMERALS = "一二三四五六七八九十"


def _items(doc: Any, entries: Sequence[AgendaItem]) -> None:
    if not entries:
        none_line(doc)
        return
    rows = [(str(k), e.number, f"{e.enterprise}：{clip(e.content, 50)}", e.lead or "—", e.why)
            for k, e in enumerate(entries, start=1)]  # fmt: skip
    table(doc, ITEM_HEAD, rows, ITEM_WIDTHS)


def render_agenda(
    subject: Agenda, *, policy: Policy | None = None, held_on: date | None = None, **_: Any
) -> bytes:
    """The month's agenda: five sections and the earlier tasks still open (options:
    ``policy``, ``held_on``: the meeting's date, printed and used as the file's date)."""
    identity = (policy or Policy()).identity
    doc = document("会商会议议题")
    title = f"{subject.year}年{subject.month}月民企诉求直通车会商会议议题"
    head(doc, identity.office, title, aside="会议日期：" + cn_date(held_on))
    para(doc, f"根据民企诉求直通车会商会议制度，{identity.desk}梳理了本月直通车运作中"
              "部门层面难以协调解决的事项，提请会议研究会商。")  # fmt: skip
    sections = (
        (f"报{leader_title(policy or Policy())}后当月未协调解决的事项", subject.escalations),
        ("多次退回或改派的事项", subject.transfers),
        ("二次督办后仍逾期未办的事项", subject.supervised),
        ("本月定性为无法解决、提请复核的事项", subject.characterized),
    )
    k = 0
    for k, (name, entries) in enumerate(sections):
        heading(doc, f"{NUMERALS[k]}、{name}（{len(entries)}件）")
        _items(doc, entries)
    k += 1
    heading(doc, f"{NUMERALS[k]}、多家企业反映的共性问题（{len(subject.recurring)}个）")
    if subject.recurring:
        rows = [(str(i), r.name, r.category or "—", str(len(r.enterprises)),
                 "、".join(r.numbers), "、".join(r.departments) or "—")
                for i, r in enumerate(subject.recurring, start=1)]  # fmt: skip
        table(doc, ("序号", "问题", "类别", "涉及企业", "事项编号", "主办部门"), rows,
              (10, 38, 16, 16, 50, 26))  # fmt: skip
    else:
        none_line(doc)
    k += 1
    heading(doc, f"{NUMERALS[k]}、往次会议交办任务未完成情况（{len(subject.tasks)}项）")
    _tasks(doc, subject.tasks)
    close(doc, identity.desk, held_on)
    return save(doc, title=title, author=clean(identity.office), created=held_on)


def _tasks(doc: Any, tasks: Sequence[Task]) -> None:
    if not tasks:
        none_line(doc)
        return
    rows = [(t.id, clip(t.text, 50), t.owner, t.due.isoformat(), t.status.label)
            for t in tasks]  # fmt: skip
    table(doc, ("任务编号", "任务", "责任部门", "完成时限", "状态"), rows, (32, 56, 28, 22, 18))


def render_minutes(
    subject: Meeting, *, policy: Policy | None = None, tasks: Sequence[Task] = (), **_: Any
) -> bytes:
    """The minutes: when, who, what was taken up, and each decision with its owner, due date,
    items and task number (options: ``policy``, ``tasks``: their current states)."""
    identity = (policy or Policy()).identity
    doc = document("会商会议纪要")
    title = "民企诉求直通车会商会议纪要"
    head(doc, identity.office, title, number=f"会议编号：{subject.id}",
         aside=cn_date(subject.held_on))  # fmt: skip
    chair = f"，{clean(subject.chair)}主持" if subject.chair else ""
    para(doc, f"{cn_date(subject.held_on)}，{identity.desk}召开民企诉求直通车会商会议{chair}。"
              f"{'、'.join(subject.attendees)}参加会议。")  # fmt: skip
    if subject.summary:
        para(doc, subject.summary)
    if subject.items:
        para(doc, f"会议研究了{'、'.join(subject.items)}等{len(subject.items)}件事项。")
    heading(doc, f"会议议定事项（{len(subject.decisions)}项）")
    if not subject.decisions:
        none_line(doc)
    states = {t.id: t for t in tasks}
    for k, (task_id, d) in enumerate(zip(subject.tasks, subject.decisions, strict=True), 1):
        items = f"（涉及事项：{'、'.join(d.items)}）" if d.items else ""
        state = states.get(task_id)
        status = f"；当前状态：{state.status.label}" if state else ""
        para(doc, f"{k}. {clean(d.owner)}负责：{clean(d.text)}{items}，于{cn_date(d.due)}前"
                  f"完成并报{identity.desk}。（任务编号：{task_id}{status}）")  # fmt: skip
    para(doc, f"以上议定事项由{identity.desk}纳入每日跟踪督办，逾期未完成的予以督办通报。")
    close(doc, identity.desk, subject.held_on)
    return save(doc, title=f"{title} {subject.id}", author=clean(identity.office),
                created=subject.held_on)  # fmt: skip
