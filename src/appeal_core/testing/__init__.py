"""Hypothesis strategies and state machines for testing the rules and any store adapter.

This is public API: other platforms import it to test their own adapters and rules.
"""

from appeal_core.testing.machine import DeskMachine, check_history
from appeal_core.testing.store_contract import StoreComparisonMachine, StoreContract
from appeal_core.testing.strategies import (
    DEPARTMENTS,
    actors,
    assumptions,
    channels,
    contents,
    credit_codes,
    enterprises,
    example_notice,
    mobile_phones,
    year_notices,
)

__all__ = [
    "DEPARTMENTS",
    "DeskMachine",
    "StoreComparisonMachine",
    "StoreContract",
    "actors",
    "assumptions",
    "channels",
    "check_history",
    "contents",
    "credit_codes",
    "enterprises",
    "example_notice",
    "mobile_phones",
    "year_notices",
]
