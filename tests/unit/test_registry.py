"""The department registry: typos refused with the closest names, aliases made official, order."""

from __future__ import annotations

import pytest

from appeal_core import Actor, Desk, MemoryStore, PermissionDenied, ValidationError
from appeal_core.departments import DepartmentEntry, Registry
from appeal_core.errors import UnknownDepartment
from tests.unit.test_metrics import ACME, DESK, at

MARKET, HR, TAX = "区市场监督管理局", "区人力资源和社会保障局", "国家税务总局海门区税务局"
ENTRIES = [
    DepartmentEntry(name=HR, short="人社局", order=2),
    DepartmentEntry(name=MARKET, short="市场监管局", order=1, aliases=("市监局", "工商局")),
    DepartmentEntry(name=TAX, short="税务局", order=3),
]


def loaded() -> Desk:
    desk = Desk(MemoryStore())
    desk.load_departments(ENTRIES, at=at("2026-10-01"), by=DESK, source="departments.toml")
    return desk


def classified(desk: Desk, day: str = "2026-11-02") -> str:
    n = desk.register(enterprise=ACME, content="问题", channel="app", at=at(day, 8), by=DESK)
    desk.verify(n.number, at=at(day, 8), by=DESK)
    desk.classify(n.number, category="其他", complexity="routine", at=at(day, 8), by=DESK)
    return n.number


def test_an_unknown_department_is_refused_with_the_closest_known_names() -> None:
    desk = loaded()
    n = classified(desk)
    with pytest.raises(UnknownDepartment) as refused:
        desk.assign(n, lead="区市场监督局", at=at("2026-11-02", 9), by=DESK)
    assert refused.value.closest[0] == MARKET and isinstance(refused.value, ValidationError)
    assert "是否是：区市场监督管理局" in str(refused.value)
    with pytest.raises(UnknownDepartment, match="co"):
        desk.assign(n, lead=MARKET, co=("人设局",), at=at("2026-11-02", 9), by=DESK)
    assert desk.get(n).assignment is None  # nothing written


def test_aliases_and_short_names_become_the_official_name() -> None:
    desk = loaded()
    n = classified(desk)
    state = desk.assign(n, lead="市监局", co=("人社局",), at=at("2026-11-02", 9), by=DESK)
    assert state.assignment is not None
    assert (state.assignment.lead, state.assignment.co) == (MARKET, (HR,))
    replied = desk.reply(n, text="已办", at=at("2026-11-03"), by=Actor.of_department("工商局"))
    assert replied.final_reply is not None and replied.final_reply.department == MARKET
    with pytest.raises(UnknownDepartment):
        desk.reply(n, text="已办", at=at("2026-11-03"), by=Actor.of_department("市场局"))
    report = desk.report(2026, 11)
    assert [d.department for d in report.departments] == sorted((MARKET, HR, TAX))
    assert report.rules.order == (MARKET, HR, TAX)  # the registry's order decides ties


def test_the_registry_refuses_a_name_given_to_two_departments_and_only_the_desk_loads_it() -> None:
    with pytest.raises(ValidationError, match="同时是"):
        Registry.of([DepartmentEntry(name=MARKET, aliases=("税务",)),
                     DepartmentEntry(name=TAX, short="税务")])  # fmt: skip
    desk = Desk(MemoryStore())
    with pytest.raises(PermissionDenied):
        desk.load_departments(ENTRIES, at=at("2026-10-01"), by=Actor.of_department(MARKET))
    with pytest.raises(ValidationError):
        DepartmentEntry(name=" 区商务局")


def test_without_a_registry_names_are_taken_as_typed() -> None:
    desk = Desk(MemoryStore())
    n = classified(desk)
    state = desk.assign(n, lead="任意部门", at=at("2026-11-02", 9), by=DESK)
    assert state.lead == "任意部门" and not desk.departments()


def test_a_new_load_replaces_the_registry_for_commands_from_then_on() -> None:
    desk = loaded()
    desk.load_departments([*ENTRIES, DepartmentEntry(name="区数据局", order=4)],
                          at=at("2026-11-01"), by=DESK)  # fmt: skip
    n = classified(desk)
    assert desk.assign(n, lead="区数据局", at=at("2026-11-02", 9), by=DESK).lead == "区数据局"
    assert desk.departments().names()[-1] == "区数据局"
