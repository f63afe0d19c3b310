"""The supervision notice (督办通知单) as .docx: one notice per page, in the office's style.

Each names its number (``督办〔2026〕12号``) and level, the department, every overdue matter
with its deadline and working days late, what is required by when, and at the second level
the leader it is copied to; the desk's contact line closes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from appeal_adapters.documents.common import clean, cn_date
from appeal_adapters.documents.office import close, document, head, para, table
from appeal_adapters.documents.word import save
from appeal_core.journal import SupervisionNoticeIssued
from appeal_core.policy import Policy

HEAD = ("序号", "编号", "企业及问题 / 任务", "期限", "逾期\n工作日")
WIDTHS = (10, 30, 72, 28, 16)


def _notice(doc: Any, n: SupervisionNoticeIssued, policy: Policy, first: bool) -> None:
    from docx.enum.section import WD_SECTION

    identity = policy.identity
    if not first:
        doc.add_section(WD_SECTION.NEW_PAGE)
    level = "二次督办" if n.second_level else "督办"
    head(
        doc,
        identity.office,
        "督办通知单",
        number=f"编号：{n.code}",
        aside=f"{level}　{cn_date(n.day)}",
    )
    para(doc, f"{clean(n.target)}：", indent=False)
    para(doc, f"经每日跟踪，下列{len(n.lines)}项已超过办理期限。请于{cn_date(n.required_by)}前"
              f"办理完毕，并将办理情况书面反馈{identity.desk}。")  # fmt: skip
    rows = [(str(k), x.number, f"{clean(x.subject)}\n{x.what}",
             x.due.isoformat() if x.due else "—", str(x.workdays_overdue or "—"))
            for k, x in enumerate(n.lines, start=1)]  # fmt: skip
    table(doc, HEAD, rows, WIDTHS)
    para(doc, "注：逾期工作日按办公室工作日历计，自期限次日起算至督办当日（含）。", indent=False,
         size=10.5)  # fmt: skip
    if n.cc:
        para(doc, f"抄送：{'、'.join(clean(c) for c in n.cc)}", indent=False)
    para(doc, identity.desk_contact, indent=False, size=10.5)
    close(doc, identity.desk, n.day)


def render_notice(
    subject: SupervisionNoticeIssued | Sequence[SupervisionNoticeIssued],
    *,
    policy: Policy | None = None,
    **_: Any,
) -> bytes:
    """One or more supervision notices as .docx, each on its own page."""
    policy = policy or Policy()
    notices = [subject] if isinstance(subject, SupervisionNoticeIssued) else list(subject)
    doc = document("督办通知单")
    for k, n in enumerate(notices):
        _notice(doc, n, policy, first=k == 0)
    name = "督办通知单" + (f" {notices[0].code}" if notices else "")
    name += f" 等{len(notices)}份" if len(notices) > 1 else ""
    day = max((n.day for n in notices), default=None)
    return save(doc, title=name, author=clean(policy.identity.office), created=day)
