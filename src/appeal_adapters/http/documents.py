"""The document routes of ``DOCUMENT_ROUTES``: the installed formats, the channels, and the
month's and the year's documents in any installed format (as ``appeal report --format``)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from appeal_adapters.channels.intake import known_channels
from appeal_adapters.documents.formats import Document, formats, media_type
from appeal_adapters.http.arguments import checked_year, month_of, value
from appeal_adapters.http.handlers import Answer
from appeal_adapters.http.service import Service, guarded, respond
from appeal_adapters.routes import DOCUMENT_ROUTES
from appeal_core import Actor, Role
from appeal_core.errors import PermissionDenied


def _readers_only(actor: Actor, what: str) -> None:
    """The district's documents are the desk's and leaders' (departments read the figures)."""
    if actor.role is Role.DEPARTMENT:
        raise PermissionDenied(str(actor), what)


def _file(document: Document) -> Response:
    where = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    headers = {"Content-Disposition": where}
    return Response(document.content, 200, media_type=document.media_type, headers=headers)


def routes(service: Service) -> list[BaseRoute]:
    """The routes, served with the service's lock and error handling."""
    from appeal_adapters.reporting import annual_document, month_document

    desk, plugins = service.desk, service.plugins

    async def listed(request: Request) -> Response:
        await service.actor(request)
        kind = request.query_params.get("kind")
        rows = [{"format": r.name, "kind": r.kind, "media_type": media_type(r.name)}
                for r in formats(plugins, (kind,) if kind else ())]  # fmt: skip
        return respond(Answer(200, rows))

    async def channels(request: Request) -> Response:
        await service.actor(request)
        known = known_channels(plugins, desk.policy.channels)
        rows = [{"channel": str(c), "label": known.label(c), "built_in": c.built_in}
                for c in known]  # fmt: skip
        return respond(Answer(200, rows))

    async def month(request: Request) -> Response:
        actor = await service.actor(request)
        _readers_only(actor, "month_document")
        year, number = month_of(request.path_params["month"])
        name, issue = request.path_params["format"], request.query_params.get("issue")
        made = await service.run_plain(
            lambda: month_document(desk, plugins, name, year, number, issue=issue)
        )
        return _file(made)

    async def annual(request: Request) -> Response:
        actor = await service.actor(request)
        _readers_only(actor, "annual_document")
        year = checked_year(value("year", _int(request.path_params["year"]), int))
        name = request.path_params["format"]
        return _file(await service.run_plain(lambda: annual_document(desk, plugins, name, year)))

    found = {"formats": listed, "channels": channels, "month_document": month,
             "annual_document": annual}  # fmt: skip
    return [
        Route("/api/v1" + r.path, guarded(found[name]), methods=[r.verb], name=name)
        for name, r in DOCUMENT_ROUTES.items()
    ]


def _int(text: str) -> int | str:
    return int(text) if text.isdigit() else text
