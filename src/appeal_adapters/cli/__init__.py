"""The ``appeal`` command line (extra ``appeal[cli]``): the desk's daily work from a shell."""

from appeal_adapters.cli import (
    audit,
    figures,
    handling,
    holidays,
    installed,
    items,
    month,
    notify,
    operations,
    privacy,
    reports,
    review,
    rules,
    serve,
    tokens,
)
from appeal_adapters.cli.app import cli, main, share_global_options

share_global_options(cli)  # after every module added its commands

__all__ = [
    "audit",
    "cli",
    "figures",
    "handling",
    "holidays",
    "installed",
    "items",
    "main",
    "month",
    "notify",
    "operations",
    "privacy",
    "reports",
    "review",
    "rules",
    "serve",
    "tokens",
]
