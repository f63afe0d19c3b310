"""Open311 GeoReport v2 over the desk (docs/open311.md): services are the categories, a
service request is an item, filed through the ``app`` channel; JSON and XML.

``api_key`` is a token of the service (``appeal token create``), as a form field or a query
parameter; the items a key may read are those its holder may see (a department's own).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date, datetime, time
from typing import Any
from urllib.parse import parse_qsl
from xml.etree import ElementTree

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from appeal_adapters.http.auth import sees_item
from appeal_adapters.http.errors import HttpProblem, problem
from appeal_adapters.http.handlers import now, scoped_item
from appeal_adapters.http.requests import read_body
from appeal_adapters.http.service import Service
from appeal_adapters.tokens import token_actor
from appeal_core import SHANGHAI, Actor, Appeal, Desk, Enterprise
from appeal_core.intake import IntakeRecord
from appeal_core.masking import mask_phones_in
from appeal_core.privacy import visible

BASE = "/open311/v2"
GENERAL = "general"  # the service of requests that name no category
#: Most requests one ``GET requests`` answers (the spec's default upper bound).
MAX_REQUESTS = 1000
#: The service definition's attributes (``attribute[code]`` in a POST).
ATTRIBUTES = (("enterprise", "企业名称", True), ("credit_code", "统一社会信用代码", False))


def _xml(root: str, child: str, rows: Iterable[Mapping[str, Any]]) -> bytes:
    top = ElementTree.Element(root)
    for row in rows:
        node = ElementTree.SubElement(top, child)
        for key, value in row.items():
            if isinstance(value, list):  # a service definition's attributes
                group = ElementTree.SubElement(node, key)
                for item in value:
                    part = ElementTree.SubElement(group, key[:-1])
                    for k, v in item.items():
                        ElementTree.SubElement(part, k).text = _text(v)
            else:
                ElementTree.SubElement(node, key).text = _text(value)
    body: bytes = ElementTree.tostring(top, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _text(value: Any) -> str:
    if value is None:
        return ""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def reply(
    fmt: str, root: str, child: str, rows: list[dict[str, Any]], status: int = 200
) -> Response:
    """``rows`` as JSON (a list) or XML (``<root><child>…``), UTF-8."""
    if fmt == "xml":
        return Response(_xml(root, child, rows), status, media_type="text/xml; charset=utf-8")
    text = json.dumps(rows, ensure_ascii=False)
    return Response(text, status, media_type="application/json; charset=utf-8")


def services(desk: Desk) -> list[dict[str, Any]]:
    """The categories: the policy's (its statutory limits) and those items were classified
    into, then ``general`` for a request that names none."""
    names = [c for c, _ in desk.policy.statutory_limits]
    names += sorted({s.category for s in desk.store.states(desk.district) if s.category})
    rows = [_service(name, name) for name in dict.fromkeys(names)]
    return [*rows, _service(GENERAL, "其他诉求")]


def _service(code: str, name: str) -> dict[str, Any]:
    return {"service_code": code, "service_name": name, "description": name, "metadata": True,
            "type": "realtime", "keywords": "", "group": "民营企业诉求"}  # fmt: skip


def request_row(desk: Desk, item: Appeal, actor: Actor) -> dict[str, Any]:
    """An item as an Open311 service request (personal values as ``actor`` may read them)."""
    shown = visible(item, actor)
    due = item.completion_due or item.reply_due
    reply_ = item.final_reply or item.preliminary_reply
    notes = item.status.label + (f"：{mask_phones_in(reply_.text)}" if reply_ else "")
    return {
        "service_request_id": item.number,
        "status": "open" if item.status.is_open else "closed",
        "status_notes": notes,
        "service_name": item.category or "其他诉求",
        "service_code": item.category or GENERAL,
        "description": mask_phones_in(shown.content),
        "agency_responsible": item.lead or desk.policy.identity.desk,
        "service_notice": "",
        "requested_datetime": (item.reported_at or item.registered_at).isoformat(),
        "updated_datetime": item.updated_at.isoformat(),
        "expected_datetime": _end_of(due.due).isoformat() if due else None,
        "address": shown.enterprise.address,
        "address_id": "",
        "zipcode": "",
        "lat": "",
        "long": "",
        "media_url": "",
    }


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), SHANGHAI)


def file_request(desk: Desk, actor: Actor, form: Mapping[str, str]) -> dict[str, Any]:
    """Register a POSTed request through the ``app`` channel; the new item's number."""
    enterprise = form.get("attribute[enterprise]", "").strip()
    description = form.get("description", "").strip()
    if not enterprise:
        raise HttpProblem(400, "ValidationError", "缺少 attribute[enterprise]（企业名称）", 3)
    if not description:
        raise HttpProblem(400, "ValidationError", "缺少 description（诉求内容）", 3)
    code = form.get("service_code", "")
    if not code:
        raise HttpProblem(400, "ValidationError", "缺少 service_code", 3)
    contact = (form.get("last_name", "") + form.get("first_name", "")).strip()
    notes = [("类别", code)] if code != GENERAL else []
    notes += [(k, form[f]) for k, f in (("电子邮箱", "email"), ("坐标", "lat")) if form.get(f)]
    if form.get("lat") and form.get("long"):
        notes[-1] = ("坐标", f"{form['lat']},{form['long']}")
    record = IntakeRecord(
        channel="app",
        enterprise=Enterprise(
            name=enterprise,
            credit_code=form.get("attribute[credit_code]", ""),
            address=form.get("address_string", ""),
            contact=contact,
            phone=form.get("phone", ""),
        ),
        content=description,
        source_id=f"open311-{secrets.token_hex(8)}",
        notes=tuple(notes),
    )
    report = desk.intake([record], source="open311", at=now(), by=actor)
    if not report.registered:
        entry = report.quarantined[0] if report.quarantined else None
        reason = desk.store.quarantine_entry(entry).reason if entry is not None else "未登记"
        raise HttpProblem(400, "ValidationError", f"{reason}（已记录在隔离区待服务台核实）", 3)
    return {"service_request_id": report.registered[0], "service_notice": "已登记，等待核实交办",
            "account_id": ""}  # fmt: skip


