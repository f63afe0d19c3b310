"""What a channel is: a named parser from a file's bytes to records and rejected rows.

A parser reads the whole file's container first (the zip of an .xlsx, the JSON document, the
decoding of every line of a CSV) and raises ``UnreadableFile`` before its first row, or never;
after that, a bad row is a ``RejectedRow`` value, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, Protocol

import attrs

from appeal_adapters.errors import AdapterError
from appeal_core.channels import ChannelSpec
from appeal_core.errors import ValidationError
from appeal_core.intake import IntakeRecord, RejectedRow

#: What a parser reads: the file's bytes, or a seekable binary file (read in a streaming pass).
Source = bytes | IO[bytes]
Row = IntakeRecord | RejectedRow


class ParseFn(Protocol):
    """The function behind a channel: ``fn(data, filename=..., options=...)``."""

    def __call__(
        self, data: Source, *, filename: str, options: Mapping[str, Any]
    ) -> Iterator[Row]: ...


class ReadmitFn(Protocol):
    """Rebuild a quarantined row from its raw pairs, with a clerk's corrections applied."""

    def __call__(
        self,
        raw: tuple[tuple[str, str], ...],
        *,
        row: int | None,
        corrections: Mapping[str, str],
        options: Mapping[str, Any],
    ) -> Row: ...


class UnreadableFile(AdapterError, ValueError):
    """The file cannot be read at all (wrong format, broken container, undecodable bytes).

    Nothing of it is registered; the message names the file and why.
    """

    def __init__(self, filename: str, reason: str) -> None:
        self.filename = filename
        self.reason = reason
        super().__init__(f"无法读取文件 {filename!r}：{reason}；整个文件未登记，请检查后重新导入")


class UnknownChannel(AdapterError, LookupError):
    """No installed plugin registers a channel of this name."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        super().__init__(f"没有名为 {name!r} 的受理渠道；已安装：{'、'.join(known) or '无'}")


def _formats(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True)
class ChannelParser:
    """One intake channel: its name, the file formats it reads, and its parser.

    ``fn(data, filename=..., options=...)`` yields ``IntakeRecord`` and ``RejectedRow`` values
    and raises ``UnreadableFile`` (only) before its first row.
    """

    name: str
    formats: tuple[str, ...] = attrs.field(converter=_formats)
    fn: ParseFn
    description: str = ""
    #: Rebuilds a quarantined row through the same code path (``quarantine admit``).
    readmit: ReadmitFn | None = None
    #: The channel (问题来源) this parser's records come from when it is none of the seed's
    #: five: its stored name (``wechat``) and label (企业微信小程序).  Declared here, it joins
    #: the desk's known channels (``known_channels``) and is counted as itself in the figures.
    channel: str = ""
    label: str = ""

    def __attrs_post_init__(self) -> None:
        if bool(self.channel) != bool(self.label):
            raise ValidationError(
                f"ChannelParser({self.name}).channel", self.channel or self.label,
                "渠道名称（channel）与显示名称（label）应同时给出",
            )  # fmt: skip
        if self.channel:
            ChannelSpec(self.channel, self.label)  # validates both

    @property
    def spec(self) -> ChannelSpec | None:
        """The channel this parser declares, if any."""
        return ChannelSpec(self.channel, self.label) if self.channel else None

    def parse(
        self, data: Source, *, filename: str, options: Mapping[str, Any] | None = None
    ) -> Iterator[Row]:
        """The file's rows, in file order: records to register and rows to quarantine."""
        return self.fn(data, filename=filename, options=dict(options or {}))

    def rebuild(
        self,
        raw: tuple[tuple[str, str], ...],
        *,
        row: int | None = None,
        corrections: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> Row:
        """A quarantined row read again, as it was read at import, with ``corrections``
        (our field name → the corrected text) in place of the row's own values."""
        if self.readmit is None:
            raise UnknownChannel(f"{self.name}（不支持从隔离区重建）", [])
        return self.readmit(
            raw, row=row, corrections=dict(corrections or {}), options=dict(options or {})
        )


Register = Callable[[ChannelParser], None]
