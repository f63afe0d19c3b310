"""The notice a sender delivers (a frozen copy of one ``Noticed`` event) and the typed errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from appeal_adapters.errors import AdapterError
from appeal_core.events import Noticed
from appeal_core.journal import Announced, SupervisionNoticeIssued
from appeal_core.supervision_notice import notice_text
from appeal_core.sweep import ActionKind

#: Labels of the notices that are not sweep actions.
LABELS = {"supervision_notice": "督办通知单", "digest": "每日汇总"}


def _optional(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _aware(instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"通知时间 {value!r} 必须带时区")


@attrs.frozen(kw_only=True)
class Notice:
    """One notice (提醒、督办、催办) for one target department, as senders see it.

    ``not_before`` holds a notice back until then (a supervision notice waits for office
    hours); ``to`` is an address the notice names itself (the daily digest: the desk's).
    """

    number: str
    kind: str
    key: str
    target: str
    message: str
    at: datetime = attrs.field(validator=_aware)
    not_before: datetime | None = None
    to: str = ""

    @classmethod
    def from_event(cls, event: Noticed) -> Notice:
        """The notice that a ``Noticed`` event records."""
        return cls(
            number=event.number,
            kind=event.kind,
            key=event.key,
            target=event.target,
            message=event.message,
            at=event.at,
        )

    @classmethod
    def from_announcement(cls, event: Announced) -> Notice:
        """The notice of a district-wide ``Announced`` event (its number is the stream's key)."""
        return cls(
            number=event.stream,
            kind=event.kind,
            key=event.key,
            target=event.target,
            message=event.message,
            at=event.at,
        )

    @classmethod
    def from_supervision(cls, event: SupervisionNoticeIssued) -> tuple[Notice, ...]:
        """A supervision notice for its department, and a copy for each leader it is copied
        to; all held back until the notice's office hour (``send_at``)."""
        text = notice_text(event)
        first = cls(number=event.code, kind="supervision_notice", key=f"notice:{event.year}:"
                    f"{event.seq}", target=event.target, message=text, at=event.at,
                    not_before=event.send_at)  # fmt: skip
        copies = (attrs.evolve(first, key=f"{first.key}:cc:{cc}", target=cc) for cc in event.cc)
        return (first, *copies)

    @property
    def label(self) -> str:
        """The kind in Chinese, or the raw kind when it is not a known one."""
        try:
            return ActionKind(self.kind).label
        except ValueError:
            return LABELS.get(self.kind, self.kind)

    @property
    def ident(self) -> str:
        """A stable identity for de-duplication: item number and once-only key."""
        return f"{self.number}|{self.key}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; ``at`` is ISO 8601 with its offset."""
        return {
            "number": self.number,
            "kind": self.kind,
            "key": self.key,
            "target": self.target,
            "message": self.message,
            "at": self.at.isoformat(),
            **({"not_before": self.not_before.isoformat()} if self.not_before else {}),
            **({"to": self.to} if self.to else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Notice:
        """The notice that ``to_json`` wrote."""
        return cls(
            number=str(data["number"]),
            kind=str(data["kind"]),
            key=str(data["key"]),
            target=str(data["target"]),
            message=str(data["message"]),
            at=datetime.fromisoformat(str(data["at"])),
            not_before=_optional(data.get("not_before")),
            to=str(data.get("to", "")),
        )


class NotifyError(AdapterError):
    """Root of the notification errors; the outbox keeps a notice whose sender raised."""


class NoRecipients(NotifyError, LookupError):
    """No e-mail addresses are configured for the notice's target department."""

    def __init__(self, target: str) -> None:
        self.target = target
        super().__init__(f"目标单位 {target!r} 没有配置收件邮箱，通知保留待重试")


class EmailFailed(NotifyError):
    """The SMTP server refused the message or could not be reached."""

    def __init__(self, host: str, port: int, reason: object) -> None:
        self.host = host
        self.port = port
        super().__init__(f"经邮件服务器 {host}:{port} 发送通知失败：{reason}")


class WebhookFailed(NotifyError):
    """The webhook receiver answered with a non-2xx status or could not be reached."""

    def __init__(self, url: str, reason: object, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(f"推送通知到 {url!r} 失败：{reason}")


class HookFailed(NotifyError):
    """One or more ``appeal_notify`` implementations raised."""

    def __init__(self, failures: dict[str, str]) -> None:
        self.failures = failures
        names = "；".join(f"{name}：{err}" for name, err in failures.items())
        super().__init__(f"appeal_notify 插件处理通知失败：{names}")


class OutboxFileError(NotifyError, ValueError):
    """The outbox's JSON-lines file cannot be read back."""

    def __init__(self, path: str, line: int, reason: object) -> None:
        self.path = path
        self.line = line
        super().__init__(f"发件箱文件 {path!r} 第 {line} 行无法读取：{reason}")
