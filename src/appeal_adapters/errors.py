"""Errors of the adapters, rooted in the core's ``AppealError``."""

from __future__ import annotations

from appeal_core.errors import (
    AppealError,
    AppealNotFound,
    CalendarDataMissing,
    ConcurrencyConflict,
    LifecycleError,
    MeetingNotFound,
    PermissionDenied,
    QuarantineNotFound,
    TaskNotFound,
    ValidationError,
)


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


#: Exit codes, documented in docs/cli.md; the first matching class wins.  The HTTP service
#: sends the same numbers as ``code`` in its error bodies (docs/http.md).
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (ValidationError, 3),
    (LifecycleError, 4),
    (PermissionDenied, 5),
    (AppealNotFound, 6),
    (QuarantineNotFound, 6),
    (TaskNotFound, 6),
    (MeetingNotFound, 6),
    (ConcurrencyConflict, 7),
    (CalendarDataMissing, 8),
    (MissingExtra, 10),
    (AdapterError, 9),
    (AppealError, 1),
)


def exit_code(exc: BaseException) -> int:
    """The documented exit code of an error."""
    return next((code for cls, code in EXIT_CODES if isinstance(exc, cls)), 1)
