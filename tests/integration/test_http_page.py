"""The status page in a real browser: Debian's chromium, headless, against a real uvicorn.

Checks what a person sees: the DOM has the ranked table's rows and the SVG chart, and the
screenshot is not blank where the chart is drawn.  Without chromium the test is skipped, except
under ``APPEAL_CI_STRICT=1``, where it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
Image = pytest.importorskip("PIL.Image")

from appeal_adapters.config import open_desk  # noqa: E402
from appeal_adapters.http import create_app  # noqa: E402
from appeal_adapters.tokens import issue_token  # noqa: E402
from appeal_core import SHANGHAI, Actor, Enterprise  # noqa: E402

DEPARTMENTS = ("区市场监督管理局", "区住房和城乡建设局", "区发展和改革委员会")
CLERK = Actor.desk("小王")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("APPEAL_CI_STRICT") == "1":
            pytest.fail("chromium is required under APPEAL_CI_STRICT=1 (.ci/install-doc-tools.sh)")
        pytest.skip("chromium not installed")
    return found


def _fill(desk: Any) -> None:
    """Three departments with three items each, this month: answered, overdue-free."""
    clock = iter(datetime.now(SHANGHAI).replace(microsecond=0) - timedelta(minutes=60 - k)
                 for k in range(59))  # fmt: skip
    for k, department in enumerate(DEPARTMENTS):
        for j in range(3):
            item = desk.register(
                enterprise=Enterprise(name=f"某某企业{k}{j}有限公司"),
                content=f"问题{k}{j}", channel="app", at=next(clock), by=CLERK,
            )  # fmt: skip
            desk.verify(item.number, at=next(clock), by=CLERK)
            desk.classify(item.number, category="用地", complexity="routine", at=next(clock),
                          by=CLERK)  # fmt: skip
            desk.assign(item.number, lead=department, at=next(clock), by=CLERK)
            if j < 3 - k % 2:
                desk.reply(item.number, text="已办理", at=next(clock),
                           by=Actor.of_department(department))  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    desk = open_desk(f"sqlite:///{tmp_path / 'page.db'}")
    now = datetime.now(SHANGHAI).replace(microsecond=0) - timedelta(hours=2)
    token = issue_token(desk, Actor.leader("李区长"), at=now, by=CLERK)[0]
    department = issue_token(desk, Actor.of_department(DEPARTMENTS[0]), at=now, by=CLERK)[0]
    _fill(desk)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(desk), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    try:
        yield {"base": base, "token": token, "department": department}
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def test_the_status_page_in_a_browser(server: dict[str, Any], tmp_path: Path) -> None:
    chromium = _chromium()
    base, token = server["base"], server["token"]
    # without a token, and for a department: refused, as a page
    assert httpx.get(base + "/").status_code == 401
    assert httpx.get(base + "/", headers={"Authorization": f"Bearer {server['department']}"}
                     ).status_code == 403  # fmt: skip
    page = httpx.get(base + "/", headers={"Authorization": f"Bearer {token}"})
    assert (
        page.status_code == 200
        and "<svg" in page.text
        and "http"
        not in page.text.split("<body>")[1].replace('xmlns="http://www.w3.org/2000/svg"', "")
    )  # no external asset

    url = f"{base}/?token={token}"  # signs in by a cookie, redirected to /
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000"]  # fmt: skip
    dom = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True,
                         text=True, timeout=120).stdout  # fmt: skip
    assert 'id="ranking"' in dom and "<svg" in dom, dom[:500]
    ranking = dom.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    for department in DEPARTMENTS:
        assert department in ranking
    assert dom.count('class="bar"') == len(DEPARTMENTS)

    shot = tmp_path / "page.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", url], capture_output=True,
                   timeout=120, check=True)  # fmt: skip
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2000)
    # the chart sits under the first heading: its bars are the page's dark blue (#1f4e79)
    top = image.crop((0, 0, 1280, 700))
    counted = top.getcolors(1280 * 700) or []  # (pixels, colour) for every colour present
    blue = sum(n for n, (r, g, b) in counted if abs(r - 0x1F) < 30 and abs(g - 0x4E) < 30
               and abs(b - 0x79) < 30)  # fmt: skip
    assert blue > 2000, blue
    colours = len(image.crop((0, 0, 1280, 1200)).getcolors(1280 * 1200) or [])
    assert colours > 20  # text and lines drawn, not a blank page
