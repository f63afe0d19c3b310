"""Hostile text entering the core: control characters are stripped, names are bounded, unknown
enum values and refusals raise the library's own errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest

from appeal_core import (
    SHANGHAI,
    Actor,
    Channel,
    Complexity,
    Desk,
    Enterprise,
    MemoryStore,
    PermissionDenied,
    RedLine,
    Satisfaction,
    ValidationError,
)
from appeal_core.channels import Channels
from appeal_core.text import clean, clean_line

AT = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
DESK = Actor.desk("窗口")
HOSTILE = "\x1b[2J\x1b]0;pwned\x07\x07\x9b31m\u202e\x00"


def _printable(text: str) -> bool:
    return not any((ord(ch) < 0x20 and ch not in "\n\t") or 0x7F <= ord(ch) < 0xA0 for ch in text)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def test_escape_sequences_go_whole_and_controls_go() -> None:
    assert clean("红\x1b[31m色\x1b[0m") == "红色"
    assert clean("标题\x1b]0;evil title\x07后") == "标题后"
    assert clean("a\x07b\x00c\x7fd\x85e") == "abcde"
    assert clean("第一行\r\n第二行\t。") == "第一行\n第二行\t。"
    assert clean_line(" 区市场\n监督\t管理局 ") == "区市场 监督 管理局"
    assert clean("👍 emoji stay") == "👍 emoji stay"
    assert clean(HOSTILE) == ""


def test_a_registration_stores_no_control_characters() -> None:
    desk = Desk(MemoryStore())
    firm = Enterprise(
        name=f"海门{HOSTILE}某公司", address=f"路{HOSTILE}1号", contact=f"张{HOSTILE}三",
        phone=f"138{HOSTILE}12345678", credit_code="", code_override="",
    )  # fmt: skip
    item = desk.register(
        enterprise=firm, content=f"厂区道路{HOSTILE}破损", channel="app", at=AT, by=DESK
    )
    stored = desk.get(item.number)
    ent = stored.enterprise
    assert (ent.name, ent.address, ent.contact, ent.phone) == (
        "海门某公司", "路1号", "张三", "13812345678",
    )  # fmt: skip
    assert stored.content == "厂区道路破损"


def test_decisions_clean_every_text_they_record() -> None:
    desk = Desk(MemoryStore())
    firm = Enterprise(name="某公司")
    n = desk.register(enterprise=firm, content="用电", channel="app", at=AT, by=DESK).number
    desk.verify(n, note=f"已{HOSTILE}核实", at=AT, by=DESK)
    desk.classify(n, category=f"用{HOSTILE}电", complexity="routine", at=AT, by=DESK)
    item = desk.assign(n, lead="区\x1b[31m供电\x07公司", co=[f"区{HOSTILE}发改委"], at=AT, by=DESK)
    assert item.category == "用电" and item.lead == "区供电公司"
    assert item.assignment is not None and item.assignment.co == ("区发改委",)
    item = desk.escalate(
        n,
        leader=f"李{HOSTILE}区长",
        reason=f"涉及{HOSTILE}多部门",
        at=AT,
        by=DESK,
        proposal=f"建议{HOSTILE}会办",
    )
    assert item.escalation is not None
    assert (item.escalation.leader, item.escalation.reason) == ("李区长", "涉及多部门")
    assert item.escalation.proposal == "建议会办"
    item = desk.pause(n, reason="materials", until=AT.date() + timedelta(days=7), document=f"补正{HOSTILE}通知",
                      note=f"企业{HOSTILE}补材料", at=AT, by=DESK)  # fmt: skip
    assert item.pause is not None and (item.pause.document, item.pause.note) == (
        "补正通知", "企业补材料")  # fmt: skip
    for event in desk.history(n):
        assert all(_printable(text) for text in _strings(attrs.asdict(event)))


def test_actors_are_cleaned_and_bounded() -> None:
    assert Actor.desk(f"小{HOSTILE}王").name == "小王"
    assert Actor.of_department(f"区{HOSTILE}市场监督管理局 ").department == "区市场监督管理局"
    with pytest.raises(ValidationError, match=r"actor\.department"):
        Actor.of_department("局" * 101)
    with pytest.raises(ValidationError, match=r"actor\.name"):
        Actor.desk("王" * 51)
    with pytest.raises(ValidationError, match="部门人员必须注明所在部门"):
        Actor.of_department(HOSTILE)


def test_enterprise_fields_are_bounded() -> None:
    with pytest.raises(ValidationError, match=r"enterprise\.address"):
        Enterprise(name="某公司", address="路" * 501)
    with pytest.raises(ValidationError, match=r"enterprise\.contact"):
        Enterprise(name="某公司", contact="张" * 101)


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [(Channels().check, "fax", "channel"), (Channel, "FAX!", "channel"),
     (Complexity, "hard", "complexity"),
     (Satisfaction, "meh", "satisfaction"), (RedLine, "traffic", "red_line")],
)  # fmt: skip
def test_unknown_enum_values_are_validation_errors(kind: Any, value: str, field: str) -> None:
    with pytest.raises(ValidationError, match=f"字段「{field}」.*(应为以下之一|如 app)") as info:
        kind(value)
    assert isinstance(info.value, ValueError)  # ``except ValueError`` still catches it


def test_desk_methods_refuse_unknown_values_with_library_errors() -> None:
    desk = Desk(MemoryStore())
    firm = Enterprise(name="某公司")
    with pytest.raises(ValidationError, match=r"channel.*未知的问题来源.*app（海企通APP）"):
        desk.register(enterprise=firm, content="x", channel="fax", at=AT, by=DESK)
    assert list(desk.store.states()) == []  # refused before a number was taken
    n = desk.register(enterprise=firm, content="用电", channel="app", at=AT, by=DESK).number
    desk.verify(n, at=AT, by=DESK)
    with pytest.raises(ValidationError, match="complexity"):
        desk.classify(n, category="用电", complexity="hard", at=AT, by=DESK)
    with pytest.raises(ValidationError, match="red_line"):
        desk.characterize(n, reason="x", red_line="traffic", at=AT, by=DESK)


def test_a_refusal_is_not_an_os_error() -> None:
    desk = Desk(MemoryStore())
    with pytest.raises(PermissionDenied) as info:
        desk.register(
            enterprise=Enterprise(name="某公司"), content="x", channel="app", at=AT,
            by=Actor.of_department("区市场监督管理局"),
        )  # fmt: skip
    assert not isinstance(info.value, OSError)
    try:  # the case the issue names: file-handling code must not swallow a refusal
        try:
            raise info.value
        except OSError:
            pytest.fail("PermissionDenied was caught as an OSError")
    except PermissionDenied:
        pass
