"""The done-means of issue 19: a platform runs a desk end to end over HTTP.

A real ``appeal serve`` (uvicorn) on 127.0.0.1 over a SQLite store, tokens made with the
command line, and httpx as the platform's client: a desk token and department tokens.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")

LEAD = "区市场监督管理局"
OTHER = "区住房和城乡建设局"
APPEAL = [str(Path(sys.executable).parent / "appeal")]


def _appeal(db: str, *args: str) -> Any:
    done = subprocess.run(
        [*APPEAL, "--db", db, *args, "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("http")
    db = f"sqlite:///{folder / 'appeals.db'}"
    tokens = {
        who: _appeal(db, "token", "create", "--as", who)["token"]
        for who in ("desk:小王", f"department:{LEAD}", f"department:{OTHER}", "leader:李区长")
    }
    port = _free_port()
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [*APPEAL, "--db", db, "serve", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise AssertionError(Path(folder / "serve.log").read_text())
        yield {"base": base, "tokens": tokens, "db": db, "folder": folder}
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def client(service: dict[str, Any], who: str) -> Any:
    token = service["tokens"][who]
    return httpx.Client(
        base_url=service["base"] + "/api/v1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def register(desk: Any, name: str, key: str | None = None) -> Any:
    body = {
        "enterprise": {"name": name, "contact": "张三", "phone": "13812345678"},
        "content": "厂区门口道路破损，联系电话 13812345678",
        "channel": "app",
    }
    headers = {"Idempotency-Key": key} if key else {}
    return desk.post("/items", json=body, headers=headers)


def test_a_desk_end_to_end_over_http(service: dict[str, Any]) -> None:
    desk = client(service, "desk:小王")
    lead = client(service, f"department:{LEAD}")
    other = client(service, f"department:{OTHER}")

    # the desk registers (idempotently), verifies, classifies and assigns
    first = register(desk, "海门某某机械有限公司", key="reg-0001")
    assert first.status_code == 201, first.text
    number = first.json()["number"]
    again = register(desk, "海门某某机械有限公司", key="reg-0001")
    assert again.status_code == 201 and again.json()["number"] == number
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = register(desk, "另一家企业", key="reg-0001")
    assert changed.status_code == 422 and changed.json()["error"]["code"] == 3
    elsewhere = register(desk, "海门某某建材有限公司").json()["number"]
    for item, to in ((number, LEAD), (elsewhere, OTHER)):
        assert desk.post(f"/items/{item}/verify", json={}).status_code == 200
        classified = desk.post(
            f"/items/{item}/classify", json={"category": "交通", "complexity": "routine"}
        )
        assert classified.status_code == 200, classified.text
        assigned = desk.post(f"/items/{item}/assign", json={"lead": to})
        assert assigned.status_code == 200, assigned.text
        assert assigned.json()["status"] == "assigned"

    # the department lists only its own items, sees the contact while it handles the item
    listed = lead.get("/items").json()
    assert [i["number"] for i in listed["items"]] == [number]
    assert listed["items"][0]["enterprise"]["phone"] == "13812345678"
    # the other department: 404 on GET and POST alike, never a hint
    for response in (
        other.get(f"/items/{number}"),
        other.get(f"/items/{number}/events"),
        other.post(f"/items/{number}/reply", json={"text": "已处理"}),
        other.get("/items/HM-2026-9999"),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"] == {
            "type": "AppealNotFound", "message": response.json()["error"]["message"], "code": 6,
        }  # fmt: skip
        assert LEAD not in response.text
    hidden = other.get(f"/items/{number}").json()["error"]["message"]
    missing = other.get("/items/HM-2026-9999").json()["error"]["message"]
    assert hidden.replace(number, "N") == missing.replace("HM-2026-9999", "N")

    # ETag / If-Match: a stale version gets 412, the current one passes
    seen = lead.get(f"/items/{number}")
    tag = seen.headers["ETag"]
    stale = lead.post(f"/items/{number}/reply", json={"text": "x"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["error"]["type"] == "PreconditionFailed"
    replied = lead.post(
        f"/items/{number}/reply", json={"text": "已安排修复道路，三日内完工"},
        headers={"If-Match": tag},
    )  # fmt: skip
    assert replied.status_code == 200, replied.text
    assert replied.headers["ETag"] != tag
    history = desk.get(f"/items/{number}/events").json()
    by = [e["by"] for e in history if e["type"] == "Replied"]
    assert by == [{"role": "department", "department": LEAD, "name": ""}]  # the token's holder

    # the desk follows up and closes; the department no longer reads the phone in clear
    followed = desk.post(
        f"/items/{number}/follow-up", json={"satisfaction": "satisfied", "resolved": True}
    )
    assert followed.status_code == 200, followed.text
    closed = desk.post(f"/items/{number}/close", json={"note": "企业满意"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text
    after = lead.get(f"/items/{number}").json()
    assert after["enterprise"]["phone"] != "13812345678"
    assert "13812345678" not in json.dumps(lead.get(f"/items/{number}/events").json())
    # an illegal transition: 409 with the CLI's lifecycle code
    again_closed = desk.post(f"/items/{number}/close", json={})
    assert again_closed.status_code == 409 and again_closed.json()["error"]["code"] == 4


def test_errors_are_json_with_the_cli_codes(service: dict[str, Any]) -> None:
    desk = client(service, "desk:小王")
    lead = client(service, f"department:{LEAD}")
    nobody = httpx.Client(base_url=service["base"] + "/api/v1", timeout=30)
    cases = [
        (nobody.get("/items"), 401, "Unauthorized"),
        (desk.get("/items", headers={"Authorization": "Bearer appeal_forged"}), 401, None),
        (desk.post("/items", content=b"{not json", headers={"Content-Type": "application/json"}),
         400, "ValidationError"),
        (desk.post("/items", content=b"text=1", headers={"Content-Type": "text/plain"}),
         415, "ValidationError"),
        (desk.post("/items", json={"content": "只有内容"}), 400, "ValidationError"),
        (desk.post("/items", json={"by": "leader"}), 400, "ValidationError"),
        (desk.post("/items", content=b"x" * (1024 * 1024 + 1),
                   headers={"Content-Type": "application/json"}), 413, "ValidationError"),
        (lead.post("/sweep", json={"on": "2026-12-01"}), 403, "PermissionDenied"),
        (desk.get("/no-such-route"), 404, "NotFound"),
    ]  # fmt: skip
    for response, status, kind in cases:
        assert response.status_code == status, (status, response.text)
        error = response.json()["error"]
        assert set(error) >= {"type", "message", "code"}
        assert "Traceback" not in response.text
        if kind:
            assert error["type"] == kind
    assert cases[4][0].json()["error"]["code"] == 3
    assert "缺少必填参数" in cases[4][0].json()["error"]["message"]


def test_queries_quarantine_and_review_over_http(service: dict[str, Any]) -> None:
    desk = client(service, "desk:小王")
    lead = client(service, f"department:{LEAD}")
    csv = "工单编号,企业名称,诉求内容,联系人,联系电话\nGD-1,某某科技有限公司,用电报装慢,李四,12\n"
    intake = desk.post(
        "/intake/hotline", params={"filename": "12345.csv"}, content=csv.encode("utf-8"),
        headers={"Content-Type": "text/csv"},
    )  # fmt: skip
    assert intake.status_code == 201, intake.text
    rows = desk.get("/quarantine").json()
    assert rows and rows[0]["reason"]
    entry = rows[0]["id"]
    assert lead.get("/quarantine").status_code == 403
    admitted = desk.post(f"/quarantine/{entry}/admit", json={"phone": "13900001111"})
    assert admitted.status_code == 201, admitted.text
    assert admitted.json()["enterprise"]["phone"] == "13900001111"
    assert desk.get("/review").status_code == 200
    swept = desk.post("/sweep", json={"on": "2026-12-01"})
    assert swept.status_code == 200, swept.text
    report = desk.get("/months/2026-12/report")
    assert report.status_code == 200 and report.json()["month"] == 12, report.text
    assert lead.get("/months/2026-12/report").status_code == 200
    bad = desk.get("/months/2026-13/report")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 3
    assert desk.get("/calendar/notices").status_code == 200


def test_openapi_and_healthz(service: dict[str, Any]) -> None:
    document = httpx.get(service["base"] + "/openapi.json").json()
    paths = document["paths"]
    for path in ("/api/v1/items", "/api/v1/items/{number}/reply", "/api/v1/months/{month}/report",
                 "/api/v1/quarantine/{entry_id}/admit", "/healthz", "/open311/v2/requests.{format}",
                 "/api/v1/months/{month}/documents/{format}"):  # fmt: skip
        assert path in paths, path
    body = paths["/api/v1/items/{number}/assign"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["required"] == ["lead"] and "by" not in schema["properties"]
    assert httpx.get(service["base"] + "/healthz").json() == {"status": "ok"}


def test_serve_refuses_background_delivery_without_senders(tmp_path: Path) -> None:
    done = subprocess.run(
        [*APPEAL, "--db", f"sqlite:///{tmp_path / 'a.db'}", "serve", "--deliver-every", "5"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "APPEAL_NOTIFY": ""},
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert "发送器" in done.stderr and "Traceback" not in done.stderr
