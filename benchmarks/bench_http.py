"""HTTP service benchmark: the same desk work over HTTP (a real uvicorn on 127.0.0.1, httpx
with keep-alive) against direct ``Desk`` calls in the same process, on the same SQLite file
kind; the ratio is the cost of the HTTP face (auth, JSON, scoping, privacy, the lock).

Run from the repository root:  .venv/bin/python benchmarks/bench_http.py [N]
"""

from __future__ import annotations

import platform
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import uvicorn

from appeal_adapters.config import open_desk
from appeal_adapters.http import create_app
from appeal_adapters.serialization import unstructure
from appeal_adapters.tokens import issue_token
from appeal_core import SHANGHAI, Actor, Desk, Enterprise

LEAD = "区市场监督管理局"
CLERK = Actor.desk("小王")


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def register_direct(desk: Desk, n: int) -> list[str]:
    clock = iter(datetime.now(SHANGHAI) - timedelta(seconds=n - k) for k in range(n))
    return [desk.register(enterprise=Enterprise(name=f"企业{k}"), content=f"问题{k}",
                          channel="app", at=next(clock), by=CLERK).number
            for k in range(n)]  # fmt: skip


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))
    direct = open_desk(f"sqlite:///{folder / 'direct.db'}")
    served = open_desk(f"sqlite:///{folder / 'served.db'}")
    token = issue_token(served, CLERK, at=datetime.now(SHANGHAI), by=CLERK)[0]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(served), port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1",
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip

    numbers: list[str] = []
    t_reg_direct = timed(lambda: numbers.extend(register_direct(direct, n)))

    def register_http() -> None:
        for k in range(n):
            body = {"enterprise": {"name": f"企业{k}"}, "content": f"问题{k}", "channel": "app"}
            client.post("/items", json=body).raise_for_status()

    t_reg_http = timed(register_http)
    t_get_direct = timed(lambda: [unstructure(direct.get(x)) for x in numbers])
    t_get_http = timed(lambda: [client.get(f"/items/{x}").raise_for_status() for x in numbers])
    server.should_exit = True

    rows = [("register", t_reg_direct, t_reg_http), ("get (as JSON)", t_get_direct, t_get_http)]
    print(f"{platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, SQLite, {n} items")  # fmt: skip
    print("| operation | direct Desk (ms/op) | HTTP (ms/op) | ratio |")
    print("|---|---:|---:|---:|")
    for name, fast, slow in rows:
        print(f"| {name} | {fast / n * 1000:.2f} | {slow / n * 1000:.2f} | {slow / fast:.1f}x |")


if __name__ == "__main__":
    main()
