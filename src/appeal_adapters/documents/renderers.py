"""The built-in renderer plugin: the 附件1 sheet, the 附件2 list and the monthly briefing."""

from __future__ import annotations

from collections.abc import Callable

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
)


@hookimpl
def appeal_renderers(register: Callable[[Renderer], None]) -> None:
    """Register the five built-in document formats."""
    for renderer in BUILT_IN:
        register(renderer)
