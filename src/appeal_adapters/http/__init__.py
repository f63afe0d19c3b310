"""The HTTP service (extra ``appeal[http]``): the desk's commands and queries as a JSON API
under ``/api/v1`` with bearer tokens, Open311 GeoReport v2 and a status page (docs/http.md).

    from appeal_adapters.http import create_app
    app = create_app("sqlite:///appeals.db")      # any ASGI server; ``appeal serve`` runs uvicorn
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from appeal_adapters.errors import MissingExtra

if TYPE_CHECKING:
    from appeal_adapters.http.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        try:
            from appeal_adapters.http.app import create_app
        except ImportError as exc:
            if exc.name and exc.name.split(".")[0] in ("starlette", "uvicorn"):
                raise MissingExtra("HTTP 服务", "http", exc.name) from exc
            raise
        return create_app
    raise AttributeError(name)
