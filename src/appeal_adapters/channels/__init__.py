"""Intake channels: the app's JSON, 12345 exports, towns' summary lists and visit records."""

from appeal_adapters.channels.base import ChannelParser, UnknownChannel, UnreadableFile
from appeal_adapters.channels.intake import channel, channels, import_file
from appeal_adapters.channels.rowcheck import message

__all__ = [
    "ChannelParser",
    "UnknownChannel",
    "UnreadableFile",
    "channel",
    "channels",
    "import_file",
    "message",
]
