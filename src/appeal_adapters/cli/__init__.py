"""The ``appeal`` command line (extra ``appeal[cli]``): the desk's daily work from a shell."""

from appeal_adapters.cli import holidays, items, operations, reports, review
from appeal_adapters.cli.app import cli, main

__all__ = ["cli", "holidays", "items", "main", "operations", "reports", "review"]
