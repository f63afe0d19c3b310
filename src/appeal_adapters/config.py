"""Configuration files: a year's holiday notice and the district's policy, both in TOML.

The core parses mappings; this module does the file reading and names the file in errors.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from appeal_adapters.channels.intake import known_channels
from appeal_adapters.plugins import AppealPlugins, load_plugins
from appeal_core.calendar import OutsideCoverage, WorkCalendar, YearNotice, china_calendar
from appeal_core.channels import Channels
from appeal_core.departments import DepartmentEntry, Registry
from appeal_core.desk import Desk
from appeal_core.errors import ValidationError
from appeal_core.identity import Identity
from appeal_core.policy import Policy


def _read_toml(path: str | Path, what: str) -> dict[str, Any]:
    path = Path(path)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ValidationError(what, str(path), "文件不存在") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(what, str(path), f"不是有效的 TOML：{exc}") from exc


def load_notice(path: str | Path) -> YearNotice:
    """Read one year's holiday notice from a TOML file (format: docs/calendar.md)."""
    data = _read_toml(path, "notice_file")
    try:
        return YearNotice.from_mapping(data)
    except ValidationError as exc:
        raise ValidationError(f"{Path(path).name}: {exc.field}", exc.value, exc.reason) from exc


def load_policy(path: str | Path) -> Policy:
    """Read the district's policy from a TOML file; missing keys keep the seed's defaults."""
    data = _read_toml(path, "policy_file")
    return policy_from_mapping(data, source=Path(path).name)


def policy_from_mapping(data: Mapping[str, Any], *, source: str = "policy") -> Policy:
    """A ``Policy`` from a mapping: the ``[identity]`` table, and the settings of the other
    tables (``[deadlines]``, ``[sweep]``, ``[metrics]``, ``[numbering]``); the district's own
    channels from ``[channels]`` (``name = "label"``)."""
    known = {f.name for f in attrs.fields(Policy)} - {"identity", "channels"}
    flat: dict[str, Any] = {}
    for table, values in data.items():
        if table == "mapping":  # the channels' header maps: read by channels.load_map
            continue
        if not isinstance(values, Mapping):
            raise ValidationError(f"{source}: {table}", values, "应为一个表（[table]）")
        if table == "channels":
            flat["channels"] = _channels(values, source)
            continue
        allowed = {f.name for f in attrs.fields(Identity)} if table == "identity" else known
        for key, value in values.items():
            if key not in allowed:
                raise ValidationError(f"{source}: {table}.{key}", value, "未知的设置项")
        if table == "identity":
            flat["identity"] = _identity(values, source)
        else:
            flat.update(values)
    try:
        return Policy(**flat)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise ValidationError(f"{source}: {exc.field}", exc.value, exc.reason) from exc
        raise ValidationError(source, flat, str(exc)) from exc


def _channels(values: Mapping[str, Any], source: str) -> Channels:
    try:
        return Channels(values)
    except (ValidationError, TypeError) as exc:
        field = f"{source}: channels"
        if isinstance(exc, ValidationError):
            raise ValidationError(f"{field}.{exc.field}", exc.value, exc.reason) from exc
        raise ValidationError(field, values, '应为 名称 = "显示名称" 的表') from exc


def _identity(values: Mapping[str, Any], source: str) -> Identity:
    try:
        return Identity(**values)
    except ValidationError as exc:
        raise ValidationError(f"{source}: {exc.field}", exc.value, exc.reason) from exc


def load_departments(path: str | Path, order: str | None = None) -> list[DepartmentEntry]:
    """Read a department registry from a TOML file (format: docs/metrics.md, "The department
    registry"): ``[[department]]`` tables with ``name``, ``short`` and ``aliases``, in the
    district's official order; ``order`` (in the file, or given here) may instead ask for
    ``pinyin`` or ``strokes`` order."""
    from appeal_adapters.collation import ordered

    name = Path(path).name
    data = _read_toml(path, "departments_file")
    rows = data.get("department", [])
    if not isinstance(rows, list) or not rows:
        raise ValidationError(f"{name}: department", rows, "应有至少一个 [[department]] 表")
    entries = []
    for k, row in enumerate(rows, 1):
        if not isinstance(row, Mapping):
            raise ValidationError(f"{name}: department", row, "应为一个表", row=k)
        unknown = set(row) - {"name", "short", "aliases"}
        if unknown:
            raise ValidationError(f"{name}: department.{sorted(unknown)[0]}", row, "未知的设置项",
                                  row=k)  # fmt: skip
        try:
            entries.append(DepartmentEntry(name=row.get("name", ""), short=row.get("short", ""),
                                           aliases=row.get("aliases", ())))  # fmt: skip
        except (ValidationError, TypeError) as exc:
            reason = exc.reason if isinstance(exc, ValidationError) else str(exc)
            raise ValidationError(f"{name}: department", dict(row), reason, row=k) from exc
    how = order or str(data.get("order", "official"))
    place = {n: k for k, n in enumerate(ordered([e.name for e in entries], how), 1)}
    placed = [attrs.evolve(e, order=place[e.name]) for e in entries]
    try:
        Registry.of(placed)
    except ValidationError as exc:
        raise ValidationError(f"{name}: {exc.field}", exc.value, exc.reason) from exc
    return placed


def plugin_notices(plugins: AppealPlugins | None = None) -> list[YearNotice]:
    """The holiday notices installed plugins supply (``appeal_calendar_data``), in the order
    they apply: for one year, the plugin registered last wins."""
    plugins = plugins or load_plugins()
    results = plugins.hook.appeal_calendar_data()  # pluggy lists the last-registered first
    return [n for group in reversed(results) for n in group]


def open_desk(
    url: str,
    *,
    district: str = "HM",
    policy: Policy | None = None,
    plugins: AppealPlugins | None = None,
    outside: OutsideCoverage | str = OutsideCoverage.WEEKDAYS,
    read_only: bool = False,
) -> Desk:
    """A desk over the store at ``url``: its calendar is chinese-calendar's data, the plugins'
    notices and the notices loaded into that store (as for every process that opens it).

    ``read_only`` opens the store for reading only (``open_store(url, read_only=True)``).
    """
    plugins = plugins or load_plugins()
    policy = policy or Policy()
    policy = attrs.evolve(policy, channels=known_channels(plugins, policy.channels))
    store = plugins.open_store(url, read_only=read_only)
    return Desk(
        store,
        district=district,
        policy=policy,
        notices=plugin_notices(plugins),
        outside=outside,
    )


def build_calendar(
    *,
    plugins: AppealPlugins | None = None,
    notice_files: Iterable[str | Path] = (),
    overrides: Mapping[date, bool] | None = None,
    outside: OutsideCoverage | str = OutsideCoverage.RAISE,
) -> WorkCalendar:
    """The Chinese work calendar plus notices from plugins (``appeal_calendar_data``) and files.

    Files come last, so a desk's own file wins over a plugin for the same year.
    """
    notices = plugin_notices(plugins)
    notices.extend(load_notice(path) for path in notice_files)
    return china_calendar(notices=notices, overrides=overrides or {}, outside=outside)
