"""The ``appeal`` command line (extra ``appeal[cli]``): the desk's daily work from a shell."""

from appeal_adapters.cli import (
    audit,
    figures,
    holidays,
    items,
    months,
    operations,
    reports,
    review,
)  # fmt: skip
from appeal_adapters.cli.app import cli, main

__all__ = [
    "audit", "cli", "figures", "holidays", "items", "main", "months", "operations", "reports",
    "review",
]  # fmt: skip
