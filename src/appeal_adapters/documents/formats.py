"""Choosing a document format by name, for the CLI and the HTTP service alike.

Every renderer (built-in or a plugin's, ``appeal_renderers``) has a name and a kind; a command
that writes one kind of document (``appeal report --month`` a briefing or its appendix,
``appeal sheet`` a sheet) accepts any renderer of that kind.  ``Document`` is what comes out:
bytes, a media type and a file name, ready for a file or an HTTP answer.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from appeal_adapters.documents.common import KINDS, Renderer, UnknownRenderer, renderers

if TYPE_CHECKING:
    from appeal_adapters.plugins import AppealPlugins

#: Media types ``mimetypes`` may not know on every system.
_TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}


@attrs.frozen(kw_only=True)
class Document:
    """A rendered document: the renderer's name and kind, its bytes, media type, file name."""

    format: str
    kind: str
    content: bytes
    media_type: str
    filename: str


def formats(plugins: AppealPlugins, kinds: Iterable[str] = ()) -> list[Renderer]:
    """The installed renderers of ``kinds`` (all when empty), by kind then name."""
    wanted = set(kinds)
    return sorted(
        (r for r in renderers(plugins).values() if not wanted or r.kind in wanted),
        key=lambda r: (KINDS.index(r.kind), r.name),
    )


def choose(plugins: AppealPlugins, name: str, kinds: Iterable[str]) -> Renderer:
    """The renderer called ``name`` if it is of one of ``kinds``; ``UnknownRenderer`` naming
    the ones that are, otherwise."""
    kinds = tuple(kinds)
    fit = {r.name: r for r in formats(plugins, kinds)}
    if name not in fit:
        raise UnknownRenderer(name, list(fit))
    return fit[name]


def extension(name: str) -> str:
    """The file extension a renderer's name ends with (``.docx``), or ``""``."""
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem and ext.isalnum() else ""


def media_type(name: str) -> str:
    """The media type of a renderer's output, from its name's extension."""
    ext = extension(name)
    return _TYPES.get(ext) or mimetypes.guess_type(f"x{ext}")[0] or "application/octet-stream"


def make(renderer: Renderer, subject: Any, *, stem: str, **options: Any) -> Document:
    """Render ``subject`` into a ``Document`` named ``stem`` plus the renderer's extension."""
    content = renderer.render(subject, options=options)
    return Document(
        format=renderer.name,
        kind=renderer.kind,
        content=content,
        media_type=media_type(renderer.name),
        filename=f"{stem}{extension(renderer.name) or '.bin'}",
    )
