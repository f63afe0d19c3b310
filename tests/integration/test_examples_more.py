"""The embedding examples: the web service with department scope, and another district's policy."""

from __future__ import annotations

import json
import sys
import threading
import urllib.request
from datetime import date, datetime
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote

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
        assert call(f"/items/{other}/reply", "department:区市场监督管理局", {"text": "x"})[0] == 403
        assert call("/items", "")[0] == 403
    finally:
        server.shutdown()


def test_five_day_district_policy() -> None:
    policy = load_policy(ROOT / "examples" / "policies" / "five-days.toml")
    assert policy.reply_workdays == 5 and policy.statutory_limit("食品许可") == 20
    desk = Desk(MemoryStore(), district="QD", policy=policy)
    n = _assigned(desk, "区市场监督管理局", "用电报装慢")
    item = desk.get(n)
    assert n == "QD2026-00001"
    assert item.reply_due is not None and item.reply_due.due == date(2026, 11, 9)  # 5 working days
