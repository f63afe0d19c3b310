"""Embedding the desk in a small web service (standard library only), with department scope.

A department sees and answers only its own items; the desk sees everything.  Who is asking
comes from a header set by the platform's login (``X-Appeal-Actor``, percent-encoded UTF-8
since HTTP headers are Latin-1, e.g. ``department:%E5%8C%BA...``);
a real deployment would take it from its own authentication.

    python examples/web_service.py 8080          # serve on 127.0.0.1:8080
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from appeal_adapters import open_store
from appeal_adapters.serialization import state_to_dict
from appeal_core import SHANGHAI, Actor, AppealError, Desk, Role
from appeal_core.errors import AppealNotFound, PermissionDenied, ValidationError


def actor_of(header: str | None) -> Actor:
    """The acting person from the platform's header; no header, no access."""
    role, _, rest = unquote(header or "").partition(":")
    if role == "desk":
        return Actor.desk(rest)
    if role == "department" and rest:
        return Actor.of_department(rest)
    if role == "leader":
        return Actor.leader(rest)
    raise PermissionDenied(header or "匿名", "访问", None, "请先登录")


def visible(actor: Actor, item: Any) -> bool:
    """A department sees the items it leads or co-handles; the desk and leaders see all."""
    if actor.role is not Role.DEPARTMENT:
        return True
    return item.assignment is not None and actor.department in item.assignment.departments


def make_handler(desk: Desk) -> type[BaseHTTPRequestHandler]:
    """Handler for ``desk``: GET /items, GET /items/NUMBER, POST /items/NUMBER/reply."""

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _guard(self, work: Any) -> None:
            try:
                self._send(200, work(actor_of(self.headers.get("X-Appeal-Actor"))))
            except PermissionDenied as exc:
                self._send(403, {"error": str(exc)})
            except AppealNotFound as exc:
                self._send(404, {"error": str(exc)})
            except (ValidationError, ValueError, AppealError) as exc:
                self._send(400, {"error": str(exc)})

        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")

            def work(actor: Actor) -> Any:
                if parts == ["items"]:
                    return [state_to_dict(i) for i in desk.store.states() if visible(actor, i)]
                if len(parts) == 2 and parts[0] == "items":
                    item = desk.get(parts[1])
                    if not visible(actor, item):
                        raise AppealNotFound(parts[1])  # do not reveal other departments' items
                    return state_to_dict(item)
                raise AppealNotFound(self.path)

            self._guard(work)

        def do_POST(self) -> None:
            parts = self.path.strip("/").split("/")
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")

            def work(actor: Actor) -> Any:
                if len(parts) == 3 and parts[0] == "items" and parts[2] == "reply":
                    now = datetime.now(SHANGHAI)
                    item = desk.reply(parts[1], text=str(body.get("text", "")), at=now, by=actor)
                    return state_to_dict(item)
                raise AppealNotFound(self.path)

            self._guard(work)

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
