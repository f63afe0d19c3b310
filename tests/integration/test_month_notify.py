"""Supervision notices through the outbox: held for office hours, a copy for each leader, a
Chinese number that survives HTTP headers and the JSON file; the digest to the desk's address."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import unquote

from appeal_adapters.notify import Notice, Outbox, SmtpSender, WebhookSender
from appeal_core import SHANGHAI, Actor, Desk, Enterprise, MemoryStore, Policy

DESK = Actor.desk()
LEAD = "区市场监督管理局"


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), SHANGHAI)


def overdue(outbox: Outbox, policy: Policy | None = None) -> Desk:
    desk = Desk(MemoryStore(), policy=policy, listeners=[outbox])
    n = desk.register(enterprise=Enterprise(name="某公司"), content="用电报装慢", channel="app",
                      at=at("2024-11-04", 8), by=DESK).number  # fmt: skip
    desk.verify(n, at=at("2024-11-04", 8), by=DESK)
    desk.classify(n, category="用电", complexity="routine", at=at("2024-11-04", 8), by=DESK)
    desk.assign(n, lead=LEAD, at=at("2024-11-04", 9), by=DESK)  # due 11-07
    return desk


def test_second_level_notices_go_to_the_department_and_a_copy_to_its_leader() -> None:
    sent: list[Notice] = []
    outbox = Outbox({"inbox": sent.append})
    desk = overdue(outbox, Policy(department_leaders={LEAD: "李副区长"}))
    desk.sweep(date(2024, 11, 8), at=at("2024-11-08", 9), by=DESK)
    desk.sweep(date(2024, 11, 13), at=at("2024-11-13", 22), by=DESK)  # second level, at night
    outbox.deliver(at("2024-11-13", 22, 5))
    kinds = [(n.kind, n.target) for n in sent]
    assert kinds == [("supervise", LEAD), ("supervision_notice", LEAD), ("supervise_again", LEAD)]
    report = outbox.deliver(at("2024-11-14", 8, 29))
    assert report.sent == () and report.next_try == at("2024-11-14", 8, 30)
    outbox.deliver(at("2024-11-14", 8, 30))
    notice, copy = sent[-2:]
    assert (notice.target, copy.target) == (LEAD, "李副区长")
    assert notice.number == copy.number == "督办〔2024〕2号" and notice.key != copy.key
    assert "二次督办" in notice.message and "抄送：李副区长" in notice.message


def test_a_chinese_key_is_percent_encoded_in_the_webhook_header() -> None:
    notice = Notice(number="督办〔2024〕2号", kind="supervision_notice", key="notice:2024:2",
                    target=LEAD, message="督办", at=at("2024-11-13", 22),
                    not_before=at("2024-11-14", 8, 30))  # fmt: skip
    request = WebhookSender("http://127.0.0.1:9/x", b"secret").request(notice)
    header = request.get_header("X-appeal-key")
    assert header is not None and header.isascii() and unquote(header) == notice.ident
    assert Notice.from_json(notice.to_json()) == notice


def test_the_digest_goes_to_the_address_it_names() -> None:
    mail = SmtpSender("smtp.example", 25, "desk@example.cn", {})
    notice = Notice(number="@HM:digest", kind="digest", key="digest:2024-11-11", target="区服务企业办",
                    message="每日汇总", at=at("2024-11-11", 8), to="hmmfb@126.com")  # fmt: skip
    msg = mail.message(notice)
    assert (
        msg["To"] == "hmmfb@126.com" and msg["Subject"] == "【民企诉求直通车】每日汇总 @HM:digest"
    )
