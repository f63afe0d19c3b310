"""The embedding examples: the web service with department scope, and another district's policy."""

from __future__ import annotations

import http.client
import json
import sys
import threading
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote

import pytest

from appeal_adapters.config import load_policy
from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
import web_service  # noqa: E402

DESK = Actor.desk()


def _assigned(desk: Desk, lead: str, text: str) -> str:
    at = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    n = desk.register(
        enterprise=Enterprise(name="某公司"), content=text, channel="app", at=at, by=DESK
    ).number
    desk.verify(n, at=at, by=DESK)
    desk.classify(n, category="其他", complexity="routine", at=at, by=DESK)
    desk.assign(n, lead=lead, at=at, by=DESK)
    return n


def test_web_service_scopes_departments() -> None:
    desk = Desk(MemoryStore())
    mine = _assigned(desk, "区市场监督管理局", "用电报装慢")
    other = _assigned(desk, "区人力资源和社会保障局", "招工难")
    server = web_service.serve(desk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def call(path: str, actor: str, body: dict[str, str] | None = None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            base + path, data=data, headers={"X-Appeal-Actor": quote(actor)}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.loads(response.read())
        except HTTPError as error:
            return error.code, json.loads(error.read())

    try:
        status, items = call("/items", "department:区市场监督管理局")
        assert status == 200 and [i["number"] for i in items] == [mine]  # type: ignore[union-attr]
        assert call(f"/items/{other}", "department:区市场监督管理局")[0] == 404
        assert len(call("/items", "desk")[1]) == 2  # type: ignore[arg-type]
        status, item = call(f"/items/{mine}/reply", "department:区市场监督管理局", {"text": "已办"})
        assert status == 200 and item["status"] == "replied"  # type: ignore[index]
        # POST reveals what GET does: another department's item does not exist for it
        assert call(f"/items/{other}/reply", "department:区市场监督管理局", {"text": "x"})[0] == 404
        assert call("/items", "")[0] == 401
    finally:
        server.shutdown()


@pytest.fixture
def web() -> Iterator[tuple[Desk, str, str, str]]:
    """A served desk: one item led by 市场监管 with 人社 co-handling, one led by 人社."""
    desk = Desk(MemoryStore())
    at = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    firm = Enterprise(name="某公司", contact="张三", phone="13812345678")
    mine = desk.register(enterprise=firm, content="请回电 138-1234-5678 或 0513 8211 1701",
                         channel="app", at=at, by=DESK).number  # fmt: skip
    desk.verify(mine, at=at, by=DESK)
    desk.classify(mine, category="其他", complexity="routine", at=at, by=DESK)
    desk.assign(mine, lead=MARKET, co=[HR], at=at, by=DESK)
    other = _assigned(desk, HR, "招工难")
    server = web_service.serve(desk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield desk, f"127.0.0.1:{server.server_address[1]}", mine, other
    server.shutdown()


MARKET, HR = "区市场监督管理局", "区人力资源和社会保障局"


def raw_call(
    address: str, method: str, path: str, actor: str, body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, object]]:  # fmt: skip
    """A request as a hostile client may send it (no library fills in the headers)."""
    conn = http.client.HTTPConnection(address, timeout=10)
    try:
        conn.putrequest(method, path)
        conn.putheader("X-Appeal-Actor", quote(actor))
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders(body)
        response = conn.getresponse()
        data = json.loads(response.read())
        assert response.getheader("Content-Type", "").startswith("application/json")
        return response.status, data
    finally:
        conn.close()


def _json(body: bytes) -> dict[str, str]:
    return {"Content-Length": str(len(body)), "Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{not json", None, 400),
        (b"[1, 2]", None, 400),
        (b'{"text": 5}', None, 400),
        (b"\xff\xfe", None, 400),
        (b'{"text": "x"}', {"Content-Length": "abc"}, 400),
        (b'{"text": "x"}', {"Content-Length": "-1"}, 400),
        (None, {}, 411),
        (b"x" * (web_service.MAX_BODY + 1), None, 413),
    ],
)
def test_malformed_bodies_get_a_json_error(
    web: tuple[Desk, str, str, str], body: bytes | None, headers: dict[str, str] | None,
    status: int,
) -> None:  # fmt: skip
    desk, address, mine, _ = web
    sent = _json(body or b"") if headers is None else headers
    code, data = raw_call(address, "POST", f"/items/{mine}/reply", f"department:{MARKET}",
                          body, sent)  # fmt: skip
    assert code == status and data["error"]
    assert desk.get(mine).status.value == "assigned"  # nothing was done
    code, _ = raw_call(address, "GET", f"/items/{mine}", f"department:{MARKET}")
    assert code == 200  # and the server still serves


