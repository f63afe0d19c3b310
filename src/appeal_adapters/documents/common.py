"""What every document shares: renderers, lazy imports, text sanitising, masking, dates."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

from appeal_adapters.documents.phones import mask_phone as mask_phone
from appeal_adapters.documents.phones import mask_phones_in as mask_phones_in
from appeal_adapters.errors import AdapterError, MissingExtra
from appeal_core.text import clean as clean  # re-exported: the channels and documents use it
from appeal_core.timeutil import local_date

if TYPE_CHECKING:
    from appeal_adapters.plugins import AppealPlugins

BLANK_DATE = "____年__月__日"
KINDS = ("sheet", "summary_list", "briefing", "explain", "annual", "agenda", "minutes", "digest",
         "notice")  # fmt: skip


@attrs.frozen(kw_only=True)
class Renderer:
    """One output format: ``fn(subject, **options)`` returns the file's bytes."""

    name: str
    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    fn: Callable[..., bytes]

    def render(self, subject: Any, *, options: Mapping[str, Any] | None = None) -> bytes:
        """The document for ``subject``: an Appeal or a list of them, a MonthlyReport, a list
        of Explanations, an AnnualReport, an Agenda, a Meeting, a Digest, or one or more
        supervision notices (by ``kind``)."""
        return self.fn(subject, **dict(options or {}))


class UnknownRenderer(AdapterError, LookupError):
    """No installed plugin registers a renderer of this name."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        super().__init__(f"没有名为 {name!r} 的文档格式；已安装：{'、'.join(known) or '无'}")


def renderers(plugins: AppealPlugins) -> dict[str, Renderer]:
    """Every registered renderer by name; a plugin registered later replaces a built-in."""
    found: dict[str, Renderer] = {}
    # pluggy calls the last-registered plugin first, so the first name seen wins.
    plugins.hook.appeal_renderers(register=lambda r: found.setdefault(r.name, r))
    return dict(sorted(found.items()))


def render(plugins: AppealPlugins, name: str, subject: Any, **options: Any) -> bytes:
    """Render ``subject`` with the renderer called ``name`` (e.g. ``"sheet.docx"``)."""
    known = renderers(plugins)
    if name not in known:
        raise UnknownRenderer(name, list(known))
    return known[name].render(subject, options=options)


def load(module: str, feature: str, extra: str, package: str | None = None) -> ModuleType:
    """Import an optional library, or raise ``MissingExtra`` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(feature, extra, package or module) from exc


def cn_date(value: date | datetime | None, blank: str = BLANK_DATE) -> str:
    """``2024年10月10日``, or the blank to fill in by hand."""
    if value is None:
        return blank
    if isinstance(value, datetime):
        value = local_date(value)
    return f"{value.year}年{value.month}月{value.day}日"


def percent(rate: float | None) -> str:
    """``66.7%``, or ``—`` when there is no value (never 0% or 100% by default)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def phone_line(phone: str, extension: str = "", *, mask: bool = False) -> str:
    """A phone as documents print it: ``0513-82111701 转 8023``; with ``mask`` the number is
    masked (``0513-****1701 转 8023``: an extension is the enterprise's switchboard line)."""
    number = mask_phone(phone) if mask else clean(phone)
    return f"{number} 转 {clean(extension)}" if number and extension else number
