"""The status page (filled in below)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute


def routes(service: Any) -> list[BaseRoute]:
    """The page's routes."""
    return []
