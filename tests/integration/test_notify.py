"""Notifications end to end: a real local SMTP server, a real local webhook, retries, restarts."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from appeal_adapters import hookimpl, load_plugins
from appeal_adapters.notify import (
    Backoff,
    HookSender,
    NoRecipients,
    Notice,
    Outbox,
    SmtpSender,
    WebhookFailed,
    WebhookSender,
    verify_signature,
)
from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore

DESK = Actor.desk()
LEAD = "区市场监督管理局"
SECRET = b"s3cret-\xe5\xaf\x86"
T0 = datetime(2024, 11, 8, 18, 0, tzinfo=SHANGHAI)


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def overdue_desk(outbox: Outbox) -> tuple[Desk, str]:
    """A desk with one item due 2024-11-07, so the 2024-11-08 sweep supervises it."""
    desk = Desk(MemoryStore(), listeners=[outbox])
    n = desk.register(
        enterprise=Enterprise(name="海门某某机械有限公司"),
        content="用电报装慢",
        channel="app",
        at=at("2024-11-04", 8),
        by=DESK,
    ).number
    desk.verify(n, at=at("2024-11-04", 8), by=DESK)
    desk.classify(n, category="用电", complexity="routine", at=at("2024-11-04", 8), by=DESK)
    desk.assign(n, lead=LEAD, at=at("2024-11-04", 9), by=DESK)
    return desk, n


def notice(number: str = "HM-2024-0001", key: str = "supervise:1") -> Notice:
    return Notice(
        number=number,
        kind="supervise",
        key=key,
        target=LEAD,
        message="诉求 HM-2024-0001 已逾期 1 个工作日，请尽快答复。",
        at=T0,
    )


# --- local servers ---------------------------------------------------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


class Hook:
    """A local webhook receiver: answers with the queued statuses, then 200."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.accepted: list[bytes] = []


