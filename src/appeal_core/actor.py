"""Who acts: the desk, a department, or a district leader; each command checks the role."""

from __future__ import annotations

import enum

import attrs

from appeal_core.errors import ValidationError


class Role(enum.StrEnum):
    """The three roles of the seed's mechanism."""

    DESK = "desk"  # 区服务企业办
    DEPARTMENT = "department"  # 主办 / 协办部门
    LEADER = "leader"  # 区分管领导

    @property
    def label(self) -> str:
        """The role's Chinese name, for messages."""
        return _ROLE_LABELS[self]


_ROLE_LABELS = {Role.DESK: "区服务企业办", Role.DEPARTMENT: "部门", Role.LEADER: "区分管领导"}


@attrs.frozen(kw_only=True)
class Actor:
    """A person acting in one role; a department actor names its department."""

    role: Role = attrs.field(converter=Role)
    department: str = ""
    name: str = ""

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

    name: str = attrs.field()
    contact: str = ""
    phone: str = ""
    email: str = ""

    @name.validator
    def _check_name(self, _: attrs.Attribute[str], value: str) -> None:
        if not value.strip():
            raise ValidationError("department.name", value, "部门名称不能为空")
