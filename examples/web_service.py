"""Embedding the desk in a small web service (standard library only), with department scope.

IDENTITY COMES FROM YOUR PLATFORM'S AUTHENTICATION, NEVER FROM WHAT THE CLIENT SAYS.  This
example reads who is asking from a header, ``X-Appeal-Actor`` (``desk:小王``,
``department:区市场监督管理局``, ``leader:李区长``; percent-encoded UTF-8, since HTTP headers
are Latin-1), standing in for what your login establishes.  Anyone can send any header: before
you deploy a copy, replace ``actor_of`` with a function that builds the ``Actor`` from the
request's *authenticated* identity (a token your identity provider signed and you verified,
the user your reverse proxy authenticated and strips from client requests) and the role and
department your own directory gives that user.  Everything else here can stay.

What a copy keeps, whatever the authentication:

- a department sees only the items it leads or co-handles; for any other item it gets 404 from
  GET and POST alike (never a 403 naming the lead department, nor an error revealing the
  status);
- a request body is a JSON object of at most ``MAX_BODY`` bytes with a valid
  ``Content-Length``; anything else gets a 4xx JSON error, never a dropped connection;
- the contact's name and phone appear in clear only for who may read them, by the library's one
  rule (``appeal_core.privacy.visible``: the desk, and the lead department while the item is
  open and the contact did not ask for confidentiality); for others they are masked (张*,
  138****5678), the departments' own contacts are left out and phones inside free text are
  masked.

The real HTTP service is ``appeal_adapters.http`` (``appeal serve``, docs/http.md): bearer
tokens or your own authentication hook, every desk command, idempotency keys, ETags, Open311
and a status page.  This stdlib sketch only shows the scoping rules in a few lines.

    python examples/web_service.py 8080          # serve on 127.0.0.1:8080
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from appeal_adapters import AdapterError, open_store
from appeal_adapters.documents import mask_phones_in
from appeal_adapters.serialization import state_to_dict
from appeal_core import SHANGHAI, Actor, Appeal, AppealError, Desk, Role
from appeal_core.errors import (
    AppealNotFound,
    ConcurrencyConflict,
    LifecycleError,
    PermissionDenied,
    ValidationError,
)
from appeal_core.privacy import masked, sees_personal

#: Largest request body accepted, in bytes (a reply's text is at most 20,000 characters).
MAX_BODY = 256 * 1024


class HttpError(Exception):
    """A refusal with its HTTP status and a message for the JSON body."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def actor_of(header: str | None) -> Actor:
    """The acting person. REPLACE THIS with your platform's authenticated identity (see top)."""
    role, _, rest = unquote(header or "").partition(":")
    try:
        if role == "desk":
            return Actor.desk(rest)
        if role == "department" and rest:
            return Actor.of_department(rest)
        if role == "leader":
            return Actor.leader(rest)
    except ValidationError:
        pass
    raise HttpError(HTTPStatus.UNAUTHORIZED, "请先登录")


