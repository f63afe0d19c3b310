"""Every item lifecycle command and the desk's queries over HTTP, each under the role the
library requires (in process, over a memory store)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient

from appeal_adapters.config import open_desk
from appeal_adapters.http import create_app
from appeal_adapters.tokens import issue_token
from appeal_core import SHANGHAI, Actor
from tests.integration.conftest import fresh_schema

NOW = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
LEAD, CO, NEXT = "区市场监督管理局", "区发展和改革委员会", "区住房和城乡建设局"


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """The service over each kind of store."""
    url = {"memory": "memory://", "sqlite": f"sqlite:///{tmp_path / 'a.db'}"}.get(request.param)
    if url is None:
        url = fresh_schema(request.getfixturevalue("postgres_server"))
    desk = open_desk(url)
    people = {"desk": Actor.desk("小王"), "lead": Actor.of_department(LEAD),
              "co": Actor.of_department(CO), "next": Actor.of_department(NEXT),
              "leader": Actor.leader("李区长")}  # fmt: skip
    headers = {
        who: {"Authorization": f"Bearer {issue_token(desk, a, at=NOW, by=people['desk'])[0]}"}
        for who, a in people.items()
    }
    client = TestClient(create_app(desk), base_url="http://testserver/api/v1")

    def call(who: str, verb: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = client.request(verb, path, headers=headers[who], json=body)
        assert response.status_code == status, (verb, path, response.text)
        return response.json()

    return {"call": call, "client": client, "headers": headers}


def _assigned(call: Any, lead: str = LEAD, co: tuple[str, ...] = (), name: str = "某某公司") -> str:
    number: str = call("desk", "POST", "/items", {
        "enterprise": {"name": name}, "content": "用地手续办理慢", "channel": "face_to_face"}, 201,
    )["number"]  # fmt: skip
    call("desk", "POST", f"/items/{number}/verify", {})
    call("desk", "POST", f"/items/{number}/classify", {"category": "用地", "complexity": "complex"})
    call("desk", "POST", f"/items/{number}/assign", {"lead": lead, "co": list(co)})
    return number


def test_send_back_reassign_co_report_extend_escalate_resolve(api: dict[str, Any]) -> None:
    call = api["call"]
    number = _assigned(call, co=(CO,))
    assert call("lead", "POST", f"/items/{number}/send-back", {"reason": "不属本部门职责"}
                )["status"] == "returned"  # fmt: skip
    call("desk", "POST", f"/items/{number}/assign", {"lead": LEAD, "co": [CO]})  # insisted
    moved = call("desk", "POST", f"/items/{number}/reassign",
                 {"lead": NEXT, "reason": "职责调整", "co": [CO]})  # fmt: skip
    assert moved["assignment"]["lead"] == NEXT
    call("lead", "GET", f"/items/{number}", status=404)  # no longer its item
    call("co", "POST", f"/items/{number}/co-reports", {"text": "已提供用地规划意见"})
    replied = call("next", "POST", f"/items/{number}/reply",
                   {"text": "初步答复", "preliminary": True, "committed_due": "2026-12-31"})  # fmt: skip
    assert replied["status"] == "preliminary_replied"
    extended = call("desk", "POST", f"/items/{number}/extend",
                    {"new_due": "2027-01-15", "reason": "需补充材料"})  # fmt: skip
    assert extended["completion_due"]["due"] == "2027-01-15"
    call("desk", "POST", f"/items/{number}/escalate",
         {"leader": "李区长", "reason": "跨部门", "proposal": "召开协调会"})  # fmt: skip
    call("next", "POST", f"/items/{number}/resolve", {"resolution": "x"}, status=403)
    resolved = call("leader", "POST", f"/items/{number}/resolve", {"resolution": "协调会议定"})
    assert resolved["escalation"]
    events = [e["type"] for e in call("desk", "GET", f"/items/{number}/events")]
    for kind in (
        "Returned",
        "Reassigned",
        "CoHandlerReported",
        "DeadlineExtended",
        "Escalated",
        "EscalationResolved",
    ):
        assert kind in events, events


def test_reopen_characterize_merge_and_queries(api: dict[str, Any]) -> None:
    call = api["call"]
    number = _assigned(call)
    call("lead", "POST", f"/items/{number}/reply",
         {"text": "初步答复", "preliminary": True, "committed_due": "2026-12-20"})  # fmt: skip
    call("lead", "POST", f"/items/{number}/reply", {"text": "已办结"})
    call("desk", "POST", f"/items/{number}/follow-up",
         {"satisfaction": "unsatisfied", "resolved": False, "notes": "未解决"})  # fmt: skip
    reopened = call("desk", "POST", f"/items/{number}/reopen", {"reason": "回访未解决"})
    assert reopened["status"] == "assigned"
    done = call("desk", "POST", f"/items/{number}/characterize",
                {"reason": "涉及国土规划红线", "red_line": "land_planning"})  # fmt: skip
    assert done["status"] == "characterized"
    assert call("desk", "POST", f"/items/{number}/close", {})["status"] == "closed"
    bad = call("desk", "POST", f"/items/{number}/characterize", {"reason": "x",
               "red_line": "no_such_line"}, status=400)  # fmt: skip
    assert bad["error"]["code"] == 3

    first = call("desk", "POST", "/items", {"enterprise": {"name": "某某重复公司"},
                 "content": "同一问题", "channel": "app"}, 201)["number"]  # fmt: skip
    second = call("desk", "POST", "/items", {"enterprise": {"name": "某某重复公司"},
                  "content": "同一问题", "channel": "hotline"}, 201)["number"]  # fmt: skip
    merged = call("desk", "POST", f"/items/{second}/merge", {"into": first})
    assert merged["number"] == first and second in merged["merged_from"]  # the primary
    assert call("desk", "GET", f"/items/{second}")["status"] == "merged"

    month = NOW.strftime("%Y-%m")
    explanation = call(
        "desk", "GET", f"/months/{month}/explain?department={LEAD}&figure=response_rate"
    )
    assert explanation["department"] == LEAD and explanation["figure"] == "response_rate"
    call("desk", "GET", f"/months/{month}/explain?department={LEAD}&figure=response_rate&x=1",
         status=400)  # fmt: skip
    assert isinstance(call("desk", "GET", "/calendar/notices"), list)


def test_review_confirm_correct_and_quarantine_dismiss(api: dict[str, Any]) -> None:
    call = api["call"]
    assumed = {"field": "enterprise.phone", "original": "82118899", "assumed": "0513-82118899",
               "reason": "固定电话未写区号，按本区区号补全"}  # fmt: skip
    made = [
        call("desk", "POST", "/items", {"enterprise": {"name": f"某某公司{k}", "phone": "0513-82118899"},
             "content": f"问题{k}", "channel": "hotline", "assumptions": [assumed]}, 201)["number"]
        for k in range(2)
    ]  # fmt: skip
    queue = call("desk", "GET", "/review")
    assert {e["number"] for e in queue} == set(made)
    call("lead", "GET", "/review", status=403)
    call("desk", "POST", f"/items/{made[0]}/review/confirm", {"field": "enterprise.phone"})
    fixed = call("desk", "POST", f"/items/{made[1]}/review/correct",
                 {"field": "enterprise.phone", "value": "0513-82118890", "note": "电话核实"})  # fmt: skip
    assert fixed["enterprise"]["phone"] == "0513-82118890"
    assert call("desk", "GET", "/review") == []

    csv = "工单编号,企业名称,诉求内容,联系人,联系电话\nGD-9,某某科技有限公司,用电报装慢,李四,12\n"
    upload = api["client"].post("/intake/hotline", params={"filename": "a.csv"},
                                content=csv.encode(), headers=api["headers"]["desk"])  # fmt: skip
    assert upload.status_code == 201, upload.text
    (entry,) = upload.json()["quarantined"]
    call("desk", "POST", f"/quarantine/{entry}/dismiss", {"note": "无法联系，不予登记"})
    assert call("desk", "GET", "/quarantine") == []
    call("desk", "POST", f"/quarantine/{entry}/dismiss", {"note": "again"}, status=400)


def test_documents_by_format(api: dict[str, Any]) -> None:
    call, client, headers = api["call"], api["client"], api["headers"]
    _assigned(call)
    kinds = {row["kind"] for row in call("desk", "GET", "/formats")}
    assert {"briefing", "explain"} <= kinds
    assert [r["format"] for r in call("desk", "GET", "/formats?kind=briefing")]
    assert "app" in {row["channel"] for row in call("lead", "GET", "/channels")}
    month = NOW.strftime("%Y-%m")
    page = client.get(f"/months/{month}/documents/briefing.html", headers=headers["leader"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "attachment" in page.headers["content-disposition"] and "<table" in page.text
    assert client.get(f"/months/{month}/documents/briefing.html",
                      headers=headers["lead"]).status_code == 403  # fmt: skip
    unknown = client.get(f"/months/{month}/documents/briefing.pdfx", headers=headers["desk"])
    assert unknown.status_code == 404 and "briefing.html" in unknown.json()["error"]["message"]


def test_privacy_routes_are_the_desks(api: dict[str, Any]) -> None:
    call = api["call"]
    number = call("desk", "POST", "/items", {
        "enterprise": {"name": "某某公司", "contact": "王五", "phone": "13900001111"},
        "content": "问题", "channel": "app"}, 201)["number"]  # fmt: skip
    held = call("desk", "POST", "/privacy/personal-data", {"phone": "13900001111"})
    assert number in str(held) and "王五" in str(held)
    for who in ("leader", "lead"):
        refused = call(who, "POST", "/privacy/personal-data", {"phone": "13900001111"}, 403)
        assert "王五" not in str(refused) and refused["error"]["code"] == 5
        call(who, "GET", "/privacy/erasures", status=403)
    hidden = call("desk", "POST", f"/items/{number}/confidential", {"reason": "本人要求"})
    assert hidden["enterprise"]["confidential"] is True
    assert call("desk", "GET", "/privacy/erasures") == []
