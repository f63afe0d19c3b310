"""Tokens, the authentication hook, scoping and argument checks of the HTTP service (in process,
over a memory store)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient

from appeal_adapters.config import open_desk
from appeal_adapters.hookspecs import hookimpl
from appeal_adapters.http import create_app
from appeal_adapters.plugins import load_plugins
from appeal_adapters.tokens import digest, issue_token, revoke_token, tokens
from appeal_core import SHANGHAI, Actor, ValidationError

NOW = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
LEAD, CO, OTHER = "区市场监督管理局", "区发展和改革委员会", "区住房和城乡建设局"
DESK = Actor.desk("小王")


@pytest.fixture
def world() -> dict[str, Any]:
    desk = open_desk("memory://")
    made = {
        who: issue_token(desk, actor, at=NOW, by=DESK)[0]
        for who, actor in {
            "desk": DESK, "lead": Actor.of_department(LEAD), "co": Actor.of_department(CO),
            "other": Actor.of_department(OTHER), "leader": Actor.leader("李区长"),
        }.items()
    }  # fmt: skip
    app = TestClient(create_app(desk), raise_server_exceptions=False)
    number = app.post("/api/v1/items", headers=_auth(made["desk"]), json={
        "enterprise": {"name": "某某机械有限公司", "contact": "张三", "phone": "13812345678"},
        "content": "道路破损，电话 13812345678", "channel": "hotline",
    }).json()["number"]  # fmt: skip
    for step, body in (("verify", {}), ("classify", {"category": "交通", "complexity": "routine"}),
                       ("assign", {"lead": LEAD, "co": [CO]})):  # fmt: skip
        assert app.post(f"/api/v1/items/{number}/{step}", headers=_auth(made["desk"]),
                        json=body).status_code == 200  # fmt: skip
    return {"desk": desk, "app": app, "tokens": made, "number": number}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_only_the_digest_is_stored_and_a_revoked_token_is_refused(world: dict[str, Any]) -> None:
    desk, app, made = world["desk"], world["app"], world["tokens"]
    stored = json.dumps([str(e) for e in desk.store.journal("@HM:tokens")], ensure_ascii=False)
    assert made["lead"] not in stored and digest(made["lead"]) in stored
    assert len(made["lead"]) > 40 and digest(made["lead"]) != digest(made["co"])
    found = {str(t.actor): t for t in tokens(desk)}
    assert app.get("/api/v1/items", headers=_auth(made["lead"])).status_code == 200
    revoke_token(desk, found[LEAD].token_id, at=NOW, by=DESK, reason="系统停用")
    refused = app.get("/api/v1/items", headers=_auth(made["lead"]))
    assert refused.status_code == 401 and refused.json()["error"]["type"] == "Unauthorized"
    with pytest.raises(ValidationError):
        revoke_token(desk, found[LEAD].token_id, at=NOW, by=DESK)
    with pytest.raises(ValidationError):
        issue_token(desk, Actor.leader(), at=NOW, by=Actor.of_department(LEAD))


def test_scoping_lead_and_co_handler_see_others_get_404(world: dict[str, Any]) -> None:
    app, made, number = world["app"], world["tokens"], world["number"]
    lead = app.get(f"/api/v1/items/{number}", headers=_auth(made["lead"])).json()
    co = app.get(f"/api/v1/items/{number}", headers=_auth(made["co"])).json()
    leader = app.get(f"/api/v1/items/{number}", headers=_auth(made["leader"])).json()
    assert lead["enterprise"]["phone"] == "13812345678"  # the lead handles it: in clear
    for masked in (co, leader):  # a co-handler and a leader: masked, in the text too
        assert masked["enterprise"]["phone"] != "13812345678"
        assert "13812345678" not in json.dumps(masked)
    assert (
        app.get("/api/v1/items", headers=_auth(made["co"])).json()["items"][0]["number"] == number
    )
    assert app.get("/api/v1/items", headers=_auth(made["other"])).json()["items"] == []
    for response in (
        app.get(f"/api/v1/items/{number}", headers=_auth(made["other"])),
        app.post(f"/api/v1/items/{number}/reply", headers=_auth(made["other"]), json={"text": "x"}),
        app.post(f"/api/v1/items/{number}/reply", headers=_auth(made["other"]), content=b"{bad"),
    ):
        assert response.status_code == 404 and LEAD not in response.text
    # what a department may not call at all: refused by role, naming no item
    review = app.get("/api/v1/review", headers=_auth(made["lead"]))
    assert review.status_code == 403 and review.json()["error"]["code"] == 5


def test_arguments_are_checked_against_the_method(world: dict[str, Any]) -> None:
    app, made, number = world["app"], world["tokens"], world["number"]
    lead = _auth(made["lead"])
    for body, field in (({"text": 5}, "text"), ({"text": "x", "preliminary": "yes"}, "preliminary"),
                        ({"text": "x", "colour": "red"}, "colour"), ({"text": "x", "at": "now"}, "at"),
                        ({"text": "x", "committed_due": "tomorrow"}, "committed_due")):  # fmt: skip
        refused = app.post(f"/api/v1/items/{number}/reply", headers=lead, json=body)
        assert refused.status_code == 400, refused.text
        assert field in refused.json()["error"]["message"] and refused.json()["error"]["code"] == 3
    bad_length = app.post(f"/api/v1/items/{number}/reply", headers={**lead, "Content-Length": "x"},
                          content=b"{}")  # fmt: skip
    assert bad_length.status_code == 400
    assert app.get("/api/v1/items?limit=0", headers=lead).status_code == 400


def test_items_are_paged_with_a_cursor(world: dict[str, Any]) -> None:
    app, made = world["app"], world["tokens"]
    desk = _auth(made["desk"])
    for k in range(4):
        app.post("/api/v1/items", headers=desk, json={
            "enterprise": {"name": f"企业{k}"}, "content": f"问题{k}", "channel": "app"})  # fmt: skip
    seen: list[str] = []
    cursor = None
    while True:
        page = app.get("/api/v1/items", headers=desk,
                       params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()  # fmt: skip
        seen += [i["number"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 == len(set(seen))


class GatewayAuth:
    """A platform's own authentication: a header its gateway sets after login."""

    @hookimpl
    def appeal_http_authenticate(self, headers: dict[str, str]) -> Actor | None:
        who = unquote(headers.get("x-gateway-department", ""))  # UTF-8, percent-encoded
        return Actor.of_department(who) if who else None


