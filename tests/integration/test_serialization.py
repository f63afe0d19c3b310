"""JSON text: orjson (the ``fast`` extra) and the standard library write the same canonical text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from appeal_adapters import serialization as ser
from appeal_core.memory import MemoryStore
from appeal_core.testing.store_contract import make_desk, walk_every_event

orjson = pytest.importorskip("orjson")  # installed by the dev setup (extra "all")

STDLIB = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
#: JSON values as the converter produces them: text (any code point), ints, bools, None.
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def every_event_and_state() -> list[dict[str, Any]]:
    memory = MemoryStore()
    numbers = walk_every_event(make_desk(memory))
    events = [ser.event_to_dict(x) for n in numbers for x in memory.events(n)]
    return events + [ser.state_to_dict(memory.state(n)) for n in numbers]


@pytest.mark.parametrize("data", every_event_and_state(), ids=lambda d: str(d.get("type", "state")))
def test_every_event_type_and_state_encodes_as_the_standard_library_does(
    data: dict[str, Any],
) -> None:
    assert ser.dumps(data) == STDLIB.encode(data)
    assert ser.loads(ser.dumps_state(data)) == json.loads(STDLIB.encode(data))


@given(values)
@example({"text": "\ud800"}).via("a lone surrogate")
@example([2**70, -(2**64)]).via("ints beyond 64 bits")
def test_any_json_value_encodes_as_the_standard_library_does(data: Any) -> None:
    """Lone surrogates and ints beyond 64 bits, which orjson refuses, fall back to the stdlib."""
    assert ser.dumps(data) == STDLIB.encode(data)
    assert ser.loads(ser.dumps(data)) == data


@given(values)
@example(-(2**63) - 1).via("an int orjson reads back as a float")
def test_without_orjson_the_text_is_the_same(data: Any) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ser, "orjson", None)
        plain, state = ser.dumps(data), ser.dumps_state(data)
        assert ser.loads(plain) == data
    assert plain == ser.dumps(data)
    assert ser.loads(state) == data


def test_reading_keeps_every_value_exact() -> None:
    assert ser.loads("-9223372036854775809") == -(2**63) - 1  # orjson would give a float
    assert ser.loads('"\\ud800"') == "\ud800"  # a lone surrogate escape
    with pytest.raises(ser.SerializationError, match="JSON"):
        ser.loads("{not json")
