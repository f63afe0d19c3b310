"""``memory://``: the in-memory store, for tests and trials (nothing survives the process)."""

from __future__ import annotations

from collections.abc import Iterable

from appeal_adapters.hookspecs import hookimpl
from appeal_core.memory import MemoryStore
from appeal_core.ports import Store

SCHEME = "memory"


@hookimpl
def appeal_open_store(url: str) -> Store | None:
    """A fresh ``MemoryStore`` for ``memory://``."""
    return MemoryStore() if url.split(":", 1)[0] == SCHEME else None


@hookimpl
def appeal_store_schemes() -> Iterable[str]:
    """This plugin opens ``memory://``."""
    return [SCHEME]
