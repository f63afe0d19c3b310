"""The lists a platform pages through: ``GET /api/v1/items`` and ``GET /api/v1/quarantine``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from appeal_adapters.http.auth import sees_item
from appeal_adapters.http.errors import HttpProblem
from appeal_adapters.http.handlers import Answer, shape, shown
from appeal_adapters.http.service import Service, guarded, respond
from appeal_core import Role
from appeal_core.errors import PermissionDenied

#: Most items one page of ``GET /api/v1/items`` holds.
PAGE_LIMIT = 200


def list_routes(service: Service) -> list[BaseRoute]:
    """``GET /api/v1/items`` (paged, scoped) and ``GET /api/v1/quarantine`` (the desk's)."""

    async def items(request: Request) -> Response:
        actor = await service.actor(request)
        query = request.query_params
        text = query.get("limit", "50")
        if not text.isdigit() or not 1 <= int(text) <= PAGE_LIMIT:
            raise HttpProblem(400, "ValidationError", f"limit 应为 1 至 {PAGE_LIMIT} 的整数", 3)
        limit, after = int(text), query.get("cursor", "")

        def work() -> Answer:
            found: list[dict[str, Any]] = []
            more = False
            passed = not after
            for item in service.desk.store.states(service.desk.district):
                if not passed:
                    passed = item.number == after
                    continue
                if sees_item(actor, item):
                    if len(found) == limit:
                        more = True
                        break
                    found.append(shown(actor, item))
            cursor = found[-1]["number"] if more else None
            return Answer(200, {"items": found, "next_cursor": cursor})

        return respond(await service.run(work))

    async def quarantine(request: Request) -> Response:
        actor = await service.actor(request)
        if actor.role is not Role.DESK:
            raise PermissionDenied(str(actor), "quarantine")
        settled = request.query_params.get("include_settled") == "true"
        desk = service.desk

        def work() -> Answer:
            rows = desk.store.quarantined(desk.district, include_settled=settled)
            return shape(desk, actor, "quarantine", rows)

        return respond(await service.run(work))

    return [
        Route("/api/v1/items", guarded(items), methods=["GET"]),
        Route("/api/v1/quarantine", guarded(quarantine), methods=["GET"]),
    ]
