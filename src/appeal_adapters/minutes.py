"""A meeting's minutes from a TOML file, as the office prepares them (docs/month.md).

held_on = 2026-11-27
chair = "区服务企业办主任"
attendees = ["区交通运输局", "区财政局"]
items = ["HM-2026-0012"]
summary = "研究园区道路破损问题"

[[decisions]]
text = "牵头制定园区道路修缮方案"
owner = "区交通运输局"
due = 2026-12-11
items = ["HM-2026-0012"]
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from appeal_core.errors import ValidationError
from appeal_core.fields import parse_date
from appeal_core.journal import Decision

KEYS = {"held_on", "chair", "attendees", "items", "summary", "decisions"}
DECISION_KEYS = {"text", "owner", "due", "items"}


@attrs.frozen(kw_only=True)
class Minutes:
    """What a minutes file says, checked for shape (the desk checks the rest)."""

    held_on: date
    attendees: tuple[str, ...]
    decisions: tuple[Decision, ...]
    chair: str = ""
    items: tuple[str, ...] = ()
    summary: str = ""


def _day(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_date(value, field)
    raise ValidationError(field, value, "应为日期，如 2026-11-27")


def _names(value: Any, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(field, value, '应为名称的列表，如 ["区财政局"]')
    return tuple(value)


def _text(data: Mapping[str, Any], key: str, field: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ValidationError(field, value, "应为文本")
    return value


def minutes_from_mapping(data: Mapping[str, Any], source: str = "minutes") -> Minutes:
    """The minutes a mapping describes; unknown keys and wrong types are refused by name."""
    for key in data:
        if key not in KEYS:
            raise ValidationError(
                f"{source}: {key}", data[key], f"未知的字段；可用：{'、'.join(sorted(KEYS))}"
            )
    if "held_on" not in data:
        raise ValidationError(f"{source}: held_on", None, "必须填写会议日期")
    decisions = []
    raw = data.get("decisions", [])
    if not isinstance(raw, list):
        raise ValidationError(f"{source}: decisions", raw, "应为 [[decisions]] 表的列表")
    for k, d in enumerate(raw, start=1):
        where = f"{source}: decisions[{k}]"
        if not isinstance(d, Mapping):
            raise ValidationError(where, d, "应为一个表")
        for key in d:
            if key not in DECISION_KEYS:
                raise ValidationError(
                    f"{where}.{key}", d[key], "未知的字段；可用：text、owner、due、items"
                )
        if "due" not in d:
            raise ValidationError(f"{where}.due", None, "必须填写完成时限")
        decisions.append(
            Decision(text=_text(d, "text", f"{where}.text"),
                     owner=_text(d, "owner", f"{where}.owner"), due=_day(d["due"], f"{where}.due"),
                     items=_names(d.get("items", []), f"{where}.items"))
        )  # fmt: skip
    return Minutes(
        held_on=_day(data["held_on"], f"{source}: held_on"),
        attendees=_names(data.get("attendees", []), f"{source}: attendees"),
        decisions=tuple(decisions), chair=_text(data, "chair", f"{source}: chair"),
        items=_names(data.get("items", []), f"{source}: items"),
        summary=_text(data, "summary", f"{source}: summary"),
    )  # fmt: skip


def read_minutes(path: str | Path) -> Minutes:
    """Read a minutes TOML file; errors name the file and the field."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ValidationError("minutes_file", str(path), "文件不存在") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError("minutes_file", str(path), f"不是有效的 TOML：{exc}") from exc
    return minutes_from_mapping(data, source=path.name)
