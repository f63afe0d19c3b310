"""E-mail sender: one message per notice to the target department's addresses, via SMTP."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from appeal_adapters.notify.notice import EmailFailed, NoRecipients, Notice

SUBJECT = "【民企诉求直通车】{label} {number}"


class SmtpSender:
    """Send each notice by e-mail to the addresses configured for its target department."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: Mapping[str, list[str]],
        *,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.recipients = {k: list(v) for k, v in recipients.items()}
        self.starttls = starttls
        self.username = username
        self.password = password
        self.timeout = timeout
        self.name = f"smtp:{host}:{port}"

    def message(self, notice: Notice) -> EmailMessage:
        """The e-mail for ``notice``; raises ``NoRecipients`` when its target has no address."""
        to = [a for a in self.recipients.get(notice.target, []) if a]
        if not to and notice.to:  # a notice that names its own address (the daily digest)
            to = [notice.to]
        if not to:
            raise NoRecipients(notice.target)
        msg = EmailMessage()
        msg["Subject"] = SUBJECT.format(label=notice.label, number=notice.number)
        msg["From"] = self.sender
        msg["To"] = ", ".join(to)
        msg["Date"] = format_datetime(notice.at)
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        msg["X-Appeal-Key"] = notice.ident
        msg.set_content(notice.message, charset="utf-8")
        return msg

    def __call__(self, notice: Notice) -> None:
        """Send the notice; raises ``NoRecipients`` or ``EmailFailed`` so the outbox retries."""
        msg = self.message(notice)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username is not None:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise EmailFailed(self.host, self.port, exc) from exc
