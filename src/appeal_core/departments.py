"""The district's department registry: official names, short names, order and aliases as data.

Assignments name departments as clerks type them; the registry turns a known alias into the
official name and refuses an unknown one, naming the closest known names, so a typo never
becomes a new department in the figures.  Its order is the district's official order, which
decides ties in the ranking.  Without a registry every name is accepted as typed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import attrs

from appeal_core.errors import UnknownDepartment, ValidationError


def _names(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    out = tuple(str(v).strip() for v in value)
    if not all(out):
        raise ValidationError("department.aliases", value, "别名不能为空")
    return out


@attrs.frozen(kw_only=True)
class DepartmentEntry:
    """One department of the registry: its official name, short name, place and aliases."""

    name: str = attrs.field()
    short: str = ""
    order: int = 0
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_names)

    @name.validator
    def _check_name(self, _: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not value.strip() or value != value.strip():
            raise ValidationError("department.name", value, "部门名称不能为空，不能有首尾空白")


@attrs.frozen
class Registry:
    """The departments in force, in the district's order; empty means "no registry"."""

    entries: tuple[DepartmentEntry, ...] = ()

    def __attrs_post_init__(self) -> None:
        seen: dict[str, str] = {}
        for entry in self.entries:
            for key in {entry.name, entry.short, *entry.aliases} - {""}:
                if seen.setdefault(key, entry.name) != entry.name:
                    raise ValidationError(
                        "departments", key, f"同时是{seen[key]}和{entry.name}的名称或别名"
                    )

    @classmethod
    def of(cls, entries: Iterable[DepartmentEntry]) -> Registry:
        """A registry in the entries' ``order`` (then as listed)."""
        listed = list(entries)
        ranked = sorted(range(len(listed)), key=lambda k: (listed[k].order, k))
        return cls(tuple(listed[k] for k in ranked))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def names(self) -> tuple[str, ...]:
        """The official names in the district's order."""
        return tuple(e.name for e in self.entries)

    def resolve(self, name: str, field: str = "lead") -> str:
        """The official name for ``name`` (itself, its short name or an alias); without a
        registry ``name`` as given; ``UnknownDepartment`` with the closest names otherwise."""
        text = name.strip()
        if not self.entries:
            return text
        for entry in self.entries:
            if text in (entry.name, entry.short, *entry.aliases):
                return entry.name
        raise UnknownDepartment(field, name, self.closest(text))

    def closest(self, name: str, n: int = 3) -> tuple[str, ...]:
        """Up to ``n`` official names closest to ``name`` (by its names and aliases)."""
        keys = {k: e.name for e in self.entries for k in (e.name, e.short, *e.aliases) if k}
        found = difflib.get_close_matches(name, list(keys), n=n * 3, cutoff=0.4)
        by_contains = [k for k in keys if name and (name in k or k in name)]
        out: list[str] = []
        for key in [*by_contains, *found]:
            if keys[key] not in out:
                out.append(keys[key])
        return tuple(out[:n])

    def short(self, name: str) -> str:
        """The short name of ``name`` (its official name when it has none or is unknown)."""
        entry = next((e for e in self.entries if e.name == name), None)
        return (entry.short or entry.name) if entry else name
