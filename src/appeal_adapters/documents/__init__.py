"""Printed documents: the assignment sheet, the summary list and the monthly briefing."""

# The plugin module ``renderers`` is imported first so that the function of the same name,
# bound below, stays this package's ``renderers`` attribute.
import appeal_adapters.documents.renderers as _plugin  # noqa: F401
from appeal_adapters.documents.common import (
    Renderer,
    UnknownRenderer,
    clean,
    cn_date,
    mask_phone,
    mask_phones_in,
    phone_line,
    render,
    renderers,
)
from appeal_adapters.documents.summary_list import read_summary_list

__all__ = [
    "Renderer",
    "UnknownRenderer",
    "clean",
    "cn_date",
    "mask_phone",
    "mask_phones_in",
    "phone_line",
    "read_summary_list",
    "render",
    "renderers",
]
