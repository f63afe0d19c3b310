"""Notifications: an outbox listener with retries, and e-mail, webhook and hook senders."""

from appeal_adapters.notify.email import SmtpSender
from appeal_adapters.notify.notice import (
    EmailFailed,
    HookFailed,
    NoRecipients,
    Notice,
    NotifyError,
    OutboxFileError,
    WebhookFailed,
)
from appeal_adapters.notify.outbox import Backoff, DeliveryReport, HookSender, Outbox, Pending
from appeal_adapters.notify.webhook import WebhookSender, verify_signature

__all__ = [
    "Backoff",
    "DeliveryReport",
    "EmailFailed",
    "HookFailed",
    "HookSender",
    "NoRecipients",
    "Notice",
    "NotifyError",
    "Outbox",
    "OutboxFileError",
    "Pending",
    "SmtpSender",
    "WebhookFailed",
    "WebhookSender",
    "verify_signature",
]
