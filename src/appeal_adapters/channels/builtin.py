"""The built-in channel plugin: 海企通APP, 12345 hotline, town summary lists, visits."""

from __future__ import annotations

from appeal_adapters.channels.app import APP
from appeal_adapters.channels.base import Register
from appeal_adapters.channels.hotline import HOTLINE
from appeal_adapters.channels.summary_list import SUMMARY_LIST
from appeal_adapters.channels.visit import VISIT
from appeal_adapters.hookspecs import hookimpl

BUILT_IN = (APP, HOTLINE, SUMMARY_LIST, VISIT)


@hookimpl
def appeal_channels(register: Register) -> None:
    """Register the four built-in channels."""
    for channel in BUILT_IN:
        register(channel)