@pytest.fixture
def webhook() -> Iterator[tuple[Hook, str]]:
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.requests.append((dict(self.headers.items()), body))
            status = hook.statuses.pop(0) if hook.statuses else 200
            if status == 200:
                hook.accepted.append(body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook, f"http://127.0.0.1:{server.server_address[1]}/appeal"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- senders ---------------------------------------------------------------------------------


def test_email_reaches_a_local_smtp_server_with_the_chinese_subject(
    smtp: tuple[Mailbox, int],
) -> None:
    box, port = smtp
    sender = SmtpSender(
        "127.0.0.1",
        port,
        "desk@haimen.example",
        {LEAD: ["scjg@haimen.example", "lead@haimen.example"]},
        timeout=5,
    )
    sender(notice())
    assert len(box.messages) == 1
    msg = box.messages[0]
    assert msg["Subject"] == "【民企诉求直通车】逾期督办 HM-2024-0001"
    assert msg.get_content().strip() == notice().message
    assert box.envelopes == [
        ("desk@haimen.example", ["scjg@haimen.example", "lead@haimen.example"])
    ]


def test_a_target_without_addresses_is_a_typed_error_and_the_outbox_keeps_it(
    smtp: tuple[Mailbox, int],
) -> None:
    box, port = smtp
    sender = SmtpSender("127.0.0.1", port, "desk@haimen.example", {}, timeout=5)
    with pytest.raises(NoRecipients, match=LEAD):
        sender(notice())
    outbox = Outbox([sender])
    outbox.enqueue(notice())
    report = outbox.deliver(T0)
    assert report.failed and report.pending == 1 and box.messages == []
    sender.recipients[LEAD] = ["scjg@haimen.example"]
    assert outbox.deliver(T0 + timedelta(seconds=30)).completed == (notice().ident,)
    assert len(box.messages) == 1


def test_webhook_is_signed_canonical_json_and_the_signature_verifies(
    webhook: tuple[Hook, str],
) -> None:
    hook, url = webhook
    WebhookSender(url, SECRET)(notice())
    [(headers, body)] = hook.requests
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(body.decode("utf-8")) == notice().to_json()
    assert "逾期".encode() in body  # ensure_ascii=False
    ts, sig = headers["X-Appeal-Timestamp"], headers["X-Appeal-Signature"]
    assert sig.startswith("sha256=")
    assert verify_signature(SECRET, ts, body, sig)
    assert verify_signature(SECRET, ts, body, sig, tolerance=300)
    assert not verify_signature(b"other", ts, body, sig)
    assert not verify_signature(SECRET, ts, body + b" ", sig)
    assert not verify_signature(SECRET, str(int(ts) + 1), body, sig)


def test_webhook_non_2xx_is_a_typed_error(webhook: tuple[Hook, str]) -> None:
    hook, url = webhook
    hook.statuses = [503]
    with pytest.raises(WebhookFailed, match="503") as info:
        WebhookSender(url, SECRET)(notice())
    assert info.value.status == 503


# --- outbox ----------------------------------------------------------------------------------


def test_fails_twice_then_succeeds_exactly_once_with_back_off_respected(
    webhook: tuple[Hook, str],
) -> None:
    hook, url = webhook
    hook.statuses = [500, 502]
    other: list[Notice] = []
    senders: dict[str, Callable[[Notice], None]] = {
        "webhook": WebhookSender(url, SECRET),
        "other": other.append,
    }
    outbox = Outbox(senders)
    outbox.enqueue(notice())

    first = outbox.deliver(T0)
    assert [s for _, s, _ in first.failed] == ["webhook"] and first.next_try == T0 + timedelta(
        seconds=30
    )
    assert outbox.deliver(T0 + timedelta(seconds=29)).sent == ()  # not yet due
    assert len(hook.requests) == 1

    second = outbox.deliver(T0 + timedelta(seconds=30))
    assert second.failed and second.next_try == T0 + timedelta(seconds=90)  # 30 s, then 60 s
    assert outbox.deliver(T0 + timedelta(seconds=89)).sent == ()
    assert len(hook.requests) == 2

    third = outbox.deliver(T0 + timedelta(seconds=90))
    assert third.sent == ((notice().ident, "webhook"),)
    assert third.completed == (notice().ident,) and third.pending == 0
    assert len(hook.accepted) == 1 and len(hook.requests) == 3
    assert other == [notice()]  # the working sender got it once, not on every retry
    assert outbox.deliver(T0 + timedelta(hours=1)).sent == ()


def test_back_off_is_capped_and_configurable() -> None:
    assert [Backoff().delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 50)] == [
        30,
        60,
        120,
        1920,
        3600,
        3600,
    ]
    assert Backoff().delay(5000).total_seconds() == 3600
    idle = Outbox()  # no senders: notices wait, they are not dropped
    idle.enqueue(notice())
    assert idle.deliver(T0).pending == 1 and len(idle) == 1
    fast = Backoff(base=timedelta(seconds=1), factor=3, cap=timedelta(seconds=5))
    assert [fast.delay(n).total_seconds() for n in (1, 2, 3)] == [1, 3, 5]
    with pytest.raises(ValueError, match="倍数"):
        Backoff(factor=0.5)


def test_a_desk_command_with_a_failing_receiver_succeeds_and_nothing_is_lost(
    webhook: tuple[Hook, str],
) -> None:
    hook, url = webhook
    hook.statuses = [500] * 3
    outbox = Outbox([WebhookSender(url, SECRET)], backoff=Backoff(base=timedelta(seconds=10)))
    desk, n = overdue_desk(outbox)

    actions = desk.sweep(date(2024, 11, 8), at=at("2024-11-08", 18), by=DESK)
    assert [a.kind.value for a in actions] == ["supervise"]
    assert hook.requests == []  # the listener only queued the notices
    assert len(outbox) == 2  # the item's notice, and the day's supervision notice

    reports = outbox.flush_all(at("2024-11-08", 18))
    assert [len(r.failed) for r in reports] == [1, 1, 1, 0, 0]
    assert reports[-1].completed and len(outbox) == 0
    first, notice = (json.loads(body) for body in hook.accepted)
    assert notice["kind"] == "supervision_notice" and notice["not_before"].startswith(
        "2024-11-11T08:30")  # Friday evening: sent on Monday's opening  # fmt: skip
    sent = first
    assert sent["number"] == n and sent["kind"] == "supervise" and sent["target"] == LEAD
    noticed = [ev for ev in desk.history(n) if type(ev).__name__ == "Noticed"]
    assert [Notice.from_event(ev).to_json() for ev in noticed] == [sent]  # type: ignore[arg-type]