def visible(actor: Actor, item: Appeal) -> bool:
    """A department sees the items it leads or co-handles; the desk and leaders see all."""
    if actor.role is not Role.DEPARTMENT:
        return True
    return item.assignment is not None and actor.department in item.assignment.departments


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_phones_in(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def shown(actor: Actor, item: Appeal) -> dict[str, Any]:
    """The item as ``actor`` may read it (``privacy.visible``, the library's one rule)."""
    if sees_personal(item, actor):
        return state_to_dict(item)
    data = state_to_dict(masked(item))
    for part in (data.get("preliminary_reply"), data.get("final_reply")):
        if isinstance(part, dict):
            part.pop("contact", None)
            part.pop("phone", None)
    return dict(_masked(data))


def make_handler(desk: Desk) -> type[BaseHTTPRequestHandler]:
    """Handler for ``desk``: GET /items, GET /items/NUMBER, POST /items/NUMBER/reply."""

    class Handler(BaseHTTPRequestHandler):
        body_read = False  # set once a POST's body is consumed (per request)

        def _send(self, status: HTTPStatus | int, body: Any, *, close: bool = False) -> None:
            data = json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
            self.send_response(int(status))
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if close or (self.command == "POST" and not self.body_read):  # unread body: close
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(data)

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """The server's own refusals (a malformed request line ...) as JSON too."""
            self._send(code, {"error": message or HTTPStatus(code).phrase}, close=True)

        def _item(self, actor: Actor, number: str) -> Appeal:
            """The item if ``actor`` may see it; 404 alike for missing and hidden ones."""
            try:
                item = desk.get(number)
            except AppealNotFound:
                item = None
            if item is None or not visible(actor, item):
                raise HttpError(HTTPStatus.NOT_FOUND, f"没有编号为 {number} 的事项")
            return item

        def _body(self) -> dict[str, Any]:
            """The request's JSON object, checked: length given, bounded, well formed."""
            if self.headers.get("Transfer-Encoding"):
                raise HttpError(HTTPStatus.LENGTH_REQUIRED, "请以 Content-Length 发送请求体")
            lengths = self.headers.get_all("Content-Length") or []
            if not lengths:
                raise HttpError(HTTPStatus.LENGTH_REQUIRED, "缺少 Content-Length")
            text = lengths[0].strip()
            if len(lengths) > 1 or not (text.isascii() and text.isdigit()):
                raise HttpError(HTTPStatus.BAD_REQUEST, "Content-Length 无效")
            length = int(text)
            if length > MAX_BODY:
                raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"请求体超过 {MAX_BODY} 字节")
            raw = self.rfile.read(length)
            self.body_read = True
            if len(raw) != length:
                raise HttpError(HTTPStatus.BAD_REQUEST, "请求体不完整")
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise HttpError(HTTPStatus.BAD_REQUEST, "请求体不是有效的 UTF-8 JSON") from None
            if not isinstance(body, dict):
                raise HttpError(HTTPStatus.BAD_REQUEST, "请求体应为 JSON 对象")
            return body

        def _guard(self, work: Any) -> None:
            try:
                actor = actor_of(self.headers.get("X-Appeal-Actor"))
                self._send(HTTPStatus.OK, work(actor))
            except HttpError as exc:
                self._send(exc.status, {"error": exc.message})
            except PermissionDenied as exc:  # only for items the actor can see (checked first)
                self._send(HTTPStatus.FORBIDDEN, {"error": str(exc)})
            except (ConcurrencyConflict, LifecycleError) as exc:
                self._send(HTTPStatus.CONFLICT, {"error": str(exc)})
            except ValidationError as exc:
                self._send(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            except AdapterError as exc:  # storage: the details go to the server's log only
                print(f"appeal: {type(exc).__name__}: {exc}", file=sys.stderr)
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "存储暂不可用，请稍后重试"})
            except AppealError as exc:
                self._send(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            except Exception as exc:  # never a dropped connection
                print(f"appeal: {type(exc).__name__}: {exc}", file=sys.stderr)
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "内部错误"}, close=True)

        def _parts(self) -> list[str]:
            return [unquote(p) for p in self.path.split("?", 1)[0].strip("/").split("/")]

        def do_GET(self) -> None:
            parts = self._parts()

            def work(actor: Actor) -> Any:
                if parts == ["items"]:
                    items = desk.store.states(desk.district)
                    return [shown(actor, i) for i in items if visible(actor, i)]
                if len(parts) == 2 and parts[0] == "items":
                    return shown(actor, self._item(actor, parts[1]))
                raise HttpError(HTTPStatus.NOT_FOUND, "没有这个地址")

            self._guard(work)

        def do_POST(self) -> None:
            parts = self._parts()
            self.body_read = False

            def work(actor: Actor) -> Any:
                if not (len(parts) == 3 and parts[0] == "items" and parts[2] == "reply"):
                    raise HttpError(HTTPStatus.NOT_FOUND, "没有这个地址")
                self._item(actor, parts[1])  # 404 before the body, for what it may not see
                body = self._body()
                text = body.get("text")
                if not isinstance(text, str):
                    raise HttpError(HTTPStatus.BAD_REQUEST, "text 应为字符串")
                try:
                    item = desk.reply(parts[1], text=text, at=datetime.now(SHANGHAI), by=actor)
                except PermissionDenied:
                    self._item(actor, parts[1])  # moved away meanwhile: 404, not its new lead
                    raise
                return shown(actor, item)

            self._guard(work)

        def _not_allowed(self) -> None:
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "不支持该方法"}, close=True)

        do_PUT = do_DELETE = do_PATCH = _not_allowed

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the platform logs requests its own way."""

    return Handler


def serve(desk: Desk, port: int = 0) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 (port 0: any free port); call ``serve_forever`` or use a thread."""
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(desk))


if __name__ == "__main__":
    server = serve(
        Desk(open_store("sqlite:///appeals.db")), int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    )
    print(f"serving on http://127.0.0.1:{server.server_address[1]}")
    server.serve_forever()
