"""The built-in renderer plugin: the 附件1 sheet, the 附件2 list, the monthly briefing, its
appendix (every item behind every figure) and the annual assessment."""

from __future__ import annotations

from collections.abc import Callable

from appeal_adapters.documents.assessment import (
    render_annual_docx,
    render_annual_xlsx,
    render_explain_xlsx,
)
from appeal_adapters.documents.briefing import render_briefing, render_briefing_html
from appeal_adapters.documents.common import Renderer
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
)


@hookimpl
def appeal_renderers(register: Callable[[Renderer], None]) -> None:
    """Register the built-in document formats."""
    for renderer in BUILT_IN:
        register(renderer)
