"""The ``appeal`` command line (extra ``appeal[cli]``): the desk's daily work from a shell."""

from appeal_adapters.cli import audit, handling, holidays, items, month, operations, reports
from appeal_adapters.cli.app import cli, main

__all__ = [
    "audit",
    "cli",
    "handling",
    "holidays",
    "items",
    "main",
    "month",
    "operations",
    "reports",
]
