"""The built-in renderer plugin: the 附件1 sheet, the 附件2 list, the monthly briefing, its
appendix (every item behind every figure), the annual assessment, and the month's documents:
the meeting's agenda and minutes, the daily digest, the supervision notice."""

from __future__ import annotations

from collections.abc import Callable

from appeal_adapters.documents.assessment import (
    render_annual_docx,
    render_annual_xlsx,
    render_explain_xlsx,
)
from appeal_adapters.documents.briefing import render_briefing, render_briefing_html
from appeal_adapters.documents.common import Renderer
from appeal_adapters.documents.digest import (
    render_digest_docx,
    render_digest_html,
    render_digest_text,
)
from appeal_adapters.documents.meeting_docs import render_agenda, render_minutes
from appeal_adapters.documents.notice import render_notice
from appeal_adapters.documents.sheet import render_sheet
from appeal_adapters.documents.summary_list import render_summary_csv, render_summary_list
from appeal_adapters.hookspecs import hookimpl

BUILT_IN = (
    Renderer(name="sheet.docx", kind="sheet", fn=render_sheet),
    Renderer(name="summary_list.xlsx", kind="summary_list", fn=render_summary_list),
    Renderer(name="summary_list.csv", kind="summary_list", fn=render_summary_csv),
    Renderer(name="briefing.docx", kind="briefing", fn=render_briefing),
    Renderer(name="briefing.html", kind="briefing", fn=render_briefing_html),
    Renderer(name="explain.xlsx", kind="explain", fn=render_explain_xlsx),
    Renderer(name="annual.xlsx", kind="annual", fn=render_annual_xlsx),
    Renderer(name="annual.docx", kind="annual", fn=render_annual_docx),
    Renderer(name="agenda.docx", kind="agenda", fn=render_agenda),
    Renderer(name="minutes.docx", kind="minutes", fn=render_minutes),
    Renderer(name="digest.docx", kind="digest", fn=render_digest_docx),
    Renderer(name="digest.html", kind="digest", fn=render_digest_html),
    Renderer(name="digest.txt", kind="digest", fn=render_digest_text),
    Renderer(name="notice.docx", kind="notice", fn=render_notice),
)


@hookimpl
def appeal_renderers(register: Callable[[Renderer], None]) -> None:
    """Register the built-in document formats."""
    for renderer in BUILT_IN:
        register(renderer)
