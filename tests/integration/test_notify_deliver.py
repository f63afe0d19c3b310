"""``appeal notify deliver``: what the store recorded goes out once, through a local SMTP
server and a local webhook, from a TOML file of senders; failures wait their back-off."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from appeal_adapters.cli import cli
from appeal_adapters.config import open_desk
from appeal_adapters.notify import Backoff, Outbox, WebhookSender, verify_signature
from appeal_adapters.notify.delivery import DeliveryBusy, deliver_recorded
from appeal_adapters.notify.delivery import _locked as locked
from appeal_adapters.notify.settings import load_settings
from appeal_core import SHANGHAI, Actor, Enterprise, ValidationError
from tests.integration.test_notify import SECRET, Hook, Mailbox, smtp, webhook

__all__ = ["smtp", "webhook"]  # the local servers, as fixtures
DESK = Actor.desk()
LEAD = "区市场监督管理局"


def at(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


def overdue(db: str) -> str:
    """One item due 2024-11-07 in the store at ``db``; the 11-08 sweep records its notices."""
    desk = open_desk(db)
    n = desk.register(enterprise=Enterprise(name="海门某某机械有限公司"), content="用电报装慢",
                      channel="app", at=at("2024-11-04", 8), by=DESK).number  # fmt: skip
    desk.verify(n, at=at("2024-11-04", 8), by=DESK)
    desk.classify(n, category="用电", complexity="routine", at=at("2024-11-04", 8), by=DESK)
    desk.assign(n, lead=LEAD, at=at("2024-11-04", 9), by=DESK)
    desk.store.close()
    return n


def sweep(db: str, day: str) -> None:
    desk = open_desk(db)
    desk.sweep(date.fromisoformat(day), at=at(day, 9), by=DESK)
    desk.store.close()


def settings_file(tmp_path: Path, smtp_port: int, url: str) -> Path:
    path = tmp_path / "notify.toml"
    path.write_text(
        f"""
[backoff]
base_seconds = 60
cap_seconds = 600

[[smtp]]
host = "127.0.0.1"
port = {smtp_port}
sender = "desk@example.cn"
[smtp.recipients]
"{LEAD}" = ["scjgj@example.cn"]
"区分管领导" = ["leader@example.cn"]

