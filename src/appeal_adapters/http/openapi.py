"""The OpenAPI 3.1 document, generated from the route table and the Desk methods' signatures
and docstrings: what a client generator needs to call every route."""

from __future__ import annotations

import inspect
import re
from typing import Any

from appeal_adapters.http.arguments import json_schema, parameters
from appeal_adapters.routes import DESK_ROUTES, DOCUMENT_ROUTES
from appeal_core import Desk

PREFIX = "/api/v1"
_PARAM = re.compile(r"{(\w+)}")
_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "message": {"type": "string"},
                "code": {"type": "integer", "description": "the CLI's exit code (docs/cli.md)"},
                "retryable": {"type": "boolean"},
            },
            "required": ["type", "message", "code"],
        }
    },
}
#: Routes the service adds to the Desk's: the lists a platform pages through.
EXTRA_PATHS: dict[str, dict[str, Any]] = {
    f"{PREFIX}/items": {"get": {
        "operationId": "list_items", "summary": "The items the caller may see, in pages.",
        "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 200}},
            {"name": "cursor", "in": "query", "schema": {"type": "string"}},
        ],
    }},
    f"{PREFIX}/quarantine": {"get": {
        "operationId": "list_quarantine", "summary": "Quarantined rows (the desk only).",
        "parameters": [{"name": "include_settled", "in": "query",
                        "schema": {"type": "boolean"}}],
    }},
    "/healthz": {"get": {"operationId": "healthz", "summary": "The store opens; no token.",
                         "security": []}},
}  # fmt: skip


DOCUMENT_SUMMARIES = {
    "formats": "The installed document formats (?kind=).",
    "channels": "The channels the desk accepts.",
    "month_document": "The month's briefing or appendix in an installed format (a download).",
    "annual_document": "The year's assessment in an installed format (a download).",
}
OPEN311 = {
    "/open311/v2/services.{format}": ("get",),
    "/open311/v2/services/{service_code}.{format}": ("get",),
    "/open311/v2/requests.{format}": ("get", "post"),
    "/open311/v2/requests/{service_request_id}.{format}": ("get",),
}


def _summary(name: str) -> str:
    doc = inspect.getdoc(getattr(Desk, name)) or name
    return doc.split("\n\n", 1)[0].replace("\n", " ")


def operation(name: str, verb: str, path: str) -> dict[str, Any]:
    """One route's operation: path and query parameters or the JSON body, and answers."""
    hints, required = parameters(name)
    in_path = set(_PARAM.findall(path))
    params = [
        {"name": p, "in": "path", "required": True, "schema": json_schema(hints.get(p, str))}
        for p in _PARAM.findall(path)
    ]
    rest = {k: v for k, v in hints.items() if k not in in_path | {"year", "month"}}
    op: dict[str, Any] = {"operationId": name, "summary": _summary(name)}
    if verb == "GET":
        params += [
            {"name": k, "in": "query", "required": k in required, "schema": json_schema(v)}
            for k, v in rest.items()
        ]
    elif rest:
        schema = {
            "type": "object",
            "properties": {k: json_schema(v) for k, v in rest.items()},
            "required": sorted(required & rest.keys()),
            "additionalProperties": False,
        }
        op["requestBody"] = {"content": {"application/json": {"schema": schema}}}
    if params:
        op["parameters"] = params
    op["responses"] = {
        "200": {"description": "the result, as the caller may read it"},
        "default": {
            "description": "an error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }
    return op


def document(title: str = "appeal") -> dict[str, Any]:
    """The whole OpenAPI document of the service."""
    paths: dict[str, dict[str, Any]] = {k: dict(v) for k, v in EXTRA_PATHS.items()}
    for name, route in DESK_ROUTES.items():
        path = PREFIX + route.path
        paths.setdefault(path, {})[route.verb.lower()] = operation(name, route.verb, path)
    for name, route in DOCUMENT_ROUTES.items():
        path = PREFIX + route.path
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                  for p in _PARAM.findall(path)]  # fmt: skip
        paths.setdefault(path, {})[route.verb.lower()] = {
            "operationId": name, "summary": DOCUMENT_SUMMARIES[name], "parameters": params,
        }  # fmt: skip
    for path, verbs in OPEN311.items():
        for verb in verbs:
            paths.setdefault(path, {})[verb] = {
                "operationId": f"open311_{verb}_{path.rsplit('/', 1)[1].split('.')[0]}",
                "summary": "Open311 GeoReport v2 (docs/open311.md)",
                "parameters": [{"name": p, "in": "path", "required": True,
                                "schema": {"type": "string", "enum": ["json", "xml"]}
                                if p == "format" else {"type": "string"}}
                               for p in _PARAM.findall(path)],
            }  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": _ERROR},
        },
        "paths": paths,
    }
