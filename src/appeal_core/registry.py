"""The department registry kept in the store (``@D:departments``): loaded whole, read on use.

Every process that opens the store sees the same registry.  Commands naming departments (any
command with a ``lead`` or ``co`` field, and a department actor) are normalised to official
names before the lifecycle decides, so a new command is covered without further code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

from appeal_core.actor import Actor, Role
from appeal_core.departments import DepartmentEntry, Registry
from appeal_core.errors import PermissionDenied, UnknownDepartment, ValidationError
from appeal_core.journal import DepartmentsLoaded, JournalEvent, stream_key
from appeal_core.ports import UnitOfWork

KIND = "departments"


def departments_stream(district: str) -> str:
    """The stream of a district's registry loads: ``@HM:departments``."""
    return stream_key(district, KIND)


def current(events: Iterable[JournalEvent]) -> Registry:
    """The registry in force: the latest load (empty: none loaded)."""
    loads = [e for e in events if isinstance(e, DepartmentsLoaded)]
    return Registry.of(loads[-1].departments) if loads else Registry()


def record_load(
    uow: UnitOfWork,
    district: str,
    entries: Sequence[DepartmentEntry],
    *,
    at: datetime,
    by: Actor,
    source: str = "",
    desk: str = "区服务企业办",
) -> DepartmentsLoaded:
    """Append a registry load (checked: names and aliases unique) to the district's stream."""
    if by.role is not Role.DESK:
        raise PermissionDenied(str(by), "载入部门名录", None, f"只有{desk}可以办理")
    if not entries:
        raise ValidationError("departments", [], "部门名录不能为空")
    registry = Registry.of(entries)
    stream = departments_stream(district)
    event = DepartmentsLoaded(
        stream=stream, at=at, by=by, departments=registry.entries, source=source.strip()
    )
    uow.append_journal(stream, len(uow.journal(stream)), (event,))
    return event


def normalise(registry: Registry, command: Any) -> Any:
    """``command`` with its ``lead`` and ``co`` departments as official names (unchanged
    without a registry); ``UnknownDepartment`` names the closest known ones."""
    if not registry:
        return command
    changes: dict[str, Any] = {}
    fields = {f.name for f in attrs.fields(type(command))}
    if "lead" in fields and isinstance(command.lead, str):
        changes["lead"] = registry.resolve(command.lead, "lead")
    if "co" in fields:
        changes["co"] = tuple(registry.resolve(name, "co") for name in command.co)
    return attrs.evolve(command, **changes) if changes else command


def actor_in(registry: Registry, by: Actor) -> Actor:
    """A department actor under its official name (unknown names are refused)."""
    if not registry or by.role is not Role.DEPARTMENT:
        return by
    try:
        official = registry.resolve(by.department, "actor.department")
    except UnknownDepartment:
        raise
    return by if official == by.department else attrs.evolve(by, department=official)