def test_post_and_get_reveal_the_same(web: tuple[Desk, str, str, str]) -> None:
    desk, address, _, other = web
    body = json.dumps({"text": "已办"}).encode()
    actor = f"department:{MARKET}"
    missing = raw_call(address, "POST", "/items/HM-2026-9999/reply", actor, body, _json(body))
    hidden = raw_call(address, "POST", f"/items/{other}/reply", actor, body, _json(body))
    assert hidden[0] == missing[0] == 404
    assert HR not in json.dumps(hidden[1], ensure_ascii=False)
    assert raw_call(address, "GET", f"/items/{other}", actor)[0] == 404
    desk.reply(other, text="已办", at=datetime(2026, 11, 3, 9, tzinfo=SHANGHAI),
               by=Actor.of_department(HR))  # fmt: skip
    code, data = raw_call(address, "POST", f"/items/{other}/reply", f"department:{MARKET}", body,
                          _json(body))  # fmt: skip
    assert code == 404 and "已答复" not in json.dumps(data, ensure_ascii=False)
    code, data = raw_call(address, "POST", f"/items/{other}/reply", f"department:{HR}", body,
                          _json(body))  # fmt: skip
    assert code == 409 and "已答复" in str(data["error"])  # its own item: it may know why


def test_contacts_and_phones_only_for_the_desk_and_the_lead(
    web: tuple[Desk, str, str, str],
) -> None:
    _, address, mine, _ = web
    for actor, sees in ((f"department:{MARKET}", True), ("desk", True),
                        (f"department:{HR}", False), ("leader:李区长", False)):  # fmt: skip
        code, item = raw_call(address, "GET", f"/items/{mine}", actor)
        text = json.dumps(item, ensure_ascii=False)
        assert code == 200
        assert ("13812345678" in text and "张三" in text) is sees, (actor, text)
        if not sees:
            assert "138-1234-5678" not in text and "8211 1701" not in text
            assert "138****5678" in text and "0513-****1701" in text and "张*" in text
        listed = json.dumps(raw_call(address, "GET", "/items", actor)[1], ensure_ascii=False)
        assert ("张三" in listed) is sees


def test_a_confidential_contact_or_a_closed_item_is_masked_for_the_lead(
    web: tuple[Desk, str, str, str],
) -> None:
    desk, address, mine, _ = web
    at = datetime(2026, 11, 3, 9, tzinfo=SHANGHAI)
    desk.set_confidential(mine, at=at, by=DESK, reason="来电人要求保密")
    for actor, sees in ((f"department:{MARKET}", False), ("desk", True)):
        text = json.dumps(raw_call(address, "GET", f"/items/{mine}", actor)[1], ensure_ascii=False)
        assert ("13812345678" in text) is sees, (actor, text)


def test_five_day_district_policy() -> None:
    policy = load_policy(ROOT / "examples" / "policies" / "five-days.toml")
    assert policy.reply_workdays == 5 and policy.statutory_limit("食品许可") == 20
    desk = Desk(MemoryStore(), district="QD", policy=policy)
    n = _assigned(desk, "区市场监督管理局", "用电报装慢")
    item = desk.get(n)
    assert n == "QD2026-00001"
    assert item.reply_due is not None and item.reply_due.due == date(2026, 11, 9)  # 5 working days
