"""``memory://``: the in-memory store, for tests and trials (nothing survives the process).

``memory://`` opens a fresh store each time; ``memory://NAME`` opens the store of that name,
shared by every opener in the process (handy for command-line tests and embedding).
"""

from __future__ import annotations

from collections.abc import Iterable

from appeal_adapters.hookspecs import hookimpl
from appeal_core.memory import MemoryStore
from appeal_core.ports import Store

SCHEME = "memory"
_NAMED: dict[str, MemoryStore] = {}


@hookimpl
def appeal_open_store(url: str) -> Store | None:
    """A fresh ``MemoryStore`` for ``memory://``, a shared named one for ``memory://NAME``."""
    scheme, _, rest = url.partition("://")
    if scheme != SCHEME:
        return None
    name = rest.strip("/")
    if not name:
        return MemoryStore()
    return _NAMED.setdefault(name, MemoryStore())


@hookimpl
def appeal_store_schemes() -> Iterable[str]:
    """This plugin opens ``memory://``."""
    return [SCHEME]
