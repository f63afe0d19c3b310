"""Who sends a request: a platform's own authentication (the ``appeal_http_authenticate``
hook) if one is installed, else a bearer token issued by the desk (``appeal token create``).

The status page also accepts ``?token=`` once: it sets an HttpOnly, SameSite=Strict cookie
and redirects to the bare address, so the token does not stay in the browser's history.
"""

from __future__ import annotations

from collections.abc import Mapping

from appeal_adapters.http.errors import HttpProblem
from appeal_adapters.plugins import AppealPlugins
from appeal_adapters.tokens import token_actor
from appeal_core import Actor, Appeal, Desk, Role

#: The status page's cookie carrying the token.
COOKIE = "appeal_token"


def bearer(headers: Mapping[str, str], cookies: Mapping[str, str] | None = None) -> str:
    """The token of ``Authorization: Bearer …`` (or the page's cookie); ``""`` when none."""
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return (cookies or {}).get(COOKIE, "")


def authenticate(
    desk: Desk,
    plugins: AppealPlugins,
    headers: Mapping[str, str],
    cookies: Mapping[str, str] | None = None,
) -> Actor:
    """The acting person, or ``HttpProblem`` 401 (no credential, an unknown or revoked one)."""
    found: Actor | None = plugins.hook.appeal_http_authenticate(
        headers={k.lower(): v for k, v in headers.items()}
    )
    if found is not None:
        if not isinstance(found, Actor):
            raise TypeError(f"appeal_http_authenticate returned {type(found).__name__}")
        return found
    token = bearer(headers, cookies)
    actor = token_actor(desk, token) if token else None
    if actor is None:
        raise HttpProblem(
            401,
            "Unauthorized",
            "缺少或无效的令牌：请用 Authorization: Bearer <令牌>（appeal token create 签发）",
        )
    return actor


def sees_item(actor: Actor, item: Appeal) -> bool:
    """A department sees the items it leads or co-handles now; the desk and leaders see all."""
    if actor.role is not Role.DEPARTMENT:
        return True
    return item.assignment is not None and actor.department in item.assignment.departments
