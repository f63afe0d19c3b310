"""Errors of the adapters, rooted in the core's ``AppealError``."""

from __future__ import annotations

from appeal_core.errors import AppealError


class AdapterError(AppealError):
    """Root of the adapters' errors."""


class UnknownStoreURL(AdapterError, ValueError):
    """No installed plugin opens a store for this URL."""

    def __init__(self, url: str, schemes: list[str]) -> None:
        self.url = url
        self.schemes = schemes
        known = "、".join(schemes) or "无"
        super().__init__(f"无法打开存储地址 {url!r}：已安装的存储插件支持 {known}")


class MissingExtra(AdapterError, ImportError):
    """An optional dependency is not installed; names the extra that brings it."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(f"{feature}需要可选依赖 {module}，请安装：pip install 'appeal[{extra}]'")


class PluginError(AdapterError, RuntimeError):
    """A plugin is broken: an unknown hook, a bad signature or a failing entry point."""
