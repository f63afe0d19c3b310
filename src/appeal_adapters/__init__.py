"""appeal_adapters: pluggy hook specs, the plugin loader and the built-in adapters."""

from appeal_adapters.errors import AdapterError, MissingExtra, PluginError, UnknownStoreURL
from appeal_adapters.hookspecs import hookimpl
from appeal_adapters.plugins import AppealPlugins, load_plugins, open_store

__all__ = [
    "AdapterError",
    "AppealPlugins",
    "MissingExtra",
    "PluginError",
    "UnknownStoreURL",
    "hookimpl",
    "load_plugins",
    "open_store",
]
