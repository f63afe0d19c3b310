"""The plugin manager: load built-ins, block names, load entry points, check, idempotently."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

import pluggy

from appeal_adapters import hookspecs
from appeal_adapters.errors import PluginError, UnknownStoreURL
from appeal_core.ports import Store

#: The built-in plugins, registered like any third-party plugin (module paths).
DEFAULT_PLUGINS: tuple[str, ...] = (
    "appeal_adapters.storage.memory",
    "appeal_adapters.storage.sqlite",
    "appeal_adapters.storage.postgres",
    "appeal_adapters.documents.renderers",
    "appeal_adapters.channels.builtin",
)


class AppealPlugins:
    """A typed wrapper over pluggy's manager, with the hooks the library calls."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager
        self.hook: Any = manager.hook

    def register(self, plugin: object, name: str | None = None) -> None:
        """Register one more plugin object or module, and check its hooks."""
        self.manager.register(plugin, name=name)
        _check(self.manager)

    def open_store(self, url: str, *, read_only: bool = False) -> Store:
        """The store for ``url``, from whichever plugin accepts it (read-only when asked)."""
        key_store = self.hook.appeal_key_store(url=url)
        store: Store | None = self.hook.appeal_open_store(
            url=url, read_only=read_only, key_store=key_store
        )
        if store is None:
            raise UnknownStoreURL(url, self.store_schemes())
        return store

    def store_schemes(self) -> list[str]:
        """Every URL scheme some installed plugin opens."""
        return sorted({s for group in self.hook.appeal_store_schemes() for s in group})

    def names(self) -> list[str]:
        """Names of the registered plugins."""
        return sorted(n for n, _ in self.manager.list_name_plugin() if n)


def _check(manager: pluggy.PluginManager) -> None:
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"插件声明了不存在的钩子：{exc}") from exc


def load_plugins(
    *,
    blocked: Iterable[str] = (),
    entry_points: bool = True,
    extra: Sequence[object | ModuleType] = (),
) -> AppealPlugins:
    """A new plugin manager: built-ins, then blocked names, then entry points, then checks.

    ``blocked`` names built-in modules or entry-point names not to load.  Calling it twice
    gives two independent managers with the same plugins (loading is idempotent).
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    blocked = set(blocked)
    for name in blocked:
        manager.set_blocked(name)
    for path in DEFAULT_PLUGINS:
        if path not in blocked:
            manager.register(importlib.import_module(path), name=path)
    if entry_points:
        try:
            manager.load_setuptools_entrypoints(hookspecs.PROJECT)
        except Exception as exc:
            raise PluginError(f"加载 appeal 入口点插件失败：{exc}") from exc
    for plugin in extra:
        manager.register(plugin)
    _check(manager)
    return AppealPlugins(manager)


def open_store(url: str, *, plugins: AppealPlugins | None = None, read_only: bool = False) -> Store:
    """Open a store by URL with the default plugins (or the given manager).

    ``read_only=True`` opens it for reading only: no creation, migration or writes, and reads
    that never wait for a writer (SQLite ``mode=ro``, PostgreSQL read-only transactions).
    """
    return (plugins or load_plugins()).open_store(url, read_only=read_only)