def test_the_authenticate_hook_replaces_tokens() -> None:
    plugins = load_plugins()
    plugins.register(GatewayAuth())
    desk = open_desk("memory://", plugins=plugins)
    app = TestClient(create_app(desk, plugins=plugins))
    seen = app.get("/api/v1/items", headers={"X-Gateway-Department": quote(LEAD)})
    assert seen.status_code == 200 and seen.json() == {"items": [], "next_cursor": None}
    assert app.get("/api/v1/items").status_code == 401


@pytest.mark.parametrize(
    ("verb", "path", "body", "status", "field"),
    [
        ("GET", "/api/v1/months/0001-01/report", None, 400, "year"),
        ("GET", "/api/v1/years/99999999999/assessment", None, 400, "year"),
        ("GET", "/api/v1/months/2026-13/report", None, 400, "month"),
        ("GET", "/api/v1/digests/2026-13-01", None, 400, "on"),
        ("GET", "/api/v1/items/@HM:tokens/events", None, 404, ""),
        ("POST", "/api/v1/items", b"[" * 100_000 + b"]" * 100_000, 400, "嵌套超过"),
        ("POST", "/api/v1/items", b'{"a": ' * 40 + b"1" + b"}" * 40, 400, "嵌套超过"),
        ("POST", "/api/v1/items", b'{"content": "\xff"}', 400, "UTF-8"),
        ("POST", "/api/v1/items", {"enterprise": {"name": 5}, "content": "y", "channel": "app"},
         400, "enterprise"),  # a number is not a name, at any depth
        ("POST", "/api/v1/items", {"enterprise": {"name": "x"}, "content": "y",
                                   "channel": "app", "notes": [["填报人", 7]]}, 400, "notes"),
        ("POST", "/api/v1/items", {"enterprise": {"name": "x" * 10_000}, "content": "y",
                                   "channel": "app"}, 400, "enterprise.name"),
        ("POST", "/api/v1/items", {"enterprise": "某公司", "content": "y", "channel": "app"},
         400, "enterprise"),
        ("POST", "/api/v1/items", {"enterprise": {"name": "x", "bogus": 1}, "content": "y",
                                   "channel": "app"}, 400, "bogus"),
    ],
)  # fmt: skip
def test_hostile_input_is_a_json_4xx_naming_the_field(
    world: dict[str, Any], verb: str, path: str, body: Any, status: int, field: str
) -> None:
    app, desk = world["app"], _auth(world["tokens"]["desk"])
    if isinstance(body, bytes):
        answer = app.request(verb, path, headers={**desk, "Content-Type": "application/json"},
                             content=body)  # fmt: skip
    else:
        answer = app.request(verb, path, headers=desk, json=body)
    assert answer.status_code == status, answer.text
    assert field in answer.json()["error"]["message"] and "Traceback" not in answer.text


def test_the_status_page_shows_an_earlier_month_on_asking(world: dict[str, Any]) -> None:
    app, desk = world["app"], _auth(world["tokens"]["desk"])
    shown = app.get("/?month=2026-11", headers=desk)
    assert (
        shown.status_code == 200 and "2026年11月" in shown.text and "截至 2026-11-30" in shown.text
    )
    assert 'href="/?month=2026-10"' in shown.text and 'href="/"' in shown.text
    for bad in ("2026-13", "26-11", "2999-01", "x" * 500):
        refused = app.get(f"/?month={bad}", headers=desk)
        assert refused.status_code == 400 and "month" in refused.text
    signed = app.get(f"/?token={world['tokens']['desk']}&month=2026-11", follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/?month=2026-11"
    assert app.get("/?month=2026-11", headers=_auth(world["tokens"]["lead"])).status_code == 403
