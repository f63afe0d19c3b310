"""Errors as JSON: ``{"error": {"type", "message", "code"}}`` with a fitting HTTP status.

``code`` is the exit code the command line documents for the same error (docs/cli.md), so a
platform handles both faces alike; ``message`` is the library's Chinese message.  Storage and
internal failures are logged on the server and answered without their details: never a
traceback to the client.
"""

from __future__ import annotations

import logging
from typing import Any

from appeal_adapters.errors import AdapterError, MissingExtra, exit_code
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

log = logging.getLogger("appeal.http")

#: HTTP status of each library error; the first matching class wins.
STATUSES: tuple[tuple[type[BaseException], int], ...] = (
    (ValidationError, 400),
    (LifecycleError, 409),
    (PermissionDenied, 403),
    (AppealNotFound, 404),
    (QuarantineNotFound, 404),
    (TaskNotFound, 404),
    (MeetingNotFound, 404),
    (ConcurrencyConflict, 409),
    (CalendarDataMissing, 409),
    (MissingExtra, 501),
    (LookupError, 404),  # an unknown document format or channel
    (ValueError, 400),  # an unreadable file or document sent by the client
    (AdapterError, 503),  # the store, a key, a plugin: the server's side
    (AppealError, 400),
)


class HttpProblem(Exception):
    """A refusal of the service itself (no token, bad JSON, ETag mismatch ...)."""

    def __init__(self, status: int, kind: str, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.code = status, kind, message, code


def not_found(what: str) -> HttpProblem:
    """The one answer for what does not exist and what the caller may not see."""
    return HttpProblem(404, "AppealNotFound", f"没有{what}", 6)


def problem(exc: BaseException) -> tuple[int, dict[str, Any]]:
    """The HTTP status and JSON body answering ``exc``."""
    if isinstance(exc, HttpProblem):
        return exc.status, _body(exc.kind, exc.message, exc.code)
    if isinstance(exc, AppealError):
        status = next(s for cls, s in STATUSES if isinstance(exc, cls))
        message = str(exc)
        if status == 503:  # the store's details (a URL, a path) stay in the server's log
            log.error("storage: %s: %s", type(exc).__name__, exc)
            message = "存储暂不可用，请稍后重试"
        body = _body(type(exc).__name__, message, exit_code(exc))
        if isinstance(exc, ConcurrencyConflict):
            body["error"]["retryable"] = True
        return status, body
    if isinstance(exc, OSError):
        log.error("storage: %s: %s", type(exc).__name__, exc)
        return 503, _body("StorageError", "存储暂不可用，请稍后重试", 9)
    log.exception("internal error", exc_info=exc)
    return 500, _body("InternalError", "内部错误，已记录在服务器日志中", 1)


def _body(kind: str, message: str, code: int) -> dict[str, Any]:
    return {"error": {"type": kind, "message": " ".join(message.split()), "code": code}}
