"""The senders of ``appeal notify deliver``, from a TOML file (docs/notifications.md).

```toml
outbox = "notices.jsonl"          # relative to this file; default: beside the SQLite store
hook = true                       # the appeal_notify plugins (default: when any is installed)

[backoff]
base_seconds = 30
factor = 2
cap_seconds = 3600

[[smtp]]
host = "smtp.example.cn"
port = 587
sender = "desk@example.cn"
starttls = true
username = "desk"
password_env = "APPEAL_SMTP_PASSWORD"   # the password from the environment, not the file
[smtp.recipients]
"区住建局" = ["zjj@example.cn"]

[[webhook]]
url = "https://oa.example.cn/appeal"
secret_env = "APPEAL_WEBHOOK_SECRET"
```
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

from appeal_adapters.notify.email import SmtpSender
from appeal_adapters.notify.outbox import Backoff, HookSender, Sender
from appeal_adapters.notify.webhook import WebhookSender
from appeal_core.errors import ValidationError

_TOP = {"outbox", "hook", "backoff", "smtp", "webhook"}
_SMTP = {"name", "host", "port", "sender", "starttls", "username", "password", "password_env",
         "timeout", "recipients"}  # fmt: skip
_WEBHOOK = {"name", "url", "secret", "secret_env", "timeout"}
_BACKOFF = {"base_seconds", "factor", "cap_seconds"}


@attrs.frozen(kw_only=True)
class NotifySettings:
    """The senders by name, the back-off, and where the outbox file is (if the file says)."""

    senders: Mapping[str, Sender]
    backoff: Backoff = attrs.field(factory=Backoff)
    outbox: Path | None = None


def load_settings(path: str | Path | None, plugins: Any = None) -> NotifySettings:
    """The settings in the TOML file at ``path`` (none: only the ``appeal_notify`` plugins)."""
    data: dict[str, Any] = {}
    where = "notify"
    if path is not None:
        where = Path(path).name
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValidationError("--notify-config", str(path), f"无法读取（{exc}）") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValidationError(where, str(path), f"不是有效的 TOML（{exc}）") from exc
    _only(data, _TOP, where)
    senders: dict[str, Sender] = {}
    for k, table in enumerate(_tables(data, "smtp", where), start=1):
        _only(table, _SMTP, f"{where}: smtp[{k}]")
        _add(senders, table.get("name"), _smtp(table, f"{where}: smtp[{k}]"), where)
    for k, table in enumerate(_tables(data, "webhook", where), start=1):
        _only(table, _WEBHOOK, f"{where}: webhook[{k}]")
        _add(senders, table.get("name"), _webhook(table, f"{where}: webhook[{k}]"), where)
    hook = data.get("hook")
    installed = plugins is not None and bool(plugins.hook.appeal_notify.get_hookimpls())
    if hook is True or (hook is None and installed):
        if plugins is None:
            raise ValidationError(f"{where}: hook", hook, "需要插件管理器（load_plugins()）")
        _add(senders, None, HookSender(plugins), where)
    outbox = data.get("outbox")
    if outbox is not None and not isinstance(outbox, str):
        raise ValidationError(f"{where}: outbox", outbox, "应为文件路径")
    base = Path(path).parent if path is not None else Path()
    return NotifySettings(
        senders=senders,
        backoff=_backoff(data.get("backoff", {}), f"{where}: backoff"),
        outbox=(base / outbox) if outbox else None,
    )


def _only(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise ValidationError(f"{where}.{key}", table[key], "未知的设置项")


def _tables(data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    tables = data.get(key, [])
    if isinstance(tables, Mapping):
        tables = [tables]
    if not isinstance(tables, list) or not all(isinstance(t, Mapping) for t in tables):
        raise ValidationError(f"{where}: {key}", tables, f"应为 [[{key}]] 表")
    return tables


def _add(senders: dict[str, Sender], name: object, sender: Any, where: str) -> None:
    key = str(name) if name else str(sender.name)
    if key in senders:
        raise ValidationError(f"{where}: name", key, '发送器名称重复，请用 name = "..." 区分')
    senders[key] = sender


def _secret(table: Mapping[str, Any], key: str, where: str) -> str | None:
    env = table.get(f"{key}_env")
    if env is not None:
        value = os.environ.get(str(env))
        if value is None:
            raise ValidationError(f"{where}.{key}_env", env, "环境变量未设置")
        return value
    value = table.get(key)
    return None if value is None else str(value)


def _smtp(table: Mapping[str, Any], where: str) -> SmtpSender:
    for key in ("host", "port", "sender"):
        if key not in table:
            raise ValidationError(f"{where}.{key}", None, "缺少此项")
    recipients = table.get("recipients", {})
    if not isinstance(recipients, Mapping):
        raise ValidationError(f"{where}.recipients", recipients, "应为 部门 = [地址, ...] 的表")
    to = {str(k): [v] if isinstance(v, str) else [str(a) for a in v] for k, v in recipients.items()}
    port = table["port"]
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ValidationError(f"{where}.port", port, "应为 1–65535 的端口号")
    return SmtpSender(
        str(table["host"]), port, str(table["sender"]), to,
        starttls=bool(table.get("starttls", False)), username=table.get("username"),
        password=_secret(table, "password", where), timeout=float(table.get("timeout", 10)),
    )  # fmt: skip


def _webhook(table: Mapping[str, Any], where: str) -> WebhookSender:
    secret = _secret(table, "secret", where)
    if "url" not in table or not secret:
        raise ValidationError(where, dict(table), "webhook 需要 url 与 secret（或 secret_env）")
    try:
        return WebhookSender(str(table["url"]), secret.encode(), float(table.get("timeout", 5)))
    except ValueError as exc:
        raise ValidationError(f"{where}.url", table["url"], str(exc)) from exc


def _backoff(table: Any, where: str) -> Backoff:
    if not isinstance(table, Mapping):
        raise ValidationError(where, table, "应为 [backoff] 表")
    _only(table, _BACKOFF, where)
    try:
        return Backoff(
            base=timedelta(seconds=float(table.get("base_seconds", 30))),
            factor=float(table.get("factor", 2.0)),
            cap=timedelta(seconds=float(table.get("cap_seconds", 3600))),
        )
    except (TypeError, ValueError) as exc:
        raise ValidationError(where, dict(table), str(exc)) from exc
