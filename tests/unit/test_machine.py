"""The shipped desk state machine, run against the in-memory store."""

from __future__ import annotations

from hypothesis import settings

from appeal_core.testing import DeskMachine

DeskMachine.TestCase.settings = settings(settings(), stateful_step_count=30)
TestDeskMachine = DeskMachine.TestCase
