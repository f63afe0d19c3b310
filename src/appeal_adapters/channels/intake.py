"""Importing a channel's file into the desk: checked whole first, then streamed in batches.

``import_file`` refuses an unreadable file with ``UnreadableFile`` before anything is written;
otherwise the rows go through ``Desk.intake`` (registered, repeated or quarantined) in
batches, and ``progress(rows_done)`` is called after each committed batch and at the end.
The desk's policy reaches the parser (``options["policy"]``: the district's area code).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from appeal_adapters.channels.base import ChannelParser, Row, UnknownChannel, UnreadableFile
from appeal_adapters.channels.tabular import Census
from appeal_core.actor import Actor
from appeal_core.channels import Channels
from appeal_core.desk_intake import IntakeDesk
from appeal_core.errors import ValidationError
from appeal_core.intake import IntakeReport

if TYPE_CHECKING:
    from appeal_adapters.plugins import AppealPlugins

Progress = Callable[[int], None]


@attrs.frozen(kw_only=True)
class FileReport(IntakeReport):
    """An intake's report with what the reader found: format, sheets, rows and cells read."""

    census: Census | None = None


def channels(plugins: AppealPlugins | None = None) -> dict[str, ChannelParser]:
    """Every registered channel by name; a plugin registered later replaces a built-in."""
    if plugins is None:
        from appeal_adapters.plugins import load_plugins

        plugins = load_plugins()
    found: dict[str, ChannelParser] = {}
    # pluggy calls the last-registered plugin first, so the first name seen wins.
    plugins.hook.appeal_channels(register=lambda c: found.setdefault(c.name, c))
    return dict(sorted(found.items()))


def known_channels(plugins: AppealPlugins | None = None, base: Channels | None = None) -> Channels:
    """``base`` (default: the seed's five) and the channels the plugins' parsers declare
    (``ChannelParser(channel=..., label=...)``), in the parsers' name order."""
    declared = (p.spec for p in channels(plugins).values())
    return (base or Channels()).adding(s for s in declared if s is not None)


def channel(name: str, plugins: AppealPlugins | None = None) -> ChannelParser:
    """The channel called ``name`` (``app``, ``hotline``, ``summary_list``, ``visit``, ...)."""
    known = channels(plugins)
    try:
        return known[name]
    except KeyError:
        raise UnknownChannel(name, list(known)) from None


def import_file(
    desk: IntakeDesk,
    path: str | Path,
    *,
    channel: str | ChannelParser,
    at: datetime,
    by: Actor,
    plugins: AppealPlugins | None = None,
    progress: Progress | None = None,
    options: Mapping[str, Any] | None = None,
    batch_size: int = 500,
) -> FileReport:
    """Read ``path`` with the channel, register its good rows and quarantine its bad ones.

    The file is checked whole first: ``UnreadableFile`` (nothing written) when it cannot be
    read.  Re-importing a file registers nothing twice (rows come back as ``repeated``).  The
    report's ``census`` says what the reader found (format, sheets, rows and cells read).
    """
    options = dict(options or {})
    if "policy" not in options and "area_code" not in options:
        options["policy"] = getattr(desk, "policy", None)
    parser = channel if isinstance(channel, ChannelParser) else _channel(channel, plugins)
    known = getattr(getattr(desk, "policy", None), "channels", None)
    if parser.channel and known is not None and parser.channel not in known:
        raise ValidationError(
            "channel", parser.channel,
            f"该台的规则未登记此问题来源（{parser.label}）；请用 open_desk(..., plugins=...) "
            "打开，或在 Policy(channels=known_channels(plugins)) 中登记",
        )  # fmt: skip
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise UnreadableFile(str(path), f"无法打开（{exc.strerror or exc}）") from exc
    with handle:
        rows = parser.parse(handle, filename=path.name, options=options)
        # The first row is drawn before the desk sees any: a parser raises UnreadableFile
        # before its first row, so an unreadable file is refused here, with nothing written.
        first = next(rows, None)
        stream: Iterator[Row] = iter(()) if first is None else itertools.chain((first,), rows)
        if progress is not None:
            stream = _counting(stream, progress, batch_size)
        report = desk.intake(stream, source=path.name, at=at, by=by, batch_size=batch_size)
    if progress is not None:
        progress(report.total)
    census = getattr(rows, "census", None)
    fields = {f.name: getattr(report, f.name) for f in attrs.fields(IntakeReport)}
    return FileReport(**fields, census=census if isinstance(census, Census) else None)


def _channel(name: str, plugins: AppealPlugins | None) -> ChannelParser:
    return channel(name, plugins)


def _counting(rows: Iterator[Row], progress: Progress, batch_size: int) -> Iterator[Row]:
    """Rows passed through; when row ``k * batch_size`` is asked for, k batches are committed."""
    for done, row in enumerate(rows):
        if done and done % batch_size == 0:
            progress(done)
        yield row
