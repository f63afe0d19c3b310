"""What every document shares: renderers, lazy imports, text sanitising, masking, dates."""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

from appeal_adapters.errors import AdapterError, MissingExtra
from appeal_core.timeutil import local_date

if TYPE_CHECKING:
    from appeal_adapters.plugins import AppealPlugins

BLANK_DATE = "____年__月__日"
KINDS = ("sheet", "summary_list", "briefing", "agenda", "minutes", "digest", "notice")


@attrs.frozen(kw_only=True)
class Renderer:
    """One output format: ``fn(subject, **options)`` returns the file's bytes."""

    name: str
    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    fn: Callable[..., bytes]

    def render(self, subject: Any, *, options: Mapping[str, Any] | None = None) -> bytes:
        """The document for ``subject``: an Appeal or a list of them, a MonthlyReport, an
        Agenda, a Meeting, a Digest, or one or more supervision notices (by ``kind``)."""
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


_CONTROL = [*range(0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF]
_DROP: dict[int, None] = {c: None for c in _CONTROL if c not in (0x09, 0x0A)}


def clean(value: object, limit: int | None = None) -> str:
    """Printable text: CR/CRLF become LF, control chars and lone surrogates go, emoji stay."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP)
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cs")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{3,4})[- ]?(\d{4})(?!\d)")
_LOCAL = re.compile(r"(?<![\d-])(\d{3,4})-?(\d{4})(?![\d-])")


def mask_phone(phone: str) -> str:
    """A phone number with its middle hidden: ``138****5678``, ``0513-****1701``."""
    text = clean(phone).strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return text
    if re.fullmatch(r"(86)?1[3-9]\d{9}", digits):
        return f"{digits[-11:-8]}****{digits[-4:]}"
    if re.fullmatch(r"0\d{9,11}", digits):
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-****{digits[-4:]}"
    return "****" + digits[-4:] if len(digits) > 4 else "****"


def mask_phones_in(text: str) -> str:
    """Free text with every mobile or landline number in it masked."""
    text = _MOBILE.sub(lambda m: f"{m[1]}****{m[3]}", text)
    text = _LANDLINE.sub(lambda m: f"{m[1]}-****{m[3]}", text)
    return _LOCAL.sub(lambda m: f"****{m[2]}", text)


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
