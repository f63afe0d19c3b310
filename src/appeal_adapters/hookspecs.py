"""Every hook of the ``appeal`` plugin system, with one docstring template each.

Hooks are called with keyword arguments only.  (pluggy reads parameter names from ordinary
parameters, so the specs cannot use ``*``; callers always pass keywords.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from appeal_adapters.channels.base import ChannelParser
    from appeal_adapters.documents.common import Renderer
    from appeal_adapters.notify.notice import Notice
    from appeal_core.actor import Actor
    from appeal_core.calendar import YearNotice
    from appeal_core.ports import KeyStore, Store

PROJECT = "appeal"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def appeal_open_store(url: str, read_only: bool, key_store: KeyStore | None) -> Store | None:
    """Open the store that ``url`` names, or return None when the scheme is not yours.

    :param url: the store address, e.g. ``memory://`` or ``sqlite:///appeals.db``.
    :param read_only: open for reading only (queries, reports, the audit): never create,
        migrate or write, and do not wait for writers.  An implementation may leave the
        parameter out of its signature; it then opens as usual.
    :param key_store: the deployment's own key store (``appeal_key_store``), or None for the
        store's default; an implementation may leave it out too.
    :return: an object implementing ``appeal_core.ports.Store``, or None.

    First non-None result wins.
    """


@hookspec(firstresult=True)
def appeal_key_store(url: str) -> KeyStore | None:
    """The key service that keeps the contacts' keys of the store at ``url`` (docs/privacy.md).

    :param url: the store address about to be opened.
    :return: an object implementing ``appeal_core.ports.KeyStore`` (e.g. over a KMS or an HSM),
        or None to keep the default (keys in the store's own database, wrapped by the master
        key from ``APPEAL_MASTER_KEY``).

    First non-None result wins.
    """


@hookspec
def appeal_store_schemes() -> Iterable[str]:
    """The URL schemes your ``appeal_open_store`` accepts, for error messages and docs.

    :return: scheme names such as ``["memory"]``.

    All results are collected.
    """


@hookspec
def appeal_calendar_data() -> Iterable[YearNotice]:
    """Holiday notices (one ``YearNotice`` per year) to add to the Chinese work calendar.

    :return: notices; a notice for a year replaces that year's built-in data.

    All results are collected; for the same year, later-registered plugins win.
    """


@hookspec
def appeal_notify(notice: Notice) -> None:
    """Deliver one notice (提醒、督办、催办) to people, e.g. by SMS or an office system.

    :param notice: an ``appeal_adapters.notify.Notice``; ``notice.ident`` is stable across retries.

    All implementations are called; an exception in one is caught by the outbox and retried later.
    """


@hookspec
def appeal_renderers(register: Callable[[Renderer], None]) -> None:
    """Register document formats: call ``register(Renderer(name=..., kind=..., fn=...))``.

    :param register: callback taking an ``appeal_adapters.documents.Renderer``.

    All implementations are called; for the same name, the plugin registered last wins.
    """


@hookspec
def appeal_channels(register: Callable[[ChannelParser], None]) -> None:
    """Register intake channels: call ``register(ChannelParser(name=..., formats=..., fn=...))``.

    :param register: callback taking an ``appeal_adapters.channels.ChannelParser``.

    All implementations are called; for the same name, the plugin registered last wins.
    """


@hookspec(firstresult=True)
def appeal_http_authenticate(headers: Mapping[str, str]) -> Actor | None:
    """Who sends an HTTP request, by your platform's own authentication (docs/http.md).

    :param headers: the request's headers, names in lower case (e.g. a header your gateway
        sets after it authenticated the user, or an OIDC bearer token you verify).
    :return: the ``appeal_core.Actor`` acting (role, department, name), or None to fall back
        to the service's own bearer tokens (``appeal token create``).  Raise nothing for a bad
        credential: return None and the request gets 401.

    First non-None result wins.
    """
