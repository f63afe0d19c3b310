"""A quarantined row read again by its channel, with a person's corrections: what the CLI's
``quarantine fix/admit`` and the HTTP service's ``POST /quarantine/{id}/admit`` register."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from appeal_adapters.plugins import AppealPlugins
from appeal_core.errors import ValidationError
from appeal_core.intake import IntakeRecord, QuarantineEntry, RejectedRow
from appeal_core.policy import Policy

#: Our field name of each correction (the CLI's option names, the HTTP body's keys).
FIELDS = {"enterprise": "enterprise", "content": "content", "code": "credit_code",
          "contact": "contact", "phone": "phone", "address": "address",
          "reported_at": "reported_at", "source_id": "source_id"}  # fmt: skip
#: The parser that reads each channel's files (a quarantined row is read again by it).
PARSERS = {"grassroots": "summary_list", "leader_visit": "visit", "face_to_face": "visit"}


def corrected_record(
    entry: QuarantineEntry,
    fixed: Mapping[str, Any],
    *,
    plugins: AppealPlugins | None,
    policy: Policy,
) -> IntakeRecord:
    """The row as its channel reads it, with ``fixed`` (keys of ``FIELDS``, and
    ``code_override``); ``ValidationError`` naming the field when it still cannot register."""
    from appeal_adapters.channels import channel

    unknown = sorted(set(fixed) - {*FIELDS, "code_override"})
    if unknown:
        accepted = "、".join([*FIELDS, "code_override"])
        raise ValidationError(unknown[0], fixed[unknown[0]], f"不是可更正的字段；可用：{accepted}")
    parser = channel(PARSERS.get(entry.channel.value, entry.channel.value), plugins)
    corrections = {FIELDS[k]: v for k, v in fixed.items() if k in FIELDS and v is not None}
    if fixed.get("code_override"):
        corrections["code_override"] = fixed["code_override"]
    row = parser.rebuild(entry.raw, row=entry.row, corrections=corrections,
                         options={"policy": policy})  # fmt: skip
    if isinstance(row, RejectedRow):
        raise ValidationError(row.field, row.value, row.reason, row=row.row)
    if entry.source_id and "source_id" not in corrections:
        row = attrs.evolve(row, source_id=entry.source_id)
    return row
