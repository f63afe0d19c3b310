"""What every handler shares: the desk behind a lock, the plugins, the limits, and the JSON
answer with its error handling."""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from appeal_adapters.http.auth import authenticate
from appeal_adapters.http.errors import problem
from appeal_adapters.http.handlers import Answer
from appeal_adapters.plugins import AppealPlugins
from appeal_core import Actor, Desk


class Service:
    """What every handler shares: the desk, the plugins, the lock, the limits."""

    def __init__(self, desk: Desk, plugins: AppealPlugins, max_body: int) -> None:
        self.desk, self.plugins, self.max_body = desk, plugins, max_body
        self.lock = threading.Lock()

    async def run(self, work: Callable[[], Answer]) -> Answer:
        """``work`` in a worker thread, holding the desk's lock."""

        def locked() -> Answer:
            with self.lock:
                return work()

        return await run_in_threadpool(locked)

    async def run_plain(self, work: Callable[[], Any]) -> Any:
        """``work`` in a worker thread, holding the desk's lock; its result as is."""

        def locked() -> Any:
            with self.lock:
                return work()

        return await run_in_threadpool(locked)

    async def actor(self, request: Request) -> Actor:
        """Who sends ``request`` (401 when nobody known)."""
        headers = dict(request.headers)  # never the page's cookie: no cross-site API calls
        return await run_in_threadpool(lambda: authenticate(self.desk, self.plugins, headers))


def respond(answer: Answer) -> Response:
    """The JSON response of an answer (UTF-8 text kept)."""
    text = json.dumps(answer.body, ensure_ascii=False, default=str)
    return Response(text, answer.status, dict(answer.headers), "application/json")


def guarded(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[..., Any]:
    """An endpoint whose every failure is a JSON error, never a traceback."""

    async def guard(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Exception as exc:
            status, body = problem(exc)
            return respond(Answer(status, body))

    return guard