def test_a_listener_never_raises_and_the_sweep_still_records() -> None:
    def broken(notice: Notice) -> None:
        raise RuntimeError("接收方宕机")

    outbox = Outbox([broken])
    desk, n = overdue_desk(outbox)
    outbox(["not an event"])  # type: ignore[list-item]
    assert desk.sweep(date(2024, 11, 8), at=at("2024-11-08", 18), by=DESK)
    report = outbox.deliver(at("2024-11-08", 18))
    assert report.failed and "接收方宕机" in report.failed[0][2]
    item, held = outbox.pending()  # the supervision notice waits for office hours, untried
    assert item.attempts == 1 and item.notice.number == n
    assert held.attempts == 0 and held.notice.kind == "supervision_notice"


def test_json_lines_persistence_survives_a_new_outbox(tmp_path: Path) -> None:
    path = tmp_path / "outbox" / "notices.jsonl"
    calls: list[str] = []

    def down(notice: Notice) -> None:
        calls.append("down")
        raise OSError("连接被拒绝")

    outbox = Outbox({"primary": down}, path=path)
    desk, n = overdue_desk(outbox)
    desk.sweep(date(2024, 11, 8), at=at("2024-11-08", 18), by=DESK)
    outbox.save()  # queued notices reach the file before any delivery
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [x["attempts"] for x in lines] == [0, 0]
    assert lines[1]["notice"]["not_before"] == "2024-11-11T08:30:00+08:00"  # office hours
    outbox.deliver(at("2024-11-08", 18))
    assert not list(tmp_path.joinpath("outbox").glob("*.jsonl.*"))  # no temp file left over

    got: list[Notice] = []
    restarted = Outbox({"primary": got.append}, path=path)
    item, held = restarted.pending()
    assert item.attempts == 1 and item.next_try == at("2024-11-08", 18) + timedelta(seconds=30)
    assert held.attempts == 0 and held.notice.not_before == at("2024-11-11", 8) + timedelta(
        minutes=30)  # the hold survives the restart too  # fmt: skip
    assert restarted.deliver(at("2024-11-08", 18)).sent == ()  # back-off survives the restart
    assert restarted.deliver(at("2024-11-08", 19)).completed
    assert [x.number for x in got] == [n] and calls == ["down"]
    assert restarted.deliver(at("2024-11-11", 8) + timedelta(minutes=30)).completed
    assert got[-1].kind == "supervision_notice"
    assert path.read_text(encoding="utf-8") == ""
    assert Outbox({"primary": got.append}, path=path).pending() == []


def test_per_sender_tracking_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "notices.jsonl"
    a: list[Notice] = []

    def b_down(notice: Notice) -> None:
        raise OSError("b 不可用")

    outbox = Outbox({"a": a.append, "b": b_down}, path=path)
    outbox.enqueue(notice())
    outbox.deliver(T0)
    b: list[Notice] = []
    Outbox({"a": a.append, "b": b.append}, path=path).deliver(T0 + timedelta(minutes=1))
    assert a == [notice()] and b == [notice()]


def test_hook_sender_calls_each_implementation_once_across_retries() -> None:
    seen: list[str] = []

    class Steady:
        @hookimpl
        def appeal_notify(self, notice: Notice) -> None:
            seen.append("steady:" + notice.number)

    class Flaky:
        failures = 1

        @hookimpl
        def appeal_notify(self, notice: Notice) -> None:
            if self.failures:
                self.failures -= 1
                raise RuntimeError("短信网关超时")
            seen.append("flaky:" + notice.number)

    plugins = load_plugins(entry_points=False, extra=[Steady(), Flaky()])
    outbox = Outbox([HookSender(plugins)])
    outbox.enqueue(notice())
    reports = outbox.flush_all(T0)
    assert [len(r.failed) for r in reports] == [1, 0]
    assert "短信网关超时" in reports[0].failed[0][2]
    assert sorted(seen) == ["flaky:HM-2024-0001", "steady:HM-2024-0001"]
