"""Which column (or JSON key) holds which field: built-in layouts, mapping files, the refusal.

Every channel names its fields (``source_id``, ``enterprise``, ``phone`` ...) and the header
texts or JSON key paths that hold them, alternatives first-found-wins.  The defaults are the
layouts shipped as data in ``channels/layouts/<channel>.toml`` (vendors' 12345 exports, the
app's pinyin and English keys ...); ``options["headers"]`` — from the API, a ``--map`` file or
the policy file's ``[mapping.<channel>]`` table — replaces a field's alternatives.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from appeal_adapters.channels.base import UnreadableFile
from appeal_core.errors import ValidationError

FieldMap = dict[str, tuple[str, ...]]
_SPACE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """A header as compared: NFKC, no blanks, no required-field star (``企业名称 *``)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).rstrip("*")


@cache
def layouts(channel: str) -> tuple[tuple[str, str, FieldMap], ...]:
    """The layouts shipped for ``channel``: (name, where it comes from, field map)."""
    folder = resources.files("appeal_adapters.channels").joinpath("layouts")
    path = folder.joinpath(f"{channel}.toml")
    if not path.is_file():
        return ()
    data = tomllib.loads(path.read_text("utf-8"))
    return tuple(
        (str(item["name"]), str(item.get("source", "")), _fields(item["fields"], f"{channel}.toml"))
        for item in data.get("layout", ())
    )


def defaults(channel: str, base: Mapping[str, Sequence[str]]) -> FieldMap:
    """``base`` with the alternatives of every shipped layout added after its own."""
    merged: dict[str, list[str]] = {k: list(v) for k, v in base.items()}
    for _, _, fields in layouts(channel):
        for key, names in fields.items():
            if key in merged:
                merged[key] += [n for n in names if n not in merged[key]]
    return {k: tuple(v) for k, v in merged.items()}


def field_map(base: FieldMap, options: Mapping[str, Any], channel: str) -> FieldMap:
    """``base`` with ``options["headers"]`` (field → a header or a list) replacing fields."""
    given = options.get("headers") or {}
    if not isinstance(given, Mapping):
        raise ValidationError("headers", given, "应为「字段 = 表头」的映射")
    merged = dict(base)
    for key, value in _fields(given, f"{channel} 的映射").items():
        if key not in base:
            raise ValidationError(
                f"{channel} 的映射", key, f"没有这个字段；{channel} 的字段有：{'、'.join(base)}"
            )
        merged[key] = value
    return merged


def _fields(values: Mapping[str, Any], source: str) -> FieldMap:
    out: FieldMap = {}
    for key, value in values.items():
        names = (value,) if isinstance(value, str) else value
        if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
            raise ValidationError(f"{source}: {key}", value, "应为一个表头文字或文字列表")
        out[str(key)] = tuple(names)
    return out


def load_map(path: str | Path, channel: str) -> dict[str, Any]:
    """A mapping file for ``channel``: its ``[<channel>]`` (or ``[mapping.<channel>]``) table,
    else its top-level ``field = "header"`` pairs; the result goes in ``options["headers"]``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ValidationError("--map", str(path), "映射文件不存在") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValidationError("--map", str(path), f"不是有效的 TOML：{exc}") from exc
    table = data.get("mapping", data)
    if isinstance(table.get(channel), Mapping):
        return dict(table[channel])
    return {k: v for k, v in data.items() if not isinstance(v, Mapping)}


def stored(raw: Sequence[tuple[str, str]]) -> FieldMap:
    """The fields a quarantined row was read with (its ``@字段`` pair), to read it again."""
    for key, value in raw:
        if key == "@字段":
            try:
                found = json.loads(value)
            except ValueError:
                return {}
            if isinstance(found, dict):
                return {str(k): (str(v),) for k, v in found.items()}
    return {}


def locate(
    header: Sequence[object], wanted: FieldMap, *, filename: str, where: str
) -> dict[str, int]:
    """Column of each field found in ``header`` (a header given twice is refused)."""
    positions: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        if isinstance(cell, str) and cell.strip():
            positions.setdefault(header_key(cell), []).append(index)
    found: dict[str, int] = {}
    for field, names in wanted.items():
        hits = [(name, positions[header_key(name)]) for name in names
                if header_key(name) in positions]  # fmt: skip
        if not hits:
            continue
        name, indexes = hits[0]
        if len(indexes) > 1:
            raise UnreadableFile(
                filename, f"{where}表头「{name}」出现了 {len(indexes)} 次，无法确定使用哪一列"
            )
        found[field] = indexes[0]
    return found


def refusal(
    found: Sequence[str], wanted: FieldMap, required: Sequence[str], *, channel: str, where: str
) -> str:
    """Why a file's headers are not this channel's: what was found, what is needed, the fix."""
    shown = "、".join(h for h in found if h.strip())[:300] or "空"
    needed = "；".join(f"{k}（{'、'.join(wanted[k][:4])}）" for k in required)
    return (
        f"{where}找不到{channel}渠道的表头。找到的表头：{shown}。必需的字段及可用表头：{needed}。"
        f'如表头不同，请写映射文件（如 source_id = "受理编号"）后用 '
        f"appeal intake 文件 --channel {channel} --map 映射.toml 导入（见 docs/channels.md）"
    )
