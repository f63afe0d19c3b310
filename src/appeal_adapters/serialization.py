"""Events and item states to and from JSON-compatible dicts, through one private cattrs converter.

The domain classes know nothing of any wire format (STYLE 8); this module is the only mapping.
Dates are ISO strings, instants ISO strings with their UTC offset, enums their values, and an
event is tagged with its class name (``{"type": "Assigned", ...}``).  Fields still at their
default are left out, which keeps stored rows small; loading fills them back in.

JSON text is written by orjson when the ``fast`` extra is installed (about 5x faster than the
standard library's encoder) and by ``json`` otherwise; for what the library stores (text, ints,
booleans, null, lists, objects: no floats) both write the same canonical text, so hashes never
depend on which one ran.  Reading always uses ``json``: orjson turns an int beyond 64 bits into
a float.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Union, cast

try:
    import orjson
except ImportError:  # pragma: no cover - the fast extra is optional
    orjson = None  # type: ignore[assignment]

import cattrs
from cattrs.strategies import configure_tagged_union

from appeal_adapters.errors import AdapterError
from appeal_core import events as e
from appeal_core.appeal import Appeal
from appeal_core.journal import JOURNAL_TYPES, JournalEvent
from appeal_core.timeutil import SHANGHAI

__all__ = [
    "SerializationError",
    "dumps",
    "event_from_dict",
    "event_to_dict",
    "instant",
    "journal_from_dict",
    "loads",
    "state_from_dict",
    "state_to_dict",
    "structure",
    "unstructure",
]

TAG = "type"
_EIGHT_HOURS = timedelta(hours=8)


class SerializationError(AdapterError, ValueError):
    """A stored or received document does not describe a valid event or item state."""

    def __init__(self, what: str, problems: list[str]) -> None:
        self.what = what
        self.problems = problems
        super().__init__(f"无法读取{what}：" + "；".join(problems))


def _datetime_from_iso(value: Any, _: type) -> datetime:
    if isinstance(value, datetime):
        return value
    result = datetime.fromisoformat(value)
    offset = result.utcoffset()
    if offset is None:
        raise ValueError(f"时间 {value!r} 缺少时区（UTC 偏移）")
    return result.replace(tzinfo=SHANGHAI) if offset == _EIGHT_HOURS else result


def _date_from_iso(value: Any, _: type) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(f"日期 {value!r} 应为 YYYY-MM-DD")
    return date.fromisoformat(value)


#: The union of every event class, item and journal alike, built from ``EVENT_TYPES`` and
#: ``JOURNAL_TYPES`` so a new event is never missed.  Class names are the tags, so they are unique.
_ALL_TYPES: tuple[type, ...] = (*e.EVENT_TYPES, *JOURNAL_TYPES)
_EVENT: Any = Union[_ALL_TYPES]  # noqa: UP007


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_structure_hook(datetime, _datetime_from_iso)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_structure_hook(date, _date_from_iso)
    configure_tagged_union(
        cast(Any, _EVENT), converter, tag_generator=lambda cls: cls.__name__, tag_name=TAG
    )
    return converter


_converter = _make_converter()
#: The same converter writing every field, defaults too: for answers to clients (not stored).
_FULL = _converter.copy(omit_if_default=False)
#: What a client sends (``structure``): text must be text, numbers numbers, at any depth.
_STRICT = _converter.copy()


def _strictly(base: type) -> Callable[[Any, type], Any]:
    """A hook taking only JSON's own ``base`` values (an int for a float too), then making
    the asked type of them (an enum of text checks its value)."""
    allowed = (int, float) if base is float else (base,)

    def check(value: Any, kind: type) -> Any:
        if type(value) not in allowed:
            raise TypeError(f"应为{_KIND_WORDS[base]}，收到 {type(value).__name__}")
        return value if kind is base and base is not float else kind(value)

    return check


_KIND_WORDS = {str: "文本", int: "整数", float: "数字", bool: "true 或 false"}
for _base in _KIND_WORDS:
    _STRICT.register_structure_hook(_base, _strictly(_base))


class _Hooks(dict[type, Callable[[Any], dict[str, Any]]]):
    """Per event class, its unstructure function (skipping the union dispatch on the hot
    path), generated on first use: a process that only reads never pays for them."""

    def __missing__(self, cls: type) -> Callable[[Any], dict[str, Any]]:
        hook: Callable[[Any], dict[str, Any]] = _converter.get_unstructure_hook(cls)
        self[cls] = hook
        return hook


_EVENT_HOOKS = _Hooks()
_STATE_HOOK: Callable[[Appeal], dict[str, Any]] = _converter.get_unstructure_hook(Appeal)
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DECODE = json.JSONDecoder().decode


def _fail(what: str, exc: Exception) -> SerializationError:
    if isinstance(exc, cattrs.BaseValidationError):
        return SerializationError(what, cattrs.transform_error(exc))
    return SerializationError(what, [f"{type(exc).__name__}: {exc}"])


def event_to_dict(event: e.Event | JournalEvent) -> dict[str, Any]:
    """The event (item or journal) as a JSON-compatible dict tagged with its class name."""
    cls = type(event)
    data = _EVENT_HOOKS[cls](event)
    data[TAG] = cls.__name__
    return data


def _structure(data: dict[str, Any], kind: tuple[type, ...]) -> Any:
    what = f"事件（type={data.get(TAG)!r}）"
    try:
        found = _converter.structure(data, _EVENT)
    except Exception as exc:
        raise _fail(what, exc) from exc
    if not isinstance(found, kind):
        raise SerializationError(what, ["事件类型与所在的记录流不符（事项事件与日志事件混用）"])
    return found


def event_from_dict(data: dict[str, Any]) -> e.Event:
    """The item event a dict from ``event_to_dict`` describes; ``SerializationError`` if invalid."""
    return cast(e.Event, _structure(data, e.EVENT_TYPES))


def journal_from_dict(data: dict[str, Any]) -> JournalEvent:
    """The journal event a dict from ``event_to_dict`` describes; ``SerializationError`` if not."""
    return cast(JournalEvent, _structure(data, JOURNAL_TYPES))


def state_to_dict(state: Appeal) -> dict[str, Any]:
    """The item state as a JSON-compatible dict (fields at their default left out)."""
    return _STATE_HOOK(state)


def state_from_dict(data: dict[str, Any]) -> Appeal:
    """The item state a dict from ``state_to_dict`` describes; ``SerializationError`` if invalid."""
    try:
        return _converter.structure(data, Appeal)
    except Exception as exc:
        raise _fail(f"事项状态（number={data.get('number')!r}）", exc) from exc


def unstructure(value: Any) -> Any:
    """Any library value (an item, events, attrs classes, tuples, enums, dates ...) as
    JSON-compatible data for the HTTP service's answers: every field, defaults included (a
    client reads ``"status": "registered"``), events tagged with their ``type``."""
    if isinstance(value, (*e.EVENT_TYPES, *JOURNAL_TYPES)):
        data: dict[str, Any] = _FULL.unstructure(value)
        data[TAG] = type(value).__name__
        return data
    if isinstance(value, (list, tuple)):
        return [unstructure(v) for v in value]
    return _FULL.unstructure(value)


def structure(data: Any, hint: Any, what: str = "值") -> Any:
    """``data`` (parsed JSON) as a value of the type ``hint`` (a method's annotation), e.g. a
    command's arguments received over HTTP; ``SerializationError`` naming ``what`` if not."""
    try:
        return _STRICT.structure(data, hint)
    except Exception as exc:
        raise _fail(what, exc) from exc


def dumps(data: Any) -> str:
    """Canonical JSON: sorted keys, compact separators, UTF-8 text kept (used for hashing)."""
    if orjson is not None:
        try:
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:  # what orjson refuses (a lone surrogate, a huge int): the stdlib's way
            pass
    return _CANONICAL.encode(data)


def dumps_state(data: Any) -> str:
    """Compact JSON for stored states (not hashed, so key order need not be canonical)."""
    if orjson is not None:
        try:
            return orjson.dumps(data).decode()
        except TypeError:
            pass
    return _COMPACT.encode(data)


def instant(text: str) -> datetime:
    """An ISO instant with its UTC offset (``+08:00`` read as Asia/Shanghai), as stored."""
    return _datetime_from_iso(text, datetime)


def loads(text: str) -> Any:
    """Parse JSON text; ``SerializationError`` when it is not JSON."""
    try:
        return _DECODE(text)
    except ValueError as exc:
        raise SerializationError("JSON 文本", [str(exc)]) from exc
