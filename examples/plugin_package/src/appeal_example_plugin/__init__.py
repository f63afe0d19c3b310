"""A complete third-party plugin: one intake channel and one document renderer.

The channel ``wechat`` reads a district's mini-program export, one problem per line:
``编号|企业名称|联系电话|问题``; it declares its own channel (``wechat``, 企业微信小程序), so its
items are counted as themselves in the figures, the briefing and the forms.  The renderer
``summary.md`` writes items as a Markdown list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any

from appeal_adapters import hookimpl
from appeal_adapters.channels.base import ChannelParser, UnreadableFile
from appeal_adapters.documents import Renderer
from appeal_core import Appeal, Enterprise, ValidationError
from appeal_core.fields import check_text, normalize_phone
from appeal_core.intake import IntakeRecord, RejectedRow

#: The channel this plugin brings: its stored name and the label the forms print.
CHANNEL, LABEL = "wechat", "企业微信小程序"


def parse_wechat(
    data: bytes | IO[bytes], *, filename: str, options: Mapping[str, Any]
) -> Iterator[IntakeRecord | RejectedRow]:
    """Records from ``编号|企业名称|联系电话|问题`` lines; a bad line becomes a RejectedRow."""
    raw = data if isinstance(data, bytes) else data.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(filename, f"不是 UTF-8 文本（{exc.reason}）") from exc
    return _rows(text.splitlines())


def _rows(lines: list[str]) -> Iterator[IntakeRecord | RejectedRow]:
    for row, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        cells = tuple(zip(("编号", "企业名称", "联系电话", "问题"), parts, strict=False))
        if len(parts) != 4:
            yield RejectedRow(
                channel=CHANNEL, row=row, field="行", value=line, reason="应为4列", raw=cells
            )
            continue
        try:
            firm = Enterprise(
                name=check_text(parts[1], "企业名称", limit=200, row=row),
                phone=normalize_phone(parts[2], "联系电话", row=row),
            )
            content = check_text(parts[3], "问题", limit=20000, row=row)
        except ValidationError as exc:
            yield RejectedRow(
                channel=CHANNEL,
                row=row,
                field=exc.field,
                value=str(exc.value),
                reason=exc.reason,
                raw=cells,
                source_id=parts[0],
            )
            continue
        yield IntakeRecord(
            channel=CHANNEL, enterprise=firm, content=content, source_id=f"wx-{parts[0]}", row=row
        )


def render_markdown(subject: Sequence[Appeal], **options: Any) -> bytes:
    """Items as a Markdown list: number, status, enterprise, problem."""
    lines = [f"# {options.get('title', '企业诉求清单')}", ""]
    lines += [
        f"- **{a.number}** {a.status.label} {a.enterprise.name}：{a.content}" for a in subject
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


@hookimpl
def appeal_channels(register: Callable[[ChannelParser], None]) -> None:
    """Register the ``wechat`` channel."""
    register(
        ChannelParser(
            name="wechat",
            formats=("txt",),
            fn=parse_wechat,
            description="小程序导出：编号|企业名称|联系电话|问题",
            channel=CHANNEL,
            label=LABEL,
        )
    )


@hookimpl
def appeal_renderers(register: Callable[[Renderer], None]) -> None:
    """Register the ``summary.md`` renderer."""
    register(Renderer(name="summary.md", kind="summary_list", fn=render_markdown))
