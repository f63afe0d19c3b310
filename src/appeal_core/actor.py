"""Who acts: the desk, a department, or a district leader; each command checks the role."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import attrs

from appeal_core.errors import ValidationError
from appeal_core.text import clean_line

#: Longest accepted department name (as for a lead department) and person's name.
DEPARTMENT_LIMIT = 100
NAME_LIMIT = 50


def _cap(field: str, limit: int) -> Callable[[object, attrs.Attribute[str], str], None]:
    """A validator refusing text longer than ``limit`` characters, naming ``field``."""

    def check(_: object, __: attrs.Attribute[str], value: str) -> None:
        if len(value) > limit:
            raise ValidationError(field, value[:20] + "…", f"长度 {len(value)} 超过上限 {limit} 字")

    return check


class Role(enum.StrEnum):
    """The three roles of the seed's mechanism."""

    DESK = "desk"  # 区服务企业办
    DEPARTMENT = "department"  # 主办 / 协办部门
    LEADER = "leader"  # 区分管领导

    @property
    def label(self) -> str:
        """The role's Chinese name, for messages."""
        return _ROLE_LABELS[self]

    @classmethod
    def _missing_(cls, value: object) -> Any:
        accepted = "、".join(f"{m.value}（{m.label}）" for m in cls)
        raise ValidationError("actor.role", value, f"应为以下之一：{accepted}")


_ROLE_LABELS = {Role.DESK: "区服务企业办", Role.DEPARTMENT: "部门", Role.LEADER: "区分管领导"}


@attrs.frozen(kw_only=True)
class Actor:
    """A person acting in one role; a department actor names its department."""

    role: Role = attrs.field(converter=Role)
    department: str = attrs.field(
        default="", converter=clean_line, validator=_cap("actor.department", DEPARTMENT_LIMIT)
    )
    name: str = attrs.field(
        default="", converter=clean_line, validator=_cap("actor.name", NAME_LIMIT)
    )

    def __attrs_post_init__(self) -> None:
        if self.role is Role.DEPARTMENT and not self.department:
            raise ValidationError("actor.department", self.department, "部门人员必须注明所在部门")
        if self.role is not Role.DEPARTMENT and self.department:
            raise ValidationError("actor.department", self.department, "只有部门人员才注明部门")

    @classmethod
    def desk(cls, name: str = "") -> Actor:
        """A clerk of the district's enterprise-service office."""
        return cls(role=Role.DESK, name=name)

    @classmethod
    def of_department(cls, department: str, name: str = "") -> Actor:
        """A person acting for ``department``."""
        return cls(role=Role.DEPARTMENT, department=department, name=name)

    @classmethod
    def leader(cls, name: str = "") -> Actor:
        """The district leader in charge."""
        return cls(role=Role.LEADER, name=name)

    def __str__(self) -> str:
        who = self.department if self.role is Role.DEPARTMENT else self.role.label
        return f"{who}（{self.name}）" if self.name else who


@attrs.frozen(kw_only=True)
class Department:
    """A department of the district that can lead or co-handle items."""

    name: str = attrs.field(converter=clean_line)
    contact: str = ""
    phone: str = ""
    email: str = ""

    @name.validator
    def _check_name(self, _: attrs.Attribute[str], value: str) -> None:
        if not value:
            raise ValidationError("department.name", value, "部门名称不能为空")
        if len(value) > DEPARTMENT_LIMIT:
            raise ValidationError(
                "department.name", value[:20] + "…", f"部门名称超过{DEPARTMENT_LIMIT}字"
            )
