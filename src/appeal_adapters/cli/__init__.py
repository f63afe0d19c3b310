"""The ``appeal`` command line (extra ``appeal[cli]``): the desk's daily work from a shell."""

from appeal_adapters.cli import (
    audit,
    figures,
    handling,
    holidays,
    items,
    month,
    operations,
    privacy,
    reports,
    review,
    rules,
)
from appeal_adapters.cli.app import cli, main

__all__ = [
    "audit",
    "cli",
    "figures",
    "handling",
    "holidays",
    "items",
    "main",
    "month",
    "operations",
    "privacy",
    "reports",
    "review",
    "rules",
]
