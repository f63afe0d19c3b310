"""A Desk method's keyword arguments from a request: path parameters, the query string (GET)
or the JSON body (POST), each structured to the method's type hint by the serialization
module's converter.  ``by`` and ``at`` are never taken from the client."""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from appeal_adapters.serialization import SerializationError, structure
from appeal_core import Desk
from appeal_core.errors import ValidationError

#: Arguments the service fills itself: who acts (the caller's identity) and when (its clock).
SERVER_FILLED = frozenset({"self", "by", "at"})
_PRIMITIVES = (str, int, bool, float)
#: The years a month or year in a path may name (the calendar's arithmetic stays in range).
FIRST_YEAR, LAST_YEAR = 1900, 2999


@functools.cache
def acts(name: str) -> bool:
    """True when ``Desk.<name>`` records who acted and when (takes ``by`` and ``at``)."""
    return {"by", "at"} <= inspect.signature(getattr(Desk, name)).parameters.keys()


@functools.cache
def parameters(name: str) -> tuple[dict[str, Any], frozenset[str]]:
    """The type hints of ``Desk.<name>``'s arguments and which are required."""
    method: Callable[..., Any] = getattr(Desk, name)
    hints = typing.get_type_hints(method)
    hints.pop("return", None)
    signature = inspect.signature(method)
    required = frozenset(
        p.name
        for p in signature.parameters.values()
        if p.default is inspect.Parameter.empty and p.name not in SERVER_FILLED
    )
    return {k: v for k, v in hints.items() if k not in SERVER_FILLED}, required


def _union(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return ()


def _from_text(text: str, hint: Any) -> Any:
    """A path or query value (text) as JSON would carry it, for the hint."""
    kinds = _union(hint) or (hint,)
    if int in kinds and text.lstrip("-").isdigit():
        return int(text)
    if bool in kinds and text in ("true", "false"):
        return text == "true"
    return text


def value(name: str, data: Any, hint: Any) -> Any:
    """``data`` for the argument ``name`` as its type ``hint``; ``ValidationError`` if not."""
    kinds = _union(hint)
    if kinds:
        if data is None and type(None) in kinds:
            return None
        for kind in kinds:  # a primitive passes as itself (``Complexity | str`` takes "routine")
            if kind in _PRIMITIVES and type(data) is kind:
                return data
        others = [k for k in kinds if k not in _PRIMITIVES and k is not type(None)]
        problems: list[str] = []
        for kind in others:
            try:
                return structure(data, kind, name)
            except SerializationError as exc:
                problems += exc.problems
        raise ValidationError(name, data, "类型不符：" + "；".join(problems or ["应为文本"]))
    if hint in _PRIMITIVES:
        if type(data) is not hint and not (hint is float and type(data) is int):
            expected = {str: "文本", int: "整数", bool: "true 或 false", float: "数字"}[hint]
            raise ValidationError(name, data, f"应为{expected}")
        return data
    if attrs.has(hint) and not isinstance(data, dict):
        raise ValidationError(name, str(data)[:80], "应为 JSON 对象")
    try:
        return structure(data, hint, name)
    except SerializationError as exc:
        found = _domain_error(exc)
        if found is not None:  # the library's own check (a value too long ...): its message
            raise found from None
        raise ValidationError(name, str(data)[:80], "；".join(exc.problems)) from None


def _domain_error(exc: BaseException) -> ValidationError | None:
    """The library's ``ValidationError`` inside a structuring failure, if one caused it."""
    seen: list[BaseException] = [exc]
    while seen:
        error = seen.pop()
        if isinstance(error, ValidationError):
            return error
        seen += list(getattr(error, "exceptions", ()))
        seen += [e for e in (error.__cause__, error.__context__) if e is not None]
    return None


def arguments(
    name: str, path: Mapping[str, str], given: Mapping[str, Any], *, from_text: bool
) -> dict[str, Any]:
    """The keyword arguments of ``Desk.<name>`` from the path and the query or body."""
    hints, required = parameters(name)
    raw: dict[str, Any] = {}
    for key, text in path.items():
        if key == "month":
            raw.update(_month(text))
        else:
            raw[key] = _from_text(text, hints.get(key, str))
    for key, data in given.items():
        if key in SERVER_FILLED:
            raise ValidationError(
                key, data, "由服务器确定（by 来自令牌，at 取服务器时间），请勿提供"
            )
        if key not in hints:
            accepted = "、".join(k for k in hints if k not in raw) or "无"
            raise ValidationError(key, data, f"不是可用的参数；可用：{accepted}")
        if key in raw:
            raise ValidationError(key, data, "已在地址中给出")
        raw[key] = _from_text(data, hints[key]) if from_text and isinstance(data, str) else data
    if isinstance(raw.get("year"), int):
        checked_year(raw["year"])
    missing = sorted(required - raw.keys())
    if missing:
        raise ValidationError(missing[0], None, "缺少必填参数")
    return {key: value(key, data, hints[key]) for key, data in raw.items()}


def checked_year(year: int) -> int:
    """``year`` if a month or year of it can be computed; ``ValidationError`` if not."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError("year", year, f"年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间")
    return year


def month_of(text: str) -> tuple[int, int]:
    """``YYYY-MM`` as a year and a month."""
    found = _month(text)
    return checked_year(found["year"]), found["month"]


def _month(text: str) -> dict[str, int]:
    """``YYYY-MM`` as the ``year`` and ``month`` arguments."""
    year, _, month = text.partition("-")
    if not (len(year) == 4 and year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        raise ValidationError("month", text, "月份应为 YYYY-MM，如 2026-11")
    return {"year": int(year), "month": int(month)}


def json_schema(hint: Any) -> dict[str, Any]:
    """A small JSON Schema of a hint, for the OpenAPI document."""
    kinds = [k for k in (_union(hint) or (hint,)) if k is not type(None)]
    if len(kinds) > 1:
        return {"anyOf": [json_schema(k) for k in kinds]}
    kind = kinds[0]
    origin = typing.get_origin(kind)
    if kind is str:
        return {"type": "string"}
    if kind is bool:
        return {"type": "boolean"}
    if kind is int:
        return {"type": "integer"}
    if kind is float:
        return {"type": "number"}
    if kind is date:
        return {"type": "string", "format": "date"}
    if isinstance(kind, type) and issubclass(kind, str):  # an enum of text values
        members: Iterable[Any] = getattr(kind, "__members__", {}).values()
        return {"type": "string", "enum": [str(getattr(m, "value", m)) for m in members]}
    if origin is not None and typing.get_args(kind) and origin not in (dict, Mapping):
        return {"type": "array", "items": json_schema(typing.get_args(kind)[0])}
    return {"type": "object", "title": getattr(kind, "__name__", str(kind))}
