"""Open311 GeoReport v2: an Open311 client files and reads requests, in JSON and XML."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient

from appeal_adapters.config import open_desk
from appeal_adapters.http import create_app
from appeal_adapters.tokens import issue_token
from appeal_core import SHANGHAI, Actor

NOW = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
LEAD, OTHER = "区市场监督管理局", "区住房和城乡建设局"
BASE = "/open311/v2"


@pytest.fixture
def world() -> dict[str, Any]:
    desk = open_desk("memory://")
    keys = {
        who: issue_token(desk, actor, at=NOW, by=Actor.desk())[0]
        for who, actor in (("app", Actor.desk("企业服务APP")), ("lead", Actor.of_department(LEAD)),
                           ("other", Actor.of_department(OTHER)))
    }  # fmt: skip
    return {"desk": desk, "app": TestClient(create_app(desk)), "keys": keys}


def _file(world: dict[str, Any], **extra: str) -> Any:
    form = {"api_key": world["keys"]["app"], "jurisdiction_id": "HM", "service_code": "交通",
            "attribute[enterprise]": "某某机械有限公司", "description": "厂区门口道路破损",
            "first_name": "三", "last_name": "张", "phone": "13812345678",
            "address_string": "海门区北京路1号", **extra}  # fmt: skip
    return world["app"].post(f"{BASE}/requests.json", data=form)


def test_an_open311_client_files_and_reads_a_request(world: dict[str, Any]) -> None:
    app, desk, keys = world["app"], world["desk"], world["keys"]
    filed = _file(world)
    assert filed.status_code == 200, filed.text
    (made,) = filed.json()
    number = made["service_request_id"]
    item = desk.get(number)
    assert item.channel.value == "app" and item.enterprise.name == "某某机械有限公司"
    assert ("类别", "交通") in item.notes and item.enterprise.phone == "13812345678"
    clerk = Actor.desk("小王")
    later = datetime.now(SHANGHAI).replace(microsecond=0) + timedelta(minutes=1)  # after the server
    desk.verify(number, at=later, by=clerk)
    desk.classify(number, category="交通", complexity="routine", at=later, by=clerk)
    desk.assign(number, lead=LEAD, at=later, by=clerk)

    (row,) = app.get(f"{BASE}/requests/{number}.json", params={"api_key": keys["lead"]}).json()
    assert row["status"] == "open" and row["agency_responsible"] == LEAD
    assert row["service_code"] == "交通" and row["expected_datetime"].startswith(
        item_due(desk, number)
    )
    assert row["requested_datetime"] and row["updated_datetime"]
    xml = app.get(f"{BASE}/requests/{number}.xml", params={"api_key": keys["lead"]})
    assert xml.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == number
    assert root.findtext("request/agency_responsible") == LEAD
    # another department: not its item
    hidden = app.get(f"{BASE}/requests/{number}.json", params={"api_key": keys["other"]})
    assert hidden.status_code == 404 and LEAD not in hidden.text
    assert hidden.json()[0]["code"] == 404
    assert app.get(f"{BASE}/requests.json", params={"api_key": keys["other"]}).json() == []
    # replied and closed: closed, with the reply in the status notes
    desk.reply(number, text="已修复", at=later, by=Actor.of_department(LEAD))
    desk.follow_up(number, satisfaction="satisfied", resolved=True, at=later, by=clerk)
    desk.close(number, at=later, by=clerk)
    listed = app.get(f"{BASE}/requests.json", params={"api_key": keys["lead"], "status": "closed"})
    assert [r["service_request_id"] for r in listed.json()] == [number]
    assert "已修复" in listed.json()[0]["status_notes"]


def item_due(desk: Any, number: str) -> str:
    item = desk.get(number)
    return (item.completion_due or item.reply_due).due.isoformat()


def test_services_and_errors_in_both_formats(world: dict[str, Any]) -> None:
    app = world["app"]
    _file(world)
    services = app.get(f"{BASE}/services.json").json()
    assert services[-1]["service_code"] == "general" and services[-1]["metadata"] is True
    xml = ElementTree.fromstring(app.get(f"{BASE}/services.xml").content)
    assert xml.tag == "services" and xml.find("service/service_code") is not None
    definition = app.get(f"{BASE}/services/general.json").json()
    assert definition["attributes"][0]["code"] == "enterprise"
    missing = _file(world, **{"attribute[enterprise]": ""})
    assert missing.status_code == 400 and "enterprise" in missing.json()[0]["description"]
    no_key = app.post(f"{BASE}/requests.xml", data={"service_code": "general"})
    assert no_key.status_code == 401
    assert ElementTree.fromstring(no_key.content).findtext("error/code") == "401"
    elsewhere = app.get(f"{BASE}/services.json", params={"jurisdiction_id": "CY"})
    assert elsewhere.status_code == 404
