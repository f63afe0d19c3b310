"""The HTTP service's error answers: status, type, the CLI's code, nothing of the server's."""

from __future__ import annotations

import pytest

from appeal_adapters.errors import MissingExtra
from appeal_adapters.http.errors import HttpProblem, problem
from appeal_adapters.storage.sql import StorageError
from appeal_core.errors import (
    AppealNotFound,
    ConcurrencyConflict,
    LifecycleError,
    PermissionDenied,
    ValidationError,
)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (ValidationError("text", 5, "应为文本"), 400, 3),
        (PermissionDenied("区市场监督管理局", "close"), 403, 5),
        (AppealNotFound("HM-2026-0001"), 404, 6),
        (ConcurrencyConflict("HM-2026-0001", 3, 4), 409, 7),
        (MissingExtra("HTTP 服务", "http", "starlette"), 501, 10),
        (HttpProblem(412, "PreconditionFailed", "已被修改", 7), 412, 7),
    ],
)
def test_each_error_has_its_status_and_the_cli_code(
    error: Exception, status: int, code: int
) -> None:
    got, body = problem(error)
    assert (got, body["error"]["code"]) == (status, code)
    assert body["error"]["type"] == (getattr(error, "kind", None) or type(error).__name__)
    assert body["error"]["message"]


def test_a_conflict_is_retryable_and_a_lifecycle_error_is_409() -> None:
    assert problem(ConcurrencyConflict("HM-2026-0001", 3, 4))[1]["error"]["retryable"] is True
    status, body = problem(LifecycleError("HM-2026-0001", "销号", "已交办"))
    assert status == 409 and body["error"]["code"] == 4


def test_storage_and_internal_errors_tell_the_client_nothing_of_the_server() -> None:
    status, body = problem(StorageError("SQLite 数据库 /srv/secret/appeals.db 出错"))
    assert status == 503 and "/srv/secret" not in body["error"]["message"]
    status, body = problem(OSError("disk /srv/secret full"))
    assert status == 503 and "/srv/secret" not in str(body)
    status, body = problem(KeyError("internal detail"))
    assert status == 500 and "internal detail" not in str(body)
