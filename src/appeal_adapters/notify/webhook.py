"""Webhook sender: POST each notice as signed canonical JSON; ``verify_signature`` for receivers.

Signature: ``X-Appeal-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from appeal_adapters.notify.notice import Notice, WebhookFailed

PREFIX = "sha256="


def canonical_json(data: Any) -> bytes:
    """UTF-8 JSON with sorted keys, no ASCII escaping and no spaces: the signed body."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The ``X-Appeal-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return PREFIX + mac.hexdigest()


def verify_signature(
    secret: bytes,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance: float | None = None,
    now: float | None = None,
) -> bool:
    """True when ``signature`` matches; with ``tolerance`` (seconds) also rejects stale ones."""
    try:
        expected = sign(secret, timestamp, body)
    except UnicodeEncodeError:
        return False
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return False
    if tolerance is not None:
        try:
            sent = int(timestamp)
        except ValueError:
            return False
        return abs((time.time() if now is None else now) - sent) <= tolerance
    return True


class WebhookSender:
    """POST each notice to ``url``, signed with ``secret``; a non-2xx answer raises."""

    def __init__(
        self,
        url: str,
        secret: bytes,
        timeout: float = 5,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"Webhook 地址 {url!r} 必须以 http:// 或 https:// 开头")
        if not secret:
            raise ValueError("Webhook 签名密钥不能为空")
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.clock = clock
        self.name = f"webhook:{url}"

    def request(self, notice: Notice) -> urllib.request.Request:
        """The signed POST request for ``notice``."""
        body = canonical_json(notice.to_json())
        timestamp = str(int(self.clock()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Appeal-Timestamp": timestamp,
            "X-Appeal-Signature": sign(self.secret, timestamp, body),
            # HTTP headers are Latin-1: a key with Chinese (督办〔2026〕1号) goes percent-encoded
            "X-Appeal-Key": quote(notice.ident, safe="|:@-_.~"),
        }
        return urllib.request.Request(self.url, data=body, headers=headers, method="POST")

    def __call__(self, notice: Notice) -> None:
        """Send the notice; raises ``WebhookFailed`` on a non-2xx status or a network error."""
        try:
            with urllib.request.urlopen(self.request(notice), timeout=self.timeout) as resp:
                status = int(resp.status)
        except urllib.error.HTTPError as exc:
            raise WebhookFailed(self.url, f"HTTP {exc.code}", exc.code) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise WebhookFailed(self.url, exc) from exc
        if not 200 <= status < 300:
            raise WebhookFailed(self.url, f"HTTP {status}", status)