def routes(service: Service) -> list[BaseRoute]:
    """The Open311 routes over the service's desk."""
    desk: Desk = service.desk

    def endpoint(work: Callable[[Request, str], Awaitable[Response]]) -> Callable[..., Any]:
        async def run(request: Request) -> Response:
            fmt = request.path_params.get("format", "json")
            try:
                if fmt not in ("json", "xml"):
                    raise HttpProblem(404, "NotFound", "格式应为 json 或 xml", 1)
                jurisdiction = request.query_params.get("jurisdiction_id")
                if jurisdiction not in (None, "", desk.district):
                    raise HttpProblem(404, "NotFound", f"没有辖区 {jurisdiction}", 6)
                return await work(request, fmt)
            except Exception as exc:
                status, body = problem(exc)
                row = {"code": status, "description": body["error"]["message"]}
                return reply(fmt if fmt == "xml" else "json", "errors", "error", [row], status)

        return run

    async def actor_of(request: Request, form: Mapping[str, str] | None = None) -> Actor:
        key = (form or {}).get("api_key") or request.query_params.get("api_key", "")
        found: Actor | None = await service.run_plain(
            lambda: token_actor(desk, key) if key else None
        )
        if found is None:  # no api_key: the Authorization header, or the hook
            return await service.actor(request)
        return found

    async def list_services(request: Request, fmt: str) -> Response:
        return reply(fmt, "services", "service", await service.run_plain(lambda: services(desk)))

    async def definition(request: Request, fmt: str) -> Response:
        code = request.path_params["service_code"]
        attributes = [{"variable": True, "code": c, "datatype": "string", "required": r,
                       "datatype_description": "", "order": k + 1, "description": d}
                      for k, (c, d, r) in enumerate(ATTRIBUTES)]  # fmt: skip
        row = {"service_code": code, "attributes": attributes}
        if fmt == "xml":
            return reply(fmt, "service_definitions", "service_definition", [row])
        return Response(json.dumps(row, ensure_ascii=False), media_type="application/json")

    async def post(request: Request, fmt: str) -> Response:
        body = await read_body(request, service.max_body)
        try:
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise HttpProblem(400, "ValidationError", "表单不是 UTF-8", 3) from None
        actor = await actor_of(request, form)
        row = await service.run_plain(lambda: file_request(desk, actor, form))
        return reply(fmt, "service_requests", "request", [row])

    async def listing(request: Request, fmt: str) -> Response:
        actor = await actor_of(request)
        query = request.query_params
        wanted = {n for n in query.get("service_request_id", "").split(",") if n}
        number = request.path_params.get("service_request_id")
        rows = await service.run_plain(lambda: _requests(desk, actor, query, wanted, number))
        return reply(fmt, "service_requests", "request", rows)

    f = "{format}"
    return [
        Route(f"{BASE}/services.{f}", endpoint(list_services), methods=["GET"]),
        Route(f"{BASE}/services/{{service_code}}.{f}", endpoint(definition), methods=["GET"]),
        Route(f"{BASE}/requests.{f}", endpoint(post), methods=["POST"]),
        Route(f"{BASE}/requests.{f}", endpoint(listing), methods=["GET"]),
        Route(f"{BASE}/requests/{{service_request_id}}.{f}", endpoint(listing), methods=["GET"]),
    ]


def _requests(
    desk: Desk, actor: Actor, query: Mapping[str, str], wanted: set[str], number: str | None
) -> list[dict[str, Any]]:
    if number is not None:
        return [request_row(desk, scoped_item(desk, actor, number), actor)]
    status, code = query.get("status", ""), query.get("service_code", "")
    start, end = (_instant(query, k) for k in ("start_date", "end_date"))
    rows: list[dict[str, Any]] = []
    for item in desk.store.states(desk.district):
        if (wanted and item.number not in wanted) or not sees_item(actor, item):
            continue
        if status and ("open" if item.status.is_open else "closed") != status:
            continue
        if code and (item.category or GENERAL) != code:
            continue
        if (start and item.registered_at < start) or (end and item.registered_at > end):
            continue
        rows.append(request_row(desk, item, actor))
    return rows[-MAX_REQUESTS:][::-1]  # the newest first


def _instant(query: Mapping[str, str], key: str) -> datetime | None:
    text = query.get(key)
    if not text:
        return None
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise HttpProblem(
            400, "ValidationError", f"{key} 应为 ISO 8601 时间（含时区）", 3
        ) from None
    return found if found.tzinfo else found.replace(tzinfo=SHANGHAI)
