"""The ``appeal`` command line (extra ``appeal[cli]``): the desk's daily work from a shell."""

from appeal_adapters.cli import audit, holidays, items, operations, reports
from appeal_adapters.cli.app import cli, main

__all__ = ["audit", "cli", "holidays", "items", "main", "operations", "reports"]
