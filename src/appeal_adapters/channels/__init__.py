"""Intake channels: the app's JSON, 12345 exports, towns' summary lists and visit records."""

from appeal_adapters.channels.base import ChannelParser, UnknownChannel, UnreadableFile
from appeal_adapters.channels.intake import (
    FileReport,
    channel,
    channels,
    import_file,
    known_channels,
)
from appeal_adapters.channels.mapping import layouts, load_map
from appeal_adapters.channels.rowcheck import location, message
from appeal_adapters.channels.tabular import Census

__all__ = [
    "Census",
    "ChannelParser",
    "FileReport",
    "UnknownChannel",
    "UnreadableFile",
    "channel",
    "channels",
    "import_file",
    "known_channels",
    "layouts",
    "load_map",
    "location",
    "message",
]
