"""The district's channels (问题来源): the seed's five, then any a plugin or the policy adds.

A value held by the policy (``Policy.channels``), not a process-wide table: the core stays a
set of pure functions, two desks in one process may know different channels, and the
adapters pass in what the plugins declare (``appeal_adapters.channels.known_channels``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from appeal_core.appeal import BUILT_IN_CHANNELS, CHANNEL_LABELS, Channel
from appeal_core.errors import ValidationError


def _label(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > 50:
        raise ValidationError("label", value, "渠道的显示名称应为不超过50字的文本")
    if any(ord(ch) < 0x20 for ch in value):
        raise ValidationError("label", value, "渠道的显示名称应为单行文本")


@attrs.frozen
class ChannelSpec:
    """One channel: its stored name (``wechat``) and the label the forms print (企业微信)."""

    name: Channel = attrs.field(converter=Channel)
    label: str = attrs.field(validator=_label)


BUILT_IN_SPECS = tuple(ChannelSpec(c, CHANNEL_LABELS[c]) for c in BUILT_IN_CHANNELS)


def _specs(value: Any) -> tuple[ChannelSpec, ...]:
    """The five built-ins first, then the others given (specs, pairs or ``{name: label}``)."""
    if isinstance(value, Channels):
        return value.specs
    items = value.items() if isinstance(value, Mapping) else value
    found: dict[Channel, ChannelSpec] = {s.name: s for s in BUILT_IN_SPECS}
    for item in items:
        spec = item if isinstance(item, ChannelSpec) else ChannelSpec(*item)
        known = found.get(spec.name)
        if known is not None and known.label != spec.label:
            if spec.name.built_in:  # a district's own name for a built-in: identity's job
                raise ValidationError(
                    "channels", str(spec.name), "内置渠道的名称请在 [identity] channel_names 中修改"
                )
            reason = f"渠道已登记为“{known.label}”，不能再登记为“{spec.label}”"
            raise ValidationError("channels", str(spec.name), reason)
        found[spec.name] = spec
    return tuple(found.values())


@attrs.frozen
class Channels:
    """The channels a district knows, in the order its forms and figures list them."""

    specs: tuple[ChannelSpec, ...] = attrs.field(default=BUILT_IN_SPECS, converter=_specs)

    def __iter__(self) -> Iterator[Channel]:
        return (s.name for s in self.specs)

    def __contains__(self, value: object) -> bool:
        return any(s.name == value for s in self.specs)

    @property
    def names(self) -> tuple[Channel, ...]:
        """The known channels' names, built-ins first."""
        return tuple(self)

    def label(self, channel: Channel | str) -> str:
        """The channel's label (the name itself for a channel no longer declared)."""
        return next((s.label for s in self.specs if s.name == channel), str(channel))

    def check(self, value: object, field: str = "channel") -> Channel:
        """``value`` as a known channel, or a ``ValidationError`` naming the known ones."""
        channel = Channel(value) if isinstance(value, str) else None
        if channel is None or channel not in self:
            known = "、".join(f"{s.name}（{s.label}）" for s in self.specs)
            shown = str(value) if isinstance(value, str) else value
            raise ValidationError(field, shown, f"未知的问题来源，应为以下之一：{known}")
        return channel

    def adding(self, specs: Iterable[ChannelSpec | tuple[str, str]]) -> Channels:
        """These channels and ``specs`` (a name already known with the same label is kept)."""
        return Channels((*self.specs, *specs))

    def order(self, seen: Iterable[Channel]) -> tuple[Channel, ...]:
        """The known channels, then any other in ``seen`` (e.g. in stored events of a plugin
        since removed), by name: so nothing counted is dropped from a table."""
        known = self.names
        return known + tuple(sorted({Channel(c) for c in seen} - set(known)))
