"""Where personal values sit in a stored event or state (the dicts of ``serialization``).

``seal_dict`` replaces each personal value by what a sealer makes of it (an envelope) before the
event body is hashed or the state written; ``open_dict`` does the reverse when reading.  The
places are the core's (``appeal_core.privacy``): the enterprise's contact, phone and extension,
the notes labelled personal, and assumptions (and their corrections) on those fields.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from appeal_adapters.privacy.vault import Opener, Sealer
from appeal_core.privacy import PERSONAL_FIELDS, PERSONAL_PATHS

_CORRECTED = "AssumptionCorrected"


def _kind(path: str) -> str:
    """The kind of a personal value named by its path (``enterprise.phone`` -> ``phone``)."""
    return path.removeprefix("enterprise.")


def _walk(data: dict[str, Any], change: Any) -> dict[str, Any]:
    """Apply ``change(kind, value)`` to every personal value of ``data``, in place."""
    firm = data.get("enterprise")
    if firm:
        for field in PERSONAL_FIELDS:
            if field in firm:
                firm[field] = change(field, firm[field])
    labels = data.get("personal_notes")
    if labels:
        data["notes"] = [
            [k, change(f"note:{k}", v)] if k in labels else [k, v] for k, v in data["notes"]
        ]
    for assumption in data.get("assumptions", ()):
        field = assumption.get("field")
        if field in PERSONAL_PATHS:
            for part in ("original", "assumed"):
                if part in assumption:
                    assumption[part] = change(_kind(field), assumption[part])
    if data.get("type") == _CORRECTED and data.get("field") in PERSONAL_PATHS:
        for part in ("assumed", "value"):
            if part in data:
                data[part] = change(_kind(data["field"]), data[part])
    return data


def seal_dict(data: dict[str, Any], contact: str, seal: Sealer) -> dict[str, Any]:
    """``data`` (an event's or a state's dict) with its personal values sealed for ``contact``."""
    return _walk(data, partial(seal, contact))


def open_dict(data: dict[str, Any], open_: Opener) -> dict[str, Any]:
    """``data`` with its envelopes opened (text, ``ERASED``, or an audit's stand-in)."""
    return _walk(data, open_)


def is_personal(data: dict[str, Any]) -> bool:
    """True when ``data`` holds a personal value (an event or state dict)."""
    found = False

    def see(kind: str, value: Any) -> Any:
        nonlocal found
        found = found or bool(value)
        return value

    _walk(data, see)
    return found
