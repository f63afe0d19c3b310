"""``create_app``: the ASGI application over a ``Desk`` (Starlette), routes from the table.

Every route of ``appeal_adapters.routes.DESK_ROUTES`` is served under ``/api/v1`` by the one
generic handler (``handlers.call``); the service adds the lists a platform pages through
(``GET /api/v1/items``, ``GET /api/v1/quarantine``), ``/healthz``, ``/openapi.json``, Open311
and the status page.  The desk's store is used by one request at a time (a lock): the stores
are not shared between threads, and a district's desk is not a high-traffic service.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from appeal_adapters.config import open_desk
from appeal_adapters.http import documents, idempotency, lists, open311, openapi, page
from appeal_adapters.http.delivery import DeliveryLoop
from appeal_adapters.http.errors import problem
from appeal_adapters.http.handlers import (
    CREATING,
    Answer,
    call,
    check_scope,
    now,
    scoped_item,
    shape,
)
from appeal_adapters.http.requests import MAX_BODY, MAX_UPLOAD, json_object, read_body
from appeal_adapters.http.service import Service, guarded, respond
from appeal_adapters.notify.outbox import Outbox
from appeal_adapters.plugins import AppealPlugins, load_plugins
from appeal_adapters.routes import DESK_ROUTES
from appeal_adapters.tokens import tokens
from appeal_core import Actor, Desk, Policy, Role
from appeal_core.errors import PermissionDenied


def desk_route(service: Service, name: str, verb: str) -> Callable[..., Any]:
    """The endpoint of ``Desk.<name>``."""

    async def endpoint(request: Request) -> Response:
        actor = await service.actor(request)
        path = dict(request.path_params)
        if verb == "GET":
            given: dict[str, Any] = dict(request.query_params)
            answer = await service.run(
                lambda: call(service.desk, name, actor, path, given, reading=True)
            )
            return respond(answer)
        limit = MAX_UPLOAD if name == "intake" else service.max_body
        body = await read_body(request, limit)

        def work() -> Answer:
            if name == "intake":
                return _intake(service, actor, path["channel"], request, body)
            if name == "admit":
                return _admit(service, actor, int(path["entry_id"]), json_object(request, body))
            check_scope(name, actor, path)  # 404 for a hidden item before the body is read
            if "number" in path:
                scoped_item(service.desk, actor, path["number"])
            data = json_object(request, body)
            return call(service.desk, name, actor, path, data, reading=False,
                        if_match=request.headers.get("if-match"))  # fmt: skip

        key = request.headers.get("idempotency-key")
        if key is None or name not in CREATING:
            return respond(await service.run(work))
        return await _once(service, actor, request, key, body, work)

    return guarded(endpoint)


async def _once(
    service: Service, actor: Actor, request: Request, key: str, body: bytes,
    work: Callable[[], Answer],
) -> Response:  # fmt: skip
    """Run a creating request once per ``Idempotency-Key``; a retry gets the first answer."""
    scoped = idempotency.scoped(key, actor)
    mark = idempotency.fingerprint(request.method, request.url.path, body)

    def first() -> Answer:
        desk = service.desk
        earlier = idempotency.claim(desk, scoped, mark, at=now(), by=actor)
        if earlier is not None:
            return Answer(earlier[0], json.loads(earlier[1]), {"Idempotent-Replayed": "true"})
        try:
            answer = work()
        except Exception as exc:
            status, error = problem(exc)
            answer = Answer(status, error)
        text = json.dumps(answer.body, ensure_ascii=False, default=str)
        idempotency.answer(desk, scoped, answer.status, text, at=now(), by=actor)
        return answer

    return respond(await service.run(first))


def _intake(service: Service, actor: Actor, channel: str, request: Request, body: bytes) -> Answer:
    """A channel's file as the body (``?filename=`` gives its name and format)."""
    from appeal_adapters.channels import import_file

    name = Path(request.query_params.get("filename", "upload.xlsx")).name or "upload.xlsx"
    with tempfile.TemporaryDirectory(prefix="appeal-intake-") as folder:
        path = Path(folder) / name
        path.write_bytes(body)
        report = import_file(service.desk, path, channel=channel, at=now(), by=actor,
                             plugins=service.plugins)  # fmt: skip
    return shape(service.desk, actor, "intake", report, created=True)


def _admit(service: Service, actor: Actor, entry_id: int, fixed: dict[str, Any]) -> Answer:
    """A quarantined row, with the body's corrections, registered (as ``quarantine admit``)."""
    from appeal_adapters.channels.readmit import corrected_record

    desk = service.desk
    if actor.role is not Role.DESK:
        raise PermissionDenied(str(actor), "admit")
    record = corrected_record(desk.store.quarantine_entry(entry_id), fixed,
                              plugins=service.plugins, policy=desk.policy)  # fmt: skip
    item = desk.admit(entry_id, record, at=now(), by=actor)
    return shape(desk, actor, "admit", item, created=True)


def create_app(
    store: str | Desk,
    *,
    district: str = "HM",
    policy: Policy | None = None,
    plugins: AppealPlugins | None = None,
    max_body: int = MAX_BODY,
    outbox: Outbox | None = None,
    deliver_every: float | None = None,
) -> Starlette:
    """The ASGI application over the desk at ``store`` (a store URL, or a ``Desk``).

    ``outbox`` and ``deliver_every`` (seconds) run the notice delivery in the background
    while serving (``appeal serve --deliver-every``); off by default.
    """
    plugins = plugins or load_plugins()
    desk = store if isinstance(store, Desk) else open_desk(
        store, district=district, policy=policy, plugins=plugins
    )  # fmt: skip
    service = Service(desk, plugins, max_body)
    routes: list[BaseRoute] = []
    for name, route in DESK_ROUTES.items():
        routes.append(Route("/api/v1" + route.path, desk_route(service, name, route.verb),
                            methods=[route.verb], name=name))  # fmt: skip
    routes += lists.list_routes(service)
    routes += documents.routes(service)

    async def healthz(request: Request) -> Response:
        await service.run(lambda: Answer(200, {"tokens": len(tokens(desk))}))  # reads the store
        return respond(Answer(200, {"status": "ok"}))

    async def schema(request: Request) -> Response:
        return respond(Answer(200, openapi.document(desk.policy.identity.office or "appeal")))

    routes += [
        Route("/healthz", guarded(healthz), methods=["GET"]),
        Route("/openapi.json", schema, methods=["GET"]),
        *page.routes(service),
        *open311.routes(service),
    ]
    loop = None
    if outbox is not None and deliver_every:
        loop = DeliveryLoop(desk, outbox, deliver_every, service.lock, now)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if loop is not None:
            loop.start()
        try:
            yield
        finally:
            if loop is not None:
                loop.stop()

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = {404: "没有这个地址", 405: "该地址不支持此方法"}.get(status, "请求无效")
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(status, "HttpError")
        return respond(Answer(status, {"error": {"type": kind, "message": message, "code": 1}}))

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error})  # fmt: skip
    app.state.service = service
    app.state.delivery = loop
    return app
