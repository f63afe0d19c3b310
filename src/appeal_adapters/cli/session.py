"""What every command shares: the store URL, district, policy, who acts, when, and output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NoReturn

import attrs
import click

from appeal_adapters.config import load_policy, open_desk
from appeal_adapters.errors import EXIT_CODES, exit_code
from appeal_adapters.plugins import AppealPlugins, load_plugins
from appeal_core import SHANGHAI, Actor, Desk, Policy, Role
from appeal_core.errors import AppealError, ConcurrencyConflict, ValidationError

__all__ = ["EXIT_CODES", "Session", "exit_code", "fail", "instant", "parse_actor", "run_guarded"]

#: Where an earlier version kept loaded notices (now they live in the store): warn if found.
OLD_CALENDAR_DIR = Path(".appeal") / "calendar"


@attrs.define
class Session:
    """The options of one invocation, and the desk built from them on first use."""

    db: str
    district: str
    policy_file: str | None
    acting: str
    as_json: bool
    outside: str = "weekdays"
    #: ``--correction REASON``: commands dated in a sealed month are recorded as corrections.
    correction: str | None = None
    _desk: Desk | None = None
    _reader: Desk | None = None
    _plugins: AppealPlugins | None = None
    #: The item an acting command is about and its version when ``when`` took the time.
    _seen: tuple[str, int] | None = None
    _correcting: Any = None

    @property
    def plugins(self) -> AppealPlugins:
        """The plugin manager (built-ins and entry points)."""
        if self._plugins is None:
            self._plugins = load_plugins()
        return self._plugins

    @property
    def desk(self) -> Desk:
        """The desk over the chosen store (opened for writing), calendar and policy."""
        if self._desk is None:
            self._desk = self._build(read_only=False)
            if self.correction is not None:
                # recorded now, by the desk (``--as`` names who acted in the command itself)
                clerk = Actor.desk(self.actor.name if self.actor.role is Role.DESK else "")
                self._correcting = self._desk.correction(
                    self.correction, at=instant(None), by=clerk
                )
                self._correcting.__enter__()
        return self._desk

    @property
    def reader(self) -> Desk:
        """The desk over the store opened read-only: for commands that only read (list, show,
        report, audit ...), which then never wait for a writer nor migrate the store."""
        if self._desk is not None:
            return self._desk
        if self._reader is None:
            self._reader = self._build(read_only=True)
        return self._reader

    def _build(self, *, read_only: bool) -> Desk:
        policy = load_policy(self.policy_file) if self.policy_file else Policy()
        desk = open_desk(
            self.db,
            district=self.district,
            policy=policy,
            plugins=self.plugins,
            outside=self.outside,
            read_only=read_only,
        )
        _warn_old_calendar_files(desk)
        return desk

    def when(self, number: str, on: date | None) -> datetime:
        """The moment to record an action on ``number`` (``instant``), taken right after
        reading the item's version: a refusal of that moment as earlier than the item's last
        change is then told apart as someone else's change in between (``conflict_or``)."""
        self._seen = (number, self.desk.get(number).version)
        return instant(on)

    def conflict_or(self, exc: ValidationError) -> AppealError:
        """``exc``, or a ``ConcurrencyConflict`` when it refused ``at`` as earlier than a
        change someone else made after ``when`` read the item (docs/storage.md)."""
        if exc.field != "at" or self._seen is None or self._desk is None:
            return exc
        number, version = self._seen
        now = self._desk.store.state(number).version
        return exc if now == version else ConcurrencyConflict(number, version, now)

    @property
    def actor(self) -> Actor:
        """Who acts, from ``--as ROLE[:DEPARTMENT or NAME]``."""
        return parse_actor(self.acting)

    def close(self) -> None:
        """Close the stores that were opened (ending a correction block first)."""
        if self._correcting is not None:
            self._correcting.__exit__(None, None, None)
            self._correcting = None
        for desk in (self._desk, self._reader):
            if desk is not None:
                desk.store.close()

    def say(self, text: str, data: Any = None) -> None:
        """A short Chinese confirmation, or the JSON ``data`` under ``--json``."""
        if self.as_json:
            click.echo(
                json.dumps(
                    data if data is not None else {"message": text},
                    ensure_ascii=False,
                    indent=2,
                    default=str,
                )
            )
        else:
            click.echo(text)


def _warn_old_calendar_files(desk: Desk) -> None:
    """Notices an earlier version kept in ``./.appeal/calendar`` are not read any more: say so
    (on stderr) for each year the store does not have, so a year end is never missed."""
    if not OLD_CALENDAR_DIR.is_dir():
        return
    stored = {event.notice.year for event in desk.notices()}
    for path in sorted(OLD_CALENDAR_DIR.glob("*.toml")):
        if path.stem.isdigit() and int(path.stem) not in stored:
            click.echo(
                f"提示：{path} 中的节假日安排未载入存储，本程序已不再读取该文件夹；"
                f"请运行 appeal calendar load {path}",
                err=True,
            )


def parse_actor(text: str) -> Actor:
    """``desk``, ``desk:小王``, ``department:区市场监督管理局``, ``leader:李区长``."""
    role, _, rest = text.partition(":")
    try:
        kind = Role(role.strip())
    except ValueError:
        raise ValidationError(
            "--as", text, "角色应为 desk、department:部门名称 或 leader"
        ) from None
    if kind is Role.DEPARTMENT:
        return Actor.of_department(rest.strip())
    return Actor(role=kind, name=rest.strip())


def today() -> date:
    """Today in Asia/Shanghai (the command line reads the clock; the core never does)."""
    return datetime.now(SHANGHAI).date()


def instant(on: date | None) -> datetime:
    """The moment an action is recorded: now for today, noon of ``on`` for another day."""
    now = datetime.now(SHANGHAI)
    if on is None or on == now.date():
        return now.replace(microsecond=0)
    return datetime.combine(on, time(12), SHANGHAI)


def fail(message: str, code: int) -> NoReturn:
    """One clear line on stderr and a documented exit code; never a traceback."""
    click.echo(f"错误：{' '.join(str(message).split())}", err=True)
    sys.exit(code)


def run_guarded(
    callback: Callable[[], Any], session: Callable[[], Session | None] = lambda: None
) -> Any:
    """Run a command body, turning the library's errors into one line and an exit code.

    ``session`` gives the invocation's ``Session`` (once known): a refused ``at`` is then
    checked for a concurrent change (``Session.conflict_or``).
    """
    try:
        return callback()
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except AppealError as exc:
        acting = session() if isinstance(exc, ValidationError) else None
        told = acting.conflict_or(exc) if acting and isinstance(exc, ValidationError) else exc
        fail(str(told), exit_code(told))
    except OSError as exc:
        fail(f"文件或网络错误：{exc}", 9)
    except Exception as exc:  # the promise is: never a traceback for a clerk
        if os.environ.get("APPEAL_DEBUG"):
            raise
        fail(f"内部错误（{type(exc).__name__}）：{exc}。设置 APPEAL_DEBUG=1 可查看详细信息", 1)
