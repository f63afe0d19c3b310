"""The subset of JSON Schema (2020-12) the channel schemas use, checked in plain Python.

Keywords: ``type`` (a name or a list), ``required``, ``properties``, ``items``, ``minLength``,
``maxLength``, ``enum`` and ``$ref`` to ``#/$defs/...``; other keywords are annotations.  The
first problem found is returned as (JSON path, value, Chinese reason).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}
_NAMES = {"object": "对象", "array": "数组", "string": "文本", "integer": "整数", "number": "数字",
          "boolean": "布尔值", "null": "空值"}  # fmt: skip

Problem = tuple[str, object, str]


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema shipped in ``appeal_adapters/channels/schema/`` (e.g. ``app.schema.json``)."""
    text = resources.files("appeal_adapters.channels").joinpath("schema", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _is(value: object, kind: str) -> bool:
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[kind])


def first_problem(value: object, schema: dict[str, Any], root: dict[str, Any], path: str = "") -> (
    Problem | None
):  # fmt: skip
    """The first place ``value`` breaks ``schema`` (``root`` resolves ``$ref``), or None."""
    ref = schema.get("$ref")
    if ref:
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return first_problem(value, target, root, path)
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is(value, k) for k in kinds):
            wanted = "或".join(_NAMES[k] for k in kinds)
            return path, value, f"应为{wanted}"
    if "enum" in schema and value not in schema["enum"]:
        return path, value, f"应为 {'、'.join(map(str, schema['enum']))} 之一"
    if isinstance(value, str):
        if len(value.strip()) < schema.get("minLength", 0):
            return path, value, "必填项不能为空"
        if len(value) > schema.get("maxLength", len(value)):
            return path, value[:20] + "…", f"长度 {len(value)} 超过上限 {schema['maxLength']} 字"
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value or value[key] is None:
                return _join(path, key), None, "缺少必填项"
        for key, sub in schema.get("properties", {}).items():
            if key in value and value[key] is not None:
                found = first_problem(value[key], sub, root, _join(path, key))
                if found:
                    return found
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found = first_problem(item, schema["items"], root, f"{path}[{i}]")
            if found:
                return found
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