[[webhook]]
url = "{url}"
secret_env = "TEST_APPEAL_WEBHOOK_SECRET"
""",
        encoding="utf-8",
    )
    return path


def test_the_cli_delivers_what_the_sweep_recorded_once(
    smtp: tuple[Mailbox, int], webhook: tuple[Hook, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    box, port = smtp
    hook, url = webhook
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEST_APPEAL_WEBHOOK_SECRET", SECRET.decode())
    db = f"sqlite:///{tmp_path / 'appeals.db'}"
    n = overdue(db)
    sweep(db, "2024-11-08")
    config = settings_file(tmp_path, port, url)
    runner = CliRunner()

    def deliver(*extra: str) -> dict[str, object]:
        result = runner.invoke(cli, ["--db", db, "notify", "deliver", "--config", str(config),
                                     "--json", *extra])  # fmt: skip
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.output))

    first = deliver("--since", "2024-11-01")
    # the item's supervision (督办) and the district's supervision notice (督办通知单)
    assert first["queued"] == 2 and first["pending"] == 0, first
    assert len(box.messages) == 2 and len(hook.accepted) == 2
    subjects = sorted(str(m["Subject"]) for m in box.messages)
    assert any(n in s for s in subjects) and any("督办通知单" in s for s in subjects)
    assert {tuple(e[1]) for e in box.envelopes} == {("scjgj@example.cn",)}
    assert all(
        verify_signature(SECRET, h["X-Appeal-Timestamp"], b, h["X-Appeal-Signature"])
        for h, b in hook.requests
    )
    assert (tmp_path / "appeals.db.outbox.jsonl").exists()  # the default: beside the store

    again = deliver()
    assert again["queued"] == 0 and len(box.messages) == 2 and len(hook.accepted) == 2

    sweep(db, "2024-11-13")  # second-level supervision, copied to the leader: new ones only
    third = deliver()
    assert third["queued"] == 3 and len(box.messages) == 5 and len(hook.accepted) == 5
    assert any("二次督办" in m.get_content() for m in box.messages[2:])


def test_a_first_run_passes_over_what_was_recorded_before_its_day(
    smtp: tuple[Mailbox, int], webhook: tuple[Hook, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    box, port = smtp
    monkeypatch.setenv("TEST_APPEAL_WEBHOOK_SECRET", SECRET.decode())
    db = f"sqlite:///{tmp_path / 'appeals.db'}"
    overdue(db)
    sweep(db, "2024-11-08")
    config = settings_file(tmp_path, port, webhook[1])
    result = CliRunner().invoke(cli, ["--db", db, "notify", "deliver", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "略过 2 条更早的通知" in result.output and box.messages == []


def test_a_failing_webhook_waits_its_backoff_and_the_mail_is_not_sent_twice(
    smtp: tuple[Mailbox, int], webhook: tuple[Hook, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    box, port = smtp
    hook, url = webhook
    monkeypatch.setenv("TEST_APPEAL_WEBHOOK_SECRET", SECRET.decode())
    db = f"sqlite:///{tmp_path / 'appeals.db'}"
    overdue(db)
    sweep(db, "2024-11-08")
    settings = load_settings(settings_file(tmp_path, port, url))
    hook.statuses = [500, 500]
    path = tmp_path / "outbox.jsonl"

    def run(now: datetime) -> object:
        desk = open_desk(
            db,
        )
        try:
            box_ = Outbox(settings.senders, backoff=settings.backoff, path=path)
            return deliver_recorded(desk.store, "HM", box_, now=now, since=at("2024-11-01", 0))
        finally:
            desk.store.close()

    first = run(at("2024-11-08", 10))
    assert first.report.pending == 2 and len(first.report.failed) == 2  # type: ignore[attr-defined]
    assert len(box.messages) == 2  # the mail went
    early = run(at("2024-11-08", 10).replace(second=59))
    assert early.report.sent == () and early.queued == 0  # type: ignore[attr-defined]
    later = run(at("2024-11-08", 10).replace(minute=1))
    assert later.report.pending == 0 and len(hook.accepted) == 2  # type: ignore[attr-defined]
    assert len(box.messages) == 2  # the mail was not sent again


def test_two_runs_at_once_do_not_both_send(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    sender = WebhookSender("http://127.0.0.1:9/x", b"k")
    with locked(path.with_name(path.name + ".lock")):
        desk = open_desk("memory://busy")
        with pytest.raises(DeliveryBusy, match="另一个投递进程"):
            deliver_recorded(desk.store, "HM", Outbox([sender], path=path), now=at("2024-11-08"))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[[smtp]]\nhost = "x"\nport = 25\n', "smtp[1].sender"),
        ('[[smtp]]\nhost = "x"\nport = 0\nsender = "a@b"\n', "smtp[1].port"),
        ('[[webhook]]\nurl = "ftp://x"\nsecret = "k"\n', "webhook[1].url"),
        ('[[webhook]]\nurl = "http://x"\nsecret_env = "NOT_SET_ANYWHERE_42"\n', "secret_env"),
        ("[backoff]\nbase_seconds = -1\n", "backoff"),
        ('colour = "red"\n', "colour"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "notify.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=field.replace("[", r"\[").replace("]", r"\]")):
        load_settings(path)


def test_backoff_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notify.toml"
    path.write_text("[backoff]\nbase_seconds = 5\nfactor = 3\ncap_seconds = 40\n", encoding="utf-8")
    assert load_settings(path).backoff == Backoff(base=Backoff().base / 6, factor=3.0,
                                                  cap=Backoff().base * 4 / 3)  # fmt: skip
